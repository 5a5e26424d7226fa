"""Changes to a member's own account that the member is told of: a role granted or removed, the
second factor reset or enrolled, a new set of backup codes (docs/design.md §5, staff alerts).

The core imports no app: the notifications app registers its staff alert here when it loads,
and the code making a change calls `tell_member` inside the transaction that makes it.
"""

from __future__ import annotations

from collections.abc import Callable

from ombuds.models import User

Listener = Callable[[User, str, str], object]
_listeners: list[Listener] = []


def register(listener: Listener) -> None:
    _listeners.append(listener)


def tell_member(member: User, change: str, role: str = "") -> None:
    """`change`: one of `notifications.events.AccountChange`; `role` for a role change."""
    for listener in _listeners:
        listener(member, change, role)
