"""The case's coded values: plaintext categories that the workflow sets and statistics count.

Nothing here is personal data, and this module imports no sealed field: the statistics app reads
these labels without importing `cases.models` (docs/statistics.md).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    SCREENING = "screening", _("Screening")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Awaiting information from the petitioner")
    INVESTIGATION = "investigation", _("Investigation")
    MEDIATION = "mediation", _("Mediation")
    DELIBERATION = "deliberation", _("Deliberation")
    MONITORING = "monitoring", _("Monitoring of recommendations")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    INADMISSIBLE = "inadmissible", _("Inadmissible")
    TRANSFERRED = "transferred", _("Transferred to a competent body")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NOT_SUPPLEMENTED = "not_supplemented", _("Closed: requested information not supplied")
    SETTLED = "settled", _("Settled")
    DISMISSED = "dismissed", _("Dismissed: no violation found")
    UPHELD = "upheld", _("Upheld: recommendations issued")


class InadmissibleReason(models.TextChoices):
    OUTSIDE_JURISDICTION = "outside_jurisdiction", _("Outside the ombudsperson's jurisdiction")
    OVER_ONE_YEAR = "over_one_year", _("More than one year after the events, without good cause")
    BEFORE_COURT = "before_court", _("Before a court or another remedy body")
    ALREADY_DECIDED = "already_decided", _("Already decided")
    NO_CONSENT = "no_consent", _("The person affected does not consent")
    UNFOUNDED = "unfounded", _("Clearly unfounded on its face")


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
