"""Words for the codes a notification carries, registered by the app that owns the codes.

`notifications` imports no other app; an app that sends coded values (an inadmissibility
ground, say) registers their labels once, in its AppConfig.ready(), and the email templates put
them into words in the recipient's language with `{{ code|label:"kind" }}`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_LABELS: dict[str, dict[str, Any]] = {}


def register(kind: str, choices: Iterable[tuple[str, Any]]) -> None:
    _LABELS[kind] = dict(choices)


def label(kind: str, code: str) -> str:
    """The label of `code`, translated in the active language; the code itself if unknown."""
    return str(_LABELS.get(kind, {}).get(code, code))
