"""The brief part of the command centre: what it adds to the platform. The daily brief is a work order of its own
kind, placed each morning by a scheduled task in the commanders' inbox (its page is the brief, where 已阅 closes
it), and a panel on the dashboard links to an area's brief of yesterday and its PDF."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontline.core import plugins, policy

from .brief_services import DAILY_BRIEF
from .policy import VIEW_DASHBOARD

plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
    DAILY_BRIEF, _("Daily brief"), app="command", escalate_until="city", order=200, page="command_brief_order"))
plugins.scheduled_tasks.register(plugins.ScheduledTask(
    "daily-briefs", "frontline.command.tasks.briefs_place_task", datetime.timedelta(hours=1)))


def _dashboard_panel(request, area):
    """Yesterday's brief of the dashboard's area, as a page and a PDF."""
    if area is None or not policy.allows_in(request.user, VIEW_DASHBOARD, area):
        return None
    return {"area": area, "day": timezone.localdate() - datetime.timedelta(days=1)}


plugins.panels.register(plugins.Panel("brief", "dashboard", "command/brief/panel.html", _dashboard_panel, order=50))
