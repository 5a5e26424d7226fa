"""The statistics pages' choices: a period (year, quarter or dates), one filter, two dimensions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.codes import RespondentType, Right
from ombuds.widgets import PlainSelect
from stats.dimensions import DIMENSIONS, FILTERS
from stats.releases import Period

FIRST_YEAR = 2000
MAX_DAYS = 366 * 10
QUARTERS = [("", _("Whole year")), *((str(q), _("Quarter %(q)s") % {"q": q}) for q in range(1, 5))]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=FIRST_YEAR,
                              max_value=2100)  # fmt: skip
    quarter = forms.ChoiceField(label=_("Quarter"), choices=QUARTERS, required=False,
                                widget=PlainSelect)  # fmt: skip
    date_from = forms.DateField(label=_("Or from"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("until"), required=False, widget=_date_input())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if bool(start) != bool(end):
            raise ValidationError(_("Give both dates of a custom period, or neither."))
        if start and end and not (start <= end and (end - start).days <= MAX_DAYS):
            raise ValidationError(_("The period must start before it ends, and last ten "
                                    "years at most."))  # fmt: skip
        return data

    def period(self) -> Period:
        """The chosen period; this year when nothing (valid) is chosen."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("date_from") and data.get("date_to"):
            return Period(data["date_from"], data["date_to"])
        year = data.get("year") or timezone.localdate().year
        quarter = int(data.get("quarter") or 0)
        if not quarter:
            return Period(date(year, 1, 1), date(year, 12, 31))
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return Period(start, date.fromordinal(end.toordinal() - 1))


class FilterForm(PeriodForm):
    right = forms.ChoiceField(label=_("Right concerned"), required=False, widget=PlainSelect,
                              choices=[("", _("Any right")), *Right.choices])  # fmt: skip
    respondent_type = forms.ChoiceField(
        label=_("Kind of respondent"), required=False, widget=PlainSelect,
        choices=[("", _("Any kind")), *RespondentType.choices],
    )  # fmt: skip

    def chosen_filter(self) -> list[tuple[str, str]]:
        """The chosen categories (none, one, or a right and a kind of respondent)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return [(name, data[name]) for name in FILTERS if data.get(name)]


DIMENSION_CHOICES = [(key, dim.name) for key, dim in DIMENSIONS.items()]


class CrossTabForm(PeriodForm):
    rows = forms.ChoiceField(label=_("Rows"), choices=DIMENSION_CHOICES, required=False,
                             widget=PlainSelect)  # fmt: skip
    cols = forms.ChoiceField(label=_("Columns"), choices=DIMENSION_CHOICES, required=False,
                             widget=PlainSelect)  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("rows") and data.get("rows") == data.get("cols"):
            raise ValidationError(_("Choose two different dimensions."))
        return data

    def dimensions(self) -> tuple[str, str]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("rows") or "right", data.get("cols") or "outcome"
