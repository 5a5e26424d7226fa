import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ombuds.settings")

application = get_asgi_application()

from ombuds.checks import refuse_to_serve_without_keys  # noqa: E402 - needs the apps loaded

refuse_to_serve_without_keys()
