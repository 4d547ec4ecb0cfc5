"""What protective supplies bring to the commanders' dashboards (`plugins.alert_sources`): items at a site at or
below their low mark."""

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from frontline.core.plugins import Alert

from .models import Stock


def stock_low(actor, area, limit: int) -> tuple[int, list[Alert]]:
    """Stocks at sites under the area that the actor may see (view_stock) at or below their low mark (a mark set
    above 0), the emptiest first. Two queries."""
    rows = Stock.objects.visible_to(actor).filter(site__area__path__startswith=area.path, low_at__gt=0,
                                                  quantity__lte=F("low_at"))
    total = rows.count()
    if not total:
        return 0, []
    alerts = [Alert(title=_("%(item)s at %(site)s: %(left)d %(unit)s left (low at %(low)d)") % {
        "item": s.item.name, "site": s.site.name, "left": s.quantity, "unit": s.item.unit, "low": s.low_at},
        url=reverse("stock_site", args=[s.site_id]), area=s.site.area.name, urgent=s.quantity == 0)
        for s in rows.select_related("item", "site__area").order_by("quantity", "site_id", "item_id")[:limit]]
    return total, alerts
