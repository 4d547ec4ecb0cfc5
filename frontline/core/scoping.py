"""The one scoping mechanism: which rows an actor may see or act on.

Every scoped model's manager is built from `ScopedQuerySet`, so `Model.objects.restrict(actor, action)`
(and `visible_to(actor)`, the model's own read action `access_action`, "view" unless it says otherwise)
is the only way views, searches, exports, the API and reports fetch people and places. What an actor
may do where is the access policy's (`frontline.core.policy`: role → action → scope kind, from the
actor's assignments in force); each scope kind turns into a filter for a model:

- `AreaScope`: the subtree of an assignment's area (city → district → street → community → grid).
  A model says where its area is with `scope_area_field` (a lookup path to an `Area`), or
  answers itself with `scope_for_area(area) -> Q` when the path is not a single chain.

Later kinds (an enterprise subtree, explicit grants for inspectors) are registered with the policy's
`scope_kind`; no view changes when they arrive.
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


class ScopedQuerySet(models.QuerySet):
    def restrict(self, actor, action: str):
        """The rows on which the actor may do `action` (frontline.core.policy)."""
        from .policy import scope_q

        return self.filter(scope_q(self.model, actor, action))

    def visible_to(self, actor):
        """The rows the actor may read: the model's own read action."""
        return self.restrict(actor, getattr(self.model, "access_action", "view"))


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
