from django.urls import path

from cases.views import respondents, retention, staff

app_name = "staff"

urlpatterns = [
    path("", staff.queue, name="queue"),
    path("cases/new/", staff.register, name="register"),
    path("respondents/", respondents.respondent_bodies, name="respondent_bodies"),
    path("people/", staff.search, name="search"),
    path("cases/<str:reference>/", staff.case_detail, name="case"),
    path("cases/<str:reference>/respondent/", respondents.code_respondent, name="code_respondent"),
    path("cases/<str:reference>/act/<str:action>/", staff.case_action, name="act"),
    path("cases/<str:reference>/print/", staff.case_print, name="print"),
    path("cases/<str:reference>/attachments/<uuid:uid>/", staff.attachment, name="attachment"),
    path("held/", retention.held_cases, name="held_cases"),
    path("cases/<str:reference>/legal-hold/", retention.legal_hold, name="legal_hold"),
    path("cases/<str:reference>/erase/", retention.erase, name="erase"),
    path(
        "cases/<str:reference>/attachments/<uuid:uid>/preview/",
        staff.attachment,
        {"preview": True},
        name="attachment_preview",
    ),
]
