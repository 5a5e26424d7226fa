"""Rotating the index key (`OMBUDS_INDEX_KEYS`): what still uses an old key (docs/design.md §4).

Every blind index and access-key hash records the id of the index key it was made with.
After a new key is put first in `OMBUDS_INDEX_KEYS` (the old one kept after it):

- people's blind indexes are recomputed from their decrypted values (`cases.people.reindex`,
  run by `manage.py rotate_index_key`), their suppressed email addresses moving with them;
- an access key cannot be: only its hash is stored. It keeps verifying under its old key id,
  and is hashed again under the current key the next time the petitioner opens the case
  (`services.case_rekey_access_key`). The old key must stay configured while an open case's
  access key uses it; once a case is closed, its petitioner can no longer open it after the
  old key is removed.
- the access log's MACs are not recomputed (that would rewrite the tamper-evident chain): each
  row records its key id, and the rows written before the rotation verify under the old key
  while it is configured, until `purge_access_log` removes them (`OMBUDS_ACCESS_LOG_DAYS`).

- staff backup codes (`ombuds.recovery`) are checked under every configured key; a set made
  under the old key dies with it.

`usage()` says, per key id, how much still uses it: the old key can go from the running
configuration when no person and no open case does (`rotate_index_key --check`); keep it in the
key safe while access-log rows still name it (verify_access_log needs it back for those).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from cases.models import Case, Person, State
from ombuds import crypto
from ombuds.models import AccessLogAnchor, AccessLogEntry


@dataclass(frozen=True)
class IndexKeyUsage:
    key_id: str
    current: bool
    configured: bool
    people: int
    open_cases: int  # access keys of cases not closed: these need the key
    closed_cases: int  # access keys of closed, not erased cases: their petitioners' only way in
    access_log: int  # access-log rows and purge anchors MAC'd with it

    @property
    def retirable(self) -> bool:
        return not self.current and not self.people and not self.open_cases


def _counts(rows: QuerySet[Any], column: str) -> dict[str, int]:
    return dict(rows.values(column).annotate(n=Count("pk")).values_list(column, "n"))


def usage() -> list[IndexKeyUsage]:
    """Per index key id (configured or found in use), the current one first."""
    configured = crypto.index_key_ids()
    people = _counts(Person.objects.all(), "index_key_id")
    live = Case.objects.filter(erased_at__isnull=True)
    open_cases = _counts(live.exclude(state=State.CLOSED), "access_key_id")
    closed_cases = _counts(live.filter(state=State.CLOSED), "access_key_id")
    log = _counts(AccessLogEntry.objects.all(), "mac_key_id")
    for key_id, n in _counts(AccessLogAnchor.objects.all(), "mac_key_id").items():
        log[key_id] = log.get(key_id, 0) + n
    found = {*people, *open_cases, *closed_cases, *log}
    ids = list(dict.fromkeys([*configured, *sorted(found)]))
    return [
        IndexKeyUsage(
            key_id,
            current=key_id == configured[0],
            configured=key_id in configured,
            people=people.get(key_id, 0),
            open_cases=open_cases.get(key_id, 0),
            closed_cases=closed_cases.get(key_id, 0),
            access_log=log.get(key_id, 0),
        )
        for key_id in ids
    ]
