"""Tables of handlers filled in by decorators: each command, dialog or button names its own
function where it is defined."""

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)


def into(table: dict[str, F], name: str) -> Callable[[F], F]:
    """A decorator putting the function it decorates in `table` under `name`."""

    def register(fn: F) -> F:
        table[name] = fn
        return fn

    return register
