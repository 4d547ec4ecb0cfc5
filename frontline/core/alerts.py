"""What the work-order engine brings to the commanders' dashboards (`plugins.alert_sources`): work overdue under an
area, the most overdue first."""

from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from .plugins import Alert
from .selectors import work_order_list


def overdue_work(actor, area, limit: int) -> tuple[int, list[Alert]]:
    """Active work orders past their deadline under the area that the actor may see (view_work): how many, and
    the `limit` most overdue. Two queries."""
    now = timezone.now()
    orders = work_order_list(actor=actor, overdue=True, now=now).filter(area__path__startswith=area.path)
    total = orders.count()
    if not total:
        return 0, []
    alerts = [Alert(title=_("%(title)s: overdue by %(late)s") % {"title": o.title, "late": timesince(o.due_at, now)},
                    url=reverse("work_order_detail", args=[o.pk]), area=o.area.name, urgent=o.priority >= 3)
              for o in orders.order_by("due_at", "id")[:limit]]
    return total, alerts
