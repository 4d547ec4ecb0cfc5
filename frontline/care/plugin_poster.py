"""What the resident pages' desk adds: the navigation entry, a panel on a grid's page, and the words of its audit
notes."""

from django.utils.translation import gettext_lazy as _

from frontline.areas.models import AreaLevel
from frontline.core import plugins, policy

from .policy import MANAGE_RESIDENT_PAGES

plugins.navigation.register(plugins.NavEntry("resident_pages", _("Resident pages"), "resident_page_list", order=64,
                                             allowed=lambda user: policy.allows(user, MANAGE_RESIDENT_PAGES)))


def _grid_panel(request, area):
    """On a grid's page, for who may manage it: whether its resident page is published, and the way to it."""
    if area.level != AreaLevel.GRID or not policy.allows_in(request.user, MANAGE_RESIDENT_PAGES, area):
        return None
    from .resident_pages import resident_page_of

    return {"grid": area, "page": resident_page_of(request.user, area)}


plugins.panels.register(plugins.Panel("resident_page_grid", "area", "care/poster/panels/grid_page.html", _grid_panel,
                                      order=60))
for note, label in [("resident page published", _("resident page published")),
                    ("resident page code renewed", _("resident page given a new address")),
                    ("resident page closed", _("resident page closed")),
                    ("resident page reopened", _("resident page reopened")),
                    ("resident page poster printed", _("resident page poster printed"))]:
    plugins.audit_notes.register(plugins.AuditNote(note, label))
