"""The roles of DESIGN.md. What each may do where is the access policy's (frontline.core.policy)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMANDER = "commander", _("Commander")
    STREET_OFFICER = "street_officer", _("Street officer")
    COMMUNITY_SECRETARY = "community_secretary", _("Community secretary")
    GRID_WORKER = "grid_worker", _("Grid worker")
    CADRE = "cadre", _("Cadre sent down")
    VOLUNTEER = "volunteer", _("Volunteer")
    INSPECTOR = "inspector", _("Inspector")
    ENTERPRISE_LIAISON = "enterprise_liaison", _("Enterprise liaison")
    COURIER = "courier", _("Courier")


# Roles an app brings (the epidemic app's collectors, transporters and laboratory staff), declared from its
# `plugin.py` with `register_role`; what they may do is the app's grants in the policy.
APP_ROLES: dict[str, tuple] = {}  # code → (label, roles that may give it)


def register_role(code: str, label, granted_by: tuple[str, ...] = ()) -> str:
    """Declare an app's role (once): its label, and which roles may give it (a commander gives any)."""
    if code in Role.values or (code in APP_ROLES and APP_ROLES[code][0] != label):
        raise ValueError(f"role {code!r} is declared twice")
    APP_ROLES[code] = (label, tuple(granted_by))
    return code


def role_choices() -> list[tuple[str, object]]:
    """Every role, the core's and the apps' (a callable, so model fields take apps' roles without a migration)."""
    return [*Role.choices, *((code, label) for code, (label, _by) in APP_ROLES.items())]


def role_codes() -> list[str]:
    return [code for code, _label in role_choices()]


def role_label(code: str):
    return dict(role_choices()).get(code, code)


# Shorthands for pages and templates; the rules are the access policy's (frontline.core.policy).

def can_reveal(user, obj=None) -> bool:
    """May this user reveal a masked ID number or phone (of `obj`)? Each reveal is audited."""
    from .policy import REVEAL, allows

    return allows(user, REVEAL, obj)


def can_read_audit(user) -> bool:
    from .policy import READ_AUDIT, allows

    return allows(user, READ_AUDIT)


def can_manage_grid(user, obj=None) -> bool:
    """Assign grid roles and contact households, run campaigns and imports (within their scope)."""
    from .policy import allows

    return allows(user, "manage_grid", obj)


def _approving_assignments(user) -> list:
    """The user's assignments in force that may approve exports (the policy's `approve_export`), at an area."""
    from .policy import APPROVE_EXPORT, assignments, scope_of

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return [a for a in assignments(user) if a.area_id and scope_of(a.role, APPROVE_EXPORT)]


def can_approve_export(user, area) -> bool:
    """May this user approve an export of full identifiers for `area`? Through one assignment in force: a
    street officer for the areas strictly below their street, a commander for the areas strictly below
    theirs and, at their own area, a second commander of it. Never the one who asked: the service refuses
    that, and a constraint. (A superuser is no approver: approval is the hierarchy's.)"""
    if area is None:
        return False
    return any(area.path.startswith(a.area.path) and (area.pk != a.area_id or a.role == Role.COMMANDER)
               for a in _approving_assignments(user))


def can_approve_any_export(user) -> bool:
    """Does this user approve exports somewhere (their navigation shows the requests waiting)?"""
    return bool(_approving_assignments(user))
