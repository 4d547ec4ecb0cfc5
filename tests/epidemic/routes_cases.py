"""The access matrix's entries for cases and contacts (see tests/test_every_route.py): the list and a case's
page (view_cases), opening a case, adding an interview contact, running the investigation again and closing
(manage_cases), a contact's page and revealing one of its identifiers (view_cases, and manage_cases or the
core reveal grant where the contact is)."""

from django.db.models import Count
from django.utils import timezone

from frontline.areas.models import Area
from frontline.core.models import AuditLog
from frontline.epidemic.cases import may_reveal_contact
from frontline.epidemic.models import Case, Contact, ControlMeasure
from frontline.epidemic.policy import MANAGE_CASES, VIEW_CASES
from frontline.people.models import Resident


def entries(matrix):
    Route = matrix.Route
    case = matrix._obj("case")
    contact = matrix._obj("case_contact")
    pages = {
        "case_list": Route(VIEW_CASES, outside=False),
        "case_new": Route(MANAGE_CASES, outside=False),
        "case_detail": Route(VIEW_CASES, matrix._by_pk("case"), case),
        "case_investigate": Route(MANAGE_CASES, matrix._by_pk("case"), case, method="post"),
        "case_close": Route(MANAGE_CASES, matrix._by_pk("case"), case, method="post"),
        "case_contact_add": Route(MANAGE_CASES, matrix._by_pk("case"), case),
        "contact_detail": Route(VIEW_CASES, matrix._by_pk("case_contact"), contact),
        "contact_reveal": Route(VIEW_CASES, lambda o, where, user: {"pk": o[where].case_contact.pk, "field": "phone"},
                                contact, method="post", may=may_reveal_contact),
    }
    return pages, {}


def _case_in(grid: Area, skip: int):
    """A case (opened by hand) of a resident of the grid, with one close contact of another household."""
    residents = list(Resident.objects.filter(household__building__area=grid, moved_out__isnull=True)
                     .exclude(person__cases__status="open").exclude(person__contacts__isnull=False)
                     .order_by("-id")[skip:skip + 40])
    first = residents[0]
    other = next(r for r in residents if r.household_id != first.household_id)
    now = timezone.now()
    case = Case.objects.create(person_id=first.person_id, area=grid, grid=grid, opened_at=now, note="探针",
                               source="manual")
    contact = Contact.objects.create(case=case, person_id=other.person_id, kind="close", source="interview", grid=grid,
                                     area=grid, found_at=now)
    return case, contact


def place(o, city):
    o.inside.case, o.inside.case_contact = _case_in(city.grid, 0)
    o.outside.case, o.outside.case_contact = _case_in(o.outside.grid, 0)


def fingerprint():
    return (tuple(Case.objects.values_list("status").annotate(n=Count("id")).order_by("status")),
            Contact.objects.count(), ControlMeasure.objects.filter(released_at__isnull=True).count(),
            AuditLog.objects.filter(action="reveal").count())
