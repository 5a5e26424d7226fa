"""A durable transaction whose outcome the caller can trust (docs/design.md, "After COMMIT").

Django runs `on_commit` callbacks inside `atomic().__exit__`, after COMMIT: an error there
leaves the `with` block as an exception although everything was stored. A caller that cleans up
on exceptions (removes files it wrote, tells the user nothing was saved) would then undo or
misreport a committed change. `committing()` marks the commit with a callback registered before
any other, so it runs first; an error after that point is logged and never raised, and the code
after the block (the receipt, the redirect) runs as for any committed change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

logger = logging.getLogger(__name__)


class Commit:
    """Whether the transaction of a `committing()` block has committed."""

    def __init__(self) -> None:
        self.done = False

    def mark_done(self) -> None:
        self.done = True


@contextmanager
def committing() -> Iterator[Commit]:
    """`transaction.atomic(durable=True)`; errors raised after its COMMIT are logged, not raised."""
    commit = Commit()
    try:
        with transaction.atomic(durable=True):
            transaction.on_commit(commit.mark_done)
            yield commit
    except Exception as error:
        if not commit.done:
            raise
        # The type only: an error's text may carry personal data.
        logger.error(
            "work after a commit failed (%s); the committed change stands", type(error).__name__
        )
