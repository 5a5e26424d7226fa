"""`{{ view|stats_table }}`: a statistics table's markup (stats.present.table_markup)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from stats.present import TableView, table_markup

register = template.Library()


@register.filter
def stats_table(view: TableView) -> SafeString:
    return table_markup(view)
