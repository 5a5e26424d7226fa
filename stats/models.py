"""Releases: the suppressed base of a period as of a day, from which every page derives.

A release holds the coded records of the period (no case id, reference, date or text: month
and codes only), read once, and the tables published from them; every page and export of the
period that day reads the same release, so a figure never appears beside different neighbours.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Release(models.Model):
    start = models.DateField()
    end = models.DateField()
    as_of = models.DateField()
    k = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    # zlib-compressed JSON of the coded records (stats.records); never shown as such.
    records = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["start", "end", "as_of", "k"], name="release_once"),
        ]

    def __str__(self) -> str:
        return f"release {self.start}..{self.end} as of {self.as_of}"


class ReleaseTable(models.Model):
    """One published table of a release, already suppressed (the same every time it is shown)."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="tables")
    key = models.CharField(max_length=80)
    payload = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "key"], name="release_table_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key} of release {self.release_id}"


# The unmanaged readers of the workflow's tables are models of this app too.
from stats.sources import (  # noqa: E402, F401
    BodySource,
    CaseSource,
    EventSource,
    RecommendationSource,
    TagSource,
)
