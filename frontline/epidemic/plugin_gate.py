"""What the checkpoints' pages add: navigation (卡口查验 for the staff, 卡口 for the desks), the home page's way
to the staff's screen, and the words the audit page shows for a view of a checkpoint's stops."""

from django.utils.translation import gettext_lazy as _

from frontline.core import plugins, policy

from .gate_views import STOPS_NOTE
from .policy import MANAGE_CHECKPOINTS, RECORD_SCANS


def _staff_only(user) -> bool:
    return policy.allows(user, RECORD_SCANS) and not policy.allows(user, MANAGE_CHECKPOINTS)


plugins.navigation.register(plugins.NavEntry("gate_scan", _("Entrance checks"), "gate_scan_home", order=13,
                                             allowed=_staff_only))
plugins.navigation.register(plugins.NavEntry("checkpoints", _("Checkpoints"), "checkpoint_list", order=14,
                                             allowed=lambda user: policy.allows(user, MANAGE_CHECKPOINTS)))


def _home_scan_panel(request, _obj):
    """The checkpoint staff's one big button: to the screen of their duty's checkpoint."""
    return {"go": True} if _staff_only(request.user) else None


plugins.panels.register(plugins.Panel("gate_scan", "home", "epidemic/gate/panels/home_scan.html", _home_scan_panel,
                                      order=5))
plugins.audit_notes.register(plugins.AuditNote(STOPS_NOTE, _("checkpoint stops viewed")))
