"""What mobilization brings to the commanders' dashboards (`plugins.alert_sources`): sites and teams whose formal
party members call for a temporary party organization they lack, or that have outgrown (or shrunk below) theirs."""

from django.urls import reverse
from django.utils.translation import gettext as _

from frontline.core import policy
from frontline.core.plugins import Alert

from .partyorg_services import FORM_TEMPORARY_ORGS, TEMPORARY_KIND_LABELS, temporary_org_needs


def temporary_orgs_needed(actor, area, limit: int) -> tuple[int, list[Alert]]:
    """The service's list of needs (`temporary_org_needs`) under the area, for those who set up temporary
    organizations there (form_temporary_orgs). A constant number of queries (one a staff source, a few more)."""
    if not policy.allows_in(actor, FORM_TEMPORARY_ORGS, area):
        return 0, []
    needs, total, _existing = temporary_org_needs(actor=actor, area=area, limit=limit)
    alerts = []
    for need in needs:
        words = {"place": need.obj.name, "n": need.formal, "kind": need.kind_label,
                 "existing": TEMPORARY_KIND_LABELS.get(need.existing.kind, "") if need.existing else ""}
        if need.status == "missing":
            title = _("%(place)s: %(n)d formal party members, no %(kind)s yet") % words
        elif need.status == "outgrown":
            title = _("%(place)s: %(n)d formal party members, its %(existing)s should become a %(kind)s") % words
        else:
            title = _("%(place)s: %(n)d formal party members, fewer than its %(existing)s needs") % words
        alerts.append(Alert(title=title, url=reverse("area_temporary_orgs", args=[need.obj.area_id]),
                            area=need.obj.area.name, count=need.formal, urgent=need.status == "missing"))
    return total, alerts
