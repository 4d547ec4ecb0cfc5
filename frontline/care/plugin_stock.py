"""What protective supplies add: the `stock_low` work-order kind, the navigation entry 防疫物资, the API router, the
figures, and the words of their audit notes.

Figures (definitions):
- `kits_issued` (发放防疫礼包X万余份): gift packs issued in the period, the units of every issue move of an item of
  category kit, where the issuing site is (its area).
- `supplies_issued_recipients`: the recipients counted on every issue move of the period (any item).
- `stock_low_sites`: sites where some item is now at or below its low mark (a mark set above 0), by the site's area.
"""

import datetime

from django.db.models import Exists, ExpressionWrapper, F, IntegerField, OuterRef
from django.utils.translation import gettext_lazy as _

from frontline.areas import figures
from frontline.areas.models import Site
from frontline.core import plugins, policy

from .models import ItemCategory, MoveKind, Stock, StockMove
from .policy import VIEW_STOCK
from .stock import STOCK_LOW
from .stock_api import router

plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
    STOCK_LOW, _("Replenish a low stock of supplies"), app="care", due=datetime.timedelta(hours=24),
    escalate_until="district", order=83))
plugins.navigation.register(plugins.NavEntry("stock", _("Protective supplies"), "stock_area", order=62,
                                             allowed=lambda user: policy.allows(user, VIEW_STOCK)))
plugins.api_routers.register(plugins.ApiRouter("care_stock", router))


def _issues(at):
    return StockMove.objects.filter(kind=MoveKind.ISSUE)


def _kits_issued(at):
    # Issues are negative for the site: the units handed out are their opposite.
    return _issues(at).filter(item__category=ItemCategory.KIT).annotate(
        units=ExpressionWrapper(F("quantity") * -1, output_field=IntegerField()))


def _low_sites(at):
    low = Stock.objects.filter(site=OuterRef("pk"), low_at__gt=0, quantity__lte=F("low_at"))
    return Site.objects.filter(Exists(low))


figures.register(figures.Figure(
    "kits_issued", _("Gift packs issued"), _("packs"), app="care", kind=figures.FLOW, rows=_kits_issued, when="at",
    area="site__area", site="site", total="units", order=170))
figures.register(figures.Figure(
    "supplies_issued_recipients", _("Recipients of protective supplies"), _("people"), app="care", kind=figures.FLOW,
    rows=_issues, when="at", area="site__area", site="site", total="recipients", order=171))
figures.register(figures.Figure(
    "kits_in_stock", _("Gift packs in stock"), _("packs"), app="care",
    rows=lambda at: Stock.objects.filter(item__category=ItemCategory.KIT), area="site__area", site="site",
    total="quantity", kept=False, history=False, order=169))
figures.register(figures.Figure(
    "stock_low_sites", _("Sites low on a supply"), _("sites"), app="care", rows=_low_sites, area="area", site="pk",
    kept=False, history=False, order=172))

plugins.audit_notes.register(plugins.AuditNote("kit parts set", _("kit parts set")))

# The commanders' dashboards: stock at or below its low mark (frontline.care.alerts).
from .alerts import stock_low  # noqa: E402

plugins.alert_sources.register(plugins.AlertSource("stock_low", _("Supplies running low"), "care", stock_low, order=40))
