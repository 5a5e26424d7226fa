"""Writes. Each service runs in one durable transaction: the change, its event and its
notifications commit together or not at all, and mail leaves only after the commit, from the
outbox worker. Nothing that runs after COMMIT can undo or misreport it (`ombuds.transactions`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cases import alerts, attachments, news, receipts
from cases.actions import ActionName
from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseTag,
    Channel,
    FilingMode,
    Person,
    State,
)
from cases.people import indexes as person_indexes
from notifications.events import Event as Notice
from notifications.models import Suppression
from notifications.services import notify, suppress
from ombuds import crypto
from ombuds.models import DataKey, User
from ombuds.transactions import committing

Evidence = Iterable[tuple[UploadedFile, str]]


class DuplicateSubmission(Exception):  # noqa: N818 - an outcome, not a failure
    """The same form was posted twice (a reload or a double click): the first one stands."""

    def __init__(self, case: Case) -> None:
        super().__init__(case.reference)
        self.case = case


class CaseClosed(Exception):  # noqa: N818 - an outcome the petitioner sees
    """The case is closed: nothing more can be added through the tracking page."""


@dataclass(frozen=True)
class Filed:
    case: Case
    access_key: str


def _new_case(
    data: dict[str, Any], *, channel: str, reference: str, now: datetime
) -> tuple[Case, str]:
    access_key = receipts.new_access_key()
    case = Case(
        data_key=DataKey.generate(),
        reference=reference,
        **receipts.access_key_fields(reference, access_key),
        state=State.SCREENING if channel == Channel.OWN_MOTION else State.RECEIVED,
        submission_token=data.get("submission"),
        channel=channel,
        filing_mode=data["filing_mode"],
        victim_consents={"yes": True, "no": False}.get(data.get("victim_consents") or ""),
        language=data["language"],
        narrative=data["narrative"],
        incident_place=data.get("incident_place", ""),
        desired_outcome=data.get("desired_outcome", ""),
        incident_date=data.get("incident_date"),
        respondent_type=data["respondent_type"],
        respondent_name=data["respondent_name"],
        discrimination_ground=data.get("discrimination_ground", ""),
        received_at=now,
    )
    case.save()
    return case, access_key


def _people(case: Case, data: dict[str, Any]) -> list[Person]:
    if case.filing_mode not in {FilingMode.SELF, FilingMode.ON_BEHALF}:
        return []  # anonymous, or an own-motion case without a petitioner
    people = [
        Person(
            case=case,
            data_key=case.data_key,
            role=Person.Role.PETITIONER,
            name=data["name"],
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            **person_indexes(
                name=data["name"], phone=data.get("phone", ""), email=data.get("email", "")
            ),
            address=data.get("address", ""),
            relationship=data.get("relationship", ""),
        )
    ]
    if case.filing_mode == FilingMode.ON_BEHALF:
        people.append(
            Person(
                case=case,
                data_key=case.data_key,
                role=Person.Role.VICTIM,
                name=data["victim_name"],
                address=data.get("victim_contact", ""),
                **person_indexes(name=data["victim_name"]),
            )
        )
    return people


def case_file(
    *,
    data: dict[str, Any],
    evidence: Evidence = (),
    channel: str = Channel.WEB,
    actor: User | None = None,
) -> Filed:
    """Store a complaint whole (case, people, categories, evidence, first event, receipt mail).

    A form posted twice fails on the unique `submission_token` when the case row is inserted,
    before anything else is stored (no query first: this is the intake's hot path). So does a
    reference drawn twice (40 random bits a year); then the whole complaint is stored again
    under a new one, rather than keeping a savepoint around every insert for that rare case.
    """
    token = data.get("submission")
    evidence = list(evidence)  # read again if the complaint is stored again
    now = timezone.now()
    for _attempt in range(5):
        reference = receipts.new_reference(timezone.localdate(now))
        try:
            return _stored(data, evidence, channel, actor=actor, reference=reference, now=now)
        except IntegrityError:
            if token and (existing := Case.objects.filter(submission_token=token).first()):
                raise DuplicateSubmission(existing) from None
            if not Case.objects.filter(reference=reference).exists():
                raise
    raise IntegrityError("could not find a free case reference")


def _stored(
    data: dict[str, Any],
    evidence: Evidence,
    channel: str,
    *,
    actor: User | None,
    reference: str,
    now: datetime,
) -> Filed:
    written = attachments.Written()
    try:
        with committing():
            case, access_key = _new_case(data, channel=channel, reference=reference, now=now)
            CaseTag.objects.bulk_create(
                [CaseTag(case=case, kind=CaseTag.Kind.RIGHT, code=c) for c in data["rights"]]
                + [
                    CaseTag(case=case, kind=CaseTag.Kind.GROUP, code=c)
                    for c in data.get("vulnerable_groups", [])
                ]
            )
            Person.objects.bulk_create(_people(case, data))
            event = _event(case, action=ActionName.FILED, actor=actor)
            source = Attachment.Source.STAFF if actor else Attachment.Source.PETITIONER
            _store_evidence(case, evidence, event=event, source=source, written=written)
            if data.get("no_email_updates") and data.get("email"):
                index = crypto.blind_index(data["email"], purpose="email")
                suppress(index, reason=Suppression.Reason.OPTED_OUT)
            notify(
                Notice.CASE_RECEIVED,
                to=data.get("email", ""),
                language=case.language,
                context={"reference": case.reference},
                data_key=case.data_key,
            )
    except BaseException:
        written.discard_uncommitted()
        raise
    return Filed(case=case, access_key=access_key)


def _store_evidence(
    case: Case, evidence: Evidence, *, event: CaseEvent, source: str, written: attachments.Written
) -> None:
    for upload, content_type in evidence:
        attachments.store(
            case=case,
            upload=upload,
            content_type=content_type,
            source=source,
            event=event,
            written=written,
        )


def case_rekey_access_key(*, case: Case, access_key: str) -> bool:
    """Hash a petitioner's access key again under the current index key, when it has just been
    verified under an old one (the only moment the key is at hand: it is never stored). Nothing
    staff see changes, so the case's version stays. True when it was re-keyed."""
    fields = receipts.access_key_fields(case.reference, access_key)
    if case.access_key_id == fields["access_key_id"]:
        return False
    return bool(
        Case.objects.filter(
            pk=case.pk, access_key_hash=case.access_key_hash, access_key_id=case.access_key_id
        ).update(**fields)
    )


def case_reissue_receipt(*, case: Case, now: datetime | None = None) -> Filed | None:
    """A new access key for a complaint whose form was sent again (its receipt may never have
    reached the petitioner: the connection failed, the server failed after the commit). The
    new key replaces the old one, which stops working. Only within `OMBUDS_RECEIPT_REISSUE`
    of filing; None after that (the petitioner then contacts the office with the reference).
    """
    now = now or timezone.now()
    if now - case.received_at > settings.OMBUDS_RECEIPT_REISSUE:
        return None
    access_key = receipts.new_access_key()
    with committing():
        case = _locked(case)
        for column, value in receipts.access_key_fields(case.reference, access_key).items():
            setattr(case, column, value)
        case.version += 1
        case.save(update_fields=["access_key_hash", "access_key_id", "version"])
        CaseEvent.objects.create(
            case=case,
            data_key=case.data_key,
            action="receipt_reissued",
            actor_kind=CaseEvent.Actor.SYSTEM,
            from_state=case.state,
            to_state=case.state,
            version=case.version,
            public=False,
        )
    return Filed(case=case, access_key=access_key)


def _event(
    case: Case,
    *,
    action: str,
    actor: User | None = None,
    from_state: str = "",
    **fields: Any,
) -> CaseEvent:
    kind = CaseEvent.Actor.STAFF if actor else CaseEvent.Actor.PETITIONER
    return CaseEvent.objects.create(
        case=case,
        data_key=case.data_key,
        action=action,
        actor=actor,
        actor_kind=kind,
        from_state=from_state,
        to_state=case.state,
        version=case.version,
        **fields,
    )


def _locked(case: Case) -> Case:
    """The case's row, locked for this transaction (SQLite's immediate transactions lock anyway)."""
    rows = Case.objects.select_related("data_key")
    if connection.features.has_select_for_update:
        rows = rows.select_for_update(of=("self",))
    return rows.get(pk=case.pk)


def petitioner_email(case: Case) -> str:
    person = case.people.filter(role=Person.Role.PETITIONER).first()
    return person.email if person else ""


def case_add_information(*, case: Case, message: str, evidence: Evidence = ()) -> CaseEvent:
    """The petitioner adds information or evidence through the tracking page."""
    written = attachments.Written()
    try:
        with committing():
            case = _locked(case)
            if not case.is_open:
                raise CaseClosed(case.reference)
            case.version += 1
            news.arrived(case)
            case.save(update_fields=["version", "news_since"])
            event = _event(case, action=ActionName.INFORMATION_ADDED, message=message)
            alerts.news_arrived(case)
            _store_evidence(
                case, evidence, event=event, source=Attachment.Source.PETITIONER, written=written
            )
    except BaseException:
        written.discard_uncommitted()
        raise
    return event


def case_mail_undeliverable(data_key_id: int) -> Case | None:
    """Mail to the petitioner of the case sealed with this data key bounced or was refused
    for good (`notifications.services.undeliverable`): the timeline records it and the case is
    new for the people working it, who may need another way to reach the petitioner. Nothing
    for a closed case, or for a data key that is no case's (a staff announcement)."""
    with transaction.atomic():  # the caller's transaction, when it has one (a webhook: none)
        found = Case.objects.filter(data_key_id=data_key_id).values_list("pk", flat=True).first()
        if found is None:
            return None
        case = _locked(Case(pk=found))
        if not case.is_open:
            return None
        case.version += 1
        news.arrived(case)
        case.save(update_fields=["version", "news_since"])
        CaseEvent.objects.create(
            case=case, data_key=case.data_key, action=ActionName.MAIL_UNDELIVERABLE,
            actor_kind=CaseEvent.Actor.SYSTEM, from_state=case.state, to_state=case.state,
            version=case.version, public=False,
        )  # fmt: skip
    return case


def case_withdraw_by_petitioner(*, case: Case, reason: str) -> Case:
    """The petitioner withdraws through the tracking page; closes the case as withdrawn."""
    with committing():
        case = _locked(case)
        from_state = case.state
        case.withdraw()
        case.version += 1
        case.save(update_fields=["state", "outcome", "closed_at", "paused_since", "version"])
        _event(case, action=ActionName.WITHDRAWN, from_state=from_state, message=reason)
        notify(
            Notice.CASE_WITHDRAWN,
            to=petitioner_email(case),
            language=case.language,
            context={"reference": case.reference},
            data_key=case.data_key,
        )
    return case
