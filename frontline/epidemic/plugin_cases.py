"""What cases and contacts add: the `contact` work order (a contact to trace, in their grid's inbox), the
navigation entry 流调, and the figures (open cases; close, secondary and companion contacts found)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontline.areas import figures
from frontline.core import plugins, policy

from .cases import CONTACT_DUE, CONTACT_ORDER
from .models import Case, Contact, ContactKind
from .policy import VIEW_CASES

plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
    CONTACT_ORDER, _("Trace a contact of a case"), "epidemic", due=CONTACT_DUE, escalate_until="street", order=72))
plugins.navigation.register(plugins.NavEntry("cases", _("Cases"), "case_list", order=27,
                                             allowed=lambda user: policy.allows(user, VIEW_CASES)))


def _cases_open(at):
    """Cases open on a date (opened on or before it, not closed by then); now when `at` is None."""
    rows = Case.objects.all()
    if at is None:
        return rows.filter(closed_at__isnull=True, status="open")
    return rows.filter(opened_at__date__lte=at).filter(Q(closed_at__isnull=True) | Q(closed_at__date__gt=at))


# Few rows, and a case opens from bulk paths: counted at every read rather than kept per area.
figures.register(figures.Figure("cases_open", _("Open cases"), _("cases"), app="epidemic", rows=_cases_open,
                                area="area", kept=False, order=140))
for code, kind, label, order in (("contacts_close", ContactKind.CLOSE, _("Close contacts found"), 141),
                                 ("contacts_secondary", ContactKind.SECONDARY, _("Secondary contacts found"), 142),
                                 ("contacts_companion", ContactKind.COMPANION, _("Companions found"), 143)):
    figures.register(figures.Figure(code, label, _("people"), app="epidemic", kind=figures.FLOW,
                                    rows=lambda at, kind=kind: Contact.objects.filter(kind=kind), when="found_at",
                                    area="area", order=order))
