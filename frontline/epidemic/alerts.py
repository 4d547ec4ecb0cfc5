"""What epidemic control brings to the commanders' dashboards (`plugins.alert_sources`): control zones whose
step-down falls due (for a commander to confirm), and positive pools whose people still await their single-tube
re-test."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from frontline.core.plugins import Alert

from . import zones
from .models import Retest


def zones_due_to_step_down(actor, area, limit: int) -> tuple[int, list[Alert]]:
    """Zones in force under the area that the actor may see (view_zones) whose step-down falls due today or fell
    due before, the most overdue first. A constant number of queries (the zones, their last cases)."""
    now = timezone.now()
    today = timezone.localdate(now)
    due = zones.zones_due(actor, today, now, area=area)
    alerts = [Alert(title=_("%(zone)s: %(from)s → %(to)s, due %(due)s") % {
        "zone": s.zone.name, "from": s.zone.get_level_display(), "to": s.to_label,
        "due": date_format(timezone.localtime(s.due_at), "Y-m-d H:i")},
        url=reverse("zone_detail", args=[s.zone.pk]), area=s.zone.area.name, urgent=s.due_on < today)
        for s in due[:limit]]
    return len(due), alerts


def pools_awaiting_retest(actor, area, limit: int) -> tuple[int, list[Alert]]:
    """Positive pooled tubes under the area whose people still await a single-tube re-test, by testing round:
    the number of pools, and one alert a round (the actor sees re-tests through view_people). One query."""
    rounds = list(Retest.objects.visible_to(actor).filter(area__path__startswith=area.path, sample__isnull=True)
                  .values("round_id", "round__name").annotate(pools=Count("tube_id", distinct=True), people=Count("id"))
                  .order_by("round_id"))
    total = sum(r["pools"] for r in rounds)
    alerts = [Alert(title=_("%(round)s: %(pools)d positive pools, %(people)d people awaiting a single-tube re-test") % {
        "round": r["round__name"], "pools": r["pools"], "people": r["people"]},
        url=reverse("round_positives", args=[r["round_id"]]), count=r["pools"], urgent=True) for r in rounds[:limit]]
    return total, alerts
