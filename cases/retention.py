"""The end of a case's personal data: retention periods, legal holds, erasure (docs/design.md §4).

A closed case keeps its personal data for a period that depends on how it ended
(`OMBUDS_RETAIN_DECIDED_YEARS` for a case decided on its merits, `OMBUDS_RETAIN_UNEXAMINED_YEARS`
for one that never was), unless the ombudsperson has put it under a legal hold. Erasure is
crypto-shredding: the case's data key is destroyed, the sealed columns of every row of the case
are emptied, the rows that exist only to hold personal data (people, attachments and their
files, queued mail) are deleted; the coded fields, the events and the recommendations' coded
columns stay, so that statistics and the history of the workflow do not change. Each erasure
is one transaction that also appends its record (reference, rule, what was erased) to the
hash-chained access log; the files go after the commit (a file left by a crash has no row, and
`sweep_attachments` removes it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q, QuerySet, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.access import visible_cases
from cases.models import Attachment, Case, Outcome, Person, State
from cases.services import _locked
from notifications.models import Notification
from ombuds.accesslog import record_access
from ombuds.fields import SealedTextField
from ombuds.models import SealedModel, User
from ombuds.roles import Role, roles_of
from ombuds.transactions import committing

DECIDED = (Outcome.UPHELD, Outcome.DISMISSED, Outcome.SETTLED)
UNEXAMINED = (
    Outcome.INADMISSIBLE,
    Outcome.TRANSFERRED,
    Outcome.WITHDRAWN,
    Outcome.NOT_SUPPLEMENTED,
)
ON_REQUEST = "on_request"


class ErasureGround(TextChoices):
    """Why the ombudsperson erases a case before its time (coded: it goes into the log)."""

    PETITIONER_ASKED = (
        "petitioner_asked",
        _("The petitioner asked for their personal data to be erased (PIPA Art. 36)"),
    )
    CONSENT_WITHDRAWN = (
        "consent_withdrawn",
        _("The person affected withdrew their consent to this complaint being handled"),
    )
    FILED_IN_ERROR = (
        "filed_in_error",
        _("Filed in error: the complaint holds someone else's data or was never meant to be sent"),
    )


class HoldEnd(TextChoices):
    """Why a legal hold is lifted (coded: it goes into the log)."""

    PROCEEDINGS_ENDED = "proceedings_ended", _("The proceedings or request it served have ended")
    SET_IN_ERROR = "set_in_error", _("It was set in error")


def may_keep_or_erase(user: Any, case: Case) -> bool:
    """Holds and erasure on request: the ombudsperson, on a closed case not yet erased (an open
    case is withdrawn or decided first). `access_case` has already checked that they see it."""
    closed = case.state == State.CLOSED and case.erased_at is None
    return closed and Role.OMBUDSPERSON in roles_of(user)


def held(user: Any) -> QuerySet[Case]:
    """The cases under legal hold that `user` may open, longest held first."""
    rows = visible_cases(user).filter(legal_hold_since__isnull=False, erased_at__isnull=True)
    return rows.order_by("legal_hold_since", "pk")


@dataclass(frozen=True)
class Erased:
    reference: str
    rule: str
    people: int
    files: int
    messages: int


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def rule_of(outcome: str) -> str:
    return "decided" if outcome in DECIDED else "unexamined"


def expired(now: datetime | None = None) -> QuerySet[Case]:
    """Closed cases past their retention period, not held and not yet erased, oldest first."""
    now = now or timezone.now()
    decided = _years_before(now, settings.OMBUDS_RETAIN_DECIDED_YEARS)
    unexamined = _years_before(now, settings.OMBUDS_RETAIN_UNEXAMINED_YEARS)
    past = Q(outcome__in=DECIDED, closed_at__lt=decided) | Q(
        outcome__in=UNEXAMINED, closed_at__lt=unexamined
    )
    return Case.objects.filter(
        past, state=State.CLOSED, erased_at__isnull=True, legal_hold_since__isnull=True
    ).order_by("closed_at", "pk")


def _sealed_relations(case: Case) -> Iterator[tuple[QuerySet[Any], list[str]]]:
    """Every row of the case with sealed columns (whatever models later add), and its columns."""
    for relation in Case._meta.related_objects:
        model = relation.related_model
        if not isinstance(model, type) or not issubclass(model, SealedModel):
            continue
        if model in (Person, Attachment):
            continue  # deleted whole: they exist only to hold personal data
        columns = [f.name for f in model._meta.fields if isinstance(f, SealedTextField)]
        if columns:
            rows = model._default_manager.filter(**{relation.field.name: case})
            yield rows, columns


def erase(case: Case, *, rule: str, actor: User | None = None, ground: str = "") -> Erased | None:
    """Erase one case's personal data; None if it was erased already (or is held, unless the
    ombudsperson erases on request, giving a coded `ground`: `ErasureGround`)."""
    with committing():
        case = _locked(case)
        if case.erased_at or (case.legal_hold_since and rule != ON_REQUEST):
            return None
        files = list(case.attachments.values_list("storage_name", flat=True))
        people, _ = case.people.all().delete()
        case.attachments.all().delete()
        messages, _ = Notification.objects.filter(data_key=case.data_key).delete()
        for rows, columns in _sealed_relations(case):
            rows.update(**dict.fromkeys(columns, None))
        sealed = [f.name for f in Case._meta.fields if isinstance(f, SealedTextField)]
        Case.objects.filter(pk=case.pk).update(
            **dict.fromkeys(sealed, None), erased_at=timezone.now(), erasure_rule=rule,
            version=case.version + 1,
        )  # fmt: skip
        case.data_key.shred()
        detail = f"rule={rule},people={people},files={len(files)},mail={messages}"
        detail += f",ground={ground}" if ground else ""
        record_access(user=actor, request=None, action="erase_case",
                      case_reference=case.reference, detail=detail)  # fmt: skip
    for name in files:  # after the commit: a file whose row is gone is an orphan either way
        default_storage.delete(name)
    return Erased(case.reference, rule, people, len(files), messages)


def set_legal_hold(case: Case, *, actor: User, reason: str) -> None:
    with committing():
        case = _locked(case)
        case.legal_hold_since, case.legal_hold_reason = timezone.now(), reason
        case.version += 1
        case.save(update_fields=["legal_hold_since", "legal_hold_reason", "version"])
        record_access(user=actor, request=None, action="legal_hold",
                      case_reference=case.reference, detail="set")  # fmt: skip


def lift_legal_hold(case: Case, *, actor: User, ground: str = "") -> None:
    with committing():
        case = _locked(case)
        case.legal_hold_since, case.legal_hold_reason = None, ""
        case.version += 1
        case.save(update_fields=["legal_hold_since", "legal_hold_reason", "version"])
        record_access(user=actor, request=None, action="legal_hold",
                      case_reference=case.reference,
                      detail=f"lifted,ground={ground}" if ground else "lifted")  # fmt: skip
