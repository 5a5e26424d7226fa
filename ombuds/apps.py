from django.apps import AppConfig


class OmbudsConfig(AppConfig):
    name = "ombuds"
    verbose_name = "Ombuds"

    def ready(self) -> None:
        # Registers the system checks. Production refuses to start without valid keys with their
        # plain messages: management commands run the checks, and the WSGI and ASGI entry points
        # call `ombuds.checks.refuse_to_serve_without_keys` (gunicorn runs no checks of its own).
        from ombuds import checks  # noqa: F401
