"""The roles of DESIGN.md, and what each may do beyond seeing its scope."""

from django.conf import settings
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


def can_reveal(user) -> bool:
    """May this user reveal a masked ID number or phone? (Each reveal is audited.)"""
    return user.is_authenticated and (user.is_superuser or user.role in settings.FRONTLINE_REVEAL_ROLES)


def can_read_audit(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.COMMANDER)


DESK_ROLES = {Role.COMMANDER, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY}


def can_manage_grid(user) -> bool:
    """Assign grid roles and contact households: the desk roles of the area (within their scope)."""
    return user.is_authenticated and (user.is_superuser or user.role in DESK_ROLES)
