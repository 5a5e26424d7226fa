"""The action registry (cases.actions) is the one place an action is declared: what each
declaration says reaches the services, the notifications and both timelines."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cases import actions, texts
from cases import transitions as t
from cases.actions import EVENTS, STAFF_ACTIONS, ActionName, StaffAction
from cases.models import Case, State
from notifications.events import CONTEXT
from notifications.events import Event as Notice
from notifications.models import Notification
from tests import factories
from tests.cases.permission_table import TELLS_PETITIONER
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_every_name_is_declared_once_and_stored_as_before() -> None:
    assert set(EVENTS) == set(ActionName)
    assert all(isinstance(name, str) and name == name.value for name in ActionName)
    # Names already stored in CaseEvent.action (no data migration): a sample that must not move.
    assert {"filed", "information_added", "withdrawn", "withdraw", "note"} <= set(ActionName)


def test_every_notice_has_its_templates() -> None:
    folder = ROOT / "templates" / "notifications" / "email"
    for notice in Notice:
        for suffix in (".subject.txt", ".txt"):
            assert (folder / f"{notice}{suffix}").is_file(), f"{notice}{suffix}"


def test_what_the_petitioner_reads_is_what_they_are_mailed() -> None:
    """A step on the petitioner's timeline is mailed to them; a staff-only one is not."""
    for event in EVENTS.values():
        if event.name != ActionName.INFORMATION_ADDED:  # their own addition: no mail
            assert (event.told is None) == (event.notice is None), event.name


def test_every_notice_gets_the_context_it_declares() -> None:
    """notify() refuses any other context: each notice the registry queues builds exactly it."""
    queued = {event.notice for event in EVENTS.values() if event.notice}
    assert queued <= set(Notice)
    assert set(actions.NOTICE_CONTEXT) == {notice for notice in CONTEXT if notice in queued}
    assert Notice.FOLLOW_UP not in queued  # scheduled after a decision, not an action's


def test_a_declaration_names_its_transition_or_its_states() -> None:
    settle, note = STAFF_ACTIONS["settle"], STAFF_ACTIONS["note"]
    with pytest.raises(ValueError, match="bear the action's name"):
        StaffAction(name=ActionName.SETTLE, method=Case.dismiss, roles=frozenset(),
                    form=settle.form, label=settle.label)  # fmt: skip
    with pytest.raises(ValueError, match="not both"):
        StaffAction(name=ActionName.NOTE, roles=frozenset(), form=note.form, label=note.label)


def test_a_told_action_queues_its_notice_and_a_staff_only_one_nothing(staff: Any) -> None:
    case = staff.case_in(State.INVESTIGATION)
    before = Notification.objects.count()
    t.case_act(case=case, step=staff.step(case, staff.ombudsperson, note="Call back."),
               action=ActionName.NOTE)  # fmt: skip
    assert Notification.objects.count() == before
    t.case_act(case=case, step=staff.step(case, staff.investigator), action="start_mediation")
    queued = Notification.objects.order_by("pk").last()
    assert queued is not None
    assert Notification.objects.count() == before + 1
    assert queued.event == STAFF_ACTIONS["start_mediation"].notice == "mediation_started"
    events = list(case.events.order_by("pk").values_list("action", "public"))
    assert events[-2:] == [("note", False), ("start_mediation", True)]


def test_the_petitioners_own_steps_queue_what_they_declare(client: Client) -> None:
    filed = factories.file_case()
    assert Notification.objects.get().event == EVENTS[ActionName.FILED].notice
    from cases import services

    services.case_withdraw_by_petitioner(case=filed.case, reason="Sorted out.")
    latest = Notification.objects.order_by("pk").last()
    assert latest is not None
    assert latest.event == EVENTS[ActionName.WITHDRAWN].notice


def test_both_timelines_read_the_declared_labels(staff: Any, client: Client) -> None:
    filed = factories.file_case(language="en")
    case = staff.advance(filed.case, "start_screening")
    t.case_act(case=case, step=staff.step(case, staff.intake, note="Looks like a city matter."),
               action="note")  # fmt: skip
    receipt = {"reference": case.reference, "access_key": filed.access_key}
    client.post(reverse("cases:track"), receipt, HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(reverse("cases:tracked"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "We acknowledged your complaint and started reviewing it" in page
    assert str(texts.event_label("start_screening")) in page
    assert "Add an internal note" not in page  # a staff-only step
    staff_page = sign_in(Client(), staff.intake).get(reverse("staff:case", args=[case.reference]),
                                                     HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    body = staff_page.content.decode()
    assert str(actions.staff_label("start_screening")) in body
    assert "Add an internal note" in body
    assert "Complaint filed" in body


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.parse(path.read_text()).body:  # module level only: lazy imports are fine
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def test_no_import_cycle_between_the_cases_modules() -> None:
    modules = {f"cases.{p.stem}": p for p in (ROOT / "cases").glob("*.py")}
    graph = {name: {m for m in _imports(path) if m in modules} for name, path in modules.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n}))
                   for n in graph[start])  # fmt: skip

    cycles = sorted(name for name in graph if reaches(name, name, {name}))
    assert not cycles, cycles
    assert "cases.access" not in graph["cases.models"]


def test_notifications_never_import_cases() -> None:
    for path in (ROOT / "notifications").rglob("*.py"):
        assert not any(m.split(".")[0] == "cases" for m in _imports(path)), path
    assert "notifications" in settings.INSTALLED_APPS or any(
        app.startswith("notifications") for app in settings.INSTALLED_APPS
    )


def _last_notice(case: Case) -> tuple[str, dict[str, Any]]:
    notification = Notification.objects.order_by("pk").last()
    assert notification is not None
    assert notification.context["reference"] == case.reference
    return notification.event, notification.context


def test_the_notices_carry_what_happened(staff: Any) -> None:
    case = staff.case_in(State.SCREENING)
    t.case_act(case=case, step=staff.step(case, staff.ombudsperson), action="transfer",
               body="National Human Rights Commission", reference="NHRCK-7")  # fmt: skip
    assert _last_notice(case)[1] == {"reference": case.reference,
                                     "body": "National Human Rights Commission",
                                     "body_reference": "NHRCK-7"}  # fmt: skip
    case = staff.case_in(State.INVESTIGATION)
    new_due = case.due_date + timedelta(days=30)
    step = staff.step(case, staff.ombudsperson, message="A site visit is needed.")
    t.case_act(case=case, step=step, action="extend", new_due=new_due)
    due = {"reference": case.reference, "due": new_due.isoformat()}
    assert _last_notice(case) == ("deadline_extended", due)
    case = staff.case_in(State.MONITORING)  # one recommendation, upheld
    assert _last_notice(case)[1]["recommendations"] == 1
    case.recommendations.update(status="implemented")
    t.case_act(case=case, step=staff.step(case, staff.ombudsperson), action="close_monitoring")
    counts = {"reference": case.reference, "implemented": 1, "partly": 0, "refused": 0,
              "still_open": 0}  # fmt: skip
    assert _last_notice(case) == ("monitoring_closed", counts)


def test_the_message_field_is_there_exactly_where_the_petitioner_is_told(staff: Any) -> None:
    """Generated from the registry, checked against the hand-written TELLS_PETITIONER."""
    case = staff.case_in(State.INVESTIGATION)
    forms = {name: action.bind(case=case) for name, action in STAFF_ACTIONS.items()}
    asks = {name for name, form in forms.items() if "message" in form.fields}
    told = {name for name, action in STAFF_ACTIONS.items() if action.tells_petitioner}
    assert asks == told == TELLS_PETITIONER, asks ^ TELLS_PETITIONER
    with pytest.raises(ValueError, match="message nobody reads"):
        StaffAction(name=ActionName.NOTE, states=frozenset({State.SCREENING}), roles=frozenset(),
                    effect=lambda *a, **k: None, form=STAFF_ACTIONS["dismiss"].form,
                    label=STAFF_ACTIONS["note"].label)  # fmt: skip


def test_a_message_posted_to_an_action_that_tells_nobody_is_ignored(staff: Any) -> None:
    case = staff.case_in(State.INVESTIGATION)
    client = sign_in(Client(), staff.investigator)
    url = reverse("staff:act", args=[case.reference, "note"])
    assert 'name="message"' not in client.get(url).content.decode()
    posted = {"version": case.version, "note": "Called the school.", "message": "Hello there"}
    assert client.post(url, posted).status_code == 302
    event = case.events.get(action="note")
    assert (event.message, event.internal_note, event.public) == ("", "Called the school.", False)
    url = reverse("staff:act", args=[case.reference, "start_mediation"])
    assert 'name="message"' in client.get(url).content.decode()
    case.refresh_from_db()
    client.post(url, {"version": case.version, "message": "We will meet on Monday.", "note": ""})
    assert case.events.get(action="start_mediation").message == "We will meet on Monday."
