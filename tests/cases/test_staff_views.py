"""The staff workspace: queues, the case page, actions, conflicts, downloads, registration."""

from __future__ import annotations

from datetime import date
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case, Channel, State
from ombuds.accesslog import AccessLogEntry
from tests import factories
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def act(client, case, action, **data):
    case.refresh_from_db()
    url = reverse("staff:act", args=[case.reference, action])
    return client.post(url, {"version": case.version, "message": "", "note": "", **data})


def test_case_page_shows_the_complaint_and_logs_the_view(client, staff):
    case = staff.case_in(State.SCREENING)
    sign_in(client, staff.ombudsperson)
    response = client.get(reverse("staff:case", args=[case.reference]))
    assert response.status_code == HTTPStatus.OK
    assert "김민지" in response.text
    assert case.narrative in response.text
    assert "no-store" in response["Cache-Control"]
    entry = AccessLogEntry.objects.get(action="view_case")
    assert (entry.case_reference, entry.user_id) == (case.reference, staff.ombudsperson.pk)


def test_case_page_offers_exactly_the_allowed_actions(client, staff):
    case = staff.case_in(State.SCREENING)
    sign_in(client, staff.intake)
    text = client.get(reverse("staff:case", args=[case.reference])).text
    assert reverse("staff:act", args=[case.reference, "request_supplement"]) in text
    assert reverse("staff:act", args=[case.reference, "accept"]) not in text
    sign_in(client, staff.ombudsperson)
    text = client.get(reverse("staff:case", args=[case.reference])).text
    assert reverse("staff:act", args=[case.reference, "accept"]) in text


def test_an_action_through_the_page_moves_the_case(client, staff, mailoutbox):
    case = staff.case_in(State.SCREENING)
    sign_in(client, staff.ombudsperson)
    response = act(client, case, "accept", investigator=staff.investigator.pk)
    assert response.status_code == HTTPStatus.FOUND
    case.refresh_from_db()
    assert (case.state, case.assigned_to) == (State.INVESTIGATION, staff.investigator)


def test_required_reasons_are_enforced_and_typing_is_kept(client, staff):
    case = staff.case_in(State.SCREENING)
    sign_in(client, staff.ombudsperson)
    response = act(client, case, "declare_inadmissible", note="draft reasoning kept")
    assert response.status_code == HTTPStatus.OK
    assert "draft reasoning kept" in response.text
    case.refresh_from_db()
    assert case.state == State.SCREENING


def test_two_staff_acting_at_once_one_wins_the_other_sees_what_changed(staff):
    case = staff.case_in(State.SCREENING)
    first, second = Client(), Client()
    sign_in(first, staff.ombudsperson)
    sign_in(second, staff.intake)
    seen = case.version
    url_accept = reverse("staff:act", args=[case.reference, "accept"])
    url_supplement = reverse("staff:act", args=[case.reference, "request_supplement"])
    won = first.post(url_accept, {"version": seen, "investigator": staff.investigator.pk,
                                  "message": "", "note": ""})  # fmt: skip
    lost = second.post(url_supplement, {"version": seen, "message": "Please send the letter.",
                                         "note": ""})  # fmt: skip
    assert won.status_code == HTTPStatus.FOUND
    assert lost.status_code in {HTTPStatus.CONFLICT, HTTPStatus.NOT_FOUND}
    case.refresh_from_db()
    assert case.state == State.INVESTIGATION


def test_conflict_page_keeps_typing_and_lists_the_change(client, staff):
    case = staff.case_in(State.SCREENING)
    seen = case.version
    staff.advance(case, "request_supplement")
    sign_in(client, staff.ombudsperson)
    url = reverse("staff:act", args=[case.reference, "note"])
    response = client.post(url, {"version": seen, "message": "", "note": "my careful note"})
    assert response.status_code == HTTPStatus.CONFLICT
    assert "my careful note" in response.text
    assert "Ask the petitioner for more information" in response.text
    case.refresh_from_db()
    assert f'name="version" value="{case.version}"' in response.text


def test_attachment_download_is_decrypted_and_logged(client, staff):
    case = factories.file_case(evidence=[factories.pdf("proof.pdf")]).case
    sign_in(client, staff.intake)
    item = case.attachments.get()
    response = client.get(reverse("staff:attachment", args=[case.reference, item.uid]))
    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content) == factories.PDF_BYTES
    assert 'filename="proof.pdf"' in response["Content-Disposition"]
    assert AccessLogEntry.objects.filter(action="download_attachment").count() == 1


def test_phone_complaint_registered_by_intake_shows_the_receipt(client, intake_officer):
    sign_in(client, intake_officer)
    data = factories.complaint_post(channel=Channel.PHONE)
    response = client.post(reverse("staff:register"), data)
    assert response.status_code == HTTPStatus.OK
    case = Case.objects.get()
    assert (case.channel, case.state) == (Channel.PHONE, State.RECEIVED)
    assert case.reference in response.text
    assert case.events.get().actor == intake_officer


def test_own_motion_case_starts_in_screening_without_petitioner(client, ombudsperson):
    sign_in(client, ombudsperson)
    data = factories.complaint_post(channel=Channel.OWN_MOTION, filing_mode="", name="",
                                    email="", phone="", address="", privacy_consent="")  # fmt: skip
    response = client.post(reverse("staff:register"), data)
    assert response.status_code == HTTPStatus.OK, response.text
    case = Case.objects.get()
    assert (case.channel, case.state, case.filing_mode) == (Channel.OWN_MOTION, State.SCREENING, "")
    assert not case.people.exists()


def test_intake_officer_cannot_open_own_motion_cases(client, intake_officer):
    sign_in(client, intake_officer)
    data = factories.complaint_post(channel=Channel.OWN_MOTION)
    client.post(reverse("staff:register"), data)
    assert not Case.objects.exists()


def test_the_queue_filters_show_what_was_asked_in_the_readers_language(client, ombudsperson):
    """The filter form is a cached fragment: each combination and language still gets its own."""
    sign_in(client, ombudsperson)
    queue = reverse("staff:queue")
    for state in (State.SCREENING, State.INVESTIGATION, State.SCREENING):
        page = client.get(queue, {"state": state}).content.decode()
        assert f'<option value="{state}" selected>' in page
        assert page.count(" selected>") == 4  # state, and "any" for right, respondent, group
    assert '<details class="filters" open>' in page
    assert '<details class="filters">' in client.get(queue, {"view": "overdue"}).content.decode()
    client.cookies["django_language"] = "ko"
    korean = client.get(queue, {"state": "screening"})
    client.cookies["django_language"] = "en"
    english = client.get(queue, {"state": "screening"})
    assert '<option value="screening" selected>사전 검토</option>' in korean.content.decode()
    assert '<option value="screening" selected>Screening</option>' in english.content.decode()


def test_the_queue_prints_each_case_s_row_and_says_when_it_is_empty(client, staff):
    case = staff.case_in(State.INVESTIGATION)
    Case.objects.filter(pk=case.pk).update(due_date=date(2020, 1, 6))
    sign_in(client, staff.ombudsperson)
    page = client.get(reverse("staff:queue"), {"view": "overdue"}).content.decode()
    link = reverse("staff:case", args=[case.reference])
    assert f'<tr><td><a href="{link}">{case.reference}</a></td><td>Investigation</td>' in page
    assert '2020-01-06 <strong class="badge badge-overdue">Overdue</strong>' in page
    assert f"<td>{staff.investigator.username}</td></tr>" in page
    empty = client.get(reverse("staff:queue"), {"view": "due_soon"}).content.decode()
    assert '<tr><td colspan="7">No cases here.</td></tr>' in empty
    assert "<td><a" not in empty


def test_the_queue_takes_no_email_any_more(client, staff):
    """People are found through the POSTed search: an email in a queue URL filters nothing
    and fills no field of the (cached) filter form."""
    mine = staff.case_in(State.SCREENING, email="minji.kim@example.org")
    other = staff.case_in(State.SCREENING, email="someone@example.org")
    sign_in(client, staff.ombudsperson)
    page = client.get(reverse("staff:queue"), {"email": "minji.kim@example.org"}).content.decode()
    assert mine.reference in page
    assert other.reference in page
    assert 'value="minji' not in page
    assert 'name="email"' not in page


def test_a_reopened_case_accepted_by_another_investigator_leaves_the_first_without_access(
    staff, investigator, other_investigator
):
    from cases import transitions as t
    from cases.models import CaseUserObjectPermission

    case = staff.case_in(State.CLOSED)  # investigated by `investigator`, then dismissed
    case = t.case_act(case=case, step=staff.step(case, staff.ombudsperson), action="reopen")
    case = t.case_act(case=case, step=staff.step(case, staff.ombudsperson), action="accept",
                      investigator=other_investigator)  # fmt: skip
    holders = CaseUserObjectPermission.objects.filter(content_object=case)
    assert set(holders.values_list("user_id", flat=True)) == {other_investigator.pk}
    page = reverse("staff:case", args=[case.reference])
    assert sign_in(Client(), investigator).get(page).status_code == HTTPStatus.NOT_FOUND
    assert sign_in(Client(), other_investigator).get(page).status_code == HTTPStatus.OK
