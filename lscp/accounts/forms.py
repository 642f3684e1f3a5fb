"""The sign-in and set-password forms, as GOV.UK pages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError

from lscp.accounts import limits as sign_in_limits
from lscp.web.forms import GovukForm
from partners.models import Membership


class SignInForm(GovukForm, AuthenticationForm):
    username = forms.CharField(label="Username or email address", max_length=254)
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": (
            "Your access has been removed. If you think this is wrong, contact your partnership's business unit."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean(self):
        """Throttled while the address has too many failures (lscp.accounts.limits), refused
        while the account is locked; otherwise Django's check, hashing the password once."""
        username = self.cleaned_data.get("username")
        self.wait_seconds = 0
        if username and self.cleaned_data.get("password"):
            self.wait_seconds = sign_in_limits.address_wait(self.request, username)
            if self.wait_seconds:
                raise ValidationError(sign_in_limits.address_message(self.wait_seconds), code="throttled")
        try:
            return super().clean()
        except ValidationError as error:
            if getattr(self.request, "axes_locked_out", False):
                sign_in_limits.address_failed(self.request)
                self.wait_seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
                raise ValidationError(sign_in_limits.locked_message(), code="locked_out") from error
            if error.code == "invalid_login":
                sign_in_limits.address_failed(self.request)
            raise

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser and not Membership.objects.active_for_person(user).exists():
            raise ValidationError(self.error_messages["inactive"], code="inactive")


class GovukSetPasswordForm(GovukForm, SetPasswordForm):
    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields[
            "new_password1"
        ].help_text = "At least 12 characters and hard to guess: 3 or more random words work well"
        self.fields["new_password2"].label = "Confirm new password"
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"
