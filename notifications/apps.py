from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from notifications import checks, labels, receivers  # noqa: F401  (registers them)
        from notifications.alerts import DEADLINES, DIGEST_LINES, account_changed
        from notifications.selectors import oldest_due_seconds
        from notifications.services import announce_duty
        from ombuds import account_changes, duties, health
        from ombuds.roles import Role

        health.register("outbox_oldest_due_seconds", oldest_due_seconds)
        duties.register_announcer(announce_duty)
        account_changes.register(account_changed)
        labels.register("role", Role.choices)
        labels.register("deadline", DEADLINES.items())
        labels.register("digest", DIGEST_LINES.items())
