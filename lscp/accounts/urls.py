from django.urls import path

from lscp.accounts import oidc, views

urlpatterns = [
    path("accounts/sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("accounts/sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("accounts/set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set-password"),
    # The identity provider (lscp/accounts/oidc.py): 404 unless one is configured. Named as
    # mozilla-django-oidc names them; its logout view is not used (sign-out is ours).
    path("accounts/oidc/authenticate/", oidc.AuthenticateView.as_view(), name="oidc_authentication_init"),
    path("accounts/oidc/callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
]
