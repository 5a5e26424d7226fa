from django.urls import path

from cases.views import staff

app_name = "staff"

urlpatterns = [
    path("", staff.queue, name="queue"),
    path("cases/new/", staff.register, name="register"),
    path("people/", staff.search, name="search"),
    path("cases/<str:reference>/", staff.case_detail, name="case"),
    path("cases/<str:reference>/act/<str:action>/", staff.case_action, name="act"),
    path("cases/<str:reference>/attachments/<uuid:uid>/", staff.attachment, name="attachment"),
]
