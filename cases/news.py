"""New information on a case, for the staff working it (docs/design.md §2).

Information or evidence from the petitioner, a respondent's reply (cases.effects.reply_received)
or mail to the petitioner that could not be delivered (services.case_mail_undeliverable) marks
the case "new" (`Case.news_since`) in the transaction that stores it; the mark stays until one
of the staff working the case opens it. Who works a case: in the intake states, everyone who
sees it (intake officers, the ombudsperson); later, the assigned investigator, or while nobody
is assigned, everyone who sees it. The staff queue lists the marked cases (`view=news`).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from cases import access
from cases.models import INTAKE_STATES, Case


def arrived(case: Case) -> None:
    """Mark the case as holding news (in memory: the caller saves `news_since`)."""
    case.news_since = case.news_since or timezone.now()


def works_on(user: Any, case: Case) -> bool:
    if case.assigned_to_id is None or case.state in INTAKE_STATES:
        return access.can_view(user, case)
    return bool(case.assigned_to_id == user.pk and access.can_view(user, case))


def case_seen(*, case: Case, user: Any) -> bool:
    """`user` opened the case: the news is theirs now, when they work on it. One conditional
    UPDATE, outside the case's version (opening a case is no action on it). Returns whether
    the mark was cleared; `case.news_since` keeps its value for the page being shown."""
    if case.news_since is None or not works_on(user, case):
        return False
    return bool(Case.objects.filter(pk=case.pk, news_since__isnull=False).update(news_since=None))
