from django.urls import include, path

from lscp.accounts import oidc, second_factor_views, sessions, views

urlpatterns = [
    path("accounts/sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("accounts/sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("accounts/session/", sessions.SessionRefreshView.as_view(), name="session-refresh"),
    path("accounts/api-tokens/", views.ApiTokensView.as_view(), name="account-tokens"),
    path("accounts/invitation/<str:token>/", views.InvitationView.as_view(), name="invitation-accept"),
    path("accounts/set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set-password"),
    # Second factor (lscp/accounts/second_factor.py)
    path("accounts/", second_factor_views.AccountView.as_view(), name="account"),
    path("accounts/second-factor/", second_factor_views.StepView.as_view(), name="second-factor"),
    path("accounts/second-factor/set-up/", second_factor_views.EnrolView.as_view(), name="second-factor-enrol"),
    path(
        "accounts/second-factor/authenticator-app/",
        second_factor_views.AppAddView.as_view(),
        name="second-factor-app",
    ),
    path(
        "accounts/second-factor/recovery-codes/",
        second_factor_views.RecoveryCodesView.as_view(),
        name="second-factor-recovery-codes",
    ),
    path(
        "accounts/second-factor/<str:kind>/<int:device_id>/remove/",
        second_factor_views.RemoveView.as_view(),
        name="second-factor-remove",
    ),
    path("accounts/passkeys/", include("lscp.accounts.passkeys")),
    # The identity provider (lscp/accounts/oidc.py): 404 unless one is configured. Named as
    # mozilla-django-oidc names them; its logout view is not used (sign-out is ours).
    path("accounts/oidc/authenticate/", oidc.AuthenticateView.as_view(), name="oidc_authentication_init"),
    path("accounts/oidc/callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
]
