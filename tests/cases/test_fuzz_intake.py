"""Fuzzing the public intake: whatever a client posts, the answer is never a server error, and a
complaint is stored whole (case, people, tags, first event, data key, files, outbox row) or not
at all.

Posts go through Django's test client, which re-raises any uncaught exception of a view, so "no
5xx" also means "no traceback"; the client enforces CSRF like a browser session, so the CSRF
middleware reads each body first, as in production. Fixtures are set up once for all the examples
of a test on purpose (raised rate limits, one client, one open case for the tracking views):
every example checks the rows it changed itself, from counts taken just before it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st
from olefile import MAGIC as OLE_MAGIC

from cases import receipts
from cases.forms import ComplaintForm
from cases.models import Attachment, Case, CaseEvent, CaseTag, Outcome, Person, State
from notifications.models import Notification
from ombuds.models import DataKey
from tests import factories

pytestmark = pytest.mark.django_db


# Fixtures are shared by all the examples of a test on purpose (see the module docstring).
FUZZ = fuzz_settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


ANSWERS = {HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.BAD_REQUEST}
MODELS = (Case, Person, CaseEvent, CaseTag, Attachment, DataKey, Notification)
PEOPLE_BY_MODE = {"anonymous": 0, "self": 1, "on_behalf": 2}

HOSTILE = [
    "", " ", "\x00", "a\x00b", "\r\n", "\x1b[31m\x07\x7f", "a@b.c\r\nBcc: x@y.z",
    "a@b.c%0d%0aBcc: x@y.z", "%0d%0a", "a@b.c\nSubject: hi", "\u2028\u2029\u0085",
    "\u202e\u2066evil\u2069", "\ufeff\ufffe\uffff", "\U0010ffff\U000e0001\U0001f600",
    "<script>alert(1)</script>", "{{ form }}{% debug %}", "' OR 1=1 --", "../../etc/passwd",
    "None", "[]", "1e309", "-1", "x" * 301,
]  # fmt: skip
DATES = [
    "2026-02-30", "0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01", "-0001-01-01",
    "2026-13-01", "2026-1-1", "2026-01-01T25:00",
    "\u0662\u0660\u0662\u0666-\u0660\u0661-\u0660\u0661",
    "\uff12\uff10\uff12\uff16-\uff10\uff11-\uff10\uff11", "1e9",
]  # fmt: skip
UUIDS = [
    "00000000-0000-0000-0000-000000000000", "{12345678-1234-5678-1234-567812345678}",
    "urn:uuid:12345678-1234-5678-1234-567812345678", "12345678123456781234567812345678",
    "12345678-1234-5678-1234-56781234567", "g2345678-1234-5678-1234-567812345678",
]  # fmt: skip
EMAILS = [
    "minji.kim@example.org", "a@b.c\r\nBcc: x@y.z", "a@b.c%0d%0aBcc: x@y.z",
    '"quoted\\\r\n"@example.org', "user@例え.テスト", "user@xn--ls8h.la", "user@[127.0.0.1]",
    "user@" + "a" * 250 + ".org",
]  # fmt: skip


def choices(field: str) -> list[str]:
    return [str(value) for value, _ in ComplaintForm.base_fields[field].choices]


CHOICES: dict[str, list[str]] = {
    "filing_mode": list(PEOPLE_BY_MODE),
    "language": ["ko", "en", "KO", "fr"],
    **{field: choices(field) for field in ("respondent_type", "rights", "vulnerable_groups")},
    "discrimination_ground": choices("discrimination_ground"),
    "victim_consents": ["yes", "no", "unknown"],
    "privacy_consent": ["on", "true", "false", "0"],
    "incident_date": DATES,
    "submission": UUIDS,
    "email": EMAILS,
    "phone": ["010-1234-5678", "+82 (10) 1234.5678", "0101234567\n"],
}
FIELDS = [*factories.complaint_post(), "victim_name", "victim_contact", "relationship", "website"]
FILE_CONTENTS = [
    factories.PDF_BYTES, factories.PNG_BYTES, OLE_MAGIC + b"\x00" * 64, b"\xff\xd8\xff\xe0", b"",
]  # fmt: skip
FILE_NAMES = [
    "evidence.pdf", "../../x.pdf", "a\x00.pdf", "x.hwp", "😀.png", ".", "a" * 300 + ".pdf",
]  # fmt: skip
CONTENT_TYPES = [
    "application/x-www-form-urlencoded", "multipart/form-data; boundary=fuzz",
    "multipart/form-data", "multipart/form-data; boundary=", "text/plain", "application/json",
]  # fmt: skip
CHARSETS = ["", "utf-8", "latin-1", "utf-16", "utf-7", "bogus", "rot13", "hex", "idna", "undefined"]

text = st.text(st.characters(codec="utf-8"), max_size=40)
hostile = st.one_of(text, st.sampled_from(HOSTILE))


def value_for(field: str) -> st.SearchStrategy[str]:
    """One value for `field`: a plausible one, or anything at all (wrong types included)."""
    plausible = [st.sampled_from(CHOICES[field])] if field in CHOICES else []
    if field == "incident_date":
        plausible.append(st.dates().map(lambda day: day.isoformat()))
    if field == "submission":
        plausible.append(st.uuids().map(str))
    return st.one_of(*plausible, hostile, st.integers().map(str))


def alike(field: str) -> st.SearchStrategy[list[str]]:
    """One to three values under one key, drawn from few, so often the same one twice."""
    return st.lists(st.sampled_from(CHOICES.get(field, [""])[:3]), min_size=1, max_size=3)


def values_for(field: str) -> st.SearchStrategy[list[str]]:
    """The values posted under one key: none, one, or several (repeated keys)."""
    return st.one_of(alike(field), st.lists(value_for(field), max_size=3))


class Upload(io.BytesIO):
    """A file as the test client posts it, with any name and type (even ones Django refuses)."""

    def __init__(self, content: bytes, *, name: str, content_type: str) -> None:
        super().__init__(content)
        self.name, self.content_type = name, content_type


uploads = st.lists(
    st.builds(
        Upload,
        name=st.one_of(st.sampled_from(FILE_NAMES), text.map(lambda name: name + ".pdf")),
        content=st.one_of(st.sampled_from(FILE_CONTENTS), st.binary(max_size=2048)),
        content_type=st.one_of(st.sampled_from(["application/pdf", "image/png"]), text),
    ),
    max_size=3,
)
# Each change replaces one key's values (repeated keys, or none at all: the key is dropped):
# either a near-valid complaint (its coded fields redrawn), which often files a case, or anything.
CATEGORIES = ("rights", "vulnerable_groups")
near_valid = st.fixed_dictionaries(
    {field: alike(field) for field in CATEGORIES},
    optional={field: alike(field) for field in CHOICES if field not in CATEGORIES},
).map(lambda changes: list(changes.items()))
anything = st.lists(
    st.sampled_from(FIELDS).flatmap(lambda field: st.tuples(st.just(field), values_for(field))),
    max_size=4,
)
mutations = st.one_of(near_valid, anything)
# Bodies as they come off the wire: random bytes, or a multipart part holding random bytes.
part = st.tuples(st.sampled_from(FIELDS), st.binary(max_size=64)).map(
    lambda item: (
        b'--fuzz\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n--fuzz--\r\n'
        % (item[0].encode(), item[1])
    )
)
raw_bodies = st.one_of(st.binary(max_size=512), part)


def new_browser() -> Client:
    """A client that sends the CSRF cookie and token, so the CSRF middleware parses each body."""
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("cases:track"))
    client.defaults["HTTP_X_CSRFTOKEN"] = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    return client


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def changed(before: dict[str, int]) -> dict[str, int]:
    return {name: count - before[name] for name, count in counts().items()}


def stored_files() -> int:
    root = Path(default_storage.location)
    return sum(1 for _ in root.iterdir()) if root.exists() else 0


def assert_answered(response: Any) -> None:
    assert response.status_code in ANSWERS, response.status_code


def assert_whole_or_nothing(before: dict[str, int], response: Any) -> None:
    """A complaint post leaves no rows, or exactly the rows of one complete case."""
    delta = changed(before)
    assert stored_files() == Attachment.objects.count()
    if delta["Case"] == 0:
        if delta["CaseEvent"] == 1:  # the same form again: its receipt, with a new access key
            reissued = CaseEvent.objects.latest("pk")
            assert reissued.action == "receipt_reissued"
            assert reissued.case.reference in response.text
            delta["CaseEvent"] = 0
        assert not any(delta.values()), delta
        return
    case = Case.objects.latest("pk")
    assert response.status_code == HTTPStatus.OK
    assert case.reference in response.text
    assert case.narrative
    assert list(case.events.values_list("action", flat=True)) == ["filed"]
    assert case.tags.filter(kind=CaseTag.Kind.RIGHT).exists()
    petitioner = case.people.filter(role=Person.Role.PETITIONER).first()
    assert delta == {
        "Case": 1,
        "Person": PEOPLE_BY_MODE[case.filing_mode],
        "CaseEvent": 1,
        "CaseTag": case.tags.count(),
        "Attachment": case.attachments.count(),
        "DataKey": 1,
        "Notification": 1 if petitioner and petitioner.email else 0,
    }


@pytest.fixture(autouse=True)
def _rate_limits_out_of_the_way(settings: Any) -> None:
    settings.OMBUDS_RATE_LIMITS = dict.fromkeys(settings.OMBUDS_RATE_LIMITS, "1000000/3600")


@pytest.fixture
def browser() -> Client:
    return new_browser()


@pytest.fixture
def opened() -> tuple[Client, Case, str]:
    """A petitioner's browser with their case opened through the tracking form."""
    filed = factories.file_case()
    client = new_browser()
    response = client.post(
        reverse("cases:track"),
        {"reference": filed.case.reference, "access_key": filed.access_key},
    )
    assert response.status_code == HTTPStatus.FOUND
    return client, filed.case, filed.access_key


@fuzz_settings(FUZZ, max_examples=80)
@given(changes=mutations, files=uploads, language=st.sampled_from(["ko", "en", "fr", "zz", ""]))
def test_complaint_form_answers_anything_and_stores_whole_cases(
    browser: Client,
    django_capture_on_commit_callbacks: Callable[..., Any],
    changes: list[tuple[str, list[str]]],
    files: list[Upload],
    language: str,
) -> None:
    browser.cookies["django_language"] = language
    data: dict[str, Any] = {**factories.complaint_post(), **dict(changes)}
    if files:
        data["evidence"] = files
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("cases:complaint"), data)
    assert_answered(response)
    assert_whole_or_nothing(before, response)
    event(f"{response.status_code}, {Case.objects.count() - before['Case']} case")
    call_command("send_notifications", "--once", verbosity=0, stdout=io.StringIO())
    assert not Notification.objects.exclude(status=Notification.Status.SENT).exists()


def test_repeated_categories_file_one_case(client: Client) -> None:
    data = factories.complaint_post(rights=["work", "work"], vulnerable_groups=["older"] * 2)
    response = client.post(reverse("cases:complaint"), data)
    assert response.status_code == HTTPStatus.OK
    case = Case.objects.get()
    assert sorted(case.tags.values_list("code", flat=True)) == ["older", "work"]


def receipt_variants(case: Case, access_key: str) -> list[str]:
    squeezed = access_key.replace("-", "")
    return [
        case.reference,
        case.reference.lower().replace("0", "o").replace("1", "l"),
        access_key,
        squeezed.lower(),
        f" {squeezed[:10]} {squeezed[10:]} ",
        access_key[:-1] + ("0" if access_key[-1] != "0" else "1"),
        access_key + "X",
    ]


@fuzz_settings(FUZZ, max_examples=50)
@given(data=st.data())
def test_tracking_form_answers_anything_and_opens_only_the_right_case(
    opened: tuple[Client, Case, str], data: st.DataObject
) -> None:
    _, case, access_key = opened
    value = st.one_of(st.sampled_from(receipt_variants(case, access_key)), hostile)
    posted = {
        "reference": data.draw(st.lists(value, max_size=2)),
        "access_key": data.draw(st.lists(value, max_size=2)),
    }
    client, before = new_browser(), counts()
    response = client.post(reverse("cases:track"), posted)
    assert_answered(response)
    assert counts() == before
    event(str(response.status_code))
    if response.status_code == HTTPStatus.FOUND:
        assert client.session["tracking"]["case"] == case.pk
        assert receipts.normalise_reference(posted["reference"][-1]) == case.reference
        assert receipts.normalise_access_key(posted["access_key"][-1]) == access_key


@fuzz_settings(FUZZ, max_examples=50)
@given(messages=st.lists(hostile, max_size=3), files=uploads)
def test_adding_information_answers_anything_and_adds_whole_events(
    opened: tuple[Client, Case, str], messages: list[str], files: list[Upload]
) -> None:
    client, case, _ = opened
    before = counts()
    response = client.post(
        reverse("cases:add_information"), {"message": messages, "evidence": files}
    )
    assert_answered(response)
    delta = changed(before)
    added, attached = delta.pop("CaseEvent"), delta.pop("Attachment")
    assert not any(delta.values()), delta
    assert stored_files() == Attachment.objects.count()
    event(f"{response.status_code}, {added} event")
    if added:
        latest = case.events.latest("pk")
        assert (added, latest.action) == (1, "information_added")
        assert attached == latest.attachments.count()
        assert response.status_code == HTTPStatus.FOUND
    else:
        assert attached == 0


@fuzz_settings(FUZZ, max_examples=30)
@given(reasons=st.lists(hostile, max_size=2), confirm=st.lists(value_for("privacy_consent")))
def test_withdrawing_answers_anything_and_closes_at_most_once(
    opened: tuple[Client, Case, str], reasons: list[str], confirm: list[str]
) -> None:
    client, case, _ = opened
    before = counts()
    response = client.post(reverse("cases:withdraw"), {"reason": reasons, "confirm": confirm})
    assert_answered(response)
    delta = changed(before)
    case = Case.objects.get(pk=case.pk)
    withdrawn = case.events.filter(action="withdrawn").count()
    assert withdrawn == (1 if case.state == State.CLOSED else 0)
    assert case.outcome == (Outcome.WITHDRAWN if withdrawn else "")
    assert delta["CaseEvent"] in {0, 1}
    assert delta["Case"] == delta["Person"] == delta["Attachment"] == delta["DataKey"] == 0


@fuzz_settings(FUZZ, max_examples=50)
@given(
    url=st.sampled_from(
        ["cases:complaint", "cases:track", "cases:add_information", "cases:withdraw"]
    ),
    body=raw_bodies,
    content_type=st.sampled_from(CONTENT_TYPES),
    charset=st.sampled_from(CHARSETS),
)
def test_raw_bodies_in_any_encoding_are_answered(
    opened: tuple[Client, Case, str], url: str, body: bytes, content_type: str, charset: str
) -> None:
    client, _, _ = opened
    declared = f"{content_type}; charset={charset}" if charset else content_type
    before = counts()
    response = client.generic("POST", reverse(url), body, content_type=declared)
    assert_answered(response)
    assert counts() == before
    event(str(response.status_code))


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data; boundary=fuzz; charset=rot13",
        "multipart/form-data; boundary=fuzz; charset=idna",
        "application/x-www-form-urlencoded; charset=latin-1",
    ],
)
def test_a_charset_django_cannot_read_is_a_bad_request(browser: Client, content_type: str) -> None:
    body = b'--fuzz\r\nContent-Disposition: form-data; name="a"\r\n\r\n\xff\r\n--fuzz--\r\n'
    response = browser.generic("POST", reverse("cases:complaint"), body, content_type=content_type)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Content-Security-Policy" in response


def big_file() -> dict[str, Any]:
    content = factories.PDF_BYTES + b"\x00" * (11 << 20)
    return {"evidence": [Upload(content, name="big.pdf", content_type="application/pdf")]}


OK, REFUSED = HTTPStatus.OK, HTTPStatus.BAD_REQUEST  # a form error, or a body over a limit


@pytest.mark.parametrize(
    ("url", "extra", "status"),
    [
        ("cases:complaint", lambda: {"narrative": "가" * 20_001}, OK),
        ("cases:complaint", lambda: {"name": "가" * 600_000}, OK),  # 1.8 MB of UTF-8
        ("cases:complaint", lambda: {"email": "가" * 600_000}, OK),
        ("cases:complaint", lambda: {"narrative": "가" * 1_000_000}, REFUSED),  # 3 MB
        ("cases:track", lambda: {"access_key": "가" * 600_000}, OK),
        ("cases:add_information", lambda: {"message": "가" * 1_000_000}, REFUSED),
        ("cases:withdraw", lambda: {"reason": "가" * 1_000_000}, REFUSED),
        ("cases:complaint", big_file, OK),
        ("cases:complaint", lambda: {"evidence": [factories.pdf() for _ in range(101)]}, REFUSED),
        ("cases:complaint", lambda: {f"field{n}": "x" for n in range(1001)}, REFUSED),
    ],
    ids=[
        "over max_length", "1.8 MB name", "1.8 MB email", "3 MB narrative", "1.8 MB key",
        "3 MB message", "3 MB reason", "11 MB file", "101 files", "1001 fields",
    ],
)  # fmt: skip
def test_oversized_posts_are_refused_and_store_nothing(
    opened: tuple[Client, Case, str], url: str, extra: Callable[[], dict[str, Any]], status: int
) -> None:
    client, case, _ = opened
    data = factories.complaint_post(confirm="on", reference=case.reference, message="", reason="")
    before = counts()
    response = client.post(reverse(url), {**data, **extra()})
    assert response.status_code == status
    assert counts() == before
    assert stored_files() == Attachment.objects.count()
    assert Case.objects.get(pk=case.pk).state == State.RECEIVED
