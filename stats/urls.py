"""Statistics for auditors and the ombudsperson, mounted at /staff/statistics/."""

from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("crosstab/", views.crosstab, name="crosstab"),
    path("export/", views.export, name="export"),
    path("report/", views.report, name="report"),
]
