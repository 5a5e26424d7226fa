"""Rate limits on public endpoints: counted per action and client, in the database."""

from __future__ import annotations

import types
from http import HTTPStatus

import pytest
from django.urls import reverse

from cases.models import Case
from ombuds import throttle
from ombuds.models import Throttle
from tests import factories

pytestmark = pytest.mark.django_db

CLIENT = "203.0.113.7"
OTHER = "198.51.100.23"
PROXY = "10.0.0.2"


@pytest.fixture
def clock(monkeypatch):
    """A fixed time well inside a window, so that a window never ends in the middle of a test."""
    now = types.SimpleNamespace(value=1_800_000_000 + 100)
    monkeypatch.setattr(throttle, "time", types.SimpleNamespace(time=lambda: now.value))
    return now


@pytest.fixture
def limits(settings, clock):
    settings.OMBUDS_RATE_LIMITS = {"intake": "3/3600", "track": "3/600", "track_action": "5/60"}
    return settings.OMBUDS_RATE_LIMITS


def request_from(rf, address, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return rf.post("/", REMOTE_ADDR=address, **extra)


def attempts(action, request, count):
    return [throttle.allow(action, request) for _ in range(count)]


def test_the_attempt_after_the_limit_is_refused(rf, limits):
    assert attempts("intake", request_from(rf, CLIENT), 5) == [True, True, True, False, False]


def test_another_client_has_its_own_count(rf, limits):
    attempts("intake", request_from(rf, CLIENT), 4)
    assert throttle.allow("intake", request_from(rf, OTHER))
    assert not throttle.allow("intake", request_from(rf, CLIENT))


def test_each_action_has_its_own_count(rf, limits):
    attempts("intake", request_from(rf, CLIENT), 4)
    assert throttle.allow("track", request_from(rf, CLIENT))


def test_a_new_window_starts_a_new_count(rf, limits, clock):
    attempts("track", request_from(rf, CLIENT), 4)
    clock.value += 600
    assert attempts("track", request_from(rf, CLIENT), 4) == [True, True, True, False]


def test_the_client_address_is_not_stored(rf, limits):
    attempts("intake", request_from(rf, CLIENT), 2)
    (row,) = Throttle.objects.all()
    assert row.count == 2
    assert CLIENT not in row.bucket
    assert "intake" not in row.bucket


def test_forwarded_for_is_ignored_without_a_trusted_proxy(rf, limits, settings):
    settings.OMBUDS_TRUSTED_PROXY_COUNT = 0
    results = [
        throttle.allow("intake", request_from(rf, CLIENT, forwarded=f"192.0.2.{n}"))
        for n in range(4)
    ]
    assert results == [True, True, True, False]  # a made-up header buys no new attempts


def test_one_trusted_proxy_names_the_client_last(rf, limits, settings):
    settings.OMBUDS_TRUSTED_PROXY_COUNT = 1
    spoofed = [f"192.0.2.{n}, {CLIENT}" for n in range(4)]  # made-up entries, then the real one
    assert [throttle.allow("intake", request_from(rf, PROXY, f)) for f in spoofed] == [
        True,
        True,
        True,
        False,
    ]
    assert throttle.allow("intake", request_from(rf, PROXY, OTHER))  # same proxy, other client


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, None, PROXY),
        (0, CLIENT, PROXY),
        (1, None, PROXY),
        (1, "", PROXY),
        (1, CLIENT, CLIENT),
        (1, f"192.0.2.1,{CLIENT}", CLIENT),
        (1, f" 192.0.2.1 , , {CLIENT} ", CLIENT),
        (2, f"192.0.2.1, {CLIENT}, 10.0.0.1", CLIENT),
        (2, CLIENT, PROXY),  # fewer entries than proxies: the header is not what we expect
    ],
)
def test_client_address(rf, settings, proxies, forwarded, expected):
    settings.OMBUDS_TRUSTED_PROXY_COUNT = proxies
    assert throttle.client_address(request_from(rf, PROXY, forwarded)) == expected


@pytest.mark.parametrize(("rate", "expected"), [("10/3600", (10, 3600)), ("5", (5, 60))])
def test_rates_read_as_count_per_seconds(rate, expected):
    assert throttle.parse_rate(rate) == expected


def test_intake_answers_too_many_requests_and_keeps_what_was_typed(client, settings, clock):
    settings.OMBUDS_RATE_LIMITS = {**settings.OMBUDS_RATE_LIMITS, "intake": "1/3600"}
    first = client.post(reverse("cases:complaint"), factories.complaint_post())
    assert first.status_code == HTTPStatus.OK
    data = factories.complaint_post(respondent_name="시청 복지정책과")
    second = client.post(reverse("cases:complaint"), data)
    assert second.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "시청 복지정책과" in second.text
    assert Case.objects.count() == 1
