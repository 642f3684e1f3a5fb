"""The second factor's pages: the step after the password, enrolment, and "Your account" (the
person's factors, adding and removing them, recovery codes). See lscp/accounts/second_factor.py."""

from __future__ import annotations

import base64

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.generic import FormView, TemplateView

from lscp.accounts import second_factor
from lscp.web.forms import GovukForm


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code",
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes",
        max_length=40,
        error_messages={"required": "Enter the code from your authenticator app or a recovery code"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "spellcheck": "false", "class": "govuk-input--width-10"}
        )


class AppForm(GovukForm):
    code = forms.CharField(
        label="Code from the app",
        help_text="The 6-digit code the app shows for this service",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )
    name = forms.CharField(
        label="Name (optional)",
        help_text="To tell your second factors apart, for example ‘Work phone’",
        max_length=64,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        )


class ConfirmForm(GovukForm):
    """A button and nothing else: the POST is the decision."""


class SignedInMixin(LoginRequiredMixin):
    pass


class StepView(SignedInMixin, FormView):
    """The second factor after a correct password: a passkey, an app's code or a recovery code."""

    template_name = "accounts/second_factor.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if second_factor.satisfied(request):
                return redirect(second_factor.safe_next(request))
            if not second_factor.has_factor(request.user):
                if second_factor.required():
                    return redirect(second_factor.step_url("enrol", second_factor.safe_next(request)))
                request.session.pop(second_factor.NEEDED_KEY, None)
                return redirect(second_factor.safe_next(request))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = second_factor.safe_next(self.request)
        context["has_passkey"] = second_factor.has_passkey(self.request.user)
        return context

    def form_valid(self, form):
        try:
            device = second_factor.verify_code(self.request, form.cleaned_data["code"])
        except second_factor.Throttled:
            form.add_error("code", "Too many wrong codes. Wait a minute, then enter the code your app shows then")
            return self.form_invalid(form)
        if device is None:
            form.add_error(
                "code", "Enter a correct code: the code your authenticator app shows now, or an unused recovery code"
            )
            return self.form_invalid(form)
        if isinstance(device, second_factor.StaticDevice):
            left = second_factor.recovery_codes_left(self.request.user)
            messages.warning(
                self.request,
                f"You used a recovery code. You have {left} left: generate new ones from your account page.",
            )
        return redirect(second_factor.safe_next(self.request))


class EnrolView(SignedInMixin, TemplateView):
    """A second factor is required and the person has none: they set one up before anything else."""

    template_name = "accounts/second_factor_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and second_factor.has_factor(request.user):
            return redirect(second_factor.step_url("verify", second_factor.safe_next(request)))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        next_url = second_factor.safe_next(self.request)
        context["next"] = next_url
        context["app_url"] = f"{reverse('second-factor-app')}?{_next_query(next_url)}"
        context["after_passkey_url"] = f"{reverse('second-factor-recovery-codes')}?{_next_query(next_url)}"
        return context


class AppAddView(SignedInMixin, FormView):
    """Add an authenticator app: a QR code (and the secret as text), saved once a code is right."""

    template_name = "accounts/second_factor_app.html"
    form_class = AppForm

    def dispatch(self, request, *args, **kwargs):
        if (
            request.user.is_authenticated
            and not second_factor.satisfied(request)
            and second_factor.has_factor(request.user)
        ):
            return redirect(second_factor.step_url("verify", second_factor.safe_next(request)))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        device = second_factor.pending_app(self.request)
        # Imported here: qrcode brings Pillow (about 4 MiB) into every process that loads the URLs.
        import qrcode
        import qrcode.image.svg

        svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).to_string()
        # Safe: qrcode draws the code as path data; no text of ours reaches the markup.
        context["qr_svg"] = mark_safe(  # noqa: S308
            svg.decode()
            .replace("<svg ", '<svg role="img" aria-labelledby="qr-title" ', 1)
            .replace(">", '><title id="qr-title">QR code to scan with your authenticator app</title>', 1)
        )
        secret = base64.b32encode(device.bin_key).decode()
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        context["next"] = second_factor.safe_next(self.request, reverse("account"))
        context["enrolling"] = not second_factor.has_factor(self.request.user)
        return context

    def form_valid(self, form):
        device = second_factor.add_app(self.request, code=form.cleaned_data["code"], name=form.cleaned_data["name"])
        if device is None:
            form.add_error("code", "Enter the 6-digit code your authenticator app shows now")
            return self.form_invalid(form)
        next_url = second_factor.safe_next(self.request, reverse("account"))
        if self.request.session.get(second_factor.FRESH_CODES_KEY):
            return redirect(f"{reverse('second-factor-recovery-codes')}?{_next_query(next_url)}")
        messages.success(self.request, "Your authenticator app has been added")
        return redirect(next_url)


class RecoveryCodesView(SignedInMixin, FormView):
    """New recovery codes (the old ones stop working), shown once."""

    template_name = "accounts/recovery_codes.html"
    form_class = ConfirmForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not second_factor.has_factor(request.user):
                return redirect("account")
            if not second_factor.satisfied(request):
                return redirect(second_factor.step_url("verify", request.get_full_path()))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.method == "GET":
            context["codes"] = self.request.session.pop(second_factor.FRESH_CODES_KEY, None)
        context["next"] = second_factor.safe_next(self.request, reverse("account"))
        context["left"] = second_factor.recovery_codes_left(self.request.user)
        return context

    def form_valid(self, form):
        self.request.session[second_factor.FRESH_CODES_KEY] = second_factor.generate_recovery_codes(self.request)
        return redirect("second-factor-recovery-codes")


class AccountView(SignedInMixin, TemplateView):
    """'Your account': the person's second factors, and where to add, remove or replace them."""

    template_name = "accounts/account.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("passkey") == "added":
            if request.session.get(second_factor.FRESH_CODES_KEY):
                return redirect("second-factor-recovery-codes")
            messages.success(request, "Your passkey has been added")
            return redirect("account")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.request.user
        context["factors"] = second_factor.factors(person)
        context["recovery_codes_left"] = second_factor.recovery_codes_left(person)
        context["required"] = second_factor.required()
        context["after_passkey_url"] = f"{reverse('account')}?passkey=added"
        return context


class RemoveView(SignedInMixin, FormView):
    template_name = "accounts/second_factor_remove.html"
    form_class = ConfirmForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.factor = second_factor.get_factor(request.user, kwargs["kind"], kwargs["device_id"])
            if self.factor is None:
                raise Http404("No such second factor")
            refusal = second_factor.removal_refusal(request.user, self.factor)
            if refusal:
                messages.error(request, refusal)
                return redirect("account")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["factor"] = self.factor
        return context

    def form_valid(self, form):
        try:
            second_factor.remove(self.request, self.factor)
        except ValidationError as error:
            form.add_service_errors(error)
            return self.form_invalid(form)
        messages.success(self.request, f"‘{self.factor.name}’ has been removed")
        return redirect("account")


def _next_query(next_url: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": next_url})
