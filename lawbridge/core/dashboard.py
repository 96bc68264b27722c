"""Panels other apps add to the dashboard: a title, bars (label, count) and a link. Each app registers a function
in its AppConfig.ready() that returns its panels for a user (an empty list for users who may not see them)."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Panel:
    title: str
    rows: list[tuple[str, int]]
    url: str = ""
    link_label: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def largest(self) -> int:
        return max((count for _label, count in self.rows), default=0) or 1


_PROVIDERS: list[Callable] = []


def register(provider: Callable) -> None:
    _PROVIDERS.append(provider)


def panels_for(user) -> list[Panel]:
    found = []
    for provider in _PROVIDERS:
        found.extend(provider(user) or [])
    return found
