from django.urls import path

from cases.views import public

app_name = "cases"

urlpatterns = [
    path("", public.home, name="home"),
    path("complaint/", public.complaint, name="complaint"),
    path("track/", public.track, name="track"),
    path("track/case/", public.tracked, name="tracked"),
    path("track/case/add/", public.add_information, name="add_information"),
    path("track/case/withdraw/", public.withdraw, name="withdraw"),
    path("track/case/documents/<uuid:uid>/", public.document, name="document"),
    path("track/case/email/", public.email_updates, name="email_updates"),
    path("track/leave/", public.leave, name="leave"),
]
