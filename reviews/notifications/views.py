"""Pages for notifications: the list, the question pages of a submission (answers kept in the
session until submitted), the case page with its clocks and timeline, and the business unit's
steps. `NotificationRecord` is the base of every page about one notification (the rapid review's
and the LCSPR's too)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from audits.quarters import FINANCIAL_YEARS, current_year_start
from lscp import deadlines, outbox
from lscp.activity.describe import words_for
from lscp.web.links import record_page_url
from lscp.web.lists import latest, paginate, sort
from lscp.web.views import PartnershipMixin, PartnershipPage, RecordFormView, RecordMixin, ServiceFormMixin
from partners.models import Member
from retention.permissions import CaseExportPolicy
from reviews import corrections
from reviews.notifications import models, selectors, services, statistics
from reviews.notifications.filters import NotificationFilter
from reviews.notifications.forms import (
    AnotherChildForm,
    CaseOfficerForm,
    ChildForm,
    CorrectionForm,
    CriteriaForm,
    IncidentForm,
    NotifierForm,
    PathwayForm,
    StepForm,
    SubmitForm,
    SummaryForm,
)
from reviews.notifications.permissions import NotificationPolicy
from reviews.notifications.steps import STEPS, next_step
from reviews.rapid_review.permissions import RapidReviewPolicy
from reviews.rapid_review.selectors import last_signature_date, rapid_review_for
from reviews.tracker.permissions import TrackerPolicy

# ----------------------------------------------------------------------------------------------
# The list


class NotificationListView(PartnershipPage):
    template_name = "reviews/notification_list.html"
    policy = NotificationPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        filters = NotificationFilter(params, queryset=selectors.notifications_for(self.ctx), request=self.request)
        # A value that is not one of the choices: the filters' error, and no rows rather than all of them.
        notifications, sorting = sort(
            self.request,
            filters.qs if filters.is_valid() else filters.queryset.none(),
            columns={
                "reference": "reference",
                "received": "received_on",
                "status": "status",
                "organisation": "notifying_member__organisation__name",
            },
            default="-received",
        )
        page = paginate(self.request, notifications)
        today = timezone.localdate()
        slug = self.ctx.partnership.slug
        rows = [
            (n, selectors.current_clock(n, today), record_page_url("notification-detail", slug, n.pk)) for n in page
        ]
        context.update(
            page=page,
            rows=rows,
            sorting=sorting,
            today=today,
            statuses=models.Status.choices,
            pathways=models.Pathway.choices,
            filter_form=filters.form,
            filters={
                "status": params.get("status", ""),
                "pathway": params.get("pathway", ""),
                "overdue": params.get("overdue") == "1",
                "q": params.get("q", ""),
            },
            can_submit=NotificationPolicy.can(self.ctx, "submit"),
            can_export=NotificationPolicy.can(self.ctx, "manage"),
            year_start=current_year_start(),
            export_years=range(current_year_start(), current_year_start() - 5, -1),
            can_see_details=NotificationPolicy.can(self.ctx, "view_details"),
            can_export_tracker=TrackerPolicy.can(self.ctx, "view"),
        )
        return context


class StatisticsExportView(PartnershipPage):
    """The financial year's notifications in the DfE statistics' breakdown (statistics.py), as
    XLSX or CSV; ?year=2026 for April 2026 to March 2027, this year by default."""

    policy = NotificationPolicy
    permission = "manage"
    kind = "xlsx"

    def get(self, request, *args, **kwargs):
        year = request.GET.get("year", "")
        year_start = int(year) if year.isascii() and year.isdigit() and int(year) in FINANCIAL_YEARS else None
        year_start = year_start or current_year_start()
        if self.kind == "csv":
            return statistics.csv_response(self.ctx, year_start)
        return statistics.xlsx_response(self.ctx, year_start)


# ----------------------------------------------------------------------------------------------
# Submission: question pages, check your answers, confirmation

QUESTIONS = ["pathway", "notifier", "incident", "child", "another-child", "summary"]


class Draft:
    """The answers so far, in the session under this partnership (JSON-safe values only)."""

    def __init__(self, request, slug: str):
        self.request = request
        self.session_key = f"notification-draft:{slug}"
        self.data = request.session.get(self.session_key)

    @property
    def exists(self) -> bool:
        return self.data is not None

    def start(self) -> None:
        self.data = {"key": uuid.uuid4().hex, "children": []}
        self.save()

    def save(self) -> None:
        self.request.session[self.session_key] = self.data
        self.request.session.modified = True

    def clear(self) -> None:
        self.request.session.pop(self.session_key, None)
        self.data = None

    def update(self, values: dict) -> None:
        self.data.update({k: _to_json(v) for k, v in values.items()})
        self.save()

    def get(self, name, default=None):
        return (self.data or {}).get(name, default)

    @property
    def children(self) -> list[dict]:
        return self.data.setdefault("children", [])

    def first_missing(self) -> str | None:
        if not self.get("pathway"):
            return "pathway"
        if not self.get("notifying_member"):
            return "notifier"
        if not self.get("aware_date"):
            return "incident"
        if not self.children:
            return "child"
        if not self.get("summary"):
            return "summary"
        return None


def _to_json(value):
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Member):
        return value.pk
    if hasattr(value, "__iter__") and not isinstance(value, (str, dict)):
        return [_to_json(v) for v in value]
    return value


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def _time(value):
    return dt.time.fromisoformat(value) if value else None


class QuestionView(PartnershipMixin, FormView):
    """One question page of a submission. `question` comes from the URL pattern."""

    policy = NotificationPolicy
    permission = "submit"
    question = ""
    forms = {
        "pathway": PathwayForm,
        "notifier": NotifierForm,
        "incident": IncidentForm,
        "child": ChildForm,
        "another-child": AnotherChildForm,
        "summary": SummaryForm,
    }
    titles = {
        "pathway": "How is the incident being notified?",
        "notifier": "Who is notifying?",
        "incident": "About the incident",
        "child": "About the child",
        "another-child": "Children",
        "summary": "Summary",
    }

    def dispatch(self, request, *args, **kwargs):
        self.question = kwargs.pop("question")
        return super().dispatch(request, *args, **kwargs)

    def setup_draft(self):
        self.draft = Draft(self.request, self.ctx.partnership.slug)
        if not self.draft.exists:
            self.draft.start()

    def get(self, request, *args, **kwargs):
        self.setup_draft()
        if self.too_many_children():
            return self.refuse_another_child()
        if self.children_full():
            return redirect(self.after_children())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_draft()
        if self.too_many_children():
            return self.refuse_another_child()
        if self.children_full():
            return redirect(self.after_children())
        return super().post(request, *args, **kwargs)

    def children_full(self) -> bool:
        """'Another child?' is not asked of a notification that already has the most it may."""
        return self.question == "another-child" and len(self.draft.children) >= services.MAX_CHILDREN

    def after_children(self) -> str:
        return self.check_url() if self.draft.get("summary") else self.next_url("summary")

    def get_template_names(self):
        return ["reviews/question.html"]

    def get_form_class(self):
        return self.forms[self.question]

    def child_index(self) -> int:
        """Which child this page is about: an existing one to change, or the next new one."""
        try:
            index = int(self.request.GET.get("child", len(self.draft.children) + 1))
        except ValueError:
            index = len(self.draft.children) + 1
        return max(1, min(index, len(self.draft.children) + 1))

    def too_many_children(self) -> bool:
        return self.question == "child" and self.child_index() > services.MAX_CHILDREN

    def refuse_another_child(self):
        messages.error(
            self.request,
            f"A notification can cover up to {services.MAX_CHILDREN} children: describe any others under "
            "'Other children involved'.",
        )
        return redirect(self.check_url() if self.draft.get("summary") else self.next_url("summary"))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.question != "another-child":
            kwargs["ctx"] = self.ctx
        return kwargs

    def get_initial(self):
        draft = self.draft
        if self.question == "pathway":
            offered = services.pathways_for(self.ctx)
            return {"pathway": draft.get("pathway") or (offered[0] if len(offered) == 1 else None)}
        if self.question == "notifier":
            user = self.ctx.user
            default_member = services.default_notifying_member(self.ctx)
            return {
                "notifying_member": draft.get("notifying_member") or (default_member.pk if default_member else None),
                "notifier_name": draft.get("notifier_name") or user.get_full_name(),
                "notifier_role": draft.get("notifier_role")
                or (self.ctx.membership.job_title if self.ctx.membership else ""),
                "notifier_email": draft.get("notifier_email") or user.email,
                "notifier_phone": draft.get("notifier_phone", ""),
            }
        if self.question == "incident":
            return {
                "incident_date": _date(draft.get("incident_date")),
                "incident_time": _time(draft.get("incident_time")),
                "aware_date": _date(draft.get("aware_date")),
                "location": draft.get("location"),
                "nature": draft.get("nature"),
                "abuse_or_neglect": draft.get("abuse_or_neglect"),
            }
        if self.question == "child":
            index = self.child_index()
            if index <= len(draft.children):
                child = draft.children[index - 1]
                return {
                    **child,
                    "looked_after": "yes" if child.get("looked_after") else "no",
                    "care_leaver": "yes" if child.get("care_leaver") else "no",
                }
            return {"home_area": services.default_home_area(self.ctx)}
        if self.question == "summary":
            return {"summary": draft.get("summary", ""), "other_children": draft.get("other_children", "")}
        return {}

    def next_url(self, question: str, **params) -> str:
        url = reverse(f"notification-new-{question}", args=[self.ctx.partnership.slug])
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return f"{url}?{query}" if query else url

    def check_url(self) -> str:
        return reverse("notification-new-check", args=[self.ctx.partnership.slug])

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        changing = self.request.GET.get("change") == "1"
        draft = self.draft
        if self.question == "child":
            index = self.child_index()
            data["looked_after"] = data["looked_after"] == "yes"
            data["care_leaver"] = data["care_leaver"] == "yes"
            data["known_to"] = [m.pk for m in data["known_to"]]
            if index <= len(draft.children):
                draft.children[index - 1] = data
            else:
                draft.children.append(data)
            draft.save()
            if changing:
                return redirect(self.check_url())
            if len(draft.children) >= services.MAX_CHILDREN:
                return redirect(self.next_url("summary"))
            return redirect(self.next_url("another-child"))
        if self.question == "another-child":
            if data["add_another"] == "yes" and len(draft.children) < services.MAX_CHILDREN:
                return redirect(self.next_url("child", child=len(draft.children) + 1))
            return redirect(self.check_url() if draft.get("summary") else self.next_url("summary"))
        draft.update(data)
        if changing:
            return redirect(self.check_url())
        following = {"pathway": "notifier", "notifier": "incident", "incident": "child", "summary": None}[self.question]
        return redirect(self.next_url(following) if following else self.check_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        title = self.titles[self.question]
        if self.question == "child":
            title = f"About child {self.child_index()}"
        context.update(title=title, question=self.question, children=self.draft.children, back=self.back_url())
        return context

    def back_url(self) -> str:
        if self.request.GET.get("change") == "1":
            return self.check_url()
        order = {
            "notifier": "pathway",
            "incident": "notifier",
            "child": "incident",
            "another-child": "child",
            "summary": "another-child",
        }
        previous = order.get(self.question)
        if self.question == "summary" and len(self.draft.children) >= services.MAX_CHILDREN:
            return self.next_url("child", child=len(self.draft.children))
        if previous is None:
            return reverse("notification-list", args=[self.ctx.partnership.slug])
        return self.next_url(previous)


class NewNotificationView(PartnershipMixin, TemplateView):
    """Start (or carry on with) a notification."""

    policy = NotificationPolicy
    permission = "submit"
    template_name = "reviews/new.html"

    def get(self, request, *args, **kwargs):
        draft = Draft(request, self.ctx.partnership.slug)
        if request.GET.get("restart") == "1" or not draft.exists:
            draft.start()
            return redirect(reverse("notification-new-pathway", args=[self.ctx.partnership.slug]))
        missing = draft.first_missing()
        if missing:
            return redirect(reverse(f"notification-new-{missing}", args=[self.ctx.partnership.slug]))
        return redirect(reverse("notification-new-check", args=[self.ctx.partnership.slug]))


def draft_answers(ctx, draft: Draft) -> dict:
    """The draft as the service takes it (members looked up in this partnership only)."""
    members = {m.pk: m for m in Member.objects.for_partnership(ctx.partnership).select_related("organisation")}
    children = [
        services.ChildAnswer(
            reference=child.get("reference", ""),
            age_years=child.get("age_years"),
            age_months=child.get("age_months"),
            sex=child.get("sex", ""),
            ethnicity=child.get("ethnicity", ""),
            looked_after=bool(child.get("looked_after")),
            home_area=child.get("home_area", ""),
            known_to=[members[pk] for pk in child.get("known_to", []) if pk in members],
            disability=child.get("disability", models.YesNoUnknown.UNKNOWN),
            plan=child.get("plan", models.Plan.UNKNOWN),
            known_to_agency=child.get("known_to_agency", models.YesNoUnknown.UNKNOWN),
            placement_type=child.get("placement_type", ""),
            care_leaver=bool(child.get("care_leaver")),
            resident_authority=child.get("resident_authority", ""),
        )
        for child in draft.children
    ]
    return {
        "submission_key": draft.get("key"),
        "pathway": draft.get("pathway", ""),
        "notifying_member": members.get(draft.get("notifying_member")),
        "notifier_name": draft.get("notifier_name", ""),
        "notifier_role": draft.get("notifier_role", ""),
        "notifier_email": draft.get("notifier_email", ""),
        "notifier_phone": draft.get("notifier_phone", ""),
        "incident_date": _date(draft.get("incident_date")),
        "incident_time": _time(draft.get("incident_time")),
        "aware_date": _date(draft.get("aware_date")),
        "location": draft.get("location", ""),
        "nature": draft.get("nature", ""),
        "abuse_or_neglect": draft.get("abuse_or_neglect", ""),
        "children": children,
        "summary": draft.get("summary", ""),
        "other_children": draft.get("other_children", ""),
    }


class CheckAnswersView(PartnershipMixin, ServiceFormMixin, FormView):
    policy = NotificationPolicy
    permission = "submit"
    template_name = "reviews/check_answers.html"
    form_class = SubmitForm

    def get(self, request, *args, **kwargs):
        self.draft = Draft(request, self.ctx.partnership.slug)
        if not self.draft.exists:
            return redirect(reverse("notification-new", args=[self.ctx.partnership.slug]))
        missing = self.draft.first_missing()
        if missing:
            return redirect(reverse(f"notification-new-{missing}", args=[self.ctx.partnership.slug]))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.draft = Draft(request, self.ctx.partnership.slug)
        key = request.POST.get("submission_key", "")
        if not self.draft.exists or self.draft.get("key") != key:
            # A second click after the first submit finished: show what the first one made.
            done = selectors.notification_submitted_as(self.ctx, key)
            if done is not None:
                return redirect(reverse("notification-submitted", args=[self.ctx.partnership.slug, done.pk]))
            return redirect(reverse("notification-new", args=[self.ctx.partnership.slug]))
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        return {"submission_key": self.draft.get("key")}

    def perform(self, form):
        notification = services.notification_submit(self.ctx, **draft_answers(self.ctx, self.draft))
        self.draft.clear()
        return notification

    def get_success_url(self):
        return reverse("notification-submitted", args=[self.ctx.partnership.slug, self.result.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        answers = draft_answers(self.ctx, self.draft)
        context.update(answers=answers, sections=answer_sections(self.ctx, answers), children=answers["children"])
        return context


def answer_sections(ctx, answers) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The check-your-answers summary lists: (heading, [(question, answer, change link)])."""
    slug = ctx.partnership.slug

    def change(question, **params):
        query = "&".join(["change=1", *[f"{k}={v}" for k, v in params.items()]])
        return reverse(f"notification-new-{question}", args=[slug]) + "?" + query

    def day(value):
        return value.strftime("%-d %B %Y") if value else "Not given"

    sections = [
        (
            "Notification",
            [
                ("Pathway", dict(models.Pathway.choices).get(answers["pathway"], ""), change("pathway")),
                (
                    "Notifying organisation",
                    str(answers["notifying_member"].organisation) if answers["notifying_member"] else "",
                    change("notifier"),
                ),
                (
                    "Person notifying",
                    ", ".join(filter(None, [answers["notifier_name"], answers["notifier_role"]])),
                    change("notifier"),
                ),
                (
                    "Contact",
                    ", ".join(filter(None, [answers["notifier_email"], answers["notifier_phone"]])),
                    change("notifier"),
                ),
            ],
        ),
        (
            "The incident",
            [
                (
                    "Date of the incident",
                    day(answers["incident_date"])
                    + (f" at {answers['incident_time']:%H:%M}" if answers["incident_time"] else ""),
                    change("incident"),
                ),
                ("Local authority became aware", day(answers["aware_date"]), change("incident")),
                ("Where", dict(models.Location.choices).get(answers["location"], ""), change("incident")),
                ("Nature of the incident", dict(models.Nature.choices).get(answers["nature"], ""), change("incident")),
                (
                    "Abuse or neglect",
                    dict(models.AbuseOrNeglect.choices).get(answers["abuse_or_neglect"], ""),
                    change("incident"),
                ),
            ],
        ),
    ]
    for index, child in enumerate(answers["children"], start=1):
        age = f"{child.age_years} years" if child.age_months is None else f"{child.age_months} months"
        sections.append(
            (
                f"Child {index}: {child.reference}",
                [
                    ("Age", age, change("child", child=index)),
                    ("Sex", dict(models.Sex.choices).get(child.sex, ""), change("child", child=index)),
                    (
                        "Ethnicity",
                        dict(models.ETHNICITY_CHOICES).get(child.ethnicity, ""),
                        change("child", child=index),
                    ),
                    ("Looked after", "Yes" if child.looked_after else "No", change("child", child=index)),
                    (
                        "Placement type",
                        dict(models.Placement.choices).get(child.placement_type, "Not given"),
                        change("child", child=index),
                    ),
                    ("Care leaver", "Yes" if child.care_leaver else "No", change("child", child=index)),
                    (
                        "Disability",
                        dict(models.YesNoUnknown.choices).get(child.disability, ""),
                        change("child", child=index),
                    ),
                    (
                        "Child in need or child protection plan",
                        dict(models.Plan.choices).get(child.plan, ""),
                        change("child", child=index),
                    ),
                    (
                        "Known to any agency",
                        dict(models.YesNoUnknown.choices).get(child.known_to_agency, ""),
                        change("child", child=index),
                    ),
                    (
                        "Local authority where the child lives",
                        child.resident_authority or "The notifying local authority",
                        change("child", child=index),
                    ),
                    ("Home area", child.home_area, change("child", child=index)),
                    (
                        "Known to",
                        ", ".join(str(m.organisation) for m in child.known_to) or "None recorded",
                        change("child", child=index),
                    ),
                ],
            )
        )
    sections.append(
        (
            "Summary",
            [
                ("Summary", answers["summary"], change("summary")),
                ("Other children involved", answers["other_children"] or "None", change("summary")),
            ],
        )
    )
    return sections


class RemoveChildView(PartnershipMixin, TemplateView):
    """Remove a child from the draft, once the person has confirmed it on this page (GOV.UK asks
    before a destructive action; the page works without JavaScript)."""

    policy = NotificationPolicy
    permission = "submit"
    template_name = "reviews/remove_child.html"

    def chosen(self, data) -> tuple[Draft, int | None]:
        draft = Draft(self.request, self.ctx.partnership.slug)
        try:
            index = int(data.get("child", "0"))
        except ValueError:
            index = 0
        return draft, index if draft.exists and 1 <= index <= len(draft.children) else None

    def back(self):
        return redirect(reverse("notification-new-check", args=[self.ctx.partnership.slug]))

    def get(self, request, *args, **kwargs):
        draft, index = self.chosen(request.GET)
        if index is None:
            return self.back()
        return self.render_to_response(self.get_context_data(number=index, child=draft.children[index - 1], form=None))

    def post(self, request, *args, **kwargs):
        draft, index = self.chosen(request.POST)
        if index is None:
            return self.back()
        if request.POST.get("confirm") != "yes":  # not confirmed: ask first
            return self.render_to_response(
                self.get_context_data(number=index, child=draft.children[index - 1], form=None)
            )
        draft.children.pop(index - 1)
        draft.save()
        messages.success(request, f"Child {index} has been removed")
        return self.back()


class SubmittedView(RecordMixin, TemplateView):
    template_name = "reviews/submitted.html"
    model = models.Notification
    policy = NotificationPolicy
    log_views = False


# ----------------------------------------------------------------------------------------------
# The case page


class NotificationDetailView(RecordMixin, TemplateView):
    template_name = "reviews/notification_detail.html"
    model = models.Notification
    policy = NotificationPolicy

    def get_queryset(self):
        return selectors.notification_detail_queryset(self.ctx)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notification = self.object
        today = timezone.localdate()
        clocks = [(d, deadlines.label_for(d), d.status_on(today)) for d in deadlines.clocks_for(notification)]
        manage = NotificationPolicy.can(self.ctx, "manage", notification)
        upcoming = next_step(notification) if manage else None
        context.update(
            evaluation=notification.evaluation,
            clocks=clocks,
            can_see_details=NotificationPolicy.can(self.ctx, "view_details", notification),
            can_see_rapid_review=RapidReviewPolicy.can(self.ctx, "view"),
            can_manage=manage,
            # Retention (issue 13): the whole case, for a subject access or disclosure request.
            can_export_case=CaseExportPolicy.can(self.ctx, "export", notification),
            next_step=upcoming,
            # Offered only when recording it would succeed: the service's own reason otherwise.
            next_step_refusal=services.step_refusal(notification, upcoming) if upcoming else None,
            next_step_url=reverse(f"notification-{upcoming.slug}", args=[self.ctx.partnership.slug, notification.pk])
            if upcoming
            else "",
            steps=STEPS,
            # The newest of each (issue 15: a case ten years overdue has thousands): the whole
            # history is the timeline's, a page of its own.
            escalations=latest(deadlines.escalations_of(notification)) if manage else [],
            emails=latest(outbox.emails_about(self.ctx.partnership, notification).order_by("created_at", "id"))
            if manage
            else [],
            timeline=latest(selectors.notification_changes(self.ctx, notification)) if manage else [],
        )
        return context


class NotificationFormView(RecordFormView):
    model = models.Notification
    policy = NotificationPolicy
    permission = "manage"
    template_name = "reviews/notification_form.html"
    heading = ""

    def get_initial(self):
        return {"version": self.object.version}

    def get_success_url(self):
        return reverse("notification-detail", args=[self.ctx.partnership.slug, self.object.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = self.heading
        return context


class CriteriaView(NotificationFormView):
    form_class = CriteriaForm
    heading = "Decide on the criteria"

    def get_initial(self):
        return {
            **super().get_initial(),
            "result": self.object.criteria_result,
            "rationale": self.object.criteria_rationale,
        }

    def perform(self, form):
        data = form.cleaned_data
        return services.decide_criteria(
            self.ctx, self.object, result=data["result"], rationale=data["rationale"], expected_version=data["version"]
        )

    def get_success_message(self):
        return "The criteria decision has been recorded"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["evaluation"] = self.object.evaluation
        return context


class CaseOfficerView(NotificationFormView):
    form_class = CaseOfficerForm
    heading = "Case officer"

    def get_initial(self):
        return {**super().get_initial(), "case_officer": self.object.case_officer_id}

    def perform(self, form):
        data = form.cleaned_data
        return services.set_case_officer(
            self.ctx, self.object, case_officer=data["case_officer"], expected_version=data["version"]
        )

    def get_success_message(self):
        return "The case officer has been changed"


class StepView(NotificationFormView):
    form_class = StepForm
    step = ""

    def dispatch(self, request, *args, **kwargs):
        self.step = kwargs.pop("step")
        self.spec = STEPS[self.step]
        self.heading = self.spec.label
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        refusal = services.step_refusal(self.object, self.spec)
        if refusal:
            messages.error(request, refusal)
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(spec=self.spec, notification=self.object)
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        if self.step == "rapid_review_completed":
            # The rapid review is complete on the day the third partner signed.
            initial[self.spec.date_input] = last_signature_date(rapid_review_for(self.object))
        return initial

    def perform(self, form):
        return services.record_step(
            self.ctx, self.object, step=self.step, expected_version=form.cleaned_data["version"], **form.step_values()
        )

    def get_success_message(self):
        return words_for(f"notification.{self.step}")  # the activity log's words: 'Rapid review started'


# ----------------------------------------------------------------------------------------------
# Pages about one notification decided by another policy (its rapid review, its LCSPR)


class CorrectionView(RecordFormView):
    """Correct a recorded date of the case, with a reason (reviews/corrections.py). Without a
    `field` the page lists the dates that can be corrected, each with its Change link.

    One view for every kind of reviews.corrections.CORRECTABLE, parametrised in the URLconf
    (`as_view(kind=..., model=..., policy=..., permission=..., detail_route=...)`): the page's
    object is the record itself (a notification, a request for information) or, for an LCSPR,
    the notification whose one record it is."""

    kind = "notification"
    model = models.Notification
    policy = NotificationPolicy
    permission = "manage"
    detail_route = "notification-detail"
    form_class = CorrectionForm
    template_name = "reviews/correction.html"
    heading = "Correct a recorded date"

    def authorize(self, request, **kwargs) -> None:
        super().authorize(request, **kwargs)
        kind = corrections.CORRECTABLE[self.kind]
        if isinstance(self.object, kind.model):
            self.record = self.object
        else:  # the notification's one record of this kind (its LCSPR)
            self.record = (
                kind.model.objects.for_partnership(self.ctx.partnership).filter(notification=self.object).first()
            )
            if self.record is None:
                raise Http404
        if not NotificationPolicy.can_see(self.ctx, corrections.notification_of(self.record)):
            raise Http404

    def field(self) -> str | None:
        name = self.request.POST.get("field") or self.request.GET.get("field")
        return name if name in corrections.correctable(self.record) else None

    def get_initial(self):
        field = self.field()
        return {"version": self.record.version, "field": field, "value": getattr(self.record, field) if field else None}

    def get_success_url(self):
        return reverse(self.detail_route, args=[self.ctx.partnership.slug, self.object.pk])

    def perform(self, form):
        data = form.cleaned_data
        if self.field() is None:
            raise ValidationError({"field": ["Choose a recorded date to correct"]})
        return corrections.correct(
            self.ctx,
            self.record,
            field=self.field(),
            value=data["value"],
            reason=data["reason"],
            version=data["version"],
            confirm=bool(data.get("confirm")),
        )

    def get_success_message(self):
        return f"{corrections.CORRECTABLE[self.kind].label(self.field())} has been corrected"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = corrections.CORRECTABLE[self.kind]
        field = self.field()
        context.update(
            heading=self.heading,
            field=field,
            field_label=kind.label(field) if field else "",
            recorded=[
                (name, kind.label(name), getattr(self.record, name)) for name in corrections.correctable(self.record)
            ],
            reference=corrections.notification_of(self.record).reference,
            back_url=self.get_success_url(),
            closed_on=corrections.case_closed_on(corrections.notification_of(self.record)),
        )
        if field:
            context["heading"] = f"Correct: {kind.label(field)[0].lower()}{kind.label(field)[1:]}"
        return context


class NotificationRecord(RecordMixin):
    """A page about one notification, decided by a policy other than NotificationPolicy: the
    notification must still be one this person may see."""

    model = models.Notification

    def get_queryset(self):
        return selectors.notification_detail_queryset(self.ctx)

    def authorize(self, request, **kwargs) -> None:
        super().authorize(request, **kwargs)
        if not NotificationPolicy.can_see(self.ctx, self.object):
            raise Http404

    def refuse(self, reason: str | None, url: str):
        return refused(self.request, reason, url)

    def get_context_data(self, **kwargs):
        # The case's navigation links only to the pages this person may open.
        context = super().get_context_data(**kwargs)
        context["can_see_rapid_review"] = RapidReviewPolicy.can(self.ctx, "view")
        return context


def refused(request, reason: str | None, url: str):
    """A step not allowed now (a service's *_refusal): the reason as a message and back to `url`;
    None when the step is allowed, so a page's GET shows its form only when the service would act."""
    if reason:
        messages.error(request, reason)
        return redirect(url)
    return None


class TimelineView(NotificationRecord, TemplateView):
    template_name = "reviews/timeline.html"
    policy = RapidReviewPolicy
    log_views = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A page at a time (paginate's list read is recorded for a queryset only: the case page's view is).
        context["page"] = paginate(self.request, selectors.timeline(self.ctx, self.object), per_page=100)
        return context
