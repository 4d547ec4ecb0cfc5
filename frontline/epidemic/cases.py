"""Cases and contacts (病例 / 密接 / 次密接 / 时空伴随, 流调排摸): opening a case (from a positive single tube, or by
hand for a person found by ID number), its investigation, interview contacts, closing; and a positive pool's
people under home health monitoring until their single-tube re-test comes back negative.

The investigation (`cases_investigate`) is set-based and idempotent (a contact once per case and person):
- close contacts: the current residents of the case's household (source household), and the people the
  epidemiologist adds from the interview (source interview, `contact_add`);
- secondary contacts: the current residents of the close contacts' households (source contact_household, `via`
  the close contact);
- companions: `companions.py` (source checkpoint).
Every new contact gets a `contact` work order (urgent) in its grid's inbox (a non-resident's: the case's area)
and a home measure by kind (FRONTLINE_CASE_MEASURES: close and secondary → home isolation, companion → home
health monitoring; the case itself → home isolation pending its transfer; centralized isolation takes a room
and is assigned on the isolation pages, which raise the measure)."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Area
from frontline.core import policy
from frontline.core.audit import audit_bulk, audit_bulk_create, audit_record, audit_update, snapshot
from frontline.core.models import ACTIVE_STATUSES, AuditAction, Priority, WorkOrder
from frontline.core.services import work_orders_create_bulk
from frontline.core.validators import validate_id_number, validate_phone
from frontline.people.models import Person, Resident

from .companions import companions_find
from .measures import MeasureRow, measures_place
from .models import (
    Case,
    CaseSource,
    CaseStatus,
    Contact,
    ContactKind,
    ContactSource,
    ControlMeasure,
    MeasureKind,
    Result,
    Retest,
)
from .policy import MANAGE_CASES, VIEW_CASES
from .registration import mask_name

CONTACT_ORDER = "contact"  # the work-order kind of a contact to trace (registered in plugin_cases.py)
CONTACT_DUE = datetime.timedelta(hours=2)
KIND_LABELS = {ContactKind.CLOSE: "密接", ContactKind.SECONDARY: "次密接", ContactKind.COMPANION: "时空伴随"}


def _creator(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _homes(person_ids) -> dict[int, tuple[int, int]]:
    """{person: (household, grid)} of their current residence."""
    return {p: (h, g) for p, h, g in Resident.objects.filter(person_id__in=list(person_ids), moved_out__isnull=True)
            .values_list("person_id", "household_id", "household__building__area_id")}


def _household_members(household_ids) -> list[tuple[int, int, int]]:
    """(household, person, grid) of the current residents of these households."""
    return list(Resident.objects.filter(household_id__in=list(household_ids), moved_out__isnull=True)
                .order_by("household_id", "id").values_list("household_id", "person_id", "household__building__area_id"))


# --- the investigation --------------------------------------------------------------------------------------------

def _new_contacts(actor, case: Case, rows: list[dict], now) -> list[Contact]:
    """Insert the contacts not yet there (once per case and person), then their work orders and measures."""
    there = set(Contact.objects.filter(case=case).values_list("person_id", flat=True)) | {case.person_id}
    new, seen = [], set()
    for row in rows:
        if row["person_id"] in there or row["person_id"] in seen:
            continue
        seen.add(row["person_id"])
        grid_id = row.get("grid_id")
        new.append(Contact(case=case, area_id=grid_id or case.area_id, found_at=now, found_by=_creator(actor), **row))
    if not new:
        return []
    Contact.objects.bulk_create(new)
    created = list(Contact.objects.filter(case=case, person_id__in=seen).select_related("person"))
    audit_bulk_create(actor, created, person_of=lambda c: Person(pk=c.person_id))
    _orders_and_measures(actor, case, created, now)
    return created


def _orders_and_measures(actor, case: Case, contacts: list[Contact], now) -> None:
    areas = {a.pk: a for a in Area.objects.filter(pk__in={c.area_id for c in contacts})}
    items = [(c, areas[c.area_id], _("%(kind)s to trace: %(name)s") % {"kind": KIND_LABELS[c.kind],
                                                                     "name": mask_name(c.person.name)})
             for c in contacts]
    work_orders_create_bulk(actor=actor, kind=CONTACT_ORDER, items=items, assignee_role="grid_worker",
                            due_at=now + CONTACT_DUE, priority=Priority.URGENT)
    order_of = dict(WorkOrder.objects.filter(kind=CONTACT_ORDER, subject_type=ContentType.objects.get_for_model(Contact),
                                             subject_id__in=[c.pk for c in contacts]).values_list("subject_id", "id"))
    for c in contacts:
        c.work_order_id = order_of.get(c.pk)
    Contact.objects.bulk_update(contacts, ["work_order"])
    measures_place(actor=actor, now=now, note=_("contact of case #%(case)d") % {"case": case.pk}, rows=[
        MeasureRow(person_id=c.person_id, kind=settings.FRONTLINE_CASE_MEASURES[c.kind], area_id=c.area_id,
                   grid_id=c.grid_id, case_id=case.pk, contact_id=c.pk) for c in contacts])


def _close_rows(case: Case, homes) -> list[dict]:
    home = homes.get(case.person_id)
    if home is None:
        return []
    return [{"person_id": p, "kind": ContactKind.CLOSE, "source": ContactSource.HOUSEHOLD, "grid_id": g}
            for _h, p, g in _household_members([home[0]]) if p != case.person_id]


def _secondary_rows(case: Case) -> list[dict]:
    close = list(Contact.objects.filter(case=case, kind=ContactKind.CLOSE).order_by("id").values_list("id", "person_id"))
    homes = _homes(p for _c, p in close)
    via_of = {}
    for contact_id, person_id in close:
        if person_id in homes:
            via_of.setdefault(homes[person_id][0], contact_id)
    return [{"person_id": p, "kind": ContactKind.SECONDARY, "source": ContactSource.CONTACT_HOUSEHOLD, "grid_id": g,
             "via_id": via_of[h]} for h, p, g in _household_members(via_of)]


def _companion_rows(case: Case, now) -> list[dict]:
    found = companions_find(case, now)
    homes = _homes(c.person_id for c in found)
    return [{"person_id": c.person_id, "kind": ContactKind.COMPANION, "source": ContactSource.CHECKPOINT,
             "grid_id": homes[c.person_id][1] if c.person_id in homes else None, "site_id": c.site_id,
             "overlap_minutes": c.overlap_minutes, "met_at": c.met_at} for c in found]


def _investigate(actor, case: Case, now, *, companions: bool = True) -> dict:
    homes = _homes([case.person_id])
    counts = {}
    counts["close"] = len(_new_contacts(actor, case, _close_rows(case, homes), now))
    counts["secondary"] = len(_new_contacts(actor, case, _secondary_rows(case), now))
    counts["companion"] = len(_new_contacts(actor, case, _companion_rows(case, now), now)) if companions else 0
    measures_place(actor=actor, now=now, note=_("case #%(case)d, pending transfer") % {"case": case.pk}, rows=[
        MeasureRow(person_id=case.person_id, kind=settings.FRONTLINE_CASE_MEASURES["case"], area_id=case.area_id,
                   grid_id=case.grid_id, case_id=case.pk)])
    return counts


def cases_investigate(*, actor, cases, now=None) -> dict:
    """Run (or run again) the investigation of open cases: the system's consequence of a positive tube, so no
    further permission is asked here (the caller's was). Returns the contacts added by kind."""
    now = now or timezone.now()
    total = {"close": 0, "secondary": 0, "companion": 0}
    for case in cases:
        if case.status != CaseStatus.OPEN:
            continue
        for key, n in _investigate(actor, case, now).items():
            total[key] += n
    return total


@transaction.atomic
def case_investigate(*, actor, case: Case, now=None) -> dict:
    """The epidemiologist runs the investigation again (household, secondary, companions): idempotent."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    policy.require(actor, MANAGE_CASES, case)
    if case.status != CaseStatus.OPEN:
        raise ValidationError(_("Case #%(case)d is closed.") % {"case": case.pk})
    counts = _investigate(actor, case, now or timezone.now())
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, person=case.person, changes={"investigated": counts},
                 note="case investigated")
    return counts


def cases_from_tubes(*, actor, cases: list[Case], now) -> None:
    """Cases just opened from positive single tubes: their grid, and their investigation at once."""
    if not cases:
        return
    areas = {a.pk: a for a in Area.objects.filter(pk__in={c.area_id for c in cases})}
    for case in cases:
        if areas[case.area_id].level == "grid" and case.grid_id is None:
            case.grid_id = case.area_id
    Case.objects.bulk_update([c for c in cases if c.grid_id], ["grid"])
    cases_investigate(actor=actor, cases=cases, now=now)


# --- opening and closing by hand ---------------------------------------------------------------------------------

def person_find_for_case(*, actor, id_number: str) -> Resident | None:
    """A current resident within the actor's scope by full ID number (the epidemiologist's search, audited)."""
    policy.require(actor, MANAGE_CASES)
    id_number = (id_number or "").strip().upper()
    if not id_number:
        return None
    found = (Resident.objects.restrict(actor, MANAGE_CASES).filter(person__id_number=id_number, moved_out__isnull=True)
             .select_related("person", "household__building__area").first())
    audit_record(actor=actor, action=AuditAction.SEARCH, obj=found.person if found else None,
                 note=f"case search by ID number: {'found' if found else 'none'}")
    return found


@transaction.atomic
def case_open(*, actor, resident: Resident, note: str, now=None) -> Case:
    """A case entered by hand (a hospital's report) for a resident within the actor's scope; its
    investigation starts at once."""
    policy.require(actor, MANAGE_CASES, resident)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say where the case was reported from.")})
    if Case.objects.filter(person_id=resident.person_id, status=CaseStatus.OPEN).exists():
        raise ValidationError(_("%(name)s has an open case already.") % {"name": mask_name(resident.person.name)})
    now = now or timezone.now()
    grid = resident.household.building.area
    case = Case(person_id=resident.person_id, area=grid, grid=grid, opened_at=now, opened_by=_creator(actor), note=note,
                source=CaseSource.MANUAL)
    case.full_clean()
    case.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=case, person=resident.person,
                 changes={"source": [None, case.source]}, note="case opened by hand")
    _investigate(actor, case, now)
    return case


@transaction.atomic
def case_close(*, actor, case: Case, note: str = "", now=None) -> Case:
    """Close a case (its contacts stay under their measures until released)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    policy.require(actor, MANAGE_CASES, case)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("Case #%(case)d is closed already.") % {"case": case.pk})
    before = snapshot(case)
    case.status, case.closed_at = CaseStatus.CLOSED, now or timezone.now()
    if note:
        case.note = (case.note + "\n" if case.note else "") + note
    case.save(update_fields=["status", "closed_at", "note"])
    audit_update(actor, case, before)
    return case


@transaction.atomic
def contact_add(*, actor, case: Case, id_number: str, name: str = "", phone: str = "", note: str = "",
                now=None) -> Contact:
    """A close contact from the interview, by ID number: a known person (resident or not), or a new person
    without residence (name, ID number, phone) — never a second person for the same ID number."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    policy.require(actor, MANAGE_CASES, case)
    if case.status != CaseStatus.OPEN:
        raise ValidationError(_("Case #%(case)d is closed.") % {"case": case.pk})
    id_number = (id_number or "").strip().upper()
    try:
        validate_id_number(id_number)
    except ValidationError as e:
        raise ValidationError({"id_number": e.messages}) from None
    now = now or timezone.now()
    person = Person.objects.filter(id_number=id_number).first()
    if person is None:
        name, phone = (name or "").strip(), (phone or "").strip()
        if not name:
            raise ValidationError({"name": _("No one has ID number %(id)s yet: give the name (and a phone).")
                                  % {"id": id_number[:6] + "********" + id_number[-4:]}})
        if phone:
            try:
                validate_phone(phone)
            except ValidationError as e:
                raise ValidationError({"phone": e.messages}) from None
        person = Person(name=name[:50], id_number=id_number, phone=phone)
        person.full_clean()
        person.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=person, note="person added from a case interview")
    if person.pk == case.person_id:
        raise ValidationError({"id_number": _("This is the case's own person.")})
    existing = Contact.objects.filter(case=case, person=person).first()
    if existing is not None:
        raise ValidationError({"id_number": _("%(name)s is a contact of this case already (%(kind)s).")
                              % {"name": mask_name(person.name), "kind": existing.get_kind_display()}})
    home = _homes([person.pk]).get(person.pk)
    (contact,) = _new_contacts(actor, case, [{"person_id": person.pk, "kind": ContactKind.CLOSE,
                                              "source": ContactSource.INTERVIEW, "grid_id": home[1] if home else None,
                                              "note": (note or "").strip()}], now)
    _new_contacts(actor, case, _secondary_rows(case), now)  # their household: secondary contacts
    return contact


# --- reads ---------------------------------------------------------------------------------------------------------

def cases_for(actor, area=None, status: str = CaseStatus.OPEN):
    rows = Case.objects.restrict(actor, VIEW_CASES).select_related("person", "area").annotate(
        n_close=Count("contacts", filter=Q(contacts__kind=ContactKind.CLOSE)),
        n_secondary=Count("contacts", filter=Q(contacts__kind=ContactKind.SECONDARY)),
        n_companion=Count("contacts", filter=Q(contacts__kind=ContactKind.COMPANION)))
    if area is not None:
        rows = rows.filter(area__path__startswith=area.path)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-opened_at", "-id")


def case_contacts(actor, case: Case) -> dict[str, list[Contact]]:
    rows = (Contact.objects.restrict(actor, VIEW_CASES).filter(case=case)
            .select_related("person", "grid", "site", "via__person", "work_order").order_by("kind", "id"))
    rows = list(rows)
    # The measure each is under now (placed for this contact, or a stronger one they were under already).
    measures = {m.person_id: m for m in ControlMeasure.objects.filter(person_id__in=[c.person_id for c in rows],
                                                                      released_at__isnull=True)}
    grouped = {k: [] for k in ContactKind.values}
    for c in rows:
        c.measure = measures.get(c.person_id)
        grouped[c.kind].append(c)
    return grouped


def may_reveal_contact(actor, obj) -> bool:
    """The interview needs the full ID number and phone: whoever records contacts (manage_cases), or may reveal
    people there (the core reveal grant), reveals them; every reveal is audited."""
    return policy.allows(actor, MANAGE_CASES, obj) or policy.allows(actor, policy.REVEAL, obj)


def contact_reveal(*, actor, obj, field: str) -> str:
    if field not in ("id_number", "phone"):
        raise PermissionDenied
    if not may_reveal_contact(actor, obj):
        raise PermissionDenied
    audit_record(actor=actor, action=AuditAction.REVEAL, obj=obj, person=obj.person, note=field)
    return getattr(obj.person, field) or ""


# --- a positive pool's people: home health monitoring until their re-test is negative ------------------------------

def retests_monitor(*, actor, retests: list[Retest], now) -> int:
    """Put the people of a positive pool waiting for their re-test under home health monitoring."""
    rows = [MeasureRow(person_id=r.person_id, kind=MeasureKind.HOME_MONITORING, area_id=r.area_id, grid_id=r.grid_id,
                       retest_id=r.pk) for r in retests if r.sample_id is None]
    return len(measures_place(actor=actor, rows=rows, now=now, note=_("positive pool, re-test pending")))


def retests_negative(*, actor, tube_ids, now=None) -> int:
    """Tubes just come back negative: the people whose re-test sample is in one are released from the
    monitoring of their re-test (one statement, one audit entry each). Returns how many."""
    now = now or timezone.now()
    measures = list(ControlMeasure.objects.filter(
        released_at__isnull=True, retest__isnull=False, retest__sample__tube_id__in=list(tube_ids),
        retest__sample__tube__result=Result.NEGATIVE))
    if not measures:
        return 0
    creator = _creator(actor)
    note = _("re-test negative")
    for m in measures:
        m.released_at, m.released_by = now, creator
        m.note = (m.note + "\n" if m.note else "") + note
    ControlMeasure.objects.bulk_update(measures, ["released_at", "released_by", "note"])
    audit_bulk(actor, AuditAction.UPDATE, [(m, {"released_at": [None, str(now)]}, Person(pk=m.person_id))
                                           for m in measures], note="re-test negative")
    return len(measures)


def contact_orders_open(contact_ids) -> int:
    return WorkOrder.objects.filter(kind=CONTACT_ORDER, subject_type=ContentType.objects.get_for_model(Contact),
                                    subject_id__in=list(contact_ids), status__in=ACTIVE_STATUSES).count()
