from django.apps import AppConfig
from django.conf import settings


class OmbudsConfig(AppConfig):
    name = "ombuds"
    verbose_name = "Ombuds"

    def ready(self) -> None:
        from ombuds import checks, crypto  # noqa: F401 - registers the system checks

        if settings.PRODUCTION:
            # Refuse to start without valid keys, whatever the entry point (gunicorn included).
            crypto.keyring()
