"""The rosters of an area as Excel (or CSV, with ?format=csv): residents (with households, party membership,
grid roles and contact members) — the same columns the roster import reads. Masked, directly; with full
identifiers only through an approved export request (`core.export_requests`, kind "roster")."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from frontline.areas.selectors import area_get_for
from frontline.core import policy
from frontline.core.export import csv_export, xlsx_export
from frontline.core.validators import mask_id_number, mask_phone
from frontline.people.models import PartyMember, Resident

from .models import ContactHousehold, GridRole

ROSTER_HEADERS = ["网格编码", "网格", "楼栋", "单元", "房号", "姓名", "身份证号", "联系电话", "与户主关系", "政治面貌",
                  "两长一员", "联系党员"]
STATUS_LABEL = {"formal": "中共党员", "probationary": "中共预备党员"}
ROLE_LABEL = {"building_head": "楼栋长", "street_head": "街巷长", "grid_member": "网格员"}


def roster_rows(*, actor, area, full: bool):
    residents = (Resident.objects.visible_to(actor).filter(moved_out__isnull=True,
                                                          household__building__area__path__prefix=area.path)
                 .select_related("person", "household__building__area")
                 .prefetch_related(
                     Prefetch("person__party_memberships", PartyMember.objects.filter(left_on__isnull=True),
                              to_attr="current_memberships"),
                     Prefetch("household__contacts", ContactHousehold.objects.filter(ended_on__isnull=True)
                              .select_related("member__person"), to_attr="current_contacts"))
                 .order_by("household__building__area__path", "household__building__name", "household__unit",
                           "household__room", "relation", "id"))
    roles: dict[int, list[str]] = {}
    for person_id, kind in GridRole.objects.filter(area__path__prefix=area.path, ended_on__isnull=True).values_list(
            "member__person_id", "kind"):
        roles.setdefault(person_id, []).append(ROLE_LABEL[kind])
    id_of = (lambda v: v or "") if full else mask_id_number
    phone_of = (lambda v: v or "") if full else mask_phone
    for r in residents.iterator(chunk_size=2000):
        person, household = r.person, r.household
        membership = person.current_memberships[0] if person.current_memberships else None
        contact = household.current_contacts[0].member.person.name if household.current_contacts else ""
        yield (household.building.area.code, household.building.area.name, household.building.name, household.unit,
               household.room, person.name, id_of(person.id_number) or id_of(person.doc_number), phone_of(person.phone),
               r.get_relation_display(), STATUS_LABEL.get(membership.status, "") if membership else "",
               "、".join(roles.get(person.pk, [])), contact)


@policy.requires(policy.EXPORT)
def roster_export(request, pk):
    area = area_get_for(request.user, pk)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    if request.GET.get("full") == "1":  # full identifiers: asked for, approved by another, downloaded once
        if not policy.allows(request.user, policy.EXPORT_FULL, area):
            raise PermissionDenied
        return redirect(f"{reverse('export_request_new', args=[area.pk, 'roster'])}?format={fmt}")
    export = csv_export if fmt == "csv" else xlsx_export
    return export(actor=request.user, filename=f"roster-{area.code}", title=_("Roster of %(area)s") % {"area": area.name},
                  headers=ROSTER_HEADERS, rows=roster_rows(actor=request.user, area=area, full=False),
                  note=f"roster {area.code}", obj=area)


def roster_full_download(request, export_request):
    """The roster with full identifiers for the requester of an approved export request (`plugins.ExportKind`):
    still within the requester's scope, marked with both names, audited."""
    area = export_request.area
    export = csv_export if export_request.params.get("format") == "csv" else xlsx_export
    return export(actor=request.user, filename=f"roster-{area.code}-full",
                  title=_("Roster of %(area)s") % {"area": area.name}, headers=ROSTER_HEADERS,
                  rows=roster_rows(actor=request.user, area=area, full=True), note=f"roster {area.code}", obj=area,
                  full_identifiers=True, export_request=export_request)
