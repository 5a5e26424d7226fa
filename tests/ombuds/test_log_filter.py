"""No query string reaches a log: request lines and paths are logged without theirs."""

from __future__ import annotations

import logging

import pytest

from ombuds.logfilters import QueryStringFilter

LINE = "GET /staff/?email=minji.kim%40example.org&phone=010-2345-6789 HTTP/1.1"


@pytest.mark.parametrize("logger", ["django.server", "django.request", "cases.views.public"])
def test_the_handler_a_request_line_reaches_drops_its_query(logger):
    """The project's console handler (pytest adds capture handlers of its own beside it)."""
    source = logging.getLogger(logger)
    handlers = source.handlers if not source.propagate else logging.getLogger().handlers
    ours = [handler for handler in handlers if handler.get_name() == "console"]
    assert ours
    for handler in ours:
        record = source.makeRecord(logger, logging.INFO, __file__, 1, '"%s" %s %s',
                                   (LINE, "200", "1234"), None)  # fmt: skip
        assert handler.filter(record)
        text = handler.format(record)
        assert "minji" not in text
        assert "010-2345" not in text
        assert '"GET /staff/?… HTTP/1.1" 200 1234' in text


def test_a_message_without_arguments_is_cleaned_too():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "Not Found: /track/?k=secret",
                               None, None)  # fmt: skip
    QueryStringFilter().filter(record)
    assert record.getMessage() == "Not Found: /track/?…"


def test_gunicorn_logs_the_path_without_its_query():
    from ombuds import gunicorn_config

    assert "%(U)s" in gunicorn_config.access_log_format
    assert "%(r)s" not in gunicorn_config.access_log_format
    assert "%(q)s" not in gunicorn_config.access_log_format
