"""What apps know about a household that others serve it by (a household in a sealed zone, one with a resident of
special needs): each app registers a mark with the households it applies to, and an app that serves households
(supply orders put such a household first) asks here without importing the app that knows."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from frontline.core.plugins import Registry


@dataclass(frozen=True)
class HouseholdMark:
    """`households(ids)`: of these household ids, the ones the mark applies to now (one query for all)."""

    code: str
    label: Any
    households: Callable[[list[int]], set[int]] = field(compare=False)
    urgent: bool = True  # their orders go first
    order: int = 100


household_marks: Registry[HouseholdMark] = Registry("household mark")


def marks_of(household_ids: Iterable[int]) -> dict[int, list[HouseholdMark]]:
    """household id → the marks that apply to it (households without a mark are left out)."""
    ids = list(household_ids)
    found: dict[int, list[HouseholdMark]] = {}
    if not ids:
        return found
    for mark in sorted(household_marks, key=lambda m: m.order):
        for hid in mark.households(ids):
            found.setdefault(hid, []).append(mark)
    return found
