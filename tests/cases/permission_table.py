"""What every persona must get from every staff URL: a hand-written reading of docs/design.md §2-§3.

Written independently of `cases.access` on purpose (a table computed by the code under test
would test the code against itself). `EXPECTED` has one rule per named staff URL; the matrix
tests walk the URL resolver and fail on a URL without a rule and on a rule without a URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from cases.models import State

S = State
R, SCR, AWT = S.RECEIVED, S.SCREENING, S.AWAITING_SUPPLEMENT
INV, MED, DEL, MON, CLO = S.INVESTIGATION, S.MEDIATION, S.DELIBERATION, S.MONITORING, S.CLOSED

INTAKE, INVESTIGATOR, OMBUDSPERSON = "intake officer", "investigator", "ombudsperson"

# Personas (tests.cases.test_permission_matrix builds them) and the role each holds.
GATED = ("anonymous", "inactive", "no_second_factor", "unverified")
ROLE = {
    "intake": INTAKE,
    "investigator": INVESTIGATOR,  # holds the case (object permission) in every state
    "other_investigator": INVESTIGATOR,  # holds no case
    "ombudsperson": OMBUDSPERSON,
    "recused": OMBUDSPERSON,  # a second ombudsperson, recused from the case
    "auditor": "auditor",
    "sysadmin": "sysadmin",
}
PERSONAS = (*GATED, *ROLE)
CASE_ROLES = {INTAKE, INVESTIGATOR, OMBUDSPERSON}

# §3 "does". Where docs/design.md names no role, the choice is marked "(silent)".
DOES: dict[str, set[str]] = {
    INTAKE: {
        "start_screening", "request_supplement", "resume_screening",  # screening, supplements
        "close_not_supplemented",  # §2 outcome table: intake officer
        "propose_assignment",  # assignment proposals
        "withdraw",  # §2: staff on the petitioner's behalf
        "note", "recuse", "add_document",  # the case file: everyone working the case
    },
    INVESTIGATOR: {
        "start_mediation", "end_mediation", "settle",  # mediation; §2: settled by investigator
        "submit_findings", "request_reply",  # findings, respondent requests
        "reply_received", "reminder_sent",  # ...and their answers, reminders
        "record_response",  # (silent) following up the recommendations
        "withdraw", "note", "recuse", "add_document",
    },
    OMBUDSPERSON: {
        "accept", "assign",  # assign and reassign
        "declare_inadmissible", "transfer", "dismiss", "uphold", "reopen",  # every decision
        "close_not_supplemented", "close_monitoring", "return_to_investigation",  # decisions
        "start_screening", "request_supplement", "resume_screening",  # (silent) sees all cases
        "request_reply", "record_response", "extend",  # (silent) the office's head
        "reply_received", "reminder_sent",  # (silent) as for requests
        "withdraw", "note", "recuse", "add_document",
    },
}  # fmt: skip

OPEN = {R, SCR, AWT, INV, MED, DEL, MON}
# §2: the states each action belongs to (conditions met: the matrix makes the supplement window
# pass; closing monitoring with a recommendation only accepted is allowed with a reason, which
# every submission carries as its note, so that only role and state decide).
WHEN: dict[str, set[str]] = {
    "start_screening": {R},
    "request_supplement": {SCR},
    "resume_screening": {AWT},
    "close_not_supplemented": {AWT},
    "propose_assignment": {SCR},
    "accept": {SCR},
    "declare_inadmissible": {SCR},
    "transfer": {SCR},
    "withdraw": {R, SCR, AWT, INV, MED},  # "any open state before a decision"
    "start_mediation": {INV},
    "end_mediation": {MED},
    "settle": {MED},
    "submit_findings": {INV},
    "request_reply": {INV, MED},
    # A reply asked for during the investigation may arrive once the findings went up (the
    # matrix leaves a reply awaited in every state, so that only role and state decide).
    "reply_received": {INV, MED, DEL},
    "reminder_sent": {INV, MED, DEL},
    "return_to_investigation": {DEL},
    "dismiss": {DEL},
    "uphold": {DEL},
    "record_response": {MON},
    "close_monitoring": {MON},
    "reopen": {CLO},
    "assign": {INV, MED, DEL, MON},  # the states in which a case has an investigator
    "extend": OPEN - {MON},  # the processing deadline runs until the decision
    "note": OPEN | {CLO},
    "recuse": OPEN | {CLO},
    "add_document": OPEN | {CLO},  # the decision is filed after closing too
}

# §2-§5: the steps the petitioner is told of (on the tracking page, with staff's message, and by
# mail); their action pages, and only theirs, ask for a message to the petitioner. Corresponding
# with the respondent, following recommendations up, assignments, notes, documents (which are
# shown, or not, by their own mark) and recusals tell the petitioner nothing.
TELLS_PETITIONER = {
    "start_screening", "request_supplement", "resume_screening", "close_not_supplemented",
    "accept", "declare_inadmissible", "transfer", "withdraw", "start_mediation",
    "end_mediation", "settle", "submit_findings", "return_to_investigation", "dismiss",
    "uphold", "close_monitoring", "reopen", "extend",
}  # fmt: skip


@dataclass(frozen=True)
class Redirect:
    to: str  # a URL name

    def __str__(self) -> str:
        return f"302→{self.to}"


Expect = int | Redirect
HOME = Redirect("staff:queue")  # where a signed-in visitor of the sign-in pages is sent
# ...unless their role sees no case: auditors go to the access log, administrators to accounts.
ROLE_HOME = {"auditor": Redirect("accounts:access_log"), "sysadmin": Redirect("admin:index")}


def gate(persona: str) -> Expect | None:
    """What `staff_required` answers before any role counts; None once verified."""
    return {
        "anonymous": Redirect("accounts:login"),
        "inactive": Redirect("accounts:login"),
        "no_second_factor": Redirect("accounts:enrol"),
        "unverified": Redirect("accounts:verify"),
    }.get(persona)


def sees(persona: str, state: str) -> bool:
    """§3 "sees": intake the intake states, investigators their cases, ombudsperson all."""
    if persona == "intake":
        return state in {R, SCR, AWT}
    return persona in {"investigator", "ombudsperson"}


def case_url(persona: str, state: str, action: str | None = None) -> Expect:
    """A case page (action None) or an action page: 404 unseen, 403 not for this role/state."""
    if (detour := gate(persona)) is not None:
        return detour
    if ROLE[persona] not in CASE_ROLES:
        return HTTPStatus.FORBIDDEN  # auditors and administrators see no case at all
    if not sees(persona, state):
        return HTTPStatus.NOT_FOUND
    if action is None or (action in DOES[ROLE[persona]] and state in WHEN[action]):
        return HTTPStatus.OK
    return HTTPStatus.FORBIDDEN


def code_respondent_url(persona: str, state: str, action: str | None = None) -> Expect:
    """Coding the respondent body: intake officers in the states they see (screening), the
    ombudsperson in every state; investigators see the case but do not code it."""
    expected = case_url(persona, state)
    if expected == HTTPStatus.OK and ROLE[persona] == INVESTIGATOR:
        return HTTPStatus.FORBIDDEN
    return expected


def retention_url(persona: str, state: str, action: str | None = None) -> Expect:
    """Legal holds and erasure on request (issue #13): the ombudsperson, on a closed case (an
    open case is withdrawn or decided first); others who see the case get 403."""
    expected = case_url(persona, state)
    if expected == HTTPStatus.OK and not (ROLE[persona] == OMBUDSPERSON and state == CLO):
        return HTTPStatus.FORBIDDEN
    return expected


def staff_page(*roles: str) -> Callable[[str], Expect]:
    def expect(persona: str) -> Expect:
        if (detour := gate(persona)) is not None:
            return detour
        return HTTPStatus.OK if ROLE[persona] in roles else HTTPStatus.FORBIDDEN

    return expect


def sign_in_page(*, shows_to: str, **others: Expect) -> Callable[[str], Expect]:
    """A sign-in step: shown to `shows_to`; the others are sent on (`others` or HOME)."""
    default = {
        "anonymous": Redirect("accounts:login"),
        "inactive": Redirect("accounts:login"),
        "no_second_factor": Redirect("accounts:enrol"),
        "unverified": Redirect("accounts:verify"),
    }

    def expect(persona: str) -> Expect:
        if persona in (shows_to, *others):
            return HTTPStatus.OK if persona == shows_to else others[persona]
        return default.get(persona, ROLE_HOME.get(persona, HOME))

    return expect


@dataclass(frozen=True)
class Rule:
    """`kind` says which URL arguments it takes: "page" none, "case" a reference, "act" a
    reference and every action in turn, "attachment" a reference and an attachment's uid."""

    kind: str
    expect: Callable[..., Expect]


_login = sign_in_page(shows_to="anonymous", inactive=HTTPStatus.OK)

EXPECTED: dict[str, Rule] = {
    "accounts:login": Rule("page", _login),
    "accounts:verify": Rule("page", sign_in_page(shows_to="unverified")),
    "accounts:enrol": Rule("page", sign_in_page(shows_to="no_second_factor")),
    "accounts:recover": Rule("page", sign_in_page(shows_to="unverified")),  # a backup code
    "accounts:backup_codes": Rule(  # every member makes their own new set
        "page", staff_page(INTAKE, INVESTIGATOR, OMBUDSPERSON, "auditor", "sysadmin")
    ),
    "accounts:logout": Rule("page", lambda persona: HTTPStatus.METHOD_NOT_ALLOWED),  # POST only
    "accounts:access_log": Rule("page", staff_page("auditor")),
    "accounts:duties": Rule("page", staff_page("sysadmin", OMBUDSPERSON)),
    "accounts:duty_decide": Rule("page", lambda persona: HTTPStatus.METHOD_NOT_ALLOWED),  # POST
    # One's own settings (issue #11): every signed-in member, whatever the role.
    "accounts:profile": Rule(
        "page", staff_page(INTAKE, INVESTIGATOR, OMBUDSPERSON, "auditor", "sysadmin")
    ),
    "outbox:dead_letters": Rule("page", staff_page(OMBUDSPERSON)),
    "outbox:retry": Rule("page", lambda persona: HTTPStatus.METHOD_NOT_ALLOWED),  # POST only
    "staff:queue": Rule("page", staff_page(INTAKE, INVESTIGATOR, OMBUDSPERSON)),
    "staff:register": Rule("page", staff_page(INTAKE, OMBUDSPERSON)),
    "staff:respondent_bodies": Rule("page", staff_page(OMBUDSPERSON)),  # the office's list
    "staff:code_respondent": Rule("case", code_respondent_url),
    "staff:held_cases": Rule("page", staff_page(OMBUDSPERSON)),  # the list of held cases
    "staff:legal_hold": Rule("case", retention_url),
    "staff:erase": Rule("case", retention_url),
    # Statistics (issue #14): auditors and the ombudsperson; anonymised, no case.
    "stats:dashboard": Rule("page", staff_page("auditor", OMBUDSPERSON)),
    "stats:crosstab": Rule("page", staff_page("auditor", OMBUDSPERSON)),
    "stats:export": Rule("page", staff_page("auditor", OMBUDSPERSON)),
    "stats:report": Rule("page", staff_page("auditor", OMBUDSPERSON)),
    "staff:search": Rule("page", staff_page(INTAKE, INVESTIGATOR, OMBUDSPERSON)),
    "staff:case": Rule("case", case_url),
    "staff:act": Rule("act", case_url),
    "staff:attachment": Rule("attachment", case_url),
    "staff:attachment_preview": Rule("attachment", case_url),  # the matrix case's PDF
    "staff:print": Rule("case", case_url),  # the printable case file: as the case page
}

# Namespaces tested elsewhere: the account admin (tests/ombuds) and the ESP webhooks.
ELSEWHERE = {"admin", "anymail"}


def _walk(patterns: list[Any], namespaces: tuple[str, ...], route: str) -> Iterator[str]:
    for pattern in patterns:
        here = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _walk(pattern.url_patterns, inner, here)
            continue
        assert isinstance(pattern, URLPattern)
        if namespaces and namespaces[0] in ELSEWHERE:
            continue
        if namespaces[:1] in {("staff",), ("accounts",)} or here.startswith("staff/"):
            name = ":".join((*namespaces, pattern.name or f"<unnamed {here}>"))
            yield name


def staff_url_names() -> set[str]:
    """Every URL name in the staff and accounts namespaces, or anywhere under /staff/."""
    return set(_walk(get_resolver().url_patterns, (), ""))
