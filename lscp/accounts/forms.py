"""The sign-in and set-password forms, as GOV.UK pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError

from lscp.accounts import limits as sign_in_limits
from lscp.web.forms import GovukForm
from partners.models import Membership, Person


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
        """Refused outright while the username or address has too many failed attempts; a wrong
        password adds to both counts, a success clears the username's."""
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        address = sign_in_limits.address_of(self.request)
        if username and sign_in_limits.refused(username, address):
            raise ValidationError(sign_in_limits.refusal_message(), code="too_many_attempts")
        try:
            cleaned = self._check(username, password)
        except ValidationError as error:
            if username and error.code == "invalid_login":
                sign_in_limits.failed(username, address)
            raise
        if username:
            sign_in_limits.succeeded(username)
        return cleaned

    def _check(self, username, password):
        if username and password:
            # A deactivated account with the right password is told so, not "wrong password".
            try:
                person = Person.objects.get_by_natural_key(username)
            except Person.DoesNotExist:
                person = None
            if person is not None and not person.is_active and person.check_password(password):
                raise ValidationError(self.error_messages["inactive"], code="inactive")
        return super().clean()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser and not Membership.objects.active_for_person(user).exists():
            raise ValidationError(self.error_messages["inactive"], code="inactive")


class GovukSetPasswordForm(GovukForm, SetPasswordForm):
    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = "At least 12 characters, not a common password"
        self.fields["new_password2"].label = "Confirm new password"
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"
