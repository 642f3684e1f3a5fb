"""Signing in and out, setting a password from a reset email, accepting an invitation, your API
tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.generic import TemplateView

from lscp import tokens
from lscp.accounts import oidc, second_factor
from lscp.accounts.forms import GovukSetPasswordForm, SignInForm
from lscp.states import StateError
from partners import services as partner_services
from partners.models import Person


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


class ApiTokensView(LoginRequiredMixin, TemplateView):
    """Your own API tokens (never their keys): name, prefix, when made, used and ending; each with
    a Revoke button (a POST of its prefix; another person's, or none, is a 404)."""

    template_name = "accounts/api_tokens.html"
    http_method_names = ["get", "post", "head", "options"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tokens"] = tokens.personal_tokens(self.request.user)
        context["ttl_hours"] = settings.LSCP_TOKEN_TTL_HOURS
        return context

    def post(self, request, *args, **kwargs):
        token = tokens.personal_token_revoke(
            person=request.user, prefix=request.POST.get("prefix", ""), request=request
        )
        messages.success(request, f"The token ‘{token.name}’ ({token.token_key}…) has been revoked")
        return redirect("account-tokens")


class InvitationView(TemplateView):
    """Where an invitation's link lands (partners.services, "Invitations"). A link that cannot be
    used says why. Signed in as the invited address: confirm, and the role is yours. Signed in as
    someone else: sign out first. Not signed in: an address with an account signs in (and comes
    back here); one without chooses a password (the set-password page's checks), and the account
    is made with the names the business unit typed. Only the link's holder, who reads the email
    sent to that address, learns here whether it has an account."""

    template_name = "accounts/invitation.html"
    http_method_names = ["get", "post", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        try:
            self.invitation = partner_services.invitation_from_link(kwargs["token"])
        except partner_services.InvitationRefused as refusal:
            return render(request, "accounts/invitation.html", {"refusal": str(refusal)})
        return super().dispatch(request, *args, **kwargs)

    def mode(self) -> str:
        user = self.request.user
        if user.is_authenticated:
            return "confirm" if user.email.strip().lower() == self.invitation.email else "someone-else"
        return "sign-in" if partner_services.invitation_has_account(self.invitation) else "new"

    def password_form(self, data=None):
        invitation = self.invitation
        person = Person(
            username=invitation.email,
            email=invitation.email,
            first_name=invitation.first_name,
            last_name=invitation.last_name,
        )
        return GovukSetPasswordForm(person, data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mode = self.mode()
        context.update(invitation=self.invitation, mode=mode, next=self.request.get_full_path())
        if mode == "new":
            context.setdefault("form", self.password_form())
        return context

    def post(self, request, *args, **kwargs):
        mode = self.mode()
        invitation = self.invitation
        try:
            if mode == "confirm":
                partner_services.invitation_accept(invitation=invitation, person=request.user, request=request)
                messages.success(
                    request, f"You are now {invitation.get_role_display().lower()} in {invitation.partnership}"
                )
                return redirect("partnership-home", invitation.partnership.slug)
            if mode == "new":
                form = self.password_form(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(form=form))
                partner_services.invitation_accept_new(
                    invitation=invitation, password=form.cleaned_data["new_password1"], request=request
                )
                return redirect(reverse("sign-in") + "?password=set")
        except StateError as error:
            return render(request, "accounts/invitation.html", {"refusal": str(error)})
        return self.render_to_response(self.get_context_data())
