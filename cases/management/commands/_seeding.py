"""Realistic synthetic cases for `seed_cases` (a private module: Django skips `_` commands).

A case's age decides how far it has gone: recent ones are open in every state, older ones mostly
closed with an outcome. Each case gets rights, groups, a respondent, people, a timeline of events
(filed, then the actions that brought it to its state), the investigator's object permission from
investigation on, and sometimes a recusal. An upheld case's recommendation gets the body's answers
as staff record them (`record_response` events and `RecommendationResponse` rows), and the status,
plan and follow-up dates `cases.followup` derives from them. Personal values are sealed through
the normal fields with the case's own data key; keys are random and wrapped as `DataKey.generate`
wraps them.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.contrib.auth.models import Permission
from django.utils import timezone

from cases import clocks, followup, people, receipts
from cases.management.commands._rows import Built, Row, Tables
from cases.management.commands._seed_content import (
    ANSWERS,
    CHANNEL_WEIGHTS,
    CHANNELS,
    FAMILY,
    FATES,
    GIVEN,
    GROUNDS,
    GROUPS,
    INTAKE_ACTIONS,
    INVESTIGATOR_ACTIONS,
    MODE_WEIGHTS,
    MODES,
    NEWS_SHARE,
    NOTED,
    PATHS,
    PLACES,
    QUIET_ACTIONS,
    REASONED,
    REASONS,
    RESPONDENTS,
    RIGHT_WEIGHTS,
    RIGHTS,
    SENTENCES,
    SURNAMES,
    SYLLABLES,
    TARGET,
    TOLD,
    YEARS,
    Step,
)
from cases.models import (
    Case,
    CaseEvent,
    CaseTag,
    Channel,
    FilingMode,
    Outcome,
    Person,
    Recommendation,
    State,
)
from cases.respondents import ensure_starter_bodies
from ombuds import crypto
from ombuds.models import DataKey, User
from ombuds.roles import Role, ensure_groups

S, O = State, Outcome  # noqa: E741 - as in _seed_content


@dataclass
class Staffing:
    intake: list[User]
    investigators: list[User]
    ombudsperson: User
    permission_id: int
    # Respondent bodies by kind, most often named first (so that some pairs stay rare).
    bodies: dict[str, list[int]]


def seed_staff(*, investigators: int) -> Staffing:
    """The seeded staff accounts, created if missing: no usable password, no second factor."""
    groups = ensure_groups()

    def account(username: str, role: str) -> User:
        user, made = User.objects.get_or_create(username=username)
        if made:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(groups[role])
        return user

    return Staffing(
        intake=[account(f"seed-intake-{i}", Role.INTAKE_OFFICER) for i in (1, 2, 3)],
        investigators=[
            account(f"seed-investigator-{i:02}", Role.INVESTIGATOR)
            for i in range(1, investigators + 1)
        ],
        ombudsperson=account("seed-ombudsperson", Role.OMBUDSPERSON),
        permission_id=Permission.objects.get(
            content_type__app_label="cases", codename="work_on_case"
        ).pk,
        bodies=_bodies(),
    )


def _bodies() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for body in ensure_starter_bodies():
        found.setdefault(body.kind, []).append(body.pk)
    return found


@cache
def _dates(received: date) -> tuple[date, date, date]:
    """(month, acknowledgement due, processing due) for a day of receipt."""
    return (
        received.replace(day=1),
        clocks.add_business_days(received, clocks.ACKNOWLEDGE_BUSINESS_DAYS),
        clocks.after_days(received, clocks.PROCESSING_DAYS),
    )


@dataclass
class Plan:
    """One case before it has a row: its fate, its timeline and its categories."""

    received: datetime
    state: str
    outcome: str
    steps: list[Step]
    rights: list[str]
    groups: list[str]
    recused: int | None = None  # the id of a staff member who declared a conflict
    # The body's answers to the recommendation of an upheld case: (kind, when recorded).
    answers: list[tuple[str, datetime]] = field(default_factory=list)


class Generator:
    """Builds cases from a seeded random stream; data keys themselves are truly random."""

    def __init__(self, *, rng: random.Random, staffing: Staffing, serial: int) -> None:
        self.rng, self.staff = rng, staffing
        self.intake = [u.pk for u in staffing.intake]
        self.investigators = [u.pk for u in staffing.investigators]
        self.now = timezone.now()
        self.zone = timezone.get_current_timezone()
        self.today = self.day(self.now)
        self.ring = crypto.keyring()
        self.serial = serial  # numbers new petitioners' emails
        self.tables = Tables()
        self.recent: list[str] = []

    def day(self, moment: datetime) -> date:
        """The local date of a moment (`timezone.localdate`, without its per-call lookups)."""
        return moment.astimezone(self.zone).date()

    def build(self, key_ids: list[int], case_ids: list[int]) -> Built:
        """One batch of cases (with the given primary keys) and all that belongs to them."""
        t = self.tables
        plans = [self.plan() for _ in case_ids]
        keys = self.data_keys(key_ids)
        references = self.references(plans)
        cases = [
            self.case(plan, key, ref, pk)
            for plan, key, ref, pk in zip(plans, keys, references, case_ids, strict=True)
        ]
        rows: dict[str, list[tuple[Any, ...]]] = {
            "keys": [t.keys.values(dict(key.__dict__)) for key in keys],
            "cases": [t.cases.values(row, key) for row, key in zip(cases, keys, strict=True)],
            "tags": [], "people": [], "events": [], "grants": [], "recommendations": [],
            "responses": [], "recusals": [],
        }  # fmt: skip
        for case, plan, key in zip(cases, plans, keys, strict=True):
            self.children(case, plan, key, rows)
        return Built(rows, key_ids, case_ids)

    # Keys and references ---------------------------------------------------------------------

    def data_keys(self, ids: list[int]) -> list[DataKey]:
        """Fresh random data keys, wrapped by the primary key-encryption key."""
        keys = []
        for pk in ids:
            secret = secrets.token_bytes(crypto.KEY_BYTES)
            kek_id, wrapped = crypto.wrap_data_key(secret, ring=self.ring)
            key = DataKey(pk, kek_id, wrapped, self.now, None)
            key._secret = secret
            keys.append(key)
        return keys

    def references(self, plans: list[Plan]) -> list[str]:
        """A fresh reference per case (year, then 40 random bits), unique in the database."""
        years = [self.day(p.received).year for p in plans]
        refs = [self.reference(year) for year in years]
        while True:
            taken = set()
            for start in range(0, len(refs), 900):
                chunk = refs[start : start + 900]
                taken |= set(Case.objects.filter(reference__in=chunk)
                             .values_list("reference", flat=True))  # fmt: skip
            seen: set[str] = set(self.recent)
            clashes = []
            for i, ref in enumerate(refs):
                if ref in taken or ref in seen:
                    clashes.append(i)
                seen.add(ref)
            if not clashes:
                self.recent = refs + self.recent[: 2 * len(refs)]  # batches still in flight
                return refs
            for i in clashes:
                refs[i] = self.reference(years[i])

    def reference(self, year: int) -> str:
        symbols = "".join(self.rng.choices(receipts.ALPHABET, k=8))
        return f"{year}-{symbols[:4]}-{symbols[4:]}"

    # The case --------------------------------------------------------------------------------

    def plan(self) -> Plan:
        rng = self.rng
        # One case in twenty in the last half year (an office that grows, and every open state
        # in small databases too), the others spread over ten years.
        span = 180 if rng.random() < 0.05 else 365 * YEARS
        received = self.now - timedelta(seconds=rng.uniform(60, span * 86400))
        age = (self.now - received).total_seconds() / 86400
        _oldest, fates, weights = next(f for f in FATES if age < f[0])
        state, outcome = rng.choices(fates, cum_weights=weights)[0]
        rights = sorted(set(rng.choices(RIGHTS, cum_weights=RIGHT_WEIGHTS, k=rng.randint(1, 3))))
        groups = sorted(set(rng.choices(GROUPS, k=rng.choice([0, 0, 1, 1, 2]))))
        steps = self.steps(received, (state, outcome))
        plan = Plan(received, state, outcome, steps, rights, groups)
        if "uphold" in PATHS[(state, outcome)]:
            self.answers(plan)
        if rng.random() < 0.003:
            plan.recused = rng.choice(self.intake + self.investigators)
            plan.steps.append(("recuse", self.later(plan)))
        return plan

    def later(self, plan: Plan) -> datetime:
        last = plan.steps[-1][1] if plan.steps else plan.received
        return last + (self.now - last) * self.rng.random()

    def steps(self, received: datetime, fate: tuple[str, str]) -> list[Step]:
        """The actions after filing, each with its time, spread between receipt and now."""
        actions = list(PATHS[fate])
        if fate == (S.CLOSED, O.WITHDRAWN) and self.rng.random() < 0.4:
            actions.insert(1, "accept")
        if fate[0] == S.INVESTIGATION and self.rng.random() < 0.4:
            actions.append("request_reply")
        age = (self.now - received).total_seconds()
        took = self.rng.uniform(3, 200) * 86400
        span = min(age * 0.95, took) if fate[0] == S.CLOSED else age * 0.9
        count = len(actions)
        return [
            (action, received + timedelta(seconds=span * (i + self.rng.random()) / count))
            for i, action in enumerate(actions)
        ]

    def answers(self, plan: Plan) -> None:
        """The body's answers, recorded between the decision and the close of monitoring (a
        quarter to a year later: the plan is due in 90 days) or now, as `record_response`
        steps; the first weeks of monitoring have none yet."""
        rng, at = self.rng, next(i for i, s in enumerate(plan.steps) if s[0] == "uphold")
        decided, closed = plan.steps[at][1], plan.state == S.CLOSED
        end = self.now
        if closed:
            end = min(decided + timedelta(days=rng.uniform(90, 365)), self.now - timedelta(hours=1))
            plan.steps[at + 1] = (plan.steps[at + 1][0], end)
        choices, weights = ANSWERS[closed]
        kinds = rng.choices(choices, cum_weights=weights)[0]
        if not closed and end - decided < timedelta(days=21):
            kinds = ()
        span = end - decided
        moments = sorted(decided + span * rng.uniform(0.05, 0.95) for _ in kinds)
        plan.answers = list(zip(kinds, moments, strict=True))
        plan.steps[at + 1 : at + 1] = [("record_response", moment) for moment in moments]

    def case(self, plan: Plan, data_key: DataKey, reference: str, pk: int) -> Row:
        rng = self.rng
        channel = rng.choices(CHANNELS, cum_weights=CHANNEL_WEIGHTS)[0]
        if channel == Channel.OWN_MOTION:  # the ombudsperson opens it in screening
            plan.steps = [s for s in plan.steps if s[0] != "start_screening"]
            mode = ""
        else:
            mode = rng.choices(MODES, cum_weights=MODE_WEIGHTS)[0]
        language = "ko" if rng.random() < 0.9 else "en"
        received_day = self.day(plan.received)
        month, acknowledge_due, due_date = _dates(received_day)
        access_key = receipts.normalise_access_key(  # random and never shown: nobody tracks these
            "".join(rng.choices(receipts.ALPHABET, k=receipts.KEY_SYMBOLS))
        )
        case: Row = {
            "id": pk, "data_key_id": data_key.pk, "reference": reference, "state": plan.state,
            "outcome": plan.outcome, "channel": channel, "filing_mode": mode,
            **receipts.access_key_fields(reference, access_key),
            "language": language, "victim_consents": True if mode == FilingMode.ON_BEHALF else None,
            "narrative": self.text(language, rng.randint(2, 6)),
            "incident_place": rng.choice(PLACES) if rng.random() < 0.6 else "",
            "desired_outcome": self.text(language, 1) if rng.random() < 0.5 else "",
            "incident_date": received_day - timedelta(days=rng.randint(1, 200)),
            "respondent_type": (kind := rng.choice(RESPONDENTS)),
            "respondent_body_id": self.body(kind) if plan.state != S.RECEIVED else None,
            "respondent_name": f"{rng.choice(PLACES)} {rng.randint(1, 40)}",
            "discrimination_ground": rng.choice(GROUNDS) if "equality" in plan.rights else "",
            "received_at": plan.received, "received_month": month,
            "acknowledge_due": acknowledge_due, "due_date": due_date,
        }  # fmt: skip
        self.workflow_fields(case, plan)
        case["version"] = 1 + len(plan.steps)
        return case

    def body(self, kind: str) -> int | None:
        """The coded body: the first of a kind half the time, then ever rarer; some uncoded."""
        bodies = self.staff.bodies.get(kind, [])
        if not bodies or self.rng.random() < 0.05:
            return None
        weights = [2.0**-i for i in range(len(bodies))]
        return self.rng.choices(bodies, weights=weights)[0]

    def workflow_fields(self, case: Row, plan: Plan) -> None:
        """Set the coded fields the workflow would have left after the plan's actions."""
        rng = self.rng
        for action, moment in plan.steps:
            day = self.day(moment)
            if action == "start_screening":
                case["acknowledged_at"] = moment
            elif action == "request_supplement":
                case["supplement_due"] = clocks.add_business_days(
                    day, clocks.SUPPLEMENT_BUSINESS_DAYS
                )
                case["paused_since"] = day
            elif action == "accept":
                case["assigned_to_id"] = rng.choice(self.investigators)
            elif action == "start_mediation":
                case["paused_since"] = day
            elif action == "request_reply":
                case["reply_due"] = day + timedelta(days=rng.randint(14, 30))
            elif action in {"dismiss", "uphold"}:
                case["decided_at"] = moment
                case["follow_up_due"] = clocks.after_days(day, clocks.FOLLOW_UP_DAYS)
            if TARGET.get(action) == S.CLOSED:
                case["closed_at"], case["paused_since"] = moment, None
        if plan.answers:  # as cases.followup leaves it after the last answer
            case["follow_up_due"] = followup.next_deadline(self.followed(case, plan))
        if plan.outcome == O.INADMISSIBLE:
            case["outcome_reason"] = rng.choice(REASONS)
        elif plan.outcome == O.TRANSFERRED:
            case["transferred_to"] = "국가인권위원회"
            case["transfer_reference"] = f"NHRCK-{rng.randint(1, 99999)}"
        elif plan.state == S.MONITORING:
            case["outcome"] = O.UPHELD
        if plan.state != S.CLOSED and rng.random() < NEWS_SHARE:
            case["news_since"] = self.later(plan)  # information nobody has opened yet
        extendable = plan.state in {S.SCREENING, S.INVESTIGATION, S.DELIBERATION}
        if extendable and case["due_date"] < self.today and rng.random() < 0.5:
            case["due_date"] = self.today + timedelta(days=rng.randint(1, 45))
            plan.steps.append(("extend", self.later(plan)))  # with a reason told

    def text(self, language: str, sentences: int) -> str:
        return " ".join(self.rng.choices(SENTENCES[language], k=sentences))

    # What belongs to the case ----------------------------------------------------------------

    def children(self, case: Row, plan: Plan, key: DataKey, rows: dict[str, list[Any]]) -> None:
        t, pk = self.tables, case["id"]
        for kind, codes in ((CaseTag.Kind.RIGHT, plan.rights), (CaseTag.Kind.GROUP, plan.groups)):
            rows["tags"] += [t.tags.values({"case_id": pk, "kind": kind, "code": c}) for c in codes]
        rows["people"] += [t.people.values(person, key) for person in self.people(case)]
        events = self.events(case, plan)
        rows["events"] += [t.events.values(event, key) for event in events]
        if case.get("assigned_to_id"):
            grant = {"permission_id": self.staff.permission_id, "user_id": case["assigned_to_id"],
                     "content_object_id": pk, "received_at": case["received_at"]}  # fmt: skip
            rows["grants"].append(t.grants.values(grant))
        if case["outcome"] == O.UPHELD:
            number = len(rows["recommendations"])  # numbered when stored (`Built.store`)
            rows["recommendations"].append(
                t.recommendations.values(self.recommendation(case, plan), key)
            )
            rows["responses"] += [
                t.responses.values(answer, key) for answer in self.responses(number, plan, events)
            ]
        if plan.recused is not None:
            recusal = {"case_id": pk, "data_key_id": key.pk, "user_id": plan.recused,
                       "reason": self.text(case["language"], 1),
                       "created_at": next(m for a, m in plan.steps if a == "recuse")}  # fmt: skip
            rows["recusals"].append(t.recusals.values(recusal, key))

    def name(self, language: str) -> str:
        if language == "ko":
            return self.rng.choice(SURNAMES) + "".join(self.rng.choices(SYLLABLES, k=2))
        return f"{self.rng.choice(GIVEN)} {self.rng.choice(FAMILY)}"

    def email(self) -> str:
        """Most petitioners are new; one in ten comes back (same email, same blind index)."""
        self.serial += 1
        number = self.rng.randrange(self.serial) if self.rng.random() < 0.1 else self.serial
        return f"petitioner{number}@example.org"

    def people(self, case: Row) -> list[Row]:
        mode = case["filing_mode"]
        if mode in {"", FilingMode.ANONYMOUS}:
            return []
        rng, language = self.rng, case["language"]
        email = self.email() if rng.random() < 0.85 else ""
        base = {"case_id": case["id"], "data_key_id": case["data_key_id"]}
        petitioner = {
            **base, "role": Person.Role.PETITIONER, "name": self.name(language), "email": email,
            "phone": (f"010-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
                      if rng.random() < 0.6 else ""),
            "address": f"{rng.choice(PLACES)} {rng.randint(1, 300)}" if rng.random() < 0.3 else "",
        }  # fmt: skip
        petitioner.update(people.indexes(name=petitioner["name"], phone=petitioner["phone"],
                                         email=email))  # fmt: skip
        if mode != FilingMode.ON_BEHALF:
            return [petitioner]
        petitioner["relationship"] = rng.choice(["가족", "친구", "활동가", "family", "friend"])
        victim = self.name(language)
        return [petitioner, {**base, "role": Person.Role.VICTIM, "name": victim,
                             **people.indexes(name=victim)}]  # fmt: skip

    def events(self, case: Row, plan: Plan) -> list[Row]:
        rng, state, channel = self.rng, S.RECEIVED, case["channel"]
        filer: int | None = self.intake[0]  # phone, walk-in or letter: registered by intake
        if channel == Channel.WEB:
            filer = None
        elif channel == Channel.OWN_MOTION:
            filer, state = self.staff.ombudsperson.pk, S.SCREENING
        events = [self.event(case, ("filed", plan.received), filer, ("", state), 1)]
        for version, (action, moment) in enumerate(plan.steps, start=2):
            actor: int | None = self.staff.ombudsperson.pk
            if action in INTAKE_ACTIONS:
                actor = rng.choice(self.intake)
            elif action in INVESTIGATOR_ACTIONS:
                actor = case["assigned_to_id"]
            elif action == "recuse":
                actor = plan.recused
            elif action == "withdraw" and rng.random() < 0.8:
                actor = None  # the petitioner, through the tracking page
            new = TARGET.get(action, state)
            told = "withdrawn" if action == "withdraw" and actor is None else action
            events.append(self.event(case, (told, moment), actor, (state, new), version))
            state = new
        if plan.answers and plan.answers[-1][0] not in Recommendation.FINAL:
            for event in events:  # closed early: the reason, recorded (cases.followup)
                if event["action"] == "close_monitoring":
                    event["internal_note"] = self.text(case["language"], 1)
        return events

    def event(self, case: Row, step: Step, actor: int | None, states: tuple[str, str],
              version: int) -> Row:  # fmt: skip
        action, public = step[0], step[0] not in QUIET_ACTIONS
        language = case["language"]
        return {
            "case_id": case["id"], "data_key_id": case["data_key_id"], "created_at": step[1],
            "actor_kind": CaseEvent.Actor.STAFF if actor else CaseEvent.Actor.PETITIONER,
            "actor_id": actor, "action": action, "version": version,
            "from_state": states[0], "to_state": states[1], "public": public,
            "reason_code": case.get("outcome_reason", "") if action in REASONED else "",
            "message": self.text(language, 1) if public and action in TOLD else "",
            "internal_note": self.text(language, 1) if action in NOTED else "",
        }  # fmt: skip

    def followed(self, case: Row, plan: Plan) -> Recommendation:
        """The recommendation's status, plan deadline and follow-up date after its answers, as
        `cases.followup.record` leaves them (unsaved: its dates only)."""
        decided = self.day(case.get("decided_at") or self.now)
        kind, since = (
            (plan.answers[-1][0], self.day(plan.answers[-1][1])) if plan.answers else ("", decided)
        )
        followed = Recommendation(
            status=kind, plan_due=clocks.after_days(decided, clocks.PLAN_DAYS),
            follow_up_due=clocks.after_days(since, clocks.FOLLOW_UP_DAYS),
        )  # fmt: skip
        if followed.is_final:
            followed.follow_up_due = None
        return followed

    def recommendation(self, case: Row, plan: Plan) -> Row:
        followed = self.followed(case, plan)
        return {
            "id": None, "case_id": case["id"], "data_key_id": case["data_key_id"],
            "agency_type": case["respondent_type"], "agency_name": self.rng.choice(PLACES),
            "text": self.text(case["language"], 1), "issued_at": case.get("decided_at") or self.now,
            "plan_due": followed.plan_due, "status": followed.status,
            "follow_up_due": followed.follow_up_due,
        }  # fmt: skip

    def responses(self, number: int, plan: Plan, events: list[Row]) -> list[Row]:
        """One row per answer, with the recording event's time, author and note; a plan
        received bears a date of the fortnight before it arrived."""
        recorded = [event for event in events if event["action"] == "record_response"]
        rows = []
        for (kind, moment), event in zip(plan.answers, recorded, strict=True):
            plan_date = None
            if kind == Recommendation.Response.PLAN_RECEIVED:
                plan_date = self.day(moment) - timedelta(days=self.rng.randint(0, 14))
            rows.append({
                "case_id": event["case_id"], "data_key_id": event["data_key_id"],
                "recommendation_id": number, "kind": kind, "plan_date": plan_date,
                "note": event["internal_note"], "recorded_by_id": event["actor_id"],
                "recorded_at": moment,
            })  # fmt: skip
        return rows
