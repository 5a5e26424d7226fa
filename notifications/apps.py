from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from notifications import checks, receivers  # noqa: F401  (registers them)
        from notifications.selectors import oldest_due_seconds
        from notifications.services import announce_duty
        from ombuds import duties, health

        health.register("outbox_oldest_due_seconds", oldest_due_seconds)
        duties.register_announcer(announce_duty)
