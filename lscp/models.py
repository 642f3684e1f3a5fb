"""Models of the cross-cutting mechanisms: the activity log, the email outbox, API tokens.

Their behaviour lives in lscp/activity.py and lscp/outbox.py; these are only the tables.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from knox.models import AbstractAuthToken

from lscp.tenancy import TenantManager, TenantOwned, TenantQuerySet


class AppendOnlyError(RuntimeError):
    pass


class ActivityQuerySet(TenantQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The activity log is append-only")

    def delete(self):
        raise AppendOnlyError("The activity log is append-only")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("The activity log is append-only")


class ActivityManager(TenantManager.from_queryset(ActivityQuerySet)):
    pass


class ActivityEvent(TenantOwned):
    """One row per write, per view of a record page, per list read and export, per refused request
    and per security event (sign-ins and failures, second factors, tokens ...). Never updated,
    never deleted.

    The ORM refuses changes (save of an existing row, delete, queryset update/delete), and
    database triggers refuse UPDATE and DELETE underneath it (migration 0003) and TRUNCATE
    (migration 0010). On PostgreSQL the database, not the caller, sets `at`, and chains each
    partnership's rows (and the installation's, `partnership` empty) by `seq` and `hash`
    (migration 0010; `manage.py verify_activity_log` checks the chains).

    `partnership` is empty for an installation-wide event only (a sign-in, a refusal naming no
    partnership there is); those rows are shown in admin, never on a partnership's log page.
    """

    url_kwarg = "activity_event_id"

    class Kind(models.TextChoices):
        WRITE = "write", "Change"
        VIEW = "view", "View"
        READ = "read", "List read"
        EXPORT = "export", "Export"
        REFUSAL = "refusal", "Refused"
        SECURITY = "security", "Security"

    partnership = models.ForeignKey(
        "partners.Partnership",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=True,
        editable=False,
        null=True,
        help_text="Empty for an installation-wide event (a sign-in, a refusal naming no partnership)",
    )
    # Set by the database (a BEFORE INSERT trigger on PostgreSQL overrides whatever is given).
    at = models.DateTimeField(db_default=Now(), editable=False, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    event = models.CharField(max_length=80)
    object_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    # What a read, export, refusal or security event was: filters and row counts, method, path and
    # status, a sign-in's method (never a password, key or code).
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    # The row's place in its chain and the chain's hash up to it (set by the database trigger).
    seq = models.BigIntegerField(null=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    dangerously_unscoped = models.Manager.from_queryset(ActivityQuerySet)()
    objects = ActivityManager()

    class Meta:
        ordering = ["-at", "-id"]
        default_manager_name = "dangerously_unscoped"
        base_manager_name = "dangerously_unscoped"
        indexes = [
            # The log page's keyset pagination (newest first, `id` breaking ties of one
            # transaction's `at`) and its exact event filter, without sorting the partnership's rows.
            models.Index(fields=["partnership", "-at", "-id"], name="activity_partnership_at_id"),
            models.Index(fields=["partnership", "event", "-at", "-id"], name="activity_partnership_event"),
            models.Index(fields=["partnership", "object_type", "object_id"], name="activity_object"),
            # (The chain trigger's index, activity_chain_last, is migration 0013's: SQLite, the
            # demo's database, cannot declare NULLS LAST in an index.)
        ]
        constraints = [models.UniqueConstraint(fields=["partnership", "seq"], name="activity_chain_seq_once")]

    def __str__(self) -> str:
        at = f"{self.at:%Y-%m-%d %H:%M}" if isinstance(self.at, dt.datetime) else "(not saved)"
        return f"{at} {self.event} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The activity log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The activity log is append-only")


class OutboxEmail(TenantOwned):
    """An email decided on inside a business transaction, delivered after it commits.

    `key` is unique: deciding the same email twice (two sweeps, a retried task) finds the row that
    is already there instead of adding a second. Each recipient's copy is delivered and tracked on
    its own (`OutboxDelivery`): a mail server that refuses one recipient for a while delays that
    recipient's copy alone, and a permanent refusal is shown on the record. The email's status,
    attempts and last error sum up its deliveries.
    """

    url_kwarg = "outbox_email_id"

    # TenantOwned's, without an index of its own: outbox_about (partnership, about_type, about_id)
    # leads with it.
    partnership = models.ForeignKey(
        "partners.Partnership", on_delete=models.PROTECT, related_name="+", db_index=False, editable=False
    )

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENT = "sent", "Sent"
        REFUSED = "refused", "Not delivered to everyone"
        NO_RECIPIENTS = "no_recipients", "Nobody to send it to"

    # Unique by a constraint (outbox_email_key below), not unique=True, which on PostgreSQL adds a
    # second index (varchar_pattern_ops, for LIKE) that nothing reads and every insert pays for:
    # escalation writes thousands of these rows a second (issue 15's bench).
    key = models.CharField(max_length=200)
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=250)
    body = models.TextField()
    # The record the email is about (a case, an action ...), shown on that record's page.
    about_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    about_id = models.CharField(max_length=64, blank=True)
    message_id = models.CharField(max_length=200, editable=False)  # unique: outbox_email_message_id
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0, help_text="The most attempts any one recipient's copy took")
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the last recipient's copy was accepted")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], name="outbox_email_key"),
            models.UniqueConstraint(fields=["message_id"], name="outbox_email_message_id"),
        ]
        indexes = [
            models.Index(fields=["partnership", "about_type", "about_id"], name="outbox_about"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"

    def save(self, *args, **kwargs):
        if not self.message_id:
            from lscp.outbox import new_message_id

            self.message_id = new_message_id()
        super().save(*args, **kwargs)


class OutboxDelivery(TenantOwned):
    """One recipient's copy of an outbox email. Each attempt is counted (and its back-off set) in
    its own commit before the SMTP conversation starts, and its result in another: a worker killed
    mid-send leaves a visible attempt that is retried after the back-off, and re-sends at most this
    one copy, with the same Message-ID."""

    url_kwarg = "outbox_delivery_id"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENT = "sent", "Sent"
        REFUSED = "refused", "Refused by the mail server"

    # No index of its own: outbox_delivery_once (email, recipient) serves every lookup by email.
    email = models.ForeignKey(OutboxEmail, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    recipient = models.CharField(max_length=254)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email", "recipient"]
        constraints = [models.UniqueConstraint(fields=["email", "recipient"], name="outbox_delivery_once")]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"], condition=models.Q(status="pending"), name="outbox_delivery_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email.subject} → {self.recipient} ({self.get_status_display()})"


# ----------------------------------------------------------------------------------------------
# The working-day calendar and the deadline engine (lscp/workdays.py, lscp/deadlines.py)


class CalendarOverride(TenantOwned):
    """A date the partnership treats differently from England's bank-holiday calendar."""

    url_kwarg = "calendar_override_id"

    date = models.DateField()
    is_working_day = models.BooleanField(
        help_text="Ticked: a bank holiday the partnership works. Unticked: a weekday the partnership is closed."
    )
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "date"],
                name="calendar_override_once",
                violation_error_message="This date already has an override",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%-d %b %Y}: {'working day' if self.is_working_day else 'closed'} ({self.reason})"


class EscalationSettings(TenantOwned):
    """The partnership's escalation ladder (one row per partnership; defaults when absent)."""

    url_kwarg = "escalation_settings_id"

    reminder_days_before = models.PositiveSmallIntegerField(default=2)
    repeat_every_days = models.PositiveSmallIntegerField(default=5)
    business_unit_manager = models.ForeignKey(
        "partners.Membership", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership"], name="escalation_settings_once")]

    def __str__(self) -> str:
        return f"Escalation settings of {self.partnership}"


class DeadlinePolicy(TenantOwned):
    """A partnership's local policy for one kind of clock (defaults when absent)."""

    url_kwarg = "deadline_policy_id"

    kind = models.CharField(max_length=40)
    length = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=10, choices=[("working", "working days"), ("calendar", "calendar days")])
    start = models.CharField(
        max_length=40, blank=True, help_text="Which event starts the clock, where there is a choice"
    )

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["partnership", "kind"], name="deadline_policy_once")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.length} {self.get_unit_display()}"


class Deadline(TenantOwned):
    """One clock on one record: what is due, by when, whether it was met, and how the date was
    worked out. Its escalation state says which step comes next and when (`next_escalation_on`,
    indexed for open clocks), so the sweep reads only clocks whose next step is due."""

    url_kwarg = "deadline_id"

    # TenantOwned's, without an index of its own: deadline_partnership_kind and deadline_open lead
    # with it. Nor has the subject's type one: deadline_once_per_subject leads with the subject.
    partnership = models.ForeignKey(
        "partners.Partnership", on_delete=models.PROTECT, related_name="+", db_index=False, editable=False
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", db_index=False)
    subject_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=40)
    starts_on = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    met_on = models.DateField(null=True, blank=True)
    length = models.SmallIntegerField(default=0)
    unit = models.CharField(max_length=10, default="working")
    explanation = models.CharField(max_length=300, blank=True)
    next_escalation_on = models.DateField(null=True, blank=True)
    # The first repetition number of the current escalation ladder. Raised when the due date moves
    # after steps were decided, so the new date gets its own reminder, due and overdue steps.
    ladder_base = models.PositiveSmallIntegerField(default=0)
    # The last escalation that failed for this clock alone (its neighbours in the sweep went on);
    # shown to the business unit on the deadlines page, cleared when an escalation succeeds.
    escalation_error = models.TextField(blank=True)
    escalation_failed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id", "kind"], name="deadline_once_per_subject")
        ]
        indexes = [
            models.Index(
                fields=["next_escalation_on"],
                condition=models.Q(met_on__isnull=True, next_escalation_on__isnull=False),
                name="deadline_escalation_due",
            ),
            models.Index(fields=["partnership", "kind", "due_date"], name="deadline_partnership_kind"),
            models.Index(
                fields=["partnership", "escalation_failed_at"],
                condition=models.Q(escalation_failed_at__isnull=False),
                name="deadline_escalation_failed",
            ),
            # The open clocks (started, not met), by kind of record and due date, with the record
            # in the index: "overdue" (deadlines.overdue_clocks) reads a partnership's few hundred
            # from here, not every clock of ten years (issue 15: the cases list's overdue filter
            # 105 to 10 ms, the API's overdue actions counted in 5 ms).
            models.Index(
                fields=["partnership", "subject_type", "due_date"],
                include=["subject_id", "kind"],
                condition=models.Q(met_on__isnull=True, starts_on__isnull=False, due_date__isnull=False),
                name="deadline_open",
            ),
            # The same clocks by due date: the home page's "due in the next 5 working days, and
            # overdue" reads its first 50 in order from here (issue 15: 13 ms to 0.3 ms).
            models.Index(
                fields=["partnership", "due_date"],
                condition=models.Q(met_on__isnull=True, due_date__isnull=False),
                name="deadline_open_by_due",
            ),
            # The dashboard (issue 15): its timeliness read from the index alone, in the order of
            # its grouping (kind); the span of the met clocks' dates in four index lookups (the
            # working-day counts its medians read); the latest late clocks by a walk back from the
            # latest due date, not a sort of every clock.
            models.Index(
                fields=["partnership", "kind"],
                include=["starts_on", "due_date", "met_on", "id"],
                condition=models.Q(starts_on__isnull=False, due_date__isnull=False),
                name="deadline_timeliness",
            ),
            models.Index(
                fields=["partnership", "starts_on"],
                condition=models.Q(met_on__isnull=False),
                name="deadline_met_starts",
            ),
            models.Index(
                fields=["partnership", "met_on"], condition=models.Q(met_on__isnull=False), name="deadline_met_on"
            ),
            models.Index(
                fields=["partnership", "-due_date", "-id"],
                condition=models.Q(starts_on__isnull=False, due_date__isnull=False),
                name="deadline_latest_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} due {self.due_date}" if self.due_date else f"{self.kind} (not started)"

    def status_on(self, today) -> str:
        """pending | open | overdue | met | met_late."""
        if self.starts_on is None or self.due_date is None:
            return "pending"
        if self.met_on is not None:
            return "met" if self.met_on <= self.due_date else "met_late"
        return "overdue" if today > self.due_date else "open"


class Escalation(TenantOwned):
    """One step of a clock's ladder, decided once: (clock, step, repetition) is unique, so two
    sweeps, a retried task or a restarted worker cannot decide it twice."""

    url_kwarg = "escalation_id"

    class Step(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        DUE = "due", "Due today"
        OVERDUE = "overdue", "Overdue"

    # No index of its own: escalation_step_once (deadline, step, repetition) serves every lookup by clock.
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="escalations", db_index=False)
    step = models.CharField(max_length=10, choices=Step.choices)
    repetition = models.PositiveSmallIntegerField(default=0)
    ladder_base = models.PositiveSmallIntegerField(
        default=0,
        help_text="The clock's ladder_base when this step was decided: the step's number within the ladder of "
        "its due date is repetition minus this",
    )
    step_date = models.DateField(help_text="The day this step fell due")
    decided_at = models.DateTimeField(default=timezone.now)
    email = models.ForeignKey(OutboxEmail, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    superseded = models.BooleanField(
        default=False, help_text="A later step was already due when this one was decided, so this one was not sent"
    )
    # Overdue repeats passed over at once (a clock escalated long after it fell overdue) are one
    # row: this one's repetition up to and including through_repetition.
    through_repetition = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "step_date", "id"]
        constraints = [models.UniqueConstraint(fields=["deadline", "step", "repetition"], name="escalation_step_once")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} #{self.repetition} for {self.deadline}"

    @property
    def repeat(self) -> int:
        """0 for a step's first time under its due date, 1 for its first repeat, and so on (the
        count starts again when the due date moves)."""
        return self.repetition - self.ladder_base

    @property
    def repeat_through(self) -> int | None:
        """The last repeat this row stands for, when it stands for several passed over at once."""
        if self.through_repetition is None or self.through_repetition == self.repetition:
            return None
        return self.through_repetition - self.ladder_base


def _document_path(instance, filename):  # kept for migrations; names are set by lscp.documents.attach
    return f"documents/{filename}"


class Document(TenantOwned):
    """An uploaded file attached to a record. Stored under MEDIA_ROOT (outside the web root: no
    URL serves it); downloaded only through lscp.documents.DocumentDownloadView."""

    url_kwarg = "document_id"

    about_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    about_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=_document_path, max_length=300)
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["partnership", "about_type", "about_id"], name="document_about")]

    def __str__(self) -> str:
        return self.title


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox's token, swapped in by KNOX_TOKEN_MODEL): only the digest of
    the key is stored, and its first characters (`token_key`) to find it. A personal token has
    no partnership; an agency system's token names the partnership it was issued in. Behaviour in
    lscp/tokens.py.

    Not tenant-owned: the token is read to find out who is calling, before any partnership is
    known (and an installation-wide person's tokens belong to none)."""

    name = models.CharField(max_length=100, help_text="The client or system that uses the token")
    partnership = models.ForeignKey(
        "partners.Partnership", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name or 'API token'} ({self.token_key}…)"
