"""Two staff acting on one case at the same moment: exactly one wins, the other is told the case
changed; never "database is locked", never a 500, never a lost update (docs/design.md §2).

Each side runs in its own thread with its own database connection, released together by a
barrier, against the real database (SQLite in WAL mode, or PostgreSQL).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases import transitions as t
from cases.models import Case, State
from tests.conftest import make_staff, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 100
HTTP_ROUNDS = 25


def race(*sides: Callable[[], Any]) -> list[tuple[str, Any]]:
    """Run every side at once, each in a thread with its own connection; ("won", result),
    ("lost", exception name) or ("error", repr) per side, in order."""
    barrier = threading.Barrier(len(sides))
    results: list[tuple[str, Any]] = [("error", "did not finish")] * len(sides)

    def run(index: int, side: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = ("won", side())
        except (t.CaseChanged, t.NotAllowed) as lost:
            results[index] = ("lost", type(lost).__name__)
        except Exception as error:  # reported by the test, with its repr
            results[index] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(sides)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def one_winner(results: list[tuple[str, Any]]) -> int:
    """The index of the single winner; fails unless every other side lost cleanly."""
    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["lost"] * (len(results) - 1) + ["won"], results
    return [kind for kind, _ in results].index("won")


def assert_one_event_per_win(case: Case, seen: int, action: str, state: str) -> None:
    case.refresh_from_db()
    assert (case.version, case.state) == (seen + 1, state)
    after = list(case.events.filter(version__gt=seen).values_list("action", "version"))
    assert after == [(action, seen + 1)], after


@pytest.fixture
def second_ombudsperson(db: Any) -> Any:
    return make_staff("ombudsperson2", "ombudsperson")


# In each state, two staff members take conflicting actions; every outcome leads on to another
# race, and closed cases are reopened, so one case goes round the workflow without resets.
Side = tuple[str, str, dict[str, str]]  # persona, action, the service's other arguments
RACES: dict[str, tuple[Side, Side]] = {
    State.SCREENING: (("intake", "request_supplement", {}),
                      ("ombudsperson", "accept", {"investigator": "investigator"})),
    State.AWAITING_SUPPLEMENT: (("intake", "resume_screening", {}),
                                ("ombudsperson", "withdraw", {})),
    State.INVESTIGATION: (("investigator", "submit_findings", {}),
                          ("ombudsperson", "withdraw", {})),
    State.DELIBERATION: (("ombudsperson", "return_to_investigation", {}),
                         ("ombudsperson2", "dismiss", {})),
    State.CLOSED: (("ombudsperson", "reopen", {}), ("ombudsperson2", "reopen", {})),
}  # fmt: skip
TARGET = {
    "request_supplement": State.AWAITING_SUPPLEMENT, "accept": State.INVESTIGATION,
    "resume_screening": State.SCREENING, "withdraw": State.CLOSED,
    "submit_findings": State.DELIBERATION, "return_to_investigation": State.INVESTIGATION,
    "dismiss": State.CLOSED, "reopen": State.SCREENING,
}  # fmt: skip


def service_call(people: dict[str, Any], side: Side, case: Case, seen: int) -> Callable[[], Any]:
    persona, action, extra = side
    step = t.Step(actor=people[persona], version=seen, message="For the petitioner.", note="Why.")
    arguments = {name: people[value] for name, value in extra.items()}
    return lambda: t.case_act(case=case, step=step, action=action, **arguments)


def test_conflicting_transitions_one_winner_every_time(staff: Any, second_ombudsperson: Any):
    people = {"intake": staff.intake, "investigator": staff.investigator,
              "ombudsperson": staff.ombudsperson, "ombudsperson2": second_ombudsperson}  # fmt: skip
    case = staff.case_in(State.SCREENING)
    for _round in range(ROUNDS):
        current = Case.objects.get(pk=case.pk)
        sides = RACES[current.state]
        results = race(*(service_call(people, side, case, current.version) for side in sides))
        action = sides[one_winner(results)][1]
        assert_one_event_per_win(case, current.version, action, TARGET[action])


def test_two_notes_at_once_never_lose_one(staff: Any, second_ombudsperson: Any) -> None:
    """Actions that leave the state alone are guarded by the version too."""
    case = staff.case_in(State.INVESTIGATION)
    authors = [staff.ombudsperson, second_ombudsperson, staff.investigator]
    for _round in range(ROUNDS // 2):
        seen = Case.objects.get(pk=case.pk).version
        steps = [t.Step(actor=a, version=seen, note=f"Note by {a.username}.") for a in authors]
        results = race(*(lambda s=s: t.case_act(case=case, step=s, action="note") for s in steps))
        winner = one_winner(results)
        assert_one_event_per_win(case, seen, "note", State.INVESTIGATION)
        assert case.events.latest("pk").actor == authors[winner]


def post_at_once(*posts: tuple[Client, str, dict[str, Any]]) -> list[Any]:
    """POST every form at once from its own thread; the responses, in order."""
    results = race(*(lambda p=p: p[0].post(p[1], p[2]) for p in posts))
    errors = [value for kind, value in results if kind != "won"]
    assert not errors, errors  # a view never lets CaseChanged, NotAllowed or anything escape
    return [response for _kind, response in results]


def back_to_screening(staff: Any, case: Case) -> None:
    """Undo a round through the real services, ready for the next race."""
    case.refresh_from_db()
    if case.state == State.AWAITING_SUPPLEMENT:
        t.case_act(case=case, step=staff.step(case, staff.intake), action="resume_screening")
    elif case.state == State.INVESTIGATION:
        for action, note in (("withdraw", "Withdrawn."), ("reopen", "Reopened.")):
            step = staff.step(case, staff.ombudsperson, note=note)
            t.case_act(case=case, step=step, action=action)
    case.refresh_from_db()
    assert case.state == State.SCREENING


def test_two_ombudspersons_posting_at_once(staff: Any, second_ombudsperson: Any) -> None:
    case = staff.case_in(State.SCREENING)
    first, second = sign_in(Client(), staff.ombudsperson), sign_in(Client(), second_ombudsperson)
    accept = reverse("staff:act", args=[case.reference, "accept"])
    supplement = reverse("staff:act", args=[case.reference, "request_supplement"])
    for _round in range(HTTP_ROUNDS):
        seen = Case.objects.get(pk=case.pk).version
        common = {"version": seen, "note": ""}
        responses = post_at_once(
            (first, accept, {**common, "investigator": staff.investigator.pk, "message": ""}),
            (second, supplement, {**common, "message": "Please send the letter."}),
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [HTTPStatus.FOUND, HTTPStatus.CONFLICT], codes
        loser = next(r for r in responses if r.status_code == HTTPStatus.CONFLICT)
        assert 'id="conflict"' in loser.text  # "this case changed", with what changed
        winner = "accept" if responses[0].status_code == HTTPStatus.FOUND else "request_supplement"
        state = State.INVESTIGATION if winner == "accept" else State.AWAITING_SUPPLEMENT
        assert_one_event_per_win(case, seen, winner, state)
        back_to_screening(staff, case)


def test_the_slower_of_two_gets_the_conflict_page_not_a_refusal(
    staff: Any, second_ombudsperson: Any
) -> None:
    """The race above, lost by a whole request: the action is no longer possible, but what this
    person needs to hear is that the case changed (and what they typed is kept)."""
    case = staff.case_in(State.SCREENING)
    first, second = sign_in(Client(), staff.ombudsperson), sign_in(Client(), second_ombudsperson)
    seen = case.version
    accepted = first.post(
        reverse("staff:act", args=[case.reference, "accept"]),
        {"version": seen, "investigator": staff.investigator.pk, "message": "", "note": ""},
    )
    late = second.post(
        reverse("staff:act", args=[case.reference, "request_supplement"]),
        {"version": seen, "message": "Please send the letter.", "note": ""},
    )
    assert (accepted.status_code, late.status_code) == (HTTPStatus.FOUND, HTTPStatus.CONFLICT)
    assert 'id="conflict"' in late.text
    assert "Please send the letter." in late.text
    assert_one_event_per_win(case, seen, "accept", State.INVESTIGATION)


def test_a_stale_form_for_an_action_the_role_never_had_is_refused(staff: Any) -> None:
    case = staff.case_in(State.SCREENING)
    seen = case.version
    staff.advance(case, "request_supplement")
    intake = sign_in(Client(), staff.intake)
    url = reverse("staff:act", args=[case.reference, "declare_inadmissible"])
    response = intake.post(url, {"version": seen, "reason": "over_one_year",
                                 "message": "Too late.", "note": ""})  # fmt: skip
    assert response.status_code == HTTPStatus.FORBIDDEN
    case.refresh_from_db()
    assert (case.state, case.version) == (State.AWAITING_SUPPLEMENT, seen + 1)
