"""Faults at every step of filing a complaint and of a staff transition: either everything is
stored and the petitioner sees the receipt, or nothing is and they are told so with what they
typed kept. Never a stored case without its evidence, never an orphan file.

These tests commit for real (`transaction=True`): what runs after COMMIT is what they probe.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from cases import attachments, selectors
from cases.models import Attachment, Case, CaseEvent, CaseTag, Person, State
from notifications.models import Notification
from tests import factories
from tests.cases.faults import failing_after_commit, failing_sql, files_in, fill_the_disk
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

STEPS = [
    "cases_case",
    "cases_casetag",
    "cases_person",
    "cases_caseevent",
    "cases_attachment",
    "notifications_notification",
]
STORED = (Case, CaseTag, Person, CaseEvent, Attachment, Notification)


@pytest.fixture
def folder(settings: Any) -> Path:
    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


@pytest.fixture
def english(client: Any) -> Any:
    client.cookies["django_language"] = "en"
    return client


def with_evidence(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "evidence": [factories.pdf(), factories.png()]}


def nothing_stored(folder: Path) -> bool:
    return not any(model.objects.exists() for model in STORED) and not files_in(folder)


def access_key(response: Any) -> str:
    found = re.search(r'id="access-key">([^<]+)<', response.text)
    assert found, "no access key on the page"
    return found.group(1)


@pytest.mark.parametrize("table", STEPS)
def test_a_database_error_at_any_step_stores_nothing_and_keeps_the_form(
    english, complaint_data, folder, table
):
    with failing_sql(rf'INSERT INTO "{table}" ') as failed:
        response = english.post(reverse("cases:complaint"), with_evidence(complaint_data))
    assert failed, f"no insert into {table}"
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "nothing was filed" in response.text
    assert complaint_data["narrative"] in response.text  # what was typed is kept
    assert "evidence.pdf" in response.text  # and the files to attach again are named
    assert nothing_stored(folder)


def test_a_disk_that_fills_up_while_evidence_is_written_stores_nothing_and_leaves_no_file(
    english, complaint_data, folder, settings
):
    fill_the_disk(settings)
    response = english.post(reverse("cases:complaint"), with_evidence(complaint_data))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert complaint_data["narrative"] in response.text
    assert nothing_stored(folder)  # the half-written file too


def test_an_error_after_the_commit_still_shows_the_receipt_and_keeps_the_evidence(
    english, complaint_data, folder
):
    with failing_after_commit(r'INSERT INTO "notifications_notification" '):
        response = english.post(reverse("cases:complaint"), with_evidence(complaint_data))
    assert response.status_code == HTTPStatus.OK
    case = Case.objects.get()
    assert case.reference in response.text
    assert selectors.case_by_receipt(case.reference, access_key(response)) == case
    stored = sorted(case.attachments.select_related("data_key"), key=lambda a: a.filename)
    assert [a.filename for a in stored] == ["evidence.pdf", "photo.png"]
    assert files_in(folder) == {a.storage_name for a in stored}
    assert attachments.read(stored[0]) == factories.PDF_BYTES
    assert Notification.objects.get().status == Notification.Status.PENDING


def test_the_form_sent_again_shows_its_receipt_with_a_new_key_that_replaces_the_old(
    english, complaint_data
):
    first = english.post(reverse("cases:complaint"), complaint_data)
    second = english.post(reverse("cases:complaint"), complaint_data)
    assert second.status_code == HTTPStatus.OK
    case = Case.objects.get()  # filed once
    old, new = access_key(first), access_key(second)
    assert old != new
    assert "Any access key shown before no longer works" in second.text
    assert selectors.case_by_receipt(case.reference, old) is None
    assert selectors.case_by_receipt(case.reference, new) == case
    reissued = case.events.get(action="receipt_reissued")
    assert (reissued.public, reissued.actor_kind) == (False, CaseEvent.Actor.SYSTEM)
    assert Notification.objects.count() == 1  # one receipt mail, not two


def test_after_a_failure_the_retry_files_it_once(english, complaint_data, folder):
    with failing_sql(r'INSERT INTO "cases_attachment" '):
        failed = english.post(reverse("cases:complaint"), with_evidence(complaint_data))
    assert failed.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    retried = english.post(reverse("cases:complaint"), with_evidence(complaint_data))
    assert retried.status_code == HTTPStatus.OK
    case = Case.objects.get()
    assert "Any access key shown before" not in retried.text  # a first filing, not a reissue
    assert files_in(folder) == set(case.attachments.values_list("storage_name", flat=True))
    assert case.attachments.count() == 2


def test_the_same_form_a_day_later_shows_the_reference_only(english, complaint_data, settings):
    english.post(reverse("cases:complaint"), complaint_data)
    case = Case.objects.get()
    Case.objects.filter(pk=case.pk).update(
        received_at=case.received_at - settings.OMBUDS_RECEIPT_REISSUE
    )
    response = english.post(reverse("cases:complaint"), complaint_data)
    assert response.status_code == HTTPStatus.OK
    assert case.reference in response.text
    assert 'id="access-key"' not in response.text
    assert Case.objects.get().access_key_hash == case.access_key_hash


def test_information_added_during_a_fault_is_not_lost_and_leaves_no_file(
    english, complaint_data, folder
):
    filed = factories.file_case()
    english.post(
        reverse("cases:track"), {"reference": filed.case.reference, "access_key": filed.access_key}
    )
    before = files_in(folder)
    with failing_sql(r'INSERT INTO "cases_attachment" '):
        response = english.post(
            reverse("cases:add_information"),
            {"message": "The letter arrived today.", "evidence": [factories.pdf("letter.pdf")]},
        )
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "The letter arrived today." in response.text
    assert "letter.pdf" in response.text
    assert not filed.case.events.filter(action="information_added").exists()
    assert files_in(folder) == before


def test_a_staff_action_that_cannot_be_saved_changes_nothing_and_keeps_the_typing(
    english, staff, complaint_data
):
    case = staff.case_in(State.SCREENING)
    sign_in(english, staff.intake)
    url = reverse("staff:act", args=[case.reference, "request_supplement"])
    data = {"version": case.version, "message": "Please send the letter.", "note": "kept note"}
    with failing_sql(r'INSERT INTO "cases_caseevent" '):
        response = english.post(url, data)
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "nothing was changed" in response.text
    assert "Please send the letter." in response.text
    assert "kept note" in response.text
    case.refresh_from_db()
    assert case.state == State.SCREENING
    assert not case.events.filter(action="request_supplement").exists()
    assert english.post(url, data).status_code == HTTPStatus.FOUND  # the retry goes through
