"""The one scoping mechanism: who may see which rows.

Every scoped model's manager is built from `ScopedQuerySet`, so `Model.objects.visible_to(actor)`
is the only way views, searches, exports, the API and reports fetch people and places. An actor
holds one or more *scopes*; each scope knows how to turn itself into a filter for a model:

- `AreaScope`: the subtree of the actor's area (city → district → street → community → grid).
  A model says where its area is with `scope_area_field` (a lookup path to an `Area`), or
  answers itself with `scope_for_area(area) -> Q` when the path is not a single chain.

Later kinds (an enterprise subtree, explicit grants for inspectors) are further `Scope`
classes returned by `scopes_of`; no view changes when they arrive.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.http import Http404
from treebeard.mp_tree import MP_NodeManager, MP_NodeQuerySet

NOTHING = Q(pk__in=[])


class Scope:
    def q_for(self, model) -> Q | None:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass(frozen=True)
class AreaScope(Scope):
    area: "models.Model"

    def q_for(self, model) -> Q | None:
        custom = getattr(model, "scope_for_area", None)
        if custom is not None:
            return custom(self.area)
        field = getattr(model, "scope_area_field", None)
        if field is None:
            return None
        prefix = f"{field}__" if field else ""
        return Q(**{f"{prefix}path__prefix": self.area.path})


class _All:
    """The scope of a superuser: everything."""


ALL = _All()


def scopes_of(actor) -> list[Scope] | _All:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return []
    if actor.is_superuser:
        return ALL
    scopes: list[Scope] = []
    if actor.area_id:
        scopes.append(AreaScope(actor.area))
    return scopes


def scope_q(model, actor) -> Q:
    scopes = scopes_of(actor)
    if scopes is ALL:
        return Q()
    q = NOTHING
    for scope in scopes:
        part = scope.q_for(model)
        if part is not None:
            q |= part
    return q


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, actor):
        return self.filter(scope_q(self.model, actor))


def get_for(queryset_or_model, actor, pk):
    """One object the actor may see, or 404 alike for "missing" and "not yours"."""
    qs = queryset_or_model if isinstance(queryset_or_model, models.QuerySet) else queryset_or_model.objects.all()
    try:
        return qs.visible_to(actor).get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


class ScopedTreeQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    """A treebeard materialized-path queryset that also scopes."""


class ScopedTreeManager(MP_NodeManager.from_queryset(ScopedTreeQuerySet)):
    def get_queryset(self):
        # treebeard's manager builds its own queryset class; keep its path ordering, add scoping.
        return ScopedTreeQuerySet(self.model, using=self._db).order_by("path")
