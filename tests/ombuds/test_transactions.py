"""`committing()`: what runs after COMMIT can neither undo nor misreport the commit."""

from __future__ import annotations

from functools import partial

import pytest
from django.db import OperationalError, transaction

from ombuds.models import DataKey
from ombuds.transactions import committing

pytestmark = pytest.mark.django_db(transaction=True)


def fail() -> None:
    raise OperationalError("disk I/O error")


def test_an_error_after_the_commit_is_logged_and_the_change_stands(caplog):
    with committing() as commit:
        key = DataKey.generate()
        transaction.on_commit(fail)
    assert commit.done
    assert DataKey.objects.filter(pk=key.pk).exists()
    (record,) = caplog.records
    assert record.getMessage() == (
        "work after a commit failed (OperationalError); the committed change stands"
    )


def store_then_fail() -> None:
    with committing():
        DataKey.generate()
        fail()


def test_an_error_before_the_commit_is_raised_and_nothing_is_stored():
    with pytest.raises(OperationalError):
        store_then_fail()
    assert not DataKey.objects.exists()


def test_a_robust_after_commit_callable_that_django_cannot_name_fails_every_test():
    """The guard in tests/conftest.py: Django 5.2 logs a robust callback's failure by its
    `__qualname__`, which a partial lacks, and that logging error escapes after COMMIT."""
    with pytest.raises(AssertionError, match="cannot log a failure"), transaction.atomic():
        transaction.on_commit(partial(fail), robust=True)
