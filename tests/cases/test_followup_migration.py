"""Migration 0016: a response recorded before the history existed becomes its first entry, with
its sealed note opened and sealed again for the new row (it would not open under another
table's context), and the recommendation keeps its status."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cases.models import Recommendation, RecommendationResponse, State
from ombuds import crypto

pytestmark = pytest.mark.django_db(transaction=True)


def before() -> list[tuple[str, str]]:
    """The migration just before the history's (found by name: numbers change at merges)."""
    graph = MigrationExecutor(connection).loader.graph
    (node,) = [key for key in graph.nodes if key[0] == "cases"
               and key[1].endswith("_recommendation_history")]  # fmt: skip
    return [parent.key for parent in graph.node_map[node].parents if parent.key[0] == "cases"]


def migrate(target: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] == "cases"]


def test_a_recorded_response_becomes_the_first_of_the_history(staff: Any) -> None:
    answered, waiting = staff.case_in(State.MONITORING), staff.case_in(State.MONITORING)
    rec = answered.recommendations.select_related("data_key").get()
    other = waiting.recommendations.get()
    responded = timezone.now() - timedelta(days=3)
    token = crypto.seal(b"The office built the ramp.", data_key=rec.data_key,
                        context=f"cases_recommendation|response_note|{rec.uid}")  # fmt: skip
    leaf = latest()
    migrate(before())
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_recommendation SET response = %s, response_note = %s,"
            " responded_at = %s WHERE id = %s",
            ["implemented", token, responded, rec.pk],
        )
    migrate(leaf)
    entry = RecommendationResponse.objects.select_related("data_key").get()
    assert (entry.recommendation_id, entry.case_id, entry.kind) == (rec.pk, answered.pk,
                                                                    "implemented")  # fmt: skip
    assert entry.recorded_at == responded
    assert entry.note == "The office built the ramp."
    assert Recommendation.objects.get(pk=rec.pk).status == "implemented"
    waiting.refresh_from_db()
    assert Recommendation.objects.get(pk=other.pk).follow_up_due == waiting.follow_up_due
