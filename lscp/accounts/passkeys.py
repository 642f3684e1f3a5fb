"""Passkeys: django-otp-webauthn's JSON endpoints (its own JavaScript calls them), with the
second factor's bookkeeping (security events, the first factor's recovery codes) around them.

Included under /accounts/passkeys/ with the namespace its template tags expect ("otp_webauthn").
Passkeys are a second factor here, never a way to skip the password
(OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False)."""

from __future__ import annotations

from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn

from lscp.accounts import second_factor

app_name = "otp_webauthn"


class RegistrationMixin:
    def user_is_mfa_enrolled(self, user):
        # A session the identity provider's MFA verified may add a passkey like a verified one.
        if second_factor.satisfied(self.request):
            return False
        return super().user_is_mfa_enrolled(user)


class BeginRegistrationView(RegistrationMixin, webauthn.BeginCredentialRegistrationView):
    pass


class CompleteRegistrationView(RegistrationMixin, webauthn.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        first = not second_factor.has_factor(self.request.user)
        response = super().post(*args, **kwargs)
        device = second_factor.KINDS["passkey"].objects.get(pk=response_id(response))
        second_factor.enrolled(self.request, device, "passkey", first=first)
        return response


class AfterPasswordMixin:
    def check_can_authenticate(self):
        # Only as the second step of a sign-in: someone who has given their password.
        if not self.request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        super().check_can_authenticate()


class BeginAuthenticationView(AfterPasswordMixin, webauthn.BeginCredentialAuthenticationView):
    pass


class CompleteAuthenticationView(AfterPasswordMixin, webauthn.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        if device.user_id != self.request.user.pk:
            raise exceptions.CredentialNotFound()
        super().complete_auth(device)
        second_factor.passkey_verified(self.request, device)

    def get_success_url(self):
        return second_factor.safe_next(self.request)

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError) and self.request.user.is_authenticated:
            second_factor.passkey_failed(self.request)
        return super().handle_exception(exc)


def response_id(response) -> int:
    import json

    return json.loads(response.content)["id"]


urlpatterns = [
    path("registration/begin/", BeginRegistrationView.as_view(), name="credential-registration-begin"),
    path("registration/complete/", CompleteRegistrationView.as_view(), name="credential-registration-complete"),
    path("authentication/begin/", BeginAuthenticationView.as_view(), name="credential-authentication-begin"),
    path("authentication/complete/", CompleteAuthenticationView.as_view(), name="credential-authentication-complete"),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
