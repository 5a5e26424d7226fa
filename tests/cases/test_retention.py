"""Retention: expired cases lose their personal data for good; their coded record and history
stay, statistics do not move, holds are respected, and each erasure is in the log chain."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed

from cases import retention
from cases import transitions as t
from cases.models import Case, CaseEvent, CaseTag, Person, Recommendation, State
from notifications.models import Notification
from ombuds.accesslog import verify_chain
from ombuds.models import AccessLogEntry
from tests import factories
from tests.cases.faults import failing_sql, files_in
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def closed(staff, *, years_ago: float, **complaint) -> Case:
    """A case dismissed through the workflow, closed `years_ago`."""
    case = staff.case_in(State.CLOSED, **complaint)
    Case.objects.filter(pk=case.pk).update(closed_at=NOW - timedelta(days=365.25 * years_ago))
    case.refresh_from_db()
    return case


def statistics() -> dict[str, object]:
    """What the statistics read: coded columns only."""
    return {
        "outcomes": dict(Case.objects.values_list("outcome").annotate(n=Count("pk"))),
        "tags": dict(CaseTag.objects.values_list("code").annotate(n=Count("pk"))),
        "events": dict(CaseEvent.objects.values_list("action").annotate(n=Count("pk"))),
        "months": sorted(Case.objects.values_list("received_month", flat=True)),
        "agencies": sorted(Recommendation.objects.values_list("agency_type", "status")),
    }


def raw_sealed(case: Case) -> list[object]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT narrative, incident_place, desired_outcome, respondent_name"
            " FROM cases_case WHERE id = %s",
            [case.pk],
        )
        return list(cursor.fetchone())


def test_an_expired_case_is_erased_and_nothing_else_changes(staff, settings):
    folder = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    old = closed(staff, years_ago=11, evidence=[factories.pdf()])
    recent = closed(staff, years_ago=2, evidence=[factories.png()])
    kept_file = recent.attachments.get().storage_name
    before = statistics()

    erased = retention.erase(old, rule=retention.rule_of(old.outcome))

    assert erased is not None
    assert (erased.rule, erased.people, erased.files) == ("decided", 1, 1)
    old.refresh_from_db()
    assert old.erased_at is not None
    assert raw_sealed(old) == [None, None, None, None]
    assert old.data_key.wrapped is None
    assert not Person.objects.filter(case=old).exists()
    assert not old.attachments.exists()
    assert not Notification.objects.filter(data_key=old.data_key).exists()
    assert all(e.message == "" and e.internal_note == "" for e in old.events.all())
    assert files_in(folder) == {kept_file}
    assert statistics() == before  # coded fields, tags, events and months are all still there
    assert recent.people.exists()
    assert recent.narrative
    report = verify_chain()
    assert report.problem == ""
    entry = AccessLogEntry.objects.get(action="erase_case")
    assert (entry.case_reference, entry.user_id) == (old.reference, None)
    assert entry.detail.startswith("rule=decided,people=1,files=1")


def test_periods_follow_the_outcome_and_a_hold_keeps_a_case(staff, ombudsperson):
    decided_9 = closed(staff, years_ago=9)
    withdrawn_4 = staff.case_in(State.SCREENING)
    step = staff.step(withdrawn_4, staff.intake, note="By phone.")
    t.case_act(case=withdrawn_4, step=step, action="withdraw")
    Case.objects.filter(pk=withdrawn_4.pk).update(closed_at=NOW - timedelta(days=4 * 366))
    held = closed(staff, years_ago=12)
    retention.set_legal_hold(held, actor=ombudsperson, reason="Court case 2026-GA-1234")
    assert set(retention.expired()) == {withdrawn_4}
    assert decided_9 not in retention.expired()
    assert retention.erase(held, rule="decided") is None
    retention.lift_legal_hold(held, actor=ombudsperson)
    assert set(retention.expired()) == {withdrawn_4, held}
    assert list(AccessLogEntry.objects.filter(action="legal_hold").values_list(
        "detail", flat=True).order_by("pk")) == ["set", "lifted"]  # fmt: skip


def test_the_command_lists_then_erases_and_a_second_run_does_nothing(staff):
    cases = [closed(staff, years_ago=11 + n) for n in range(3)]
    out = StringIO()
    call_command("purge_expired", "--dry-run", stdout=out)
    listed = out.getvalue()
    assert all(case.reference in listed for case in cases)
    assert "Would erase 3 cases (dry run: nothing changed)." in listed
    assert not Case.objects.filter(erased_at__isnull=False).exists()

    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert "Done: erased 3 of 3 cases (3 decided, 0 never examined)" in out.getvalue()
    assert Case.objects.filter(erased_at__isnull=False).count() == 3
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert "Done: erased 0 of 0 cases" in out.getvalue()


def test_a_purge_interrupted_mid_way_leaves_every_case_whole_or_erased(staff):
    first, second = (closed(staff, years_ago=12 - n) for n in range(2))
    call_command("purge_expired", "--limit", "1", stdout=StringIO())  # stopped after one
    with (
        failing_sql(r'DELETE FROM "notifications_notification"') as failed,
        pytest.raises(OperationalError),
    ):
        retention.erase(second, rule="decided")  # dies in the middle of its transaction
    assert failed
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.erased_at is not None
    assert second.erased_at is None
    assert second.data_key.wrapped is not None
    assert second.narrative  # untouched: its transaction rolled back whole
    assert second.people.exists()
    call_command("purge_expired", stdout=StringIO())  # run again: it finishes the job
    assert Case.objects.filter(erased_at__isnull=False).count() == 2
    assert verify_chain().problem == ""


def test_an_erased_case_page_says_so_plainly(client, staff):
    case = closed(staff, years_ago=11)
    retention.erase(case, rule="decided")
    sign_in(client, staff.ombudsperson)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("staff:case", args=[case.reference]))
    assert response.status_code == 200
    assert "The personal data of this case was erased on" in response.text


def test_an_erased_case_cannot_be_reopened(staff):
    case = closed(staff, years_ago=11)
    retention.erase(case, rule="decided")
    case.refresh_from_db()
    assert not can_proceed(case.reopen)
