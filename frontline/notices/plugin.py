"""What notices add to the platform: issuing and reading as actions, the navigation entry, the home panel of
notices waiting for the account, and a figure of acknowledgements."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontline.areas import figures
from frontline.core import plugins, policy

from .models import AUDIENCE_ROLES, NoticeReceipt
from .selectors import receipts_waiting
from .services import ISSUE_NOTICES, READ_NOTICES

policy.action(ISSUE_NOTICES, _("issue notices down the area tree, see their receipts, remind"), "notices", 62)
policy.action(READ_NOTICES, _("read and acknowledge notices addressed to them"), "notices", 63)
policy.grant(ISSUE_NOTICES, policy.AREA, *policy.DESK)
policy.grant(READ_NOTICES, policy.AREA, *AUDIENCE_ROLES)

plugins.navigation.register(plugins.NavEntry("notices", _("Notices"), "notice_list", order=55,
                                             allowed=lambda user: policy.allows(user, READ_NOTICES)))


def _home_waiting(request, _obj):
    if not policy.allows(request.user, READ_NOTICES):
        return None
    waiting = list(receipts_waiting(actor=request.user)[:10])
    return {"waiting": waiting} if waiting else None


plugins.panels.register(plugins.Panel("notices_waiting", "home", "notices/panels/home_waiting.html", _home_waiting,
                                      order=5))
figures.register(figures.Figure(
    "notices_acknowledged", _("Notices acknowledged"), _("times"), app="notices", kind=figures.FLOW,
    rows=lambda at: NoticeReceipt.objects.all(), when="acknowledged_at", area="area", order=85))
plugins.audit_notes.register(plugins.AuditNote("reminded", pgettext_lazy("audit note", "reminded")))
