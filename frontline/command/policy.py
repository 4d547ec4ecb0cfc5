"""The command centre's actions (DESIGN.md, "Access"): dashboards, the wall screen and the daily brief read only
figures (aggregates) of the viewer's area; the work report is written by the desks; outlines are kept by commanders.
The grants are in `plugin.py`."""

from django.utils.translation import gettext_lazy as _

from frontline.core import policy

VIEW_DASHBOARD = policy.action("view_dashboard", _("see the command dashboard, map, wall screen and daily brief"),
                               "command", 200)
WRITE_REPORT = policy.action("write_report", _("write the work report from the figures"), "command", 201)
MANAGE_OUTLINES = policy.action("manage_outlines", _("import area outlines for the map"), "command", 202)
