from django.urls import path

from notifications import views

app_name = "outbox"

urlpatterns = [
    path("failed/", views.dead_letters, name="dead_letters"),
    path("failed/retry/", views.retry, name="retry"),
]
