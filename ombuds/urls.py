from django.urls import include, path
from django.views.i18n import set_language

from ombuds.admin import site as admin_site
from ombuds.health import healthz

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    # Staff sign-in, the access log and the account admin come before the case pages.
    path("staff/admin/", admin_site.urls),
    path("staff/", include("ombuds.urls_accounts")),
    path("staff/outbox/", include("notifications.urls")),
    path("staff/statistics/", include("stats.urls")),
    path("staff/", include("cases.staff_urls")),
    # ESP delivery webhooks (basic auth: ANYMAIL_WEBHOOK_SECRET); notifications records them.
    path("anymail/", include("anymail.urls")),
    path("", include("cases.urls")),
]
