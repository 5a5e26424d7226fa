"""Complaints and their life: the case, the people in it, evidence and the event log.

Coded fields (state, dates, categories, outcome) stay plaintext for workflow and statistics;
identity, contact details, narrative, notes, messages and files are sealed (`ombuds.crypto`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, can_proceed, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases import clocks
from cases.codes import (  # noqa: F401 - the workflow's codes, re-exported (pyproject: mypy)
    Channel,
    DiscriminationGround,
    FilingMode,
    InadmissibleReason,
    Language,
    Outcome,
    RespondentType,
    Right,
    State,
    VulnerableGroup,
)
from ombuds.fields import SealedTextField
from ombuds.models import SealedModel, User

# File types staff may preview in the browser (cases.filetypes names the types).
PREVIEWABLE = frozenset({"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp"})

# States from which a petitioner may still withdraw (any open state before a decision).
WITHDRAWABLE = [
    State.RECEIVED,
    State.SCREENING,
    State.AWAITING_SUPPLEMENT,
    State.INVESTIGATION,
    State.MEDIATION,
]


# States that stop the processing clock.
PAUSED = {State.AWAITING_SUPPLEMENT, State.MEDIATION}
# States in which intake officers see a case.
INTAKE_STATES = {State.RECEIVED, State.SCREENING, State.AWAITING_SUPPLEMENT}
# States of a case being processed (the "due soon" and "overdue" queues). A tuple in a fixed
# order: the partial indexes `case_processing_due` and `case_processing_attention` have it in
# their condition, and the queues repeat that condition word for word so that SQLite can use
# the index (cases.queues).
PROCESSING = (
    State.SCREENING,
    State.AWAITING_SUPPLEMENT,
    State.INVESTIGATION,
    State.MEDIATION,
    State.DELIBERATION,
)
# The intake states being processed, in that order: an intake officer's due-date lists, which
# read the partial index `case_intake_attention` (cases.access.visible_cases with `states`).
INTAKE_PROCESSING = tuple(state for state in PROCESSING if state in INTAKE_STATES)
# The state whose recommendations are followed up (the "recommendations due" queue and the
# partial index `case_monitoring_due`, written as a tuple for the same reason).
MONITORED = (State.MONITORING,)


class RespondentBody(models.Model):
    """A public body complaints are made against, from the list the ombudsperson maintains.

    Cases are linked to one at screening (`Case.respondent_body`); the petitioner's own words
    (`Case.respondent_name`, sealed) stay beside the link. Statistics count the link only.
    """

    kind = models.CharField(_("kind of body"), max_length=24, choices=RespondentType.choices)
    name_ko = models.CharField(_("name in Korean"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["kind", "name_ko"]
        constraints = [
            models.UniqueConstraint(fields=["name_ko"], name="respondent_body_name_ko"),
            models.UniqueConstraint(fields=["name_en"], name="respondent_body_name_en"),
        ]

    def __str__(self) -> str:
        return self.name_ko


class Case(ConcurrentTransitionMixin, SealedModel):
    reference = models.CharField(_("case reference"), max_length=16, unique=True)
    access_key_hash = models.CharField(max_length=64)
    # The id of the index key the access key was hashed with (ombuds.crypto): it cannot be
    # hashed again without the access key, so it verifies under that key until the case closes.
    access_key_id = models.CharField(max_length=32, db_index=True)
    submission_token = models.UUIDField(null=True, blank=True, unique=True)

    state = FSMField(default=State.RECEIVED, choices=State.choices, protected=True, db_index=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.WEB)
    filing_mode = models.CharField(max_length=10, choices=FilingMode.choices, blank=True)
    victim_consents = models.BooleanField(null=True, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.KOREAN)

    narrative = SealedTextField()
    incident_place = SealedTextField()
    desired_outcome = SealedTextField()
    incident_date = models.DateField(null=True, blank=True)
    respondent_type = models.CharField(max_length=24, choices=RespondentType.choices)
    respondent_name = SealedTextField()
    # The office's coding of the respondent (at screening), counted by the statistics.
    respondent_body = models.ForeignKey(
        RespondentBody, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    discrimination_ground = models.CharField(
        max_length=24, choices=DiscriminationGround.choices, blank=True
    )

    received_at = models.DateTimeField(default=timezone.now)
    received_month = models.DateField(db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_reason = models.CharField(max_length=24, choices=InadmissibleReason.choices, blank=True)
    transferred_to = models.CharField(max_length=200, blank=True)
    transfer_reference = models.CharField(max_length=100, blank=True)
    acknowledge_due = models.DateField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True, db_index=True)
    paused_since = models.DateField(null=True, blank=True)
    supplement_due = models.DateField(null=True, blank=True)
    reply_due = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # While monitoring: the nearest deadline of its recommendations, a plan or a follow-up
    # (cases.followup keeps it); the "recommendations due" queue reads it.
    follow_up_due = models.DateField(null=True, blank=True)
    # The earlier of the processing deadline and the respondent's reply date, whichever are set:
    # what the "overdue" and "due soon" lists filter and order by (cases.queues), stored so that
    # a partial index holds it. Coalesce on both sides: SQLite's MIN() is NULL if an argument
    # is, PostgreSQL's LEAST() skips NULLs; written this way both mean the same.
    attention_due = models.GeneratedField(
        expression=Least(Coalesce("due_date", "reply_due"), Coalesce("reply_due", "due_date")),
        output_field=models.DateField(null=True, blank=True),
        db_persist=True,
    )
    # Since when the case holds something the staff working it have not opened yet (information
    # or evidence from the petitioner): the case is "new" to them until one of them opens it.
    news_since = models.DateTimeField(null=True, blank=True)

    # Retention (cases.retention): a legal hold keeps a closed case past its retention period;
    # erasure destroys its data key and its personal data, and keeps its coded fields.
    legal_hold_since = models.DateTimeField(null=True, blank=True)
    legal_hold_reason = SealedTextField()
    erased_at = models.DateTimeField(null=True, blank=True)
    erasure_rule = models.CharField(max_length=24, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["received_at", "id"], name="case_received_keyset"),
            models.Index(fields=["state", "received_at", "id"], name="case_state_keyset"),
            models.Index(fields=["closed_at"], name="case_closed_at"),
            models.Index(fields=["assigned_to", "received_at", "id"], name="case_assignee_keyset"),
            models.Index(
                fields=["due_date", "id"],
                condition=models.Q(state__in=PROCESSING),
                name="case_processing_due",
            ),
            models.Index(
                fields=["assigned_to", "due_date", "id"],
                condition=models.Q(state__in=PROCESSING),
                name="case_assignee_due",
            ),
            models.Index(
                fields=["due_date", "id"],
                condition=models.Q(state__in=INTAKE_PROCESSING),
                name="case_intake_due",
            ),
            # The "overdue" and "due soon" lists: the same three, by the earliest deadline.
            models.Index(
                fields=["attention_due", "id"],
                condition=models.Q(state__in=PROCESSING),
                name="case_processing_attention",
            ),
            models.Index(
                fields=["assigned_to", "attention_due", "id"],
                condition=models.Q(state__in=PROCESSING),
                name="case_assignee_attention",
            ),
            models.Index(
                fields=["attention_due", "id"],
                condition=models.Q(state__in=INTAKE_PROCESSING),
                name="case_intake_attention",
            ),
            # The "recommendations due" list: monitored cases by their nearest deadline.
            models.Index(
                fields=["follow_up_due", "id"],
                condition=models.Q(state__in=MONITORED),
                name="case_monitoring_due",
            ),
            # The "new information" list: a walk of the few cases with news, newest first.
            models.Index(
                fields=["received_at", "id"],
                condition=models.Q(news_since__isnull=False),
                name="case_news_keyset",
            ),
            models.Index(
                fields=["assigned_to", "received_at", "id"],
                condition=models.Q(news_since__isnull=False),
                name="case_assignee_news",
            ),
        ]
        permissions = [("work_on_case", "Can work on the case as its investigator")]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.received_month:
            received = timezone.localdate(self.received_at)
            self.received_month = received.replace(day=1)
            self.acknowledge_due = clocks.add_business_days(
                received, clocks.ACKNOWLEDGE_BUSINESS_DAYS
            )
            self.due_date = clocks.after_days(received, clocks.PROCESSING_DAYS)
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.state != State.CLOSED

    @property
    def petitioner_may_withdraw(self) -> bool:
        return can_proceed(self.withdraw)

    # The workflow (docs/design.md §2). Transitions only set fields in memory: services save
    # them, record the event and queue notifications in one transaction (cases.transitions).
    # Who may take each one is declared with it in the action registry (cases.actions), which
    # checks the permission before calling the method: these declare only states and conditions.

    def _pause(self, today: date) -> None:
        self.paused_since = today

    def _resume(self, today: date) -> None:
        if self.paused_since and self.due_date:
            paused = (today - self.paused_since).days
            self.due_date = clocks.next_business_day(self.due_date + timedelta(days=paused))
        self.paused_since = None

    def _close(self, outcome: str) -> None:
        self.outcome = outcome
        self.closed_at = timezone.now()
        self.paused_since = None

    def supplement_overdue(self) -> bool:
        return bool(self.supplement_due and self.supplement_due < timezone.localdate())

    def reply_awaited(self) -> bool:
        """A reply was asked of the respondent and has not arrived (docs/design.md §8)."""
        return self.reply_due is not None

    @transition(state, source=State.RECEIVED, target=State.SCREENING)
    def start_screening(self) -> None:
        self.acknowledged_at = timezone.now()

    @transition(state, source=State.SCREENING, target=State.AWAITING_SUPPLEMENT)
    def request_supplement(self, *, today: date) -> None:
        self.supplement_due = clocks.add_business_days(today, clocks.SUPPLEMENT_BUSINESS_DAYS)
        self._pause(today)

    @transition(state, source=State.AWAITING_SUPPLEMENT, target=State.SCREENING)
    def resume_screening(self, *, today: date) -> None:
        self.supplement_due = None
        self._resume(today)

    @transition(
        state,
        source=State.AWAITING_SUPPLEMENT,
        target=State.CLOSED,
        conditions=[supplement_overdue],  # type: ignore[list-item]
    )
    def close_not_supplemented(self) -> None:
        self._close(Outcome.NOT_SUPPLEMENTED)

    @transition(state, source=State.SCREENING, target=State.INVESTIGATION)
    def accept(self, *, investigator: User) -> None:
        self.assigned_to = investigator

    @transition(state, source=State.SCREENING, target=State.CLOSED)
    def declare_inadmissible(self, *, reason: str) -> None:
        self.outcome_reason = reason
        self._close(Outcome.INADMISSIBLE)

    @transition(state, source=State.SCREENING, target=State.CLOSED)
    def transfer(self, *, body: str, reference: str) -> None:
        self.transferred_to, self.transfer_reference = body, reference
        self._close(Outcome.TRANSFERRED)

    @transition(state, source=WITHDRAWABLE, target=State.CLOSED)
    def withdraw(self) -> None:
        self._close(Outcome.WITHDRAWN)

    @transition(state, source=State.INVESTIGATION, target=State.MEDIATION)
    def start_mediation(self, *, today: date) -> None:
        self._pause(today)

    @transition(state, source=State.MEDIATION, target=State.INVESTIGATION)
    def end_mediation(self, *, today: date) -> None:
        self._resume(today)

    @transition(state, source=State.MEDIATION, target=State.CLOSED)
    def settle(self) -> None:
        self._close(Outcome.SETTLED)

    @transition(state, source=State.INVESTIGATION, target=State.DELIBERATION)
    def submit_findings(self) -> None:
        pass

    @transition(state, source=State.DELIBERATION, target=State.INVESTIGATION)
    def return_to_investigation(self) -> None:
        pass

    @transition(state, source=State.DELIBERATION, target=State.CLOSED)
    def dismiss(self, *, today: date) -> None:
        self.decided_at = timezone.now()
        self.follow_up_due = clocks.after_days(today, clocks.FOLLOW_UP_DAYS)
        self._close(Outcome.DISMISSED)

    @transition(state, source=State.DELIBERATION, target=State.MONITORING)
    def uphold(self, *, today: date) -> None:
        self.outcome = Outcome.UPHELD
        self.decided_at = timezone.now()
        self.follow_up_due = clocks.after_days(today, clocks.FOLLOW_UP_DAYS)

    # Whether every recommendation has a final status, or a reason is recorded, is the
    # service's check (cases.effects.close_monitoring), which the form shows.
    @transition(state, source=State.MONITORING, target=State.CLOSED)
    def close_monitoring(self) -> None:
        self.closed_at = timezone.now()

    def not_erased(self) -> bool:
        """An erased case has no personal data left to work on (cases.retention)."""
        return self.erased_at is None

    @transition(
        state,
        source=State.CLOSED,
        target=State.SCREENING,
        conditions=[not_erased],  # type: ignore[list-item]
    )
    def reopen(self, *, today: date) -> None:
        self.outcome = self.outcome_reason = ""
        self.closed_at = self.decided_at = None
        self.transferred_to = self.transfer_reference = ""
        self.due_date = clocks.after_days(today, clocks.PROCESSING_DAYS)


class CaseTag(models.Model):
    """A coded category of a case: a right concerned or a self-identified vulnerable group."""

    class Kind(models.TextChoices):
        RIGHT = "right", _("Right concerned")
        GROUP = "group", _("Vulnerable group")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    code = models.CharField(max_length=24)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "code"], name="case_tag_unique"),
        ]
        indexes = [models.Index(fields=["kind", "code"], name="case_tag_kind_code")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


class Person(SealedModel):
    """The petitioner, or the victim when someone files on their behalf."""

    class Role(models.TextChoices):
        PETITIONER = "petitioner", _("Petitioner")
        VICTIM = "victim", _("Victim")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(max_length=10, choices=Role.choices)
    name = SealedTextField()
    email = SealedTextField()
    phone = SealedTextField()
    # Keyed HMAC blind indexes of the normalised name, phone and email, for exact search
    # (cases.people): never the values themselves. `index_version` names the rules they follow.
    name_index = models.CharField(max_length=32, blank=True, db_index=True)
    phone_index = models.CharField(max_length=32, blank=True, db_index=True)
    email_index = models.CharField(max_length=32, blank=True, db_index=True)
    index_version = models.PositiveSmallIntegerField(default=0)
    index_key_id = models.CharField(max_length=32, blank=True)  # the index key they are made with
    address = SealedTextField()
    relationship = SealedTextField()

    def __str__(self) -> str:
        return f"{self.role} of case {self.case_id}"


class CaseEvent(SealedModel):
    """One line of a case's history: who, when, what, from which state to which, and why.

    `message` is for the petitioner (shown on the tracking page); `internal_note` is staff-only.
    """

    class Actor(models.TextChoices):
        PETITIONER = "petitioner", _("Petitioner")
        STAFF = "staff", _("Staff")
        SYSTEM = "system", _("System")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(default=timezone.now)
    actor_kind = models.CharField(max_length=10, choices=Actor.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=32)
    # The investigator an assignment event names (proposed, accepted, reassigned): coded, so that
    # the timeline says who in the reader's language, and acceptance starts from the proposal.
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)  # the case's version after this event
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    reason_code = models.CharField(max_length=32, blank=True)
    # The date the step bears outside Ombuds, when it has one (the date of a respondent's reply).
    occurred_on = models.DateField(null=True, blank=True)
    public = models.BooleanField(default=True)
    message = SealedTextField()
    internal_note = SealedTextField()

    class Meta:
        indexes = [models.Index(fields=["case", "created_at"], name="case_event_timeline")]

    def __str__(self) -> str:
        return f"{self.action} on case {self.case_id}"


class Attachment(SealedModel):
    """Evidence, or a document of the case file. The file's bytes are sealed in storage under a
    random name; so is its name.

    A document of the case file (docs/design.md §8) is one that staff add with a type (`kind`),
    a date, who added it, and whether the petitioner may read it on the tracking page; the
    petitioner's evidence and the evidence staff register with a complaint have no type.
    """

    class Source(models.TextChoices):
        PETITIONER = "petitioner", _("Petitioner")
        STAFF = "staff", _("Staff")

    class Kind(models.TextChoices):
        RESPONDENT_LETTER = "respondent_letter", _("Letter from the respondent")
        EVIDENCE = "evidence", _("Evidence gathered")
        FINDINGS = "findings", _("Findings")
        DECISION = "decision", _("Decision")
        OTHER = "other", _("Other document")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    filename = SealedTextField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=80, unique=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    uploaded_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=24, choices=Kind.choices, blank=True)  # "": evidence
    document_date = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    petitioner_visible = models.BooleanField(default=False)

    @property
    def previewable(self) -> bool:
        """Shown in the browser (images and PDFs, sandboxed); anything else is downloaded."""
        return self.content_type in PREVIEWABLE

    def __str__(self) -> str:
        return f"attachment {self.uid}"


class Recommendation(SealedModel):
    """A recommendation issued when a case is upheld, addressed to a respondent body.

    Its `status` is the kind of its latest response (`RecommendationResponse`, the history),
    and `follow_up_due` the day the office next checks on it; both are written only by the
    response service (cases.followup), never edited. docs/design.md §2.
    """

    class Response(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        PARTIALLY_ACCEPTED = "partially_accepted", _("Partially accepted")
        NOT_ACCEPTED = "not_accepted", _("Refused (not accepted)")
        PLAN_RECEIVED = "plan_received", _("Implementation plan received")
        IMPLEMENTED = "implemented", _("Implemented")

    FINAL = frozenset({Response.IMPLEMENTED, Response.NOT_ACCEPTED})

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recommendations")
    agency_type = models.CharField(max_length=24, choices=RespondentType.choices)
    # A public body, never a person: kept plaintext for the statistics per agency.
    agency_name = models.CharField(max_length=200)
    text = SealedTextField()
    issued_at = models.DateTimeField(default=timezone.now)
    plan_due = models.DateField()
    # '' while the body has not answered; else the kind of its latest response.
    status = models.CharField(max_length=20, choices=Response.choices, blank=True)
    follow_up_due = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recommendation {self.pk} of case {self.case_id}"

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL

    @property
    def awaits_plan(self) -> bool:
        """No plan received and no final answer yet: the 90-day plan deadline runs."""
        return self.status in {"", self.Response.ACCEPTED, self.Response.PARTIALLY_ACCEPTED}


class RecommendationResponse(SealedModel):
    """One answer of the body to a recommendation, as recorded by staff: the history."""

    Kind = Recommendation.Response

    # The case too, so that erasure (cases.retention) finds the sealed note with the case's rows.
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="recommendation_responses"
    )
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="responses"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    plan_date = models.DateField(null=True, blank=True)  # the date the body's plan bears
    # Evidence of implementation: a file of the case, if any, and what staff noted (sealed).
    evidence = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = SealedTextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} for recommendation {self.recommendation_id}"


class Recusal(SealedModel):
    """A staff member's declared conflict of interest: they lose access to the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recusals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = SealedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="recusal_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"recusal on case {self.case_id}"


class CaseUserObjectPermission(UserObjectPermissionBase):
    """django-guardian's per-case user permissions, with a direct foreign key (fast joins).

    `received_at` repeats the case's (which never changes once received), so that a member's
    cases can be listed newest first from their own permissions, one index range a page:
    found through the cases table instead, an investigator's first page read the newest
    cases one by one until 26 were theirs (6 ms at a million cases, most of them unassigned).
    On PostgreSQL the table is never scanned in parallel (`parallel_workers = 0`, migration
    0008): such a walk reads a few dozen rows, and a worker's start-up cost a state-filtered
    list 15-50 ms at a million cases.
    """

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
    received_at = models.DateTimeField(editable=False)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [
            models.Index(
                fields=["user", "permission", "-received_at", "-content_object"],
                name="grant_newest",
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.received_at is None:  # guardian's assign_perm gives the case, not this
            self.received_at = self.content_object.received_at
        super().save(*args, **kwargs)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
