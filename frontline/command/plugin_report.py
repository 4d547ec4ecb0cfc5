"""The report part of the command centre: what it adds to the platform (a panel on the dashboard to download the
work report of the area shown, for those who may write it there)."""

from django.utils import timezone

from frontline.core import plugins, policy

from .periods import EPOCH
from .policy import WRITE_REPORT


def _panel(request, area):
    if area is None or not policy.allows_in(request.user, WRITE_REPORT, area):
        return None
    today = timezone.localdate()
    return {"area": area, "start": request.GET.get("start") or EPOCH.isoformat(),
            "end": request.GET.get("end") or today.isoformat(), "today": today.isoformat()}


plugins.panels.register(plugins.Panel("report", "dashboard", "command/report/panel.html", _panel, order=90))
