from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self) -> None:
        from cases import access, services
        from cases.models import InadmissibleReason, State
        from notifications import labels
        from notifications import services as notifications

        # Emails put the codes they carry into words (notifications import no app).
        labels.register("inadmissible_ground", InadmissibleReason.choices)
        # Mail that never reached a petitioner is news on their case (cases.news).
        notifications.register_bounce_listener(services.case_mail_undeliverable)
        labels.register("state", State.choices)
        # A migrate or a flush (tests) may create the permissions again, with new ids.
        post_migrate.connect(access.forget_work_permission, dispatch_uid="forget_work_permission")
