"""Finding a person's cases: exact, normalised terms through keyed blind indexes (never a
plaintext index), a POSTed form, only cases the member may see, each search access-logged
without its terms; and the command that indexes people stored before."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases import people
from cases.models import Person, State
from cases.people import normal_email, normal_name, normal_phone
from ombuds.models import AccessLogEntry
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
URL = reverse("staff:search")


def wide(text: str) -> str:
    """As typed with a full-width (East Asian) input method: full-width Latin, digits, space."""
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) for c in text)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("Kim Min-ji", "KIM MINJI"), ("김 민지", "김민지"), (wide("Kim Minji"), "kim minji"),
     ("O'Neil\u2013Smith", "o'neilsmith"), ("김\u00b7민지", "김민지")],
)  # fmt: skip
def test_names_match_whatever_the_spacing_hyphens_case_or_width(typed, stored):
    assert normal_name(typed) == normal_name(stored)


@pytest.mark.parametrize(
    "typed", ["010-1234-5678", "010 1234 5678", "01012345678", "+82 10-1234-5678",
              wide("010-1234-5678"), "(010) 1234.5678"],
)  # fmt: skip
def test_phones_match_as_their_digits(typed):
    assert normal_phone(typed) == "01012345678"


def test_emails_ignore_case_width_and_space_but_keep_hyphens_and_dots():
    assert normal_email(" Minji.Kim@Example.org ") == normal_email(
        wide("minji.kim@") + "example.org"
    )
    assert normal_email("min-ji@example.org") != normal_email("minji@example.org")
    assert normal_name("Kim Minji") != normal_name("Kim Minjae")


def test_the_indexes_are_keyed_hashes_never_the_values(staff):
    case = staff.case_in(State.SCREENING, name="Kim Minji", phone="010-1234-5678")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name_index, phone_index, email_index, name, phone FROM cases_person"
            " WHERE case_id = %s",
            [case.pk],
        )
        row = [bytes(v).decode(errors="ignore") if isinstance(v, bytes | memoryview) else str(v)
               for v in cursor.fetchone()]  # fmt: skip
    joined = " ".join(row).casefold()
    for plain in ("kim", "minji", "01012345678", "1234", "example.org"):
        assert plain not in joined, plain
    assert all(len(index) == 32 for index in row[:3])


def search(client: Client, **terms: str) -> Any:
    data = {"name": "", "phone": "", "email": "", **terms}
    return client.post(URL, data, HTTP_ACCEPT_LANGUAGE="en")


def test_a_search_finds_the_persons_cases_the_member_may_see(staff, other_investigator):
    theirs = staff.case_in(State.INVESTIGATION, name="Kim Minji", phone="010-1234-5678")
    screening = staff.case_in(State.SCREENING, name="KIM MIN-JI", phone="010 1234 5678")
    namesake = staff.case_in(State.SCREENING, name="Kim Minji", phone="010-9999-0000")
    boss = sign_in(Client(), staff.ombudsperson)
    response = search(boss, name="kim minji", phone="+82 10 1234 5678")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert theirs.reference in page
    assert screening.reference in page
    assert namesake.reference not in page  # one person must match every term
    intake = search(sign_in(Client(), staff.intake), name="Kim Minji").content.decode()
    assert screening.reference in intake
    assert namesake.reference in intake
    assert theirs.reference not in intake  # in investigation: not an intake officer's
    other = search(sign_in(Client(), other_investigator), name="Kim Minji").content.decode()
    assert "No case you may open matches these terms." in other


def test_a_search_is_posted_logged_without_its_terms_and_never_stored(staff):
    staff.case_in(State.SCREENING, name="Kim Minji", email="minji@example.org")
    client = sign_in(Client(), staff.ombudsperson)
    assert client.get(URL).status_code == HTTPStatus.OK
    assert AccessLogEntry.objects.filter(action="search").count() == 0  # nothing searched yet
    response = search(client, name="Kim Minji", email="MINJI@example.org")
    assert "no-store" in response["Cache-Control"]
    entry = AccessLogEntry.objects.get(action="search")
    assert (entry.user, entry.detail, entry.case_reference) == (
        staff.ombudsperson,
        "name,email",
        "",
    )
    row = " ".join(
        str(v) for v in AccessLogEntry.objects.filter(pk=entry.pk).values().get().values()
    )
    assert "minji" not in row.casefold()


def test_an_empty_search_asks_for_a_term_and_logs_nothing(staff):
    response = search(sign_in(Client(), staff.intake))
    assert "Enter a name, a phone number or an email address." in response.content.decode()
    assert not AccessLogEntry.objects.filter(action="search").exists()


def test_roles_that_see_no_case_may_not_search(auditor):
    client = sign_in(Client(), auditor)
    assert search(client, name="Kim Minji").status_code == HTTPStatus.FORBIDDEN
    assert not AccessLogEntry.objects.filter(action="search").exists()


def test_people_stored_before_the_indexes_are_indexed_resumably(staff):
    first = staff.case_in(State.SCREENING, name="Kim Minji", phone="010-1234-5678")
    second = staff.case_in(State.SCREENING, name="Lee Jiwoo", phone="010-5555-0000")
    Person.objects.update(name_index="", phone_index="", index_version=0)  # as before 0011
    boss = staff.ombudsperson
    assert not people.cases_of(boss, name="Kim Minji").exists()
    assert people.reindex(batch=1) == 2  # one person per transaction
    assert people.reindex(batch=1) == 0  # nothing left: a second run does nothing
    assert list(people.cases_of(boss, name="kim min-ji")) == [first]
    assert list(people.cases_of(boss, phone="01055550000")) == [second]
    Person.objects.filter(case=second).update(index_version=0, name_index="")
    call_command("reindex_people", verbosity=0)
    assert list(people.cases_of(boss, name="LEE JIWOO")) == [second]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
def test_a_search_reads_the_blind_index_then_cases_by_key(staff):
    from django.test.utils import CaptureQueriesContext

    staff.case_in(State.SCREENING, name="Kim Minji")
    with CaptureQueriesContext(connection) as captured:
        list(people.cases_of(staff.intake, name="Kim Minji"))
    plans = []
    with connection.cursor() as cursor:
        for query in captured:
            if query["sql"].startswith("SELECT"):
                cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
                plans.append(" / ".join(str(row[-1]) for row in cursor.fetchall()))
    person = next(p for p in plans if "cases_person" in p)
    assert "name_index" in person, person
    case = next(p for p in plans if "cases_case" in p)
    assert "INTEGER PRIMARY KEY" in case, case
    assert "SCAN cases_case" not in case, case
