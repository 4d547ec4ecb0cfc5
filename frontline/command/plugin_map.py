"""The map part of the command centre: what it adds to the platform (the map panel on the dashboard, and the audit
note of an outline import)."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontline.areas.figures import figure_list
from frontline.core import plugins, policy

from .outlines import IMPORTED_NOTE
from .periods import period_pick
from .policy import MANAGE_OUTLINES


def _map_panel(request, area):
    """The figure chooser and the map of the area's children; the period is the dashboard's."""
    from .views_map import default_figure

    try:
        query = period_pick(request.GET).query
    except ValidationError:
        query = ""  # the dashboard says what is wrong with its period
    chosen = request.GET.get("map", "") or default_figure()
    return {"map_panel": {
        "area": area,
        "figures": [(f.code, f.label) for f in figure_list()],
        "chosen": chosen,
        "may_import": policy.allows_in(request.user, MANAGE_OUTLINES, area),
        "config": {"url": reverse("command_map", args=[area.pk]), "query": query, "area": area.pk,
                   "texts": {"loading": str(_("Loading the map…")), "failed": str(_("The map could not be loaded.")),
                             "high": str(pgettext_lazy("map legend", "high")),
                             "low": str(pgettext_lazy("map legend", "low"))}},
    }}


plugins.panels.register(plugins.Panel("map", "dashboard", "command/map/panel.html", _map_panel, order=30))
plugins.audit_notes.register(plugins.AuditNote(IMPORTED_NOTE, _("area outlines imported")))
