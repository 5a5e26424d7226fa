"""Complaints and their life: the case, the people in it, evidence and the event log.

Coded fields (state, dates, categories, outcome) stay plaintext for workflow and statistics;
identity, contact details, narrative, notes, messages and files are sealed (`ombuds.crypto`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, can_proceed, transition

from ombuds.fields import SealedTextField
from ombuds.models import SealedModel


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    SCREENING = "screening", _("Screening")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Awaiting information from the petitioner")
    INVESTIGATION = "investigation", _("Investigation")
    MEDIATION = "mediation", _("Mediation")
    DELIBERATION = "deliberation", _("Deliberation")
    MONITORING = "monitoring", _("Monitoring of recommendations")
    CLOSED = "closed", _("Closed")


# States from which a petitioner may still withdraw (any open state before a decision).
WITHDRAWABLE = [
    State.RECEIVED,
    State.SCREENING,
    State.AWAITING_SUPPLEMENT,
    State.INVESTIGATION,
    State.MEDIATION,
]


class Outcome(models.TextChoices):
    INADMISSIBLE = "inadmissible", _("Inadmissible")
    TRANSFERRED = "transferred", _("Transferred to a competent body")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NOT_SUPPLEMENTED = "not_supplemented", _("Closed: requested information not supplied")
    SETTLED = "settled", _("Settled")
    DISMISSED = "dismissed", _("Dismissed: no violation found")
    UPHELD = "upheld", _("Upheld: recommendations issued")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    PHONE = "phone", _("Telephone")
    WALK_IN = "walk_in", _("In person")
    LETTER = "letter", _("Letter")
    OWN_MOTION = "own_motion", _("Own-motion investigation")


class FilingMode(models.TextChoices):
    SELF = "self", _("In my own name")
    ON_BEHALF = "on_behalf", _("On behalf of someone else")
    ANONYMOUS = "anonymous", _("Anonymously")


class Language(models.TextChoices):
    KOREAN = "ko", "한국어"
    ENGLISH = "en", "English"


class RespondentType(models.TextChoices):
    CITY_OFFICE = "city_office", _("City government office")
    DISTRICT_OFFICE = "district_office", _("District office")
    PUBLIC_CORPORATION = "public_corporation", _("Public corporation or agency")
    CONTRACTOR = "contractor", _("Contractor working for the city")
    SUBSIDISED_FACILITY = "subsidised_facility", _("City-subsidised facility")
    OTHER = "other", _("Other")


class Right(models.TextChoices):
    DIGNITY = "dignity", _("Human dignity")
    EQUALITY = "equality", _("Equality and non-discrimination")
    LIBERTY = "liberty", _("Liberty and security of person")
    PRIVACY = "privacy", _("Privacy")
    EXPRESSION = "expression", _("Expression and assembly")
    WORK = "work", _("Work")
    HEALTH = "health", _("Health")
    HOUSING = "housing", _("Housing")
    EDUCATION = "education", _("Education")
    SOCIAL_SECURITY = "social_security", _("Social security")
    CHILDREN = "children", _("Children's rights")
    DISABILITY = "disability", _("Rights of persons with disabilities")
    MIGRANTS = "migrants", _("Migrants' rights")
    OTHER = "other", _("Other")


class DiscriminationGround(models.TextChoices):
    SEX = "sex", _("Sex or gender")
    AGE = "age", _("Age")
    DISABILITY = "disability", _("Disability")
    RACE = "race", _("Race, ethnicity or national origin")
    RELIGION = "religion", _("Religion")
    SEXUAL_ORIENTATION = "sexual_orientation", _("Sexual orientation or gender identity")
    SOCIAL_STATUS = "social_status", _("Social status or income")
    REGION = "region", _("Region of origin")
    FAMILY = "family", _("Marital or family status, pregnancy")
    MEDICAL = "medical", _("Medical history")
    POLITICAL = "political", _("Political opinion")
    OTHER = "other", _("Other ground")


class VulnerableGroup(models.TextChoices):
    CHILD = "child", _("Child or young person")
    OLDER = "older", _("Older person")
    DISABILITY = "disability", _("Person with a disability")
    MIGRANT = "migrant", _("Migrant, refugee or foreign resident")
    WOMAN = "woman", _("Woman")
    LGBTQ = "lgbtq", _("LGBTQ+ person")
    LOW_INCOME = "low_income", _("Person on a low income")
    HOMELESS = "homeless", _("Person experiencing homelessness")
    DETAINED = "detained", _("Person in a care or detention facility")


class Case(ConcurrentTransitionMixin, SealedModel):
    reference = models.CharField(_("case reference"), max_length=16, unique=True)
    access_key_hash = models.CharField(max_length=64)
    submission_token = models.UUIDField(null=True, blank=True, unique=True)

    state = FSMField(default=State.RECEIVED, choices=State.choices, protected=True, db_index=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.WEB)
    filing_mode = models.CharField(max_length=10, choices=FilingMode.choices)
    victim_consents = models.BooleanField(null=True, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.KOREAN)

    narrative = SealedTextField()
    incident_place = SealedTextField()
    desired_outcome = SealedTextField()
    incident_date = models.DateField(null=True, blank=True)
    respondent_type = models.CharField(max_length=24, choices=RespondentType.choices)
    respondent_name = SealedTextField()
    discrimination_ground = models.CharField(
        max_length=24, choices=DiscriminationGround.choices, blank=True
    )

    received_at = models.DateTimeField(default=timezone.now)
    received_month = models.DateField(db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["received_at", "id"], name="case_received_keyset")]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.received_month:
            self.received_month = timezone.localdate(self.received_at).replace(day=1)
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.state != State.CLOSED

    @property
    def petitioner_may_withdraw(self) -> bool:
        return can_proceed(self.withdraw)

    @transition(field=state, source=WITHDRAWABLE, target=State.CLOSED)
    def withdraw(self) -> None:
        self.outcome = Outcome.WITHDRAWN
        self.closed_at = timezone.now()


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
    email_index = models.CharField(max_length=32, blank=True, db_index=True)
    phone = SealedTextField()
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
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    reason_code = models.CharField(max_length=32, blank=True)
    public = models.BooleanField(default=True)
    message = SealedTextField()
    internal_note = SealedTextField()

    class Meta:
        indexes = [models.Index(fields=["case", "created_at"], name="case_event_timeline")]

    def __str__(self) -> str:
        return f"{self.action} on case {self.case_id}"


class Attachment(SealedModel):
    """Evidence. The file's bytes are sealed in storage under a random name; so is its name."""

    class Source(models.TextChoices):
        PETITIONER = "petitioner", _("Petitioner")
        STAFF = "staff", _("Staff")

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

    def __str__(self) -> str:
        return f"attachment {self.uid}"
