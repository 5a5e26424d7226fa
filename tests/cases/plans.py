"""The SQLite plan of a staff list's page query, for the tests that check which index it reads."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import queues


def list_plan(user: Any, view: str, cursor: str = "") -> str:
    """`EXPLAIN QUERY PLAN` of the query reading a page of `view` for `user`, a line a step."""
    with CaptureQueriesContext(connection) as captured:
        queues.case_queue(user=user, filters=queues.Filters(view=view), cursor=cursor)
    sql = next(
        q["sql"] for q in captured if 'FROM "cases_case"' in q["sql"] and "LIMIT" in q["sql"]
    )
    with connection.cursor() as explain:
        explain.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row[-1]) for row in explain.fetchall())
