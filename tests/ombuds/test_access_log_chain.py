"""The access log's hash chain: appends, tamper detection, and verification by the command."""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from ombuds.accesslog import record_access, verify_chain
from ombuds.models import AccessLogEntry
from tests.conftest import make_staff
from tests.ombuds.auth_helpers import request_from

pytestmark = pytest.mark.django_db

TABLE = AccessLogEntry._meta.db_table


def append(user: Any, count: int, **fields: Any) -> list[AccessLogEntry]:
    return [
        record_access(
            user=user,
            request=request_from(fields.get("address", "203.0.113.7")),
            action=fields.get("action", "view_case"),
            case_reference=fields.get("case_reference", f"2026-{n:05d}"),
            detail=fields.get("detail", ""),
        )
        for n in range(count)
    ]


def verify() -> str:
    out = io.StringIO()
    call_command("verify_access_log", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=connection.ops.quote_name(TABLE)), params)


def test_rows_chain_and_verify(auditor: Any) -> None:
    rows = append(auditor, 5)
    assert rows[0].previous_mac == ""
    assert [r.previous_mac for r in rows[1:]] == [r.mac for r in rows[:-1]]
    stored = AccessLogEntry.objects.get(pk=rows[2].pk)
    assert (stored.client_address, stored.case_reference) == ("203.0.113.7", "2026-00002")
    assert "5 rows verified." in verify()


def test_an_empty_log_verifies() -> None:
    assert verify().startswith("0 rows verified.")


def tampered_value(column: str, row: AccessLogEntry, other_user: Any) -> Any:
    return {
        "at": connection.ops.adapt_datetimefield_value(row.at - timedelta(seconds=1)),
        "user_id": other_user.pk,
        "client_address": "192.0.2.1",
        "action": "export",
        "case_reference": "2026-99999",
        "detail": "tampered",
        "previous_mac": "0" * 64,
        "mac": "f" * 64,
        "id": row.pk + 1000,
    }[column]


@pytest.mark.parametrize("position", [0, 2, 4])
@pytest.mark.parametrize(
    "column",
    ["at", "user_id", "client_address", "action", "case_reference", "detail", "previous_mac",
     "mac", "id"],
)  # fmt: skip
def test_changing_any_column_of_any_row_is_detected(
    auditor: Any, investigator: Any, column: str, position: int
) -> None:
    rows = append(auditor, 5)
    row = rows[position]
    value = tampered_value(column, row, investigator)
    raw(f"UPDATE {{table}} SET {column} = %s WHERE id = %s", [value, row.pk])
    if column != "id":
        expected = row.pk
    elif position < len(rows) - 1:
        expected = rows[position + 1].pk  # the row moved away: the next one no longer follows
    else:
        expected = value  # the last row, renumbered: its MAC covers its id
    report = verify_chain()
    assert (report.ok, report.broken_id) == (False, expected)
    with pytest.raises(CommandError, match="chain broken at row"):
        verify()


def test_deleting_a_middle_row_is_detected(auditor: Any) -> None:
    rows = append(auditor, 5)
    raw("DELETE FROM {table} WHERE id = %s", [rows[2].pk])
    report = verify_chain()
    assert (report.broken_id, report.rows) == (rows[3].pk, 2)
    with pytest.raises(CommandError, match=f"row {rows[3].pk}: the row before it"):
        verify()


def test_deleting_the_first_rows_is_detected_without_a_purge_anchor(auditor: Any) -> None:
    rows = append(auditor, 3)
    raw("DELETE FROM {table} WHERE id = %s", [rows[0].pk])
    assert verify_chain().broken_id == rows[1].pk


def test_a_forged_row_is_detected(auditor: Any) -> None:
    rows = append(auditor, 2)
    forged = AccessLogEntry.objects.create(
        user=auditor, action="view_case", previous_mac=rows[-1].mac, mac="a" * 64
    )
    assert verify_chain().broken_id == forged.pk


def append_then_fail(user: Any) -> None:
    with transaction.atomic():
        append(user, 1)
        raise RuntimeError("the caller's transaction fails")


def test_a_rolled_back_append_leaves_the_chain_whole(auditor: Any) -> None:
    append(auditor, 2)
    with pytest.raises(RuntimeError):
        append_then_fail(auditor)
    append(auditor, 1)
    assert AccessLogEntry.objects.count() == 3
    assert verify_chain().rows == 3


@pytest.mark.parametrize(
    ("action", "detail"),
    [("View case", ""), ("view_case", "김민지"), ("search", "minji@example.org"), ("", "")],
)
def test_free_text_is_refused(auditor: Any, action: str, detail: str) -> None:
    with pytest.raises(ValueError, match="access log"):
        append(auditor, 1, action=action, detail=detail)
    assert not AccessLogEntry.objects.exists()


def test_the_command_reports_progress_in_batches(auditor: Any) -> None:
    append(auditor, 5)
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_access_log", "--batch-size", "2", stdout=out, stderr=err)
    assert err.getvalue().count("rows verified so far") == 3
    assert "5 rows verified." in out.getvalue()


def test_the_user_is_protected_from_deletion(auditor: Any) -> None:
    from django.db.models import ProtectedError

    append(auditor, 1)
    with pytest.raises(ProtectedError):
        auditor.delete()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain() -> None:
    users = [make_staff(f"writer{n}", "investigator") for n in range(4)]
    errors: list[BaseException] = []

    def write(user: Any) -> None:
        try:
            for _ in range(8):
                with transaction.atomic():
                    append(user, 1)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert verify_chain().rows == 32
    macs = list(AccessLogEntry.objects.values_list("previous_mac", flat=True))
    assert len(set(macs)) == 32  # no two rows chain from the same predecessor


def test_time_is_stored_to_the_microsecond(auditor: Any) -> None:
    (row,) = append(auditor, 1)
    assert AccessLogEntry.objects.get(pk=row.pk).at == row.at
    assert abs(row.at - timezone.now()) < timedelta(seconds=5)
