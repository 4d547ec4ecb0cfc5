"""What the collector's screen adds: its navigation entry (采样登记), the household page's panel leading to the
residents' QR sheet, and the words the audit page shows for that sheet's views."""

from django.utils.translation import gettext_lazy as _

from frontline.core import plugins, policy

from .collect_views import QR_SHEET_NOTE
from .policy import REGISTER_SAMPLES

plugins.navigation.register(plugins.NavEntry("collect", _("Sample registration"), "collect", order=12,
                                             allowed=lambda user: policy.allows(user, REGISTER_SAMPLES)))


def _household_qr_panel(request, household):
    """The way to the household's (and its building's) QR sheet, for those who may see who lives there."""
    if not policy.allows_in(request.user, policy.VIEW_PEOPLE, household.building.area):  # no query: the page has them
        return None
    return {"household": household}


plugins.panels.register(plugins.Panel("testing_qr", "household", "epidemic/collect/panels/household_qr.html",
                                      _household_qr_panel, order=50))
plugins.audit_notes.register(plugins.AuditNote(QR_SHEET_NOTE, _("testing QR sheet viewed")))
