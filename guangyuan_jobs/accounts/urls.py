from django.contrib.auth import views as auth_views
from django.urls import path

from guangyuan_jobs.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.AccountLoginView.as_view(), name="login"),
    path("login/sms/", views.login_sms, name="login_sms"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("register/sms/", views.sms_send, name="sms_send"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("me/", views.profile, name="profile"),
    path("me/payee-account/", views.payee_account, name="payee_account"),
    path("me/password/", views.AccountPasswordChangeView.as_view(), name="password_change"),
    path("security/lockouts/", views.lockout_list, name="lockout_list"),
    path("security/lockouts/unlock/", views.lockout_unlock, name="lockout_unlock"),
    path("security/users/", views.security_user_list, name="security_user_list"),
    path("security/users/<int:user_id>/reset-otp/", views.otp_reset, name="otp_reset"),
]
