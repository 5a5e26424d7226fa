"""No personal data in URLs (issue #12), enforced by a crawl: every page each persona can reach by
following links, as intake officer, investigator, ombudsperson, auditor, system administrator
and a petitioner with a tracking session. It fails if any GET form has a field that can carry
personal data (free text other than a case reference; every coded field is a select, a date, a
number or a choice), or if any link, form action or redirect carries one of the canary values
seeded into the cases (names, contacts, narrative, places, notes, messages, file names)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from cases import retention
from cases import transitions as t
from cases.models import State
from ombuds.roles import grant_sysadmin
from tests import factories
from tests.conftest import sign_in
from tests.workflow import PATHS

pytestmark = pytest.mark.django_db

# One distinctive token in every seeded text, and the phone's digits.
TOKEN, PHONE = "zqxcanary", "010-5839-2716"
CANARIES = (TOKEN, "58392716", "5839-2716", "김카나리")


def canary_complaint(i: int) -> dict[str, Any]:
    return {
        "name": f"김카나리 {TOKEN}name{i}",
        "email": f"{TOKEN}{i}@example.org",
        "phone": PHONE,
        "address": f"{TOKEN} street {i}",
        "narrative": f"{TOKEN} narrative {i}: what happened",
        "incident_place": f"{TOKEN} place {i}",
        "respondent_name": f"{TOKEN} respondent {i}",
        "desired_outcome": f"{TOKEN} outcome {i}",
        "evidence": [factories.pdf(f"{TOKEN}-file-{i}.pdf")],
    }


# GET form fields that take typed text and carry no personal data: case references.
CODED_TEXT = {"reference", "case_reference"}
CODED_INPUTS = {"hidden", "submit", "button", "date", "number", "checkbox", "radio", "reset"}
FREE_TEXT = {"text", "search", "email", "tel", "url", "password", ""}
PAGE_LIMIT, QUERIES_PER_PATH = 400, 4


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (element/type, name, value)


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(Form(a.get("method", "get").lower(), a.get("action", "")))
        elif tag in {"input", "select", "textarea", "button"} and self.forms:
            kind = a.get("type", "text").lower() if tag == "input" else tag
            if tag == "button":
                kind = "button"
            self.forms[-1].fields.append((kind, a.get("name", ""), a.get("value", "")))
            if a.get("formaction"):
                self.links.append(a["formaction"])


def carries_canary(url: str) -> bool:
    text = unquote_plus(url).casefold()
    return any(canary.casefold() in text for canary in CANARIES)


def form_problems(page_url: str, form: Form) -> Iterator[str]:
    if carries_canary(form.action):
        yield f"{page_url}: a form's action carries personal data: {form.action}"
    for kind, name, value in form.fields:
        if carries_canary(value):
            yield f"{page_url}: form field {name!r} holds personal data"
        if form.method != "get" or not name:
            continue
        free = kind == "textarea" or kind in FREE_TEXT
        if free and name not in CODED_TEXT:
            yield f"{page_url}: GET form field {name!r} ({kind}) can carry personal data"
        elif not free and kind not in CODED_INPUTS | {"select", "button"}:
            yield f"{page_url}: GET form field {name!r} of unknown kind {kind!r}"


def crawl(client: Client, starts: list[str]) -> tuple[set[str], list[str]]:
    """Breadth-first over same-site links and GET form actions; (pages seen, problems)."""
    queue, seen, problems = deque(starts), set(), []
    per_path: dict[str, int] = {}
    while queue and len(seen) < PAGE_LIMIT:
        url = queue.popleft()
        parts = urlsplit(url)
        if url in seen or parts.netloc or parts.scheme or parts.path.startswith("/static/"):
            continue
        if parts.query and per_path.get(parts.path, 0) >= QUERIES_PER_PATH:
            continue
        per_path[parts.path] = per_path.get(parts.path, 0) + bool(parts.query)
        seen.add(url)
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
            continue
        location = response.get("Location", "")
        if carries_canary(location):
            problems.append(f"{url}: redirects to a URL with personal data: {location}")
        if location:
            queue.append(urljoin(url, location))
        if "text/html" not in response.get("Content-Type", ""):
            continue
        page = Page()
        page.feed(response.content.decode())
        for href in page.links:
            if carries_canary(href):
                problems.append(f"{url}: a link carries personal data: {href}")
            queue.append(urljoin(url, href.split("#")[0]))
        for form in page.forms:
            problems += form_problems(url, form)
            if form.method == "get":
                queue.append(urljoin(url, form.action or url))
        for key, value in parse_qsl(parts.query):
            if carries_canary(key + value):
                problems.append(f"{url}: its own query carries personal data")
    return seen, problems


@pytest.fixture
def seeded(staff: Any, ombudsperson: Any) -> list[Any]:
    """Cases with canaries in every state a persona sees: intake, investigation, closed+held."""
    receipts = []
    for i, state in enumerate([State.RECEIVED, State.SCREENING, State.INVESTIGATION,
                               State.CLOSED]):  # fmt: skip
        receipt = factories.file_case(**canary_complaint(i))
        case = receipt.case
        for action in PATHS[state]:
            case = staff.advance(case, action)
        staff.grant(case, staff.investigator)
        note = staff.step(case, staff.ombudsperson, note=f"{TOKEN} internal note {i}")
        t.case_act(case=case, step=note, action="note")
        receipts.append(receipt)
    closed = receipts[-1].case
    closed.refresh_from_db()
    retention.set_legal_hold(closed, actor=ombudsperson, reason=f"{TOKEN} court order")
    return receipts


def test_no_url_any_persona_can_reach_carries_personal_data(
    seeded: list[Any], staff: Any, auditor: Any, sysadmin: Any
) -> None:
    grant_sysadmin(sysadmin)  # with the account manager (the admin site) and its permissions
    personas = {
        "intake officer": staff.intake,
        "investigator": staff.investigator,
        "ombudsperson": staff.ombudsperson,
        "auditor": auditor,
        "system administrator": sysadmin,
    }
    report, crawled = [], {}
    for persona, user in personas.items():
        client = sign_in(Client(), user)
        starts = ["/staff/", reverse("accounts:access_log"), reverse("stats:dashboard"),
                  reverse("admin:index"), reverse("accounts:backup_codes")]  # fmt: skip
        seen, problems = crawl(client, starts)
        crawled[persona] = seen
        report += [f"[{persona}] {p}" for p in problems]

    petitioner = Client()
    receipt = seeded[2]
    typed = {"reference": receipt.case.reference, "access_key": receipt.access_key}
    petitioner.post(reverse("cases:track"), typed)
    seen, problems = crawl(petitioner, ["/", reverse("cases:tracked"), reverse("cases:complaint")])
    crawled["petitioner"] = seen
    report += [f"[petitioner] {p}" for p in problems]

    assert not report, "\n".join(report)
    # The crawl reached what each persona works with (so that a silent crawl cannot pass).
    case_page = reverse("staff:case", args=[seeded[2].case.reference])
    assert case_page in crawled["ombudsperson"]
    assert case_page in crawled["investigator"]
    assert reverse("staff:case", args=[seeded[0].case.reference]) in crawled["intake officer"]
    assert reverse("staff:held_cases") in crawled["ombudsperson"]
    assert reverse("accounts:access_log") in crawled["auditor"]
    assert any(
        url.startswith("/staff/admin/ombuds/user/") for url in crawled["system administrator"]
    )
    assert reverse("cases:tracked") in crawled["petitioner"]
    assert min(len(pages) for pages in crawled.values()) >= 3


def test_the_crawl_catches_a_personal_field_in_a_get_form_and_a_canary_in_a_link() -> None:
    """The checks themselves: a page as the old queue had it (a GET email filter) fails."""
    page = Page()
    page.feed(
        '<form method="get" action="/staff/"><input name="email" type="email">'
        '<select name="state"></select><input name="reference"></form>'
        f'<a href="/staff/?q={TOKEN}1%40example.org">x</a><form method="post"><textarea'
        ' name="narrative"></textarea></form>'
    )
    problems = list(form_problems("/staff/", page.forms[0]))
    assert problems == ["/staff/: GET form field 'email' (email) can carry personal data"]
    assert not list(form_problems("/staff/", page.forms[1]))  # a POST may carry anything
    assert carries_canary(page.links[0])
    assert carries_canary("/x/?phone=010-5839-2716")
    assert not carries_canary("/staff/?view=mine&state=screening&reference=2026-000001")


def language_next(html: str) -> list[str]:
    page = Page()
    page.feed(html)
    return [
        value
        for form in page.forms
        if form.action == reverse("set_language")
        for _kind, name, value in form.fields
        if name == "next"
    ]


def test_the_language_switch_carries_the_path_never_the_query(staff: Any) -> None:
    """A query typed by hand or kept in a bookmark is not carried on into the next URL."""
    query = f"?name={TOKEN}&email={TOKEN}%40example.org&view=mine"
    public = Client().get(reverse("cases:track") + query)
    assert language_next(public.text) == [reverse("cases:track")]
    ombudsperson = sign_in(Client(), staff.ombudsperson)
    queue = ombudsperson.get(reverse("staff:queue") + query)
    assert queue.status_code == 200
    assert language_next(queue.text) == [reverse("staff:queue")]
    assert TOKEN not in queue.text
    choice = {"language": "en", "next": language_next(queue.text)[0]}
    switched = ombudsperson.post(reverse("set_language"), choice)
    assert switched.url == reverse("staff:queue")
