"""The auditors' access-log page: who may see it, its filters, and keyset pagination."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ombuds.models import AccessLogEntry
from tests.conftest import sign_in
from tests.ombuds.test_access_log_chain import append

pytestmark = pytest.mark.django_db

URL = reverse("accounts:access_log")


def shown(response: Any) -> list[AccessLogEntry]:
    return [entry for entry, _label, _detail, _actor in response.context["rows"]]


def test_an_auditor_reviews_the_log_and_the_review_is_logged(
    client: Any, auditor: Any, investigator: Any
) -> None:
    append(investigator, 2, action="download_attachment", case_reference="2026-00042")
    sign_in(client, auditor)
    response = client.get(URL)
    assert response.status_code == HTTPStatus.OK
    assert "2026-00042" in response.text
    assert "investigator" in response.text
    assert "no-store" in response["Cache-Control"]
    assert len(shown(response)) == 2
    assert AccessLogEntry.objects.filter(user=auditor, action="view_access_log").exists()


@pytest.mark.parametrize("persona", ["intake_officer", "investigator", "ombudsperson", "sysadmin"])
def test_other_staff_are_refused(client: Any, request: Any, persona: str) -> None:
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(URL).status_code == HTTPStatus.FORBIDDEN


def test_anonymous_visitors_are_sent_to_the_login(client: Any) -> None:
    assert client.get(URL).url.startswith(reverse("accounts:login"))


def test_filters_by_staff_member_action_and_case(
    client: Any, auditor: Any, investigator: Any, ombudsperson: Any
) -> None:
    append(investigator, 2, action="view_case", case_reference="2026-00001")
    append(investigator, 1, action="download_attachment", case_reference="2026-00002")
    append(ombudsperson, 1, action="view_case", case_reference="2026-00002")
    sign_in(client, auditor)
    by_user = shown(client.get(URL, {"user": investigator.pk}))
    assert [e.user for e in by_user] == [investigator] * 3
    by_action = shown(client.get(URL, {"action": "download_attachment"}))
    assert [e.case_reference for e in by_action] == ["2026-00002"]
    by_case = shown(client.get(URL, {"case_reference": " 2026-00002 "}))
    assert {e.user for e in by_case} == {investigator, ombudsperson}


def test_filters_by_date(client: Any, auditor: Any, investigator: Any) -> None:
    append(investigator, 2)
    sign_in(client, auditor)
    today = timezone.localdate()
    assert len(shown(client.get(URL, {"date_from": today, "date_to": today}))) == 2
    assert shown(client.get(URL, {"date_to": today - timedelta(days=1)})) == []
    assert shown(client.get(URL, {"date_from": today + timedelta(days=1)})) == []


def test_an_invalid_filter_shows_its_error_and_no_rows(
    client: Any, auditor: Any, investigator: Any
) -> None:
    append(investigator, 2)
    sign_in(client, auditor)
    response = client.get(URL, {"date_from": "not a date"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors
    assert shown(response) == []
    assert 'aria-invalid="true"' in response.text


def test_pages_follow_a_keyset_cursor_without_offset_or_count(
    client: Any, auditor: Any, investigator: Any
) -> None:
    rows = append(investigator, 120, action="view_case")
    sign_in(client, auditor)
    seen: list[int] = []
    params: dict[str, Any] = {"action": "view_case"}
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            response = client.get(URL, params)
            seen += [entry.pk for entry in shown(response)]
            cursor = response.context["next_cursor"]
            params = {"action": "view_case", "before": cursor}
    assert seen == [row.pk for row in reversed(rows)]
    assert cursor is None
    assert f"before={seen[49]}" in client.get(URL, {"action": "view_case"}).text
    sql = " ".join(query["sql"].upper() for query in queries.captured_queries)
    assert " OFFSET " not in sql
    assert "COUNT(" not in sql


def test_a_cursor_that_was_purged_still_pages_on(
    client: Any, auditor: Any, investigator: Any
) -> None:
    rows = append(investigator, 3)
    sign_in(client, auditor)
    AccessLogEntry.objects.filter(pk=rows[2].pk).delete()
    response = client.get(URL, {"before": rows[2].pk, "action": "view_case"})
    assert [e.pk for e in shown(response)] == [rows[1].pk, rows[0].pk]


def test_a_petitioners_row_names_nobody_and_reads_as_theirs(client: Any, auditor: Any) -> None:
    from ombuds.accesslog import record_access

    with pytest.raises(ValueError, match="names no user"):
        record_access(user=auditor, request=None, action="petitioner_download",
                      case_reference="2026-00007", detail="x")  # fmt: skip
    record_access(user=None, request=None, action="petitioner_download",
                  case_reference="2026-00007", detail="x")  # fmt: skip
    record_access(user=None, request=None, action="erase_case", case_reference="2026-00008")
    append(auditor, 1, case_reference="2026-00009")
    rows = sign_in(client, auditor).get(URL, HTTP_ACCEPT_LANGUAGE="en").context["rows"]
    kinds = {entry.case_reference: actor for entry, _label, _detail, actor in rows}
    assert kinds == {"2026-00007": "petitioner", "2026-00008": "system", "2026-00009": "staff"}
