"""Staff sign-in, one's own settings, the auditors' access log and the two-person requests,
at /staff/ ("accounts")."""

from django.urls import path

from ombuds import accounts, duty_views, profile

app_name = "accounts"

urlpatterns = [
    path("login/", accounts.login, name="login"),
    path("verify/", accounts.verify, name="verify"),
    path("enrol/", accounts.enrol, name="enrol"),
    path("recover/", accounts.recover, name="recover"),
    path("backup-codes/", accounts.backup_codes, name="backup_codes"),
    path("logout/", accounts.logout, name="logout"),
    path("access-log/", accounts.access_log, name="access_log"),
    path("duties/", duty_views.duties_page, name="duties"),
    path("duties/decide/", duty_views.duty_decide, name="duty_decide"),
    path("profile/", profile.profile, name="profile"),
]
