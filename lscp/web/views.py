"""Base views for partnership pages (the tenant, the policy, the record, the one way a form page
calls its service), and the pages outside any partnership (your partnerships, errors)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.generic import FormView, TemplateView

from lscp import activity, tenancy
from lscp.permissions import Policy
from lscp.states import StaleVersion, StateError
from partners.models import Membership
from partners.selectors import context_for


class PartnershipMixin:
    """Every page under /<slug>/: sign-in required, then the tenant, then the policy.

    `self.ctx` is the TenantContext. A slug the person is not an active member of is a 404.
    """

    policy: type[Policy] | None = None
    permission: str = "view"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.ctx = context_for(request.user, kwargs["slug"])
        request.tenant = self.ctx
        self.authorize(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def authorize(self, request, **kwargs) -> None:
        if self.policy is not None:
            self.policy.require(self.ctx, self.get_permission())

    def get_permission(self) -> str:
        return self.permission

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
            self.policy.require(self.ctx, self.get_permission(), self.object)
        if request.method == "GET" and self.log_views:
            activity.record_view(self.ctx, self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        return context


class PartnershipPage(PartnershipMixin, TemplateView):
    pass


class ServiceFormMixin:
    """The one way a form page calls its service.

    `run_service(form, call, success_url=..., message=...)` calls the service in a transaction:
    - success: the confirmation message and a redirect;
    - a ValidationError: its messages by their fields, the input kept, the form shown again;
    - a stale version (someone else saved first): the input kept, with the version there is now
      (so saving again is the person's informed choice) and the reason above the form; pages that
      show the other person's version beside the person's own extend `keep_stale`;
    - another state error (the step is no longer allowed): the reason as a message, a redirect,
      nothing changed.
    FormView pages implement `perform(form)`; pages with several forms call `run_service` for the
    form that was posted, with `render` to show the page again (default: `form_invalid`).
    """

    success_message = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["ctx"] = self.ctx
        return kwargs

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        return self.run_service(
            form, lambda: self.perform(form), success_url=self.get_success_url, message=self.get_success_message
        )

    def get_success_message(self) -> str:
        return self.success_message

    def run_service(
        self,
        form,
        call: Callable[[], Any],
        *,
        success_url: str | Callable[[], str],
        message: str | Callable[..., str] = "",
        failure_url: str | None = None,
        render: Callable[[], Any] | None = None,
    ):
        show = render or (lambda: self.form_invalid(form))
        try:
            with transaction.atomic():
                self.result = call()
        except ValidationError as error:
            form.add_service_errors(error)
            return show()
        except StaleVersion as error:
            self.keep_stale(form, error)
            return show()
        except StateError as error:
            messages.error(self.request, str(error))
            return redirect(failure_url or _resolve(success_url))
        if callable(message):
            message = message(self.result) if _takes_argument(message) else message()
        if message:
            messages.success(self.request, message)
        return redirect(_resolve(success_url))

    def keep_stale(self, form, error: StaleVersion) -> None:
        """Someone else saved first: keep what this person typed, with the version there is now,
        so that saving again is their informed choice; say why above the form. A page that shows
        the other person's version beside the person's own extends this (self.object is fresh)."""
        if error.version is not None and "version" in form.fields:
            form.data = form.data.copy()
            form.data[form.add_prefix("version")] = str(error.version)
        form.add_error(None, str(error))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form))


def _resolve(url: str | Callable[[], str]) -> str:
    return url() if callable(url) else url


def _takes_argument(function: Callable) -> bool:
    try:
        return bool(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return False


class PartnershipFormView(PartnershipMixin, ServiceFormMixin, FormView):
    pass


class RecordFormView(RecordMixin, ServiceFormMixin, FormView):
    log_views = False

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())


# ----------------------------------------------------------------------------------------------
# Outside any partnership


class PartnershipListView(TemplateView):
    """'Your partnerships': where a person chooses (and later switches) partnership."""

    template_name = "partnership_list.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
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
