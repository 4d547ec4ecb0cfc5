"""The platform's plug-in points: what a domain app adds, declared in its own `plugin.py`.

Each app's `plugin.py` (found by `CoreConfig.ready()` through Django's `autodiscover_modules`, as
Django's admin finds `admin.py` and Wagtail finds `wagtail_hooks.py`) registers its work-order kinds,
scheduled tasks, navigation entries, API routers, figures and importers here. `core` never imports a
domain app; the project level (`frontline/urls.py`, the API root, the home page) reads these
registries. Registering the same code twice is an error, so two apps cannot silently collide.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class Registry(Generic[T]):
    """Items keyed by their `code`, in registration order (then by `order` where items have one)."""

    def __init__(self, what: str):
        self.what = what
        self._items: dict[str, T] = {}

    def register(self, item: T) -> T:
        code = item.code
        if code in self._items and self._items[code] != item:
            raise ImproperlyConfigured(f"{self.what} {code!r} is registered twice")
        self._items[code] = item
        return item

    def unregister(self, code: str) -> None:
        """For tests that add an item of their own."""
        self._items.pop(code, None)

    def get(self, code: str) -> T | None:
        return self._items.get(code)

    def __getitem__(self, code: str) -> T:
        try:
            return self._items[code]
        except KeyError:
            raise KeyError(f"no {self.what} {code!r}") from None

    def __contains__(self, code: str) -> bool:
        return code in self._items

    def __iter__(self) -> Iterator[T]:
        items = list(self._items.values())
        return iter(sorted(items, key=lambda i: getattr(i, "order", 0)))

    def __len__(self) -> int:
        return len(self._items)

    def codes(self) -> list[str]:
        return [i.code for i in self]


@dataclass(frozen=True)
class WorkOrderKindSpec:
    """A kind of work order. `due` is the default deadline after creation; an overdue order escalates
    one level up the area tree at a time, never above `escalate_until` (an area level). `page`, the URL
    name of the kind's own page (taking the order's id), for work that is more than "done": there, and
    only there, such an order is done or refused (the generic page links to it)."""

    code: str
    label: Any
    app: str
    due: datetime.timedelta | None = None
    escalate_until: str = "city"
    order: int = 0
    page: str = ""


@dataclass(frozen=True)
class ScheduledTask:
    """A Celery task run every `every` (Celery beat in production; the embedded runner otherwise)."""

    code: str
    task: str  # dotted name of a Celery task
    every: datetime.timedelta


@dataclass(frozen=True)
class NavEntry:
    """A navigation entry. `allowed(user)` says who sees it; `order` places it (lower first)."""

    code: str
    label: Any
    url_name: str
    order: int = 100
    allowed: Callable[[Any], bool] = field(default=lambda user: True, compare=False)


@dataclass(frozen=True)
class EscalationRoute:
    """Who, by name, receives overdue work that reaches an area: `resolve(area_ids) -> {area_id: user_id}`
    (one query for all of them). Without a route, the users responsible at that area see it."""

    code: str
    resolve: Callable[[list[int]], dict[int, int]] = field(compare=False)


@dataclass(frozen=True)
class StaffSource:
    """People an app assigns to its places over a period (duty shifts at a site, a team's members, a testing
    round's collectors): `rows(area, starts_on, ends_on)` is a queryset of those assignments under the area;
    `anchor` names what they staff ("site", or an app's own unit such as "team"); `anchor_field` and
    `person_field` lead from a row to its id and to the person's. Temporary party organizations are formed
    from them."""

    code: str
    label: Any
    anchor: str
    rows: Callable[..., Any] = field(compare=False)
    anchor_field: str = "site_id"
    person_field: str = "person_id"
    order: int = 100


@dataclass(frozen=True)
class ApiRouter:
    """A django-ninja router, mounted under /api/v1/`prefix`."""

    code: str
    router: Any = field(compare=False)
    prefix: str = "/"


@dataclass(frozen=True)
class Panel:
    """A block an app adds to a page of another (`page`: "home", "area", "building", "household"): `context(request,
    obj)` returns the template's context, or None to show nothing there."""

    code: str
    page: str
    template: str
    context: Callable[[Any, Any], dict | None] = field(compare=False)
    order: int = 100


@dataclass(frozen=True)
class ExportKind:
    """An export that may be asked for with full identifiers (`core.ExportRequest.kind`): once another user
    approved it, `download(request, export_request)` answers the requester with the file (through
    `core.export`, which marks it with both names and audits it)."""

    code: str
    label: Any
    download: Callable[[Any, Any], Any] = field(compare=False)


@dataclass(frozen=True)
class AuditNote:
    """A note an app writes on audit entries as a fixed code (`audit_create(..., note="checked in")`, which
    queries and tests filter on), and the words the audit page shows for it in the reader's language."""

    code: str
    label: Any


@dataclass(frozen=True)
class Alert:
    """One thing that needs a decision: what it is (a sentence in the reader's language), where, how many
    (a count where the source groups them), and the page to decide it on."""

    title: Any
    url: str
    area: Any = None
    count: int = 1
    urgent: bool = False


@dataclass(frozen=True)
class AlertSource:
    """What an app brings to the commanders' dashboards as needing a decision (overdue work, zones due to step
    down, sites needing a temporary branch, positive pools awaiting re-test, stock running low):
    `find(actor, area, limit)` returns `(total, alerts)`, at most `limit` of them, for what lies under the area
    (which the caller fetched through the scope) and the actor may see; `(0, [])` when nothing or not theirs."""

    code: str
    label: Any
    app: str
    find: Callable[[Any, Any, int], tuple[int, list[Alert]]] = field(compare=False)
    order: int = 100


work_order_kinds: Registry[WorkOrderKindSpec] = Registry("work-order kind")
export_kinds: Registry[ExportKind] = Registry("export kind")
scheduled_tasks: Registry[ScheduledTask] = Registry("scheduled task")
navigation: Registry[NavEntry] = Registry("navigation entry")
api_routers: Registry[ApiRouter] = Registry("API router")
panels: Registry[Panel] = Registry("panel")
escalation_routes: Registry[EscalationRoute] = Registry("escalation route")
staff_sources: Registry[StaffSource] = Registry("staff source")
audit_notes: Registry[AuditNote] = Registry("audit note")
alert_sources: Registry[AlertSource] = Registry("alert source")
# Figures and importers have richer types of their own (`frontline.core.figures`, `frontline.core.imports`).
figures: Registry = Registry("figure")
importers: Registry = Registry("importer")


def panels_for(page: str) -> list[Panel]:
    return [p for p in panels if p.page == page]


def work_order_kind_choices() -> list[tuple[str, Any]]:
    return [(k.code, k.label) for k in work_order_kinds]
