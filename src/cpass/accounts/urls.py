from django.urls import path

from cpass.accounts import views

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_otp, name="login_otp"),
    path("logout/", views.logout_view, name="logout"),
    path("verify/", views.verify_pending, name="verify_pending"),
    path("verify/resend/", views.resend_verification, name="resend_verification"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/email/", views.settings_email, name="settings_email"),
    path("security/", views.security, name="security"),
    path("security/password/", views.password_change, name="password_change"),
    path("security/two-factor/", views.totp_setup, name="totp_setup"),
    path("security/two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("security/two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("security/sessions/<int:session_id>/revoke/", views.session_revoke, name="session_revoke"),
    path("security/sessions/revoke-others/", views.sessions_revoke_others, name="sessions_revoke_others"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
