"""Make an existing account a system administrator (the first one, in production)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ombuds.accesslog import record_access
from ombuds.duties import CASE_ROLES
from ombuds.models import User
from ombuds.roles import grant_sysadmin


class Command(BaseCommand):
    help = "Give an account the sysadmin role and the account permissions of the admin site."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named {username!r}.")
        held = set(user.groups.values_list("name", flat=True)) & set(CASE_ROLES)
        if held:
            raise CommandError(
                f"{username} holds a case role ({', '.join(sorted(held))}): a system"
                " administrator never does. Use another account."
            )
        grant_sysadmin(user)
        record_access(user=None, request=None, action="duty", case_reference="",
                      detail=f"bootstrap:grant_sysadmin,subject={user.pk}")  # fmt: skip
        self.stdout.write(f"{username} is a system administrator (recorded in the access log).")
