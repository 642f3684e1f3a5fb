"""Base views for partnership pages, and the pages outside any partnership (sign in, the list
of your partnerships, errors)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.generic import FormView, TemplateView

from lscp import activity, sign_in_limits, tenancy
from lscp.forms import GovukForm
from lscp.permissions import Policy
from lscp.states import StaleVersion, StateError


class PartnershipMixin:
    """Every page under /<slug>/: sign-in required, then the tenant, then the policy.

    `self.ctx` is the TenantContext. A slug the person is not an active member of is a 404.
    """

    policy: type[Policy] | None = None
    action: str = "view"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.ctx = tenancy.resolve(request.user, kwargs["slug"])
        request.tenant = self.ctx
        self.authorize(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def authorize(self, request, **kwargs) -> None:
        if self.policy is not None:
            self.policy.require(self.ctx, self.get_action())

    def get_action(self) -> str:
        return self.action

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tenant"] = self.ctx
        context["partnership"] = self.ctx.partnership
        return context


class RecordMixin(PartnershipMixin):
    """A page about one tenant-owned record: fetched through the scoped path, checked by the
    policy against the object (hidden is 404, not allowed is 403), and each GET of the page is
    written to the activity log as a view."""

    model = None
    log_views = True

    def get_queryset(self):
        return self.model.objects.for_partnership(self.ctx.partnership)

    def authorize(self, request, **kwargs) -> None:
        super().authorize(request, **kwargs)
        self.object = tenancy.get_scoped_or_404(
            self.get_queryset(),
            partnership=self.ctx.partnership,
            **{self.model.url_field: kwargs[self.model.get_url_kwarg()]},
        )
        if self.policy is not None:
            self.policy.require(self.ctx, self.get_action(), self.object)
        if request.method == "GET" and self.log_views:
            activity.record_view(self.ctx, self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        return context


class PartnershipPage(PartnershipMixin, TemplateView):
    pass


def show_stale(form, error: StaleVersion) -> None:
    """Someone else saved first: keep what this person typed, with the version there is now, so
    that saving again is their informed choice; say why above the form."""
    if error.version is not None and "version" in form.fields:
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = str(error.version)
    form.add_error(None, str(error))


def run_for_form(view, form, action, *, success_url: str, message: str | Callable[[Any], str] = ""):
    """One service call for a hand-built form page: on success the confirmation (`message`, or
    `message(result)`) and a redirect to `success_url`; None when the form is to be shown again,
    its service errors by their fields (or a stale version's notice, the input kept); another
    state error is a message on `success_url`, nothing changed."""
    try:
        with transaction.atomic():
            view.result = action()
    except ValidationError as error:
        form.add_service_errors(error)
        return None
    except StaleVersion as error:
        show_stale(form, error)
        return None
    except StateError as error:
        messages.error(view.request, str(error))
        return redirect(success_url)
    if callable(message):
        message = message(view.result)
    if message:
        messages.success(view.request, message)
    return redirect(success_url)


class ServiceFormMixin:
    """A form whose valid data goes to one service call. A service ValidationError lands by its
    fields with the input kept, and so does a stale version (above them, with the version there
    is now); a success redirects with a confirmation message. Other state errors are the view's
    to show."""

    success_message = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["ctx"] = self.ctx
        return kwargs

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.result = self.perform(form)
        except ValidationError as error:
            form.add_service_errors(error)
            return self.form_invalid(form)
        except StaleVersion as error:
            show_stale(form, error)
            return self.form_invalid(form)
        message = self.get_success_message()
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url())

    def get_success_message(self) -> str:
        return self.success_message


class PartnershipFormView(PartnershipMixin, ServiceFormMixin, FormView):
    pass


class RecordFormView(RecordMixin, ServiceFormMixin, FormView):
    log_views = False

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())


# ----------------------------------------------------------------------------------------------
# Outside any partnership


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
        from partners.models import Person

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
        from partners.models import Membership

        super().confirm_login_allowed(user)
        if not user.is_superuser and not Membership.objects.active_for_person(user).exists():
            raise ValidationError(self.error_messages["inactive"], code="inactive")


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class GovukSetPasswordForm(GovukForm, SetPasswordForm):
    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = "At least 12 characters, not a common password"
        self.fields["new_password2"].label = "Confirm new password"
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Where an invitation or password-reset email lands."""

    template_name = "accounts/set_password.html"
    form_class = GovukSetPasswordForm
    post_reset_login = False
    success_url = "/accounts/sign-in/?password=set"


class PartnershipListView(TemplateView):
    """'Your partnerships': where a person chooses (and later switches) partnership."""

    template_name = "partnership_list.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from partners.models import Membership

        context = super().get_context_data(**kwargs)
        context["memberships"] = (
            Membership.objects.active_for_person(self.request.user)
            .select_related("partnership", "member__organisation")
            .order_by("partnership__name")
        )
        return context


class AccessibilityView(TemplateView):
    template_name = "accessibility.html"


def error_403(request, exception=None):
    return render(request, "errors/403.html", {"message": str(exception or "")}, status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    return render(request, "errors/500.html", status=500)
