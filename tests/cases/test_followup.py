"""Recommendations followed up (issue #10): every answer kept, the status from the latest, the
plan and follow-up dates, monitoring closed only when every recommendation is final or with a
recorded reason, and the petitioner told the counts truthfully (never the text)."""

from __future__ import annotations

from datetime import date, timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import clocks, followup
from cases import transitions as t
from cases.models import Case, Recommendation, RecommendationResponse, State
from notifications.models import Notification
from tests import factories
from tests.cases.test_plain_words import CODE, EN, KO, tracked, visible_text
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
K = Recommendation.Response
TEXTS = ("Build a ramp at the east entrance.", "Train the counter staff in sign language.")
BODIES = ("Dong-gu Office", "Seo-gu Library")


def upheld(staff: Any, today: date | None = None, **complaint: Any) -> tuple[Case, str]:
    """A case upheld with two recommendations, and the petitioner's access key."""
    filed = factories.file_case(evidence=[factories.pdf("ramp-photo.pdf")], **complaint)
    case = filed.case
    for action in ("start_screening", "accept", "submit_findings"):
        case = staff.advance(case, action)
    drafts = [
        t.RecommendationDraft("district_office", b, x) for b, x in zip(BODIES, TEXTS, strict=True)
    ]
    step = staff.step(case, staff.ombudsperson, message="Upheld.")
    if today is not None:
        step = t.Step(actor=step.actor, version=step.version, message="Upheld.", today=today)
    case = t.case_act(case=case, step=step, action="uphold", recommendations=drafts)
    return case, filed.access_key


def answer(staff: Any, case: Case, number: int, kind: str, note: str = "", **more: Any) -> Case:
    rec = case.recommendations.order_by("pk")[number]
    case.refresh_from_db()
    step = t.Step(actor=staff.investigator, version=case.version, note=note,
                  today=more.pop("today", timezone.localdate()))  # fmt: skip
    return t.case_act(case=case, step=step, action="record_response",
                      recommendation_id=rec.pk, response=kind, **more)  # fmt: skip


def close(staff: Any, case: Case, note: str = "") -> Case:
    step = staff.step(case, staff.ombudsperson, note=note)
    return t.case_act(case=case, step=step, action="close_monitoring")


def test_every_answer_is_kept_and_the_status_is_the_latest(staff: Any) -> None:
    case, _key = upheld(staff)
    evidence = case.attachments.get()
    answer(staff, case, 0, K.ACCEPTED, "Agreed by phone.")
    answer(staff, case, 0, K.PLAN_RECEIVED, plan_date=date(2027, 1, 15))
    answer(staff, case, 0, K.IMPLEMENTED, "Ramp seen on site.", evidence_id=evidence.pk)
    rec = case.recommendations.order_by("pk")[0]
    history = list(rec.responses.select_related("data_key").all())
    assert [r.kind for r in history] == [K.ACCEPTED, K.PLAN_RECEIVED, K.IMPLEMENTED]
    assert history[1].plan_date == date(2027, 1, 15)
    assert history[2].evidence == evidence
    assert history[2].note == "Ramp seen on site."
    assert {r.recorded_by for r in history} == {staff.investigator}
    assert (rec.status, rec.follow_up_due) == (K.IMPLEMENTED, None)
    with connection.cursor() as cursor:  # the note is sealed at rest
        cursor.execute("SELECT note FROM cases_recommendationresponse")
        raw = b"".join(bytes(row[0]) for row in cursor.fetchall() if row[0])
    assert b"Ramp seen" not in raw


def test_plan_and_follow_up_dates(staff: Any) -> None:
    decided = date(2026, 3, 2)
    case, _key = upheld(staff, today=decided)
    first, _second = case.recommendations.order_by("pk")
    assert first.plan_due == clocks.after_days(decided, clocks.PLAN_DAYS)
    assert first.follow_up_due == clocks.after_days(decided, clocks.FOLLOW_UP_DAYS)
    assert case.follow_up_due == first.follow_up_due  # the nearest deadline of the case
    received = date(2026, 4, 20)
    answer(staff, case, 0, K.PLAN_RECEIVED, plan_date=date(2026, 4, 17), today=received)
    answer(staff, case, 1, K.NOT_ACCEPTED, "The library refuses.", today=received)
    first.refresh_from_db()
    case.refresh_from_db()
    assert first.follow_up_due == clocks.after_days(received, clocks.FOLLOW_UP_DAYS)
    assert not first.awaits_plan  # the plan arrived: only the follow-up is due
    assert case.follow_up_due == first.follow_up_due
    assert followup.next_deadline(case.recommendations.order_by("pk")[1]) is None


def test_monitoring_closes_only_when_every_recommendation_is_final(staff: Any) -> None:
    case, _key = upheld(staff)
    answer(staff, case, 0, K.IMPLEMENTED, "Done.")
    answer(staff, case, 1, K.PARTIALLY_ACCEPTED)
    case.refresh_from_db()
    before, events, mail = case.version, case.events.count(), Notification.objects.count()
    with pytest.raises(followup.Unfinished):
        close(staff, case)
    case.refresh_from_db()
    assert (case.state, case.version, case.events.count()) == (State.MONITORING, before, events)
    assert Notification.objects.count() == mail
    answer(staff, case, 1, K.NOT_ACCEPTED, "Refused in writing.")
    closed = close(staff, case)
    assert closed.state == State.CLOSED
    notice = Notification.objects.order_by("pk").last()
    assert notice is not None
    assert notice.event == "monitoring_closed"
    assert notice.context == {"reference": case.reference, "implemented": 1, "partly": 0,
                              "refused": 1, "still_open": 0}  # fmt: skip


def test_closing_early_needs_a_reason_that_the_event_records(staff: Any) -> None:
    case, _key = upheld(staff)
    answer(staff, case, 0, K.PARTIALLY_ACCEPTED)
    answer(staff, case, 0, K.PLAN_RECEIVED, plan_date=date(2027, 1, 4))  # still partly
    closed = close(staff, case, note="The district merged; the council takes it over.")
    event = closed.events.select_related("data_key").latest("pk")
    assert event.action == "close_monitoring"
    assert event.internal_note == "The district merged; the council takes it over."
    notice = Notification.objects.order_by("pk").last()
    assert notice is not None
    assert notice.context == {"reference": case.reference, "implemented": 0, "partly": 1,
                              "refused": 0, "still_open": 1}  # fmt: skip


def test_the_form_asks_for_the_reason_only_when_needed(staff: Any) -> None:
    case, _key = upheld(staff)
    client = sign_in(Client(), staff.ombudsperson)
    url = reverse("staff:act", args=[case.reference, "close_monitoring"])
    page = client.get(url)
    assert page.context["form"].fields["note"].required
    assert 'id="closing-tally"' in page.content.decode()
    response = client.post(url, {"version": case.version, "message": "", "note": ""})
    assert response.status_code == HTTPStatus.OK
    assert "note" in response.context["form"].errors
    Case.objects.get(pk=case.pk).recommendations.update(status=K.IMPLEMENTED)
    assert not client.get(url).context["form"].fields["note"].required
    assert client.post(url, {"version": case.version}).status_code == HTTPStatus.FOUND


def test_the_response_form_checks_what_goes_with_each_answer(staff: Any) -> None:
    case, _key = upheld(staff)
    client = sign_in(Client(), staff.investigator)
    url = reverse("staff:act", args=[case.reference, "record_response"])
    rec, evidence = case.recommendations.order_by("pk")[0], case.attachments.get()
    base = {"version": case.version, "recommendation": rec.pk}
    plan = client.post(url, {**base, "response": K.PLAN_RECEIVED})
    assert "plan_date" in plan.context["form"].errors
    done = client.post(url, {**base, "response": K.IMPLEMENTED})
    assert "note" in done.context["form"].errors
    early = client.post(url, {**base, "response": K.ACCEPTED, "evidence": evidence.pk})
    assert "evidence" in early.context["form"].errors
    assert not RecommendationResponse.objects.exists()
    ok = client.post(url, {**base, "response": K.IMPLEMENTED, "evidence": evidence.pk,
                           "note": "Photo of the ramp."})  # fmt: skip
    assert ok.status_code == HTTPStatus.FOUND
    page = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    assert "Photo of the ramp." in page
    assert reverse("staff:attachment", args=[case.reference, evidence.uid]) in page


@pytest.mark.parametrize(("headers", "words"), [
    (EN, ["Put into practice: 1", "Refused: 1", "Accepted only in part: 0",
          "Not yet carried out: 0"]),
    (KO, ["이행됨: 1", "거부됨: 1"]),
])  # fmt: skip
def test_the_petitioner_reads_the_counts_never_the_text(
    staff: Any, headers: dict[str, str], words: list[str]
) -> None:
    case, key = upheld(staff)
    answer(staff, case, 0, K.IMPLEMENTED, "Seen on site.")
    answer(staff, case, 1, K.NOT_ACCEPTED, "Refused.")
    close(staff, case)
    page = " ".join(visible_text(tracked(Client(), case, key, headers)).split())
    for said in words:
        assert said in page
    for secret in (*TEXTS, *BODIES, "Seen on site."):
        assert secret not in page
    assert not CODE.findall(page), CODE.findall(page)


def test_the_recommendations_queue(staff: Any, other_investigator: Any) -> None:
    today = timezone.localdate()
    due, later = upheld(staff)[0], upheld(staff)[0]
    Case.objects.filter(pk=due.pk).update(follow_up_due=today + timedelta(days=3))
    Case.objects.filter(pk=later.pk).update(follow_up_due=today + timedelta(days=40))
    closed = staff.case_in(State.CLOSED)
    Case.objects.filter(pk=closed.pk).update(follow_up_due=today - timedelta(days=1))
    url = f"{reverse('staff:queue')}?view=recommendations"
    for user, expected in ((staff.ombudsperson, {due.reference}),
                           (staff.investigator, {due.reference}),
                           (other_investigator, set()), (staff.intake, set())):  # fmt: skip
        response = sign_in(Client(), user).get(url)
        found = {row.reference for row in response.context["page"].cases}
        assert found == expected, user.username


def test_erasure_empties_the_notes_and_keeps_the_statuses(staff: Any) -> None:
    from cases import retention

    case, _key = upheld(staff)
    answer(staff, case, 0, K.IMPLEMENTED, "Seen on site.")
    answer(staff, case, 1, K.NOT_ACCEPTED, "Refused by letter.")
    close(staff, case)
    assert retention.erase(case, rule="decided") is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, note FROM cases_recommendationresponse ORDER BY id")
        assert [tuple(row) for row in cursor.fetchall()] == [
            (K.IMPLEMENTED, None), (K.NOT_ACCEPTED, None),
        ]  # fmt: skip
    assert sorted(case.recommendations.values_list("status", flat=True)) == [
        K.IMPLEMENTED, K.NOT_ACCEPTED,
    ]  # fmt: skip


def test_the_korean_staff_pages_name_every_status_in_words(staff: Any) -> None:
    case, _key = upheld(staff)
    answer(staff, case, 0, K.PLAN_RECEIVED, plan_date=date(2027, 1, 4))
    answer(staff, case, 1, K.NOT_ACCEPTED, "Refused.")
    client = sign_in(Client(), staff.ombudsperson)
    for url in (reverse("staff:case", args=[case.reference]),
                reverse("staff:act", args=[case.reference, "record_response"]),
                reverse("staff:act", args=[case.reference, "close_monitoring"]),
                f"{reverse('staff:queue')}?view=recommendations"):  # fmt: skip
        page = visible_text(client.get(url, **KO).content.decode())
        assert not CODE.findall(page), (url, CODE.findall(page))
        if "/act/close_monitoring/" in url:
            assert "거부됨: 1건" in " ".join(page.split())
        elif "/cases/" in url:  # the status of the first, in words
            assert "이행 계획서 접수" in page, url
