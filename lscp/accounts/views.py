"""Signing in and out, and setting a password from an invitation or reset email."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect

from lscp.accounts import oidc, second_factor
from lscp.accounts.forms import GovukSetPasswordForm, SignInForm


class SignInView(auth_views.LoginView):
    """The password; then, for a person with a second factor (or when one is required), the
    second-factor step or enrolment before anything else (lscp/accounts/second_factor.py)."""

    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        step = second_factor.pending_step(self.request)
        if step:
            return redirect(second_factor.step_url(step, self.get_success_url()))
        return response

    def get_context_data(self, **kwargs):
        # The identity provider's button and refusal, when one is configured (lscp/accounts/oidc.py).
        return super().get_context_data(**kwargs) | {"identity_provider": oidc.sign_in_context(self.request)}


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Where an invitation or password-reset email lands."""

    template_name = "accounts/set_password.html"
    form_class = GovukSetPasswordForm
    post_reset_login = False
    success_url = "/accounts/sign-in/?password=set"
