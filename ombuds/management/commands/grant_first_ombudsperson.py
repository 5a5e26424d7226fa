"""`manage.py grant_first_ombudsperson USERNAME`: the one role grant made without a second
person, on the server's command line, while the office has no ombudsperson yet (there is nobody
to approve it). Recorded in the access log. Every later grant goes through /staff/duties/."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ombuds.accesslog import record_access
from ombuds.models import User
from ombuds.roles import Role, ensure_groups


class Command(BaseCommand):
    help = "Make the first ombudsperson (only while there is none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named {username!r}.")
        if User.objects.filter(groups__name=Role.OMBUDSPERSON).exists():
            raise CommandError("There is an ombudsperson already: ask at /staff/duties/.")
        if user.groups.filter(name=Role.SYSADMIN).exists():
            raise CommandError(
                f"{username} is a system administrator, who never holds a case role."
            )
        user.groups.add(ensure_groups()[Role.OMBUDSPERSON])
        record_access(user=None, request=None, action="duty", case_reference="",
                      detail=f"bootstrap:first_ombudsperson,subject={user.pk}")  # fmt: skip
        self.stdout.write(f"{username} is the first ombudsperson (recorded in the access log).")
