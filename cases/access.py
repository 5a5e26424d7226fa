"""Who may see a case (docs/design.md §3); who may do what with it is declared per action in
the action registry (cases.actions), which reads `can_view` and `is_assigned` from here.

- intake officers see cases in received / screening / awaiting_supplement;
- investigators see only the cases they hold the `work_on_case` object permission for;
- the ombudsperson sees every case;
- auditors and system administrators see no case;
- a recusal removes a person's access to that case, whatever their role.

`access_case` fetches and checks in one step and answers 404 for both "missing" and "forbidden",
so a case URL never reveals that a case exists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.lookups import IsNull
from django.http import Http404

from cases.models import (
    INTAKE_STATES,
    PROCESSING,
    Case,
    CaseUserObjectPermission,
    Recusal,
)
from ombuds.roles import Role, roles_of

WORK_PERMISSION = "work_on_case"
_CODE = re.compile(r"[a-z_]+")

INTAKE, INVESTIGATOR, OMBUDSPERSON = Role.INTAKE_OFFICER, Role.INVESTIGATOR, Role.OMBUDSPERSON


class Among(Expression):
    """`column IN ('a', 'b')`, the codes written into the SQL rather than bound as parameters.

    For conditions on the state that should not drive the query plan. On SQLite,
    `likelihood(…, 0.9)` tells the planner that the condition does not narrow the rows, which
    changes nothing else: for intake officers it walks the newest cases (intake states are the
    first ones) instead of reading every case in those states and sorting them (135 ms at 1M
    cases); for the due-soon and overdue queues it reads `case_processing_attention`
    (attention_due, id WHERE state IN PROCESSING; first `case_processing_due`) in deadline
    order and stops after a page (236 ms down to 0.1 ms at 100k cases). A partial index serves
    a query only when the query repeats its condition as written, which SQLite cannot see
    through bound parameters: hence the literals (docs/design.md §7).
    """

    output_field = BooleanField()

    def __init__(self, field: str, codes: Iterable[str]) -> None:
        super().__init__()
        self.codes = tuple(codes)
        if not all(_CODE.fullmatch(code) for code in self.codes):
            raise ValueError("only lowercase codes are written into SQL")
        self.target: Any = F(field)

    def get_source_expressions(self) -> list[Any]:
        return [self.target]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.target,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.target)
        literals = ", ".join(f"'{code}'" for code in self.codes)
        return f"{sql} IN ({literals})", list(params)

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        sql, params = self.as_sql(compiler, connection)
        return f"likelihood({sql}, 0.9)", params


# The work permission's id by database, read once per process as Django keeps content types;
# emptied after every migrate or flush (cases.apps), which may give it a new id.
_WORK_PERMISSION_IDS: dict[str, int] = {}


def forget_work_permission(**_signal: Any) -> None:
    _WORK_PERMISSION_IDS.clear()


def _work_permission() -> int:
    """The id of the `work_on_case` permission.

    Investigators' cases are found through guardian's permission indexes, and the permission
    must be known as a value for the database to use them well. Filtering on
    `permission__codename` joined the permission table: SQLite then probed the index on the
    user alone, reading all of an investigator's permissions for every case it looked at (1.8 s
    for a queue page at 100k cases, 40 s at 1M). A subquery fixed SQLite, but PostgreSQL then
    guessed that 1 in 109 of the user's object permissions matched (one permission among all
    of them), started from those and sorted every case of the investigator (29 ms at 100k,
    380 ms at 1M). With the id as a value, both walk the newest cases and stop after a page.
    """
    database = Permission.objects.db
    known = _WORK_PERMISSION_IDS.get(database)
    if known is None:
        known = Permission.objects.values_list("pk", flat=True).get(
            content_type__app_label="cases", codename=WORK_PERMISSION
        )
        _WORK_PERMISSION_IDS[database] = known
    return known


def _grants(user: Any) -> QuerySet[CaseUserObjectPermission]:
    return CaseUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user=user, permission_id=_work_permission()
    )


def _assigned(user: Any) -> Exists:
    return Exists(_grants(user))


def _holds(user: Any) -> IsNull:
    """`_assigned`, checked case by case as an index yields the cases: a subquery compared with
    NULL rather than EXISTS. PostgreSQL turns EXISTS into a semi-join and estimates it apart from
    every other condition: on an investigator's deadlines, already narrowed to their assignment,
    it expected the permission on their share of all cases only (2 %: 26 of 1,113 rows at 1M),
    so it read all of their permission rows into a hash table (23,518) and sorted all their
    overdue cases (659), 11-18 ms, instead of walking `case_assignee_due` and stopping after a
    page (0.3-0.5 ms). It does not estimate a subquery compared with NULL (99.5 % pass), so it
    walks; SQLite runs both forms alike, a probe of the permission index per case."""
    return IsNull(Subquery(_grants(user).values("content_object_id")[:1]), False)


def _recused(user: Any) -> Exists:
    return Exists(Recusal.objects.filter(case=OuterRef("pk"), user=user))


def visible_cases(user: Any, states: Sequence[str] | None = None) -> QuerySet[Case]:
    """Every case this user may open, as one query (no per-row checks).

    With `states`, only those in these states, the condition written once and in their order
    (a due-date list and the partial index it reads: `PROCESSING`, `INTAKE_PROCESSING`).
    PostgreSQL multiplies the selectivities of conditions on one column: an intake officer's
    `state IN (intake states) AND state IN (narrowed) AND state IN (processing)` looked like 4
    cases of a million, so it read all 7,819 cases in screening or awaiting information through
    the plain `state` index to find none overdue (14-19 ms at 1M; 0.05 ms at 100k, where it
    happened to pick the partial index).
    """
    roles = roles_of(user)
    if not roles & {INTAKE, INVESTIGATOR, OMBUDSPERSON}:
        return Case.objects.none()
    condition: Any = Q(pk__in=[])
    if OMBUDSPERSON in roles:
        condition = Q()
    else:
        if INTAKE in roles:
            among = sorted(INTAKE_STATES) if states is None else states
            if seen := [state for state in among if state in INTAKE_STATES]:
                condition |= Among("state", seen)  # for an intake officer, the one condition
        if INVESTIGATOR in roles:
            condition |= _assigned(user)
    rows = Case.objects.filter(condition)
    if states is not None and roles & {INVESTIGATOR, OMBUDSPERSON}:
        rows = rows.filter(Among("state", states))
    return rows.exclude(_recused(user))


def sees_only_assigned(user: Any) -> bool:
    """An investigator and nothing more: sees exactly the cases assigned to them (the work
    permission follows the assignment, cases.transitions._hand_over)."""
    roles = roles_of(user)
    return INVESTIGATOR in roles and not roles & {INTAKE, OMBUDSPERSON}


def assigned_deadlines(user: Any) -> QuerySet[Case] | None:
    """For a member who sees cases only through their assignments (an investigator): the cases
    of `visible_cases` being processed, found through the assignment (the work permission
    follows it, cases.transitions._hand_over), so that a due-date list walks
    `case_assignee_attention` (assigned_to, attention_due, id WHERE state IN PROCESSING) in
    deadline order and stops after a page; the permission is still checked, case by case
    (`_holds`). None for anyone else."""
    if not sees_only_assigned(user):
        return None
    mine = Case.objects.filter(_holds(user), Among("state", PROCESSING), assigned_to=user)
    return mine.exclude(_recused(user))


def assigned_news(user: Any) -> QuerySet[Case] | None:
    """For a member who sees cases only through their assignments (an investigator): the cases
    of `visible_cases` holding news (cases.news), found through the assignment so that the list
    walks `case_assignee_news` (assigned_to, received_at, id WHERE news_since IS NOT NULL),
    newest first, checking the permission case by case (`_holds`), as `assigned_deadlines`
    does: walking all of their permission rows for the few cases with news would read
    thousands. None for anyone else."""
    if not sees_only_assigned(user):
        return None
    mine = Case.objects.filter(_holds(user), assigned_to=user, news_since__isnull=False)
    return mine.exclude(_recused(user))


def assigned_cases(user: Any, where: Q | None = None) -> QuerySet[Case] | None:
    """For a member who sees cases only through their assignments (an investigator): the
    cases of `visible_cases`, joined to the member's own permission rows as `permission`, so
    that a list walks them newest first through the `grant_newest` index
    (`permission__received_at`, `permission__content_object_id`) and stops after a page.
    `where` (on `permission__` columns) goes in the same filter() call, so that it is on the
    same join. None for anyone else. (Not `grant`: Django does not quote the alias, and GRANT
    is a reserved word in PostgreSQL.)"""
    if not sees_only_assigned(user):
        return None
    mine = Q(caseuserobjectpermission__user=user,
             caseuserobjectpermission__permission_id=_work_permission())  # fmt: skip
    return (
        Case.objects.annotate(
            permission=FilteredRelation("caseuserobjectpermission", condition=mine)
        )
        .filter(Q(permission__user=user) & (where or Q()))
        .exclude(_recused(user))
    )


def _cached(user: Any, case: Case, name: str, compute: Callable[[], bool]) -> bool:
    """Remember an answer per user object and case version (every action bumps the version)."""
    cache: dict[tuple[str, int, int], bool] = user.__dict__.setdefault("_ombuds_access", {})
    key = (name, case.pk, case.version)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def is_assigned(user: Any, case: Case) -> bool:
    return _cached(
        user,
        case,
        "assigned",
        CaseUserObjectPermission.objects.filter(
            content_object=case, user=user, permission_id=_work_permission()
        ).exists,
    )


def is_recused(user: Any, case: Case) -> bool:
    return _cached(user, case, "recused", Recusal.objects.filter(case=case, user=user).exists)


def can_view(user: Any, case: Case) -> bool:
    roles = roles_of(user)
    if not roles or is_recused(user, case):
        return False
    if OMBUDSPERSON in roles:
        return True
    if INTAKE in roles and case.state in INTAKE_STATES:
        return True
    return INVESTIGATOR in roles and is_assigned(user, case)


def access_case(user: Any, reference: str) -> Case:
    """Fetch a case by reference for `user`; 404 whether it is missing or not theirs."""
    case = (
        Case.objects.select_related("data_key", "assigned_to").filter(reference=reference).first()
    )
    if case is None or not can_view(user, case):
        raise Http404
    return case
