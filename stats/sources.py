"""The workflow's coded, plaintext columns, read without the workflow's models.

Unmanaged models over the `cases` tables that map only coded columns: no sealed field exists
here, so nothing in this app can decrypt (import-linter keeps `cases.models` and the
encryption core out of `stats`). The `cases` migrations own these tables.
"""

from __future__ import annotations

from django.db import models


class BodySource(models.Model):
    kind = models.CharField(max_length=24)
    name_ko = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)

    class Meta:
        managed = False
        db_table = "cases_respondentbody"

    def __str__(self) -> str:
        return self.name_en


class CaseSource(models.Model):
    state = models.CharField(max_length=20)
    outcome = models.CharField(max_length=20)
    channel = models.CharField(max_length=12)
    filing_mode = models.CharField(max_length=10)
    respondent_type = models.CharField(max_length=24)
    respondent_body = models.ForeignKey(
        BodySource, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    received_at = models.DateTimeField()
    received_month = models.DateField()
    closed_at = models.DateTimeField(null=True)
    due_date = models.DateField(null=True)

    class Meta:
        managed = False
        db_table = "cases_case"

    def __str__(self) -> str:
        return f"case {self.pk}"


class TagSource(models.Model):
    case = models.ForeignKey(
        CaseSource, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    kind = models.CharField(max_length=5)
    code = models.CharField(max_length=24)

    class Meta:
        managed = False
        db_table = "cases_casetag"

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


class EventSource(models.Model):
    case = models.ForeignKey(
        CaseSource, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    action = models.CharField(max_length=32)

    class Meta:
        managed = False
        db_table = "cases_caseevent"

    def __str__(self) -> str:
        return self.action


class RecommendationSource(models.Model):
    case = models.ForeignKey(
        CaseSource, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    issued_at = models.DateTimeField()
    # The current status: the kind of the latest response (cases.followup), '' before any.
    status = models.CharField(max_length=20)

    class Meta:
        managed = False
        db_table = "cases_recommendation"

    def __str__(self) -> str:
        return f"recommendation {self.pk}"
