"""What the command centre adds to the platform: its actions' grants, and (from the modules named at the end) its
pages, tasks and the alerts it gathers. It reads figures only through the registry (`frontline.areas.figures`)
and alerts only through `plugins.alert_sources`, never another app's selectors."""

from frontline.core import policy
from frontline.core.roles import Role

from .policy import MANAGE_OUTLINES, VIEW_DASHBOARD, WRITE_REPORT

# Figures only (aggregates): the desks, and inspectors, who see area figures (DESIGN.md, "Access").
policy.grant(VIEW_DASHBOARD, policy.AREA, *policy.DESK, Role.INSPECTOR)
policy.grant(WRITE_REPORT, policy.AREA, *policy.DESK)
policy.grant(MANAGE_OUTLINES, policy.AREA, Role.COMMANDER)

# Each part of the app declares its own pages and tasks.
from . import plugin_parts  # noqa: E402, F401
