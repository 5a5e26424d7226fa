"""Sealed fields at rest and in use: no plaintext in the database or storage, fail closed."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.core.exceptions import FieldError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from cases import attachments
from cases.models import Attachment, Case, Person
from ombuds import crypto
from ombuds.fields import Sealed
from tests import factories

pytestmark = pytest.mark.django_db


def personal_values(mark: str) -> dict[str, str]:
    """Complaint values unique to this test run, so that nothing else can match or mask them."""
    digits = str(uuid.uuid4().int)[:8]
    return {
        "name": f"김민지{mark}",
        "email": f"minji.{mark}@example.org",
        "phone": f"010-{digits[:4]}-{digits[4:]}",
        "address": f"광주광역시 동구 문화전당로 38, {mark}호",
        "narrative": f"주민센터 직원이 휠체어 사용을 이유로 민원 접수를 거부했습니다 ({mark}).",
        "desired_outcome": f"사과와 경사로 설치 {mark}",
        "respondent_name": f"동구청 충장동 주민센터 {mark}",
    }


def evidence_file(mark: str) -> SimpleUploadedFile:
    content = factories.PDF_BYTES + f"% 진단서 {mark}\n".encode()
    return SimpleUploadedFile(f"진단서-{mark}.pdf", content, content_type="application/pdf")


def database_bytes() -> bytes:
    """Everything the database holds at rest, as raw bytes (SQLite) or a full dump (PostgreSQL)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(connection.settings_dict["NAME"])
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    assert connection.vendor == "postgresql", connection.vendor
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT t::text FROM {connection.ops.quote_name(table)} t")
            dump += [row[0] for row in cursor.fetchall()]
    return "\n".join(dump).encode()


def leaks(raw: bytes, value: str) -> bool:
    """Is `value` in `raw`, as UTF-8 or as the hex text PostgreSQL shows a bytea column in?"""
    encoded = value.encode()
    return encoded in raw or encoded.hex().encode() in raw.lower()


@pytest.mark.django_db(transaction=True)
def test_no_personal_data_in_the_database_at_rest(client):
    mark = uuid.uuid4().hex[:10]
    values = personal_values(mark)
    upload = evidence_file(mark)
    data = factories.complaint_post(**values, evidence=[upload])
    response = client.post(reverse("cases:complaint"), data)
    case = Case.objects.get()
    assert case.reference in response.text
    raw = database_bytes()
    # The check can see: plaintext coded columns and the blind index are there.
    assert leaks(raw, case.reference)
    assert leaks(raw, crypto.blind_index(values["email"], purpose="email"))
    found = sorted(field for field, value in values.items() if leaks(raw, value))
    assert found == [], f"plaintext at rest: {found}"
    assert not leaks(raw, mark), "a fragment of personal data is stored in plaintext"
    assert not leaks(raw, upload.name)
    # And the values are all there, sealed.
    person = case.people.get()
    assert (person.name, person.email, person.phone) == (
        values["name"],
        values["email"],
        values["phone"],
    )
    assert case.narrative == values["narrative"]


def test_attachment_is_sealed_in_storage():
    mark = uuid.uuid4().hex[:10]
    upload = evidence_file(mark)
    plaintext = upload.read()
    filed = factories.file_case(evidence=[upload])
    attachment = filed.case.attachments.get()
    with default_storage.open(attachment.storage_name, "rb") as handle:
        stored = handle.read()
    assert stored
    assert mark.encode() not in stored
    assert factories.PDF_BYTES[:8] not in stored
    assert plaintext not in stored
    assert mark not in attachment.storage_name
    assert attachments.read(Attachment.objects.get(pk=attachment.pk)) == plaintext
    assert Attachment.objects.get(pk=attachment.pk).filename == upload.name


def test_values_stay_sealed_until_read():
    case = factories.file_case().case
    stored = Case.objects.get(pk=case.pk)
    assert isinstance(stored.__dict__["narrative"], Sealed)
    assert stored.narrative == case.narrative
    assert stored.__dict__["narrative"] == case.narrative


def test_deferred_sealed_field_loads_and_opens():
    case = factories.file_case().case
    assert Case.objects.only("reference").get(pk=case.pk).narrative == case.narrative


def test_empty_values_are_stored_as_null_and_read_as_empty():
    case = factories.file_case(desired_outcome="").case
    with connection.cursor() as cursor:
        cursor.execute("SELECT desired_outcome FROM cases_case WHERE id = %s", [case.pk])
        assert cursor.fetchone() == (None,)
    assert Case.objects.get(pk=case.pk).desired_outcome == ""


# Copying a token elsewhere ------------------------------------------------------------------------


def copy_column(table: str, *, source_id: int, source: str, target_id: int, target: str) -> None:
    """A raw UPDATE, as an attacker with database access would do it."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(table)} SET {qn(target)} = "
            f"(SELECT {qn(source)} FROM {qn(table)} WHERE id = %s) WHERE id = %s",
            [source_id, target_id],
        )
        assert cursor.rowcount == 1


def test_token_copied_to_another_case_fails_closed():
    victim, other = factories.file_case().case, factories.file_case().case
    copy_column("cases_case", source_id=victim.pk, source="narrative", target_id=other.pk,
                target="narrative")  # fmt: skip
    with pytest.raises(crypto.DecryptionError):
        _ = Case.objects.get(pk=other.pk).narrative
    assert Case.objects.get(pk=victim.pk).narrative == victim.narrative


def test_token_copied_to_another_row_under_the_same_data_key_fails_closed():
    """The petitioner's and the victim's rows share the case's data key; the row still binds."""
    case = factories.file_case(
        filing_mode="on_behalf", victim_name="박영수", victim_contact="010-9876-5432",
        relationship="이웃", victim_consents="yes",
    ).case  # fmt: skip
    petitioner = case.people.get(role=Person.Role.PETITIONER)
    victim = case.people.get(role=Person.Role.VICTIM)
    assert petitioner.data_key_id == victim.data_key_id
    copy_column("cases_person", source_id=petitioner.pk, source="name", target_id=victim.pk,
                target="name")  # fmt: skip
    with pytest.raises(crypto.DecryptionError):
        _ = Person.objects.get(pk=victim.pk).name


def test_token_copied_to_another_column_of_the_same_row_fails_closed():
    case = factories.file_case().case
    petitioner = case.people.get()
    copy_column("cases_person", source_id=petitioner.pk, source="name", target_id=petitioner.pk,
                target="address")  # fmt: skip
    stored = Person.objects.get(pk=petitioner.pk)
    assert stored.name == petitioner.name
    with pytest.raises(crypto.DecryptionError):
        _ = stored.address


def test_tampered_column_fails_closed():
    case = factories.file_case().case
    token = bytearray(bytes(Case.objects.get(pk=case.pk).__dict__["narrative"]))
    token[-1] ^= 0x80
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET narrative = %s WHERE id = %s", [bytes(token), case.pk]
        )
    with pytest.raises(crypto.DecryptionError):
        _ = Case.objects.get(pk=case.pk).narrative


def test_shredded_case_is_unreadable_everywhere():
    filed = factories.file_case(evidence=[factories.pdf()])
    case = filed.case
    case.data_key.shred()
    stored = Case.objects.get(pk=case.pk)
    assert stored.reference == case.reference  # coded fields survive for statistics
    with pytest.raises(crypto.DecryptionError):
        _ = stored.narrative
    with pytest.raises(crypto.DecryptionError):
        _ = Person.objects.get(case=case).email
    with pytest.raises(crypto.DecryptionError):
        attachments.read(Attachment.objects.get(case=case))


# Lookups ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "lookup"),
    [
        (Case, {"narrative": "x"}),
        (Case, {"narrative__icontains": "x"}),
        (Case, {"narrative__isnull": True}),
        (Case, {"narrative__in": ["x"]}),
        (Person, {"email": "minji.kim@example.org"}),
        (Person, {"name__startswith": "김"}),
    ],
)
def test_sealed_fields_refuse_lookups(model, lookup):
    with pytest.raises(FieldError, match="encrypted"):
        model.objects.filter(**lookup)


def test_sealed_fields_refuse_lookups_through_relations():
    with pytest.raises(FieldError, match="encrypted"):
        Case.objects.filter(people__email="minji.kim@example.org")


def test_exact_search_goes_through_the_blind_index():
    email = factories.complaint_post()["email"]
    case = factories.file_case().case
    index = crypto.blind_index(f"  {email.upper()} ", purpose="email")
    assert list(Person.objects.filter(email_index=index).values_list("case", flat=True)) == [
        case.pk
    ]
