"""Keep personal data out of logs that name URLs.

Personal data never belongs in a URL (search forms that carry a name, email or phone are POSTs),
but a query string typed by hand or sent by an old bookmark must not reach the logs either.
`QueryStringFilter` removes the query from every request line Django's server logs
(`django.server`) and from the paths `django.request` logs. Gunicorn's access log is configured
the same way in `ombuds/gunicorn_config.py` (the path without its query).
"""

from __future__ import annotations

import logging
import re

QUERY = re.compile(r"\?[^\s\"]*")


def without_query(text: str) -> str:
    return QUERY.sub("?…", text)


class QueryStringFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = without_query(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                without_query(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True
