"""Delete access-log rows older than OMBUDS_ACCESS_LOG_DAYS, keeping the chain verifiable.

Run it daily. It also deletes django-axes' failed-login records whose cool-off has ended (they
hold a username, a keyed pseudonym of the address and the user agent; axes itself removes them
only at the next login attempt).
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from ombuds.accesslog import purge


class Command(BaseCommand):
    help = (
        "Delete access-log rows older than OMBUDS_ACCESS_LOG_DAYS (default 730) days, and "
        "failed-login records past their cool-off."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge()
        days = settings.OMBUDS_ACCESS_LOG_DAYS
        self.stdout.write(f"{deleted} access-log rows older than {days} days deleted.")
        cool_off = get_cool_off()
        if cool_off is not None:  # None: lockouts never end, so their records stay
            expired = timezone.now() - cool_off
            attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=expired).delete()
            self.stdout.write(f"{attempts} expired failed-login records deleted.")
