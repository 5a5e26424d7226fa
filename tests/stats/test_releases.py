"""A period's release is built once a day, read by every page that day, and replaces older ones."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from stats.models import Release
from stats.releases import Period, release_for

pytestmark = pytest.mark.django_db


def test_a_release_is_built_once_a_day_and_supersedes_older_days(django_assert_num_queries):
    period = Period(date(2025, 1, 1), date(2025, 12, 31))
    with time_machine.travel(timezone.now() - timedelta(days=1)):
        yesterday = release_for(period)
    first = release_for(period)
    with django_assert_num_queries(1):  # read, never rebuilt
        again = release_for(period)
    assert again.pk == first.pk != yesterday.pk
    assert list(Release.objects.values_list("as_of", flat=True)) == [timezone.localdate()]
