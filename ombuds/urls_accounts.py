"""Staff sign-in and the auditors' access log, mounted at /staff/ (namespace "accounts")."""

from django.urls import path

from ombuds import accounts

app_name = "accounts"

urlpatterns = [
    path("login/", accounts.login, name="login"),
    path("verify/", accounts.verify, name="verify"),
    path("enrol/", accounts.enrol, name="enrol"),
    path("logout/", accounts.logout, name="logout"),
    path("access-log/", accounts.access_log, name="access_log"),
]
