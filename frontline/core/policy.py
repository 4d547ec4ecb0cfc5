"""The access policy of DESIGN.md ("Access: who may see and do what"), written once, as data.

role → action → scope kind. An account holds assignments (a role at a place, for a period:
`core.Assignment`); an action is allowed on an object only where one assignment in force grants both
the action and a scope that holds the object. Reads carry their action (`Model.objects.restrict(actor,
action)`; `visible_to(actor)` is the model's own read action, `access_action`), one-object fetches
answer 404 alike for "missing" and "not yours", and a page the role has no use for at all answers 403
(`require`). Services ask `require` before they write, so a page, the API, the command line and a
background task cannot disagree. Apps add their actions (`action`) and grants (`grant`) from their
`plugin.py`, and their scope kinds (an enterprise subtree, an inspector's explicit grants) with
`scope_kind`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role, role_choices
from .scoping import NOTHING, AreaScope

# Scope kinds: where an assignment's grant applies.
AREA = "area"  # the subtree of the assignment's area
OWN_WORK = "own_work"  # work orders assigned to the account, or to its role at the assignment's area


@dataclass(frozen=True)
class Action:
    code: str
    label: Any
    app: str
    order: int = 100


ACTIONS: dict[str, Action] = {}
GRANTS: dict[str, dict[str, str]] = {}  # role → action → scope kind
SCOPE_KINDS: dict[str, tuple[Any, Callable]] = {}  # kind → (label, q(model, actor, assignment) -> Q | None)


def action(code: str, label, app: str, order: int = 100) -> str:
    """Declare an action (once); returns its code."""
    known = ACTIONS.get(code)
    if known is not None and known.app != app:
        raise ValueError(f"action {code!r} is declared by {known.app} already")
    ACTIONS[code] = Action(code, label, app, order)
    return code


def grant(action_code: str, scope: str, *roles: str) -> None:
    """Roles may do `action_code` within `scope` (a scope kind) of their assignments."""
    if action_code not in ACTIONS:
        raise ValueError(f"unknown action {action_code!r}")
    if scope not in SCOPE_KINDS:
        raise ValueError(f"unknown scope kind {scope!r}")
    for role in roles:
        GRANTS.setdefault(role, {})[action_code] = scope


def scope_kind(code: str, label, q: Callable) -> None:
    SCOPE_KINDS[code] = (label, q)


def _area_q(model, actor, assignment):
    return AreaScope(assignment.area).q_for(model) if assignment.area_id else None


def _own_work_q(model, actor, assignment):
    own = getattr(model, "scope_own_work", None)
    return own(actor, assignment) if own else None


scope_kind(AREA, _("their area and everything under it"), _area_q)
scope_kind(OWN_WORK, _("their own work orders"), _own_work_q)

# The core's actions. Reading places and figures, reading rosters (people, households, memberships),
# and the rest; the apps add theirs (the grid: managing the grid, recording visits, passing messages on).
VIEW = action("view", _("see places and figures"), "core", 10)
VIEW_PEOPLE = action("view_people", _("see households and residents (masked)"), "core", 20)
SEARCH_PEOPLE = action("search_people", _("search people"), "core", 30)
REVEAL = action("reveal", _("reveal a masked identifier (audited)"), "core", 40)
EXPORT = action("export", _("export masked lists (watermarked, audited)"), "core", 50)
EXPORT_FULL = action("export_full", _("ask for an unmasked export"), "core", 55)
APPROVE_EXPORT = action("approve_export", _("approve another's unmasked export"), "core", 60)
IMPORT = action("import", _("import files"), "core", 70)
CHANGE_PEOPLE = action("change_people", _("correct people's records, homes and memberships"), "core", 75)
VIEW_WORK = action("view_work", _("see work orders"), "core", 80)
ACT = action("act", _("act on work orders given to them or their role"), "core", 85)
MANAGE_WORK = action("manage_work", _("act on and assign any work order"), "core", 90)
READ_AUDIT = action("read_audit", _("read the audit log"), "core", 95)
MANAGE_ACCOUNTS = action("manage_accounts", _("manage accounts and assignments"), "core", 98)

DESK = (Role.COMMANDER, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY)
grant(VIEW, AREA, *DESK, Role.GRID_WORKER, Role.CADRE, Role.INSPECTOR)
grant(VIEW_PEOPLE, AREA, *DESK, Role.GRID_WORKER, Role.CADRE)
grant(SEARCH_PEOPLE, AREA, *DESK, Role.GRID_WORKER, Role.CADRE)
grant(REVEAL, AREA, *DESK, Role.GRID_WORKER)  # and only roles in FRONTLINE_REVEAL_ROLES (see `scope_of`)
grant(EXPORT, AREA, *DESK)
grant(EXPORT_FULL, AREA, *DESK)
grant(APPROVE_EXPORT, AREA, Role.COMMANDER, Role.STREET_OFFICER)
grant(IMPORT, AREA, *DESK)
grant(CHANGE_PEOPLE, AREA, *DESK)
grant(VIEW_WORK, AREA, *DESK, Role.GRID_WORKER, Role.CADRE)
grant(VIEW_WORK, OWN_WORK, Role.VOLUNTEER)
grant(ACT, AREA, Role.GRID_WORKER, Role.CADRE)
grant(ACT, OWN_WORK, Role.VOLUNTEER)
grant(MANAGE_WORK, AREA, *DESK)
grant(READ_AUDIT, AREA, Role.COMMANDER)
grant(MANAGE_ACCOUNTS, AREA, *DESK)


# Machine tokens' purposes: a token issued for one may do only its actions (and only where its owner may).
PURPOSES: dict[str, tuple[Any, frozenset[str]]] = {}


def purpose(code: str, label, *actions: str) -> str:
    unknown = [a for a in actions if a not in ACTIONS]
    if unknown:
        raise ValueError(f"unknown actions {unknown} for purpose {code!r}")
    PURPOSES[code] = (label, frozenset(actions))
    return code


def purposes_for(actor) -> list[str]:
    """The purposes the actor may issue a token for: those whose every action their assignments allow."""
    return [code for code, (_label, actions) in PURPOSES.items() if all(allows(actor, a) for a in actions)]


def scope_of(role: str, action_code: str) -> str | None:
    """The scope kind in which a role may do an action, or None."""
    if action_code == REVEAL and role not in settings.FRONTLINE_REVEAL_ROLES:
        return None
    return GRANTS.get(role, {}).get(action_code)


def assignments(actor, today: datetime.date | None = None) -> list:
    """The actor's assignments in force today (kept on the actor object for the request)."""
    from .models import Assignment

    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active or actor.pk is None:
        return []
    today = today or timezone.localdate()
    cached = getattr(actor, "_frontline_assignments", None)
    if cached is None or cached[0] != today:
        cached = (today, list(Assignment.objects.current(today).filter(user=actor).select_related("area")
                              .order_by("valid_from", "id")))
        actor._frontline_assignments = cached
    return cached[1]


def remember(actor, today: datetime.date, found: list) -> None:
    """Put the actor's assignments in force on `today`, read with something else (the API token's query),
    where `assignments` keeps them for the request."""
    actor._frontline_assignments = (today, found)


def forget(actor) -> None:
    """Drop the actor's cached assignments (after they changed)."""
    actor.__dict__.pop("_frontline_assignments", None)


def scope_q(model, actor, action_code: str) -> Q:
    """The rows of `model` on which the actor may do the action: the union over their assignments."""
    if actor is not None and getattr(actor, "is_superuser", False) and actor.is_active:
        return Q()
    q = NOTHING
    for assignment in assignments(actor):
        kind = scope_of(assignment.role, action_code)
        if kind is None:
            continue
        part = SCOPE_KINDS[kind][1](model, actor, assignment)
        if part is not None:
            q |= part
    return q


def allows(actor, action_code: str, obj=None) -> bool:
    """May the actor do the action at all (obj None: on a page or list), or on this object?"""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    if obj is None:
        return any(scope_of(a.role, action_code) for a in assignments(actor))
    model = type(obj)
    return model._default_manager.filter(pk=obj.pk).filter(scope_q(model, actor, action_code)).exists()


def allows_in(actor, action_code: str, area) -> bool:
    """May the actor do the action at this area (an `areas.Area`), from its assignments' places alone: no
    query, for the panels drawn on every area page. Only area-scoped grants count."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return actor.is_superuser or any(a.area_id and scope_of(a.role, action_code) == AREA
                                     and area.path.startswith(a.area.path) for a in assignments(actor))


def require(actor, action_code: str, obj=None) -> None:
    """Refuse (403) what the policy refuses; services call this before they write. `actor` None is the
    system itself (a scheduled task, a command run without --user): the audit log names it so."""
    if actor is not None and not allows(actor, action_code, obj):
        raise PermissionDenied


def table() -> list[tuple[str, Any, list[tuple[Action, Any]]]]:
    """The policy as a reader sees it: for each role, the actions it may do and where."""
    rows = []
    for role, label in role_choices():
        granted = [(a, SCOPE_KINDS[kind][0]) for a in sorted(ACTIONS.values(), key=lambda a: (a.order, a.code))
                   if (kind := scope_of(role, a.code))]
        rows.append((role, label, granted))
    return rows


def requires(*action_codes: str):
    """A page for accounts that may do one of `action_codes` somewhere: the login page for visitors, 403 for
    accounts whose assignments give no such thing (the object itself is then fetched through the scope:
    404 alike for "missing" and "not yours")."""
    from functools import wraps

    from django.contrib.auth.decorators import login_required

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not any(allows(request.user, code) for code in action_codes):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(checked)

    return decorate


def api_requires(action_code: str):
    """The API's `requires`: 403 for a caller whose assignments give no such action anywhere, or whose
    machine token was issued for a purpose that does not include it."""
    from functools import wraps

    def decorate(operation):
        @wraps(operation)
        def checked(request, *args, **kwargs):
            purpose = getattr(request, "token_purpose", "")
            if purpose and action_code not in PURPOSES.get(purpose, (None, frozenset()))[1]:
                raise PermissionDenied
            require(request.auth, action_code)
            return operation(request, *args, **kwargs)

        return checked

    return decorate


def home_area(actor):
    """Where the account works: the place of its first assignment in force (the whole city for a superuser,
    None for an account without one)."""
    for assignment in assignments(actor):
        if assignment.area_id:
            return assignment.area
    if actor is not None and getattr(actor, "is_superuser", False):
        from .models import Assignment

        return Assignment._meta.get_field("area").related_model.objects.get_first_root_node()
    return None
