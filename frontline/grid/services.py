"""Writes for the grid: roles of the "two heads and one member", contact households, campaigns and visits,
special needs, messages to grids."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.figures import figures_mark_dirty
from frontline.areas.models import Area, Building, Household
from frontline.core import policy
from frontline.core.audit import audit_bulk_create, audit_create, audit_update, snapshot
from frontline.core.models import ACTIVE_STATUSES, WorkOrder
from frontline.core.roles import Role
from frontline.core.services import work_order_complete, work_order_create
from frontline.notices.models import Notice, NoticeDelivery
from frontline.notices.services import notice_issue
from frontline.people.models import PartyMember

from .models import (
    REVISIT,
    SPECIAL_NEED_FOLLOWUP,
    ContactHousehold,
    GridRole,
    GridRoleKind,
    HouseholdVisit,
    ResidentScreening,
    ScreeningCampaign,
    SpecialNeed,
    VisitOutcome,
)
from .questions import clean_answer
from .selectors import campaign_covers, current_loads, eligible_members


@transaction.atomic
def grid_role_assign(*, actor, kind: str, member: PartyMember, grid: Area, building: Building | None = None,
                     street_name: str = "", started_on: datetime.date | None = None) -> GridRole:
    """Make a party member a building head, street head or red grid member. A building's previous
    head steps down the day the new one starts."""
    policy.require(actor, "manage_grid", grid)
    if grid.level != "grid":
        raise ValidationError({"area": _("Grid roles belong to a grid.")})
    if building is not None and building.area_id != grid.pk:
        raise ValidationError({"building": _("The building is not in this grid.")})
    if member.left_on is not None:
        raise ValidationError({"member": _("%(person)s is no longer a party member here.") % {"person": member.person}})
    started_on = started_on or timezone.localdate()
    if kind == GridRoleKind.BUILDING_HEAD and building is not None:
        for previous in GridRole.objects.select_for_update().filter(kind=kind, building=building, ended_on__isnull=True):
            grid_role_end(actor=actor, role=previous, ended_on=started_on)
    role = GridRole(kind=kind, member=member, area=grid, building=building, street_name=street_name.strip(),
                    started_on=started_on)
    role.full_clean()
    role.save()
    audit_create(actor, role, person=member.person)
    return role


@transaction.atomic
def grid_role_end(*, actor, role: GridRole, ended_on: datetime.date | None = None) -> GridRole:
    policy.require(actor, "manage_grid", role.area)
    before = snapshot(role)
    role.ended_on = ended_on or timezone.localdate()
    role.full_clean()
    role.save(update_fields=["ended_on"])
    audit_update(actor, role, before, person=role.member.person)
    return role


@transaction.atomic
def contact_households_assign(*, actor, grid: Area, pairs: list[tuple[int, int]], max_per_member: int) -> list[ContactHousehold]:
    """Assign (household id, party member id) pairs of one grid, as proposed and reviewed.

    Every pair is checked again here (the proposal may be stale): the household is in the grid and
    has no contact member, the member is a current member living or organized in the grid, and no
    member goes over the maximum. All pairs are written or none.
    """
    policy.require(actor, "manage_grid", grid)
    household_ids = [h for h, _m in pairs]
    if len(set(household_ids)) != len(household_ids):
        raise ValidationError(_("A household appears twice in the assignment."))
    households = {h.pk: h for h in Household.objects.select_for_update().filter(pk__in=household_ids, building__area=grid)}
    taken = set(ContactHousehold.objects.filter(household_id__in=household_ids, ended_on__isnull=True)
                .values_list("household_id", flat=True))
    members = {m.pk: m for m in eligible_members(grid).filter(pk__in={m for _h, m in pairs}).select_related("person")}
    load = current_loads(list(members))
    errors = []
    for household_id, member_id in pairs:
        if household_id not in households:
            errors.append(_("Household %(id)s is not in %(grid)s.") % {"id": household_id, "grid": grid})
        elif household_id in taken:
            errors.append(_("%(household)s already has a contact member.") % {"household": households[household_id]})
        if member_id not in members:
            errors.append(_("Party member %(id)s cannot take contact households in %(grid)s.") % {"id": member_id, "grid": grid})
        else:
            load[member_id] = load.get(member_id, 0) + 1
            if load[member_id] == max_per_member + 1:
                errors.append(_("%(person)s would have more than %(max)d contact households.")
                              % {"person": members[member_id].person, "max": max_per_member})
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    rows = ContactHousehold.objects.bulk_create(
        [ContactHousehold(member=members[m], household=households[h], started_on=today) for h, m in pairs])
    audit_bulk_create(actor, rows, person_of=lambda row: row.member.person)
    figures_mark_dirty([grid.pk])  # bulk_create sends no signals
    return rows


@transaction.atomic
def screening_campaign_create(*, actor, name: str, areas: list[Area], starts_on: datetime.date, ends_on: datetime.date,
                              form: list[dict]) -> ScreeningCampaign:
    for area in areas:
        policy.require(actor, "manage_grid", area)
    if not areas:
        raise ValidationError({"areas": _("Choose at least one area.")})
    if not form:
        raise ValidationError({"form": _("A screening form needs at least one question.")})
    campaign = ScreeningCampaign(name=name.strip(), starts_on=starts_on, ends_on=ends_on, form=form,
                                 created_by=actor if actor.is_authenticated else None)
    campaign.full_clean()
    campaign.save()
    campaign.areas.set(areas)
    audit_create(actor, campaign)
    return campaign


@transaction.atomic
def household_visit_record(*, actor, campaign: ScreeningCampaign, household: Household, outcome: str,
                           answers: dict[int, dict] | None = None, note: str = "",
                           now: datetime.datetime | None = None) -> HouseholdVisit:
    """Record a door-to-door visit. Answers are checked against the campaign's form, per resident and
    question; nothing is written unless all are right. "Nobody home" puts a revisit in the grid's inbox;
    a completed visit closes it. Special needs found are kept up to date and get a follow-up."""
    policy.require(actor, "record_visit", household)
    now = now or timezone.now()
    household = Household.objects.select_for_update(of=("self",)).select_related("building__area").get(pk=household.pk)
    if not campaign_covers(campaign, household):
        raise ValidationError(_("%(household)s is not in the areas of %(campaign)s.") % {"household": household,
                                                                                       "campaign": campaign})
    if not (campaign.starts_on <= timezone.localdate(now) <= campaign.ends_on):
        raise ValidationError(_("%(campaign)s runs from %(start)s to %(end)s.") % {
            "campaign": campaign, "start": campaign.starts_on, "end": campaign.ends_on})
    done = HouseholdVisit.objects.filter(campaign=campaign, household=household, outcome=VisitOutcome.VISITED).first()
    if done is not None:
        raise ValidationError(_("%(household)s was already visited in this campaign (%(at)s).") % {
            "household": household, "at": timezone.localtime(done.visited_at).strftime("%Y-%m-%d %H:%M")})
    residents = {r.person_id: r.person for r in household.residents.filter(moved_out__isnull=True).select_related("person")}
    cleaned, errors = {}, []
    if outcome == VisitOutcome.VISITED:
        for person_id, raw in (answers or {}).items():
            if person_id not in residents:
                errors.append(_("Person %(id)s does not live in %(household)s.") % {"id": person_id, "household": household})
                continue
            cleaned[person_id] = {}
            for question in campaign.form:
                try:
                    cleaned[person_id][question["key"]] = clean_answer(question, raw.get(question["key"]))
                except ValueError as e:
                    errors.append(f"{residents[person_id].name}, {question['label']}: {e}")
        if not cleaned and not errors:
            errors.append(_("Fill in at least one resident, or record that nobody was home."))
    if errors:
        raise ValidationError(errors)
    visit = HouseholdVisit(campaign=campaign, household=household, visitor=actor, visited_at=now, outcome=outcome,
                           note=note.strip())
    visit.full_clean()
    visit.save()
    ResidentScreening.objects.bulk_create(
        [ResidentScreening(visit=visit, person_id=pid, answers=a) for pid, a in cleaned.items()])
    audit_create(actor, visit)

    grid = household.building.area
    open_revisit = WorkOrder.objects.filter(kind=REVISIT, subject_type=ContentType.objects.get_for_model(Household),
                                            subject_id=household.pk, status__in=ACTIVE_STATUSES).first()
    if outcome == VisitOutcome.NOBODY_HOME and open_revisit is None:
        evening = timezone.localtime(now).replace(hour=20, minute=0, second=0, microsecond=0)
        work_order_create(actor=actor, kind=REVISIT, title=_("Revisit %(household)s") % {"household": household},
                          area=grid, subject=household, assignee_role=Role.GRID_WORKER,
                          due_at=evening + datetime.timedelta(days=1))
    elif outcome == VisitOutcome.VISITED and open_revisit is not None:
        work_order_complete(actor=actor, order=open_revisit, note=_("Visited."))
    for person_id, found in cleaned.items():
        if "special_needs" in found:
            _special_needs_sync(actor=actor, person=residents[person_id], kinds=found["special_needs"], visit=visit, grid=grid)
    return visit


def _special_needs_sync(*, actor, person, kinds: list[str], visit: HouseholdVisit, grid: Area) -> None:
    today = timezone.localdate(visit.visited_at)
    active = {n.kind: n for n in SpecialNeed.objects.select_for_update().filter(person=person, resolved_on__isnull=True)}
    for kind in set(active) - set(kinds):
        before = snapshot(active[kind])
        active[kind].resolved_on = today
        active[kind].save(update_fields=["resolved_on"])
        audit_update(actor, active[kind], before, person=person)
    for kind in set(kinds) - set(active):
        need = SpecialNeed.objects.create(person=person, kind=kind, recorded_on=today, source_visit=visit)
        audit_create(actor, need, person=person)
        if not WorkOrder.objects.filter(kind=SPECIAL_NEED_FOLLOWUP, subject_type=ContentType.objects.get_for_model(person),
                                        subject_id=person.pk, status__in=ACTIVE_STATUSES).exists():
            work_order_create(actor=actor, kind=SPECIAL_NEED_FOLLOWUP,
                              title=_("Follow up %(need)s") % {"need": need}, area=grid, subject=person,
                              assignee_role=Role.GRID_WORKER, due_at=visit.visited_at + datetime.timedelta(days=1))


@transaction.atomic
def grid_message_publish(*, actor, kind: str, title: str, body: str, areas: list[Area], files=()) -> Notice:
    """Publish to every grid under the chosen areas that the publisher may reach: a notice aimed at grids
    (frontline.notices), issued by who may manage the grid there."""
    return notice_issue(actor=actor, kind=kind, title=title, body=body, targets=areas, to_grids=True, files=files,
                        action="manage_grid")


@transaction.atomic
def grid_message_deliver(*, actor, message: Notice, grid: Area, channel: str = "") -> NoticeDelivery:
    """Mark a message passed on in one grid; marking it again changes nothing."""
    policy.require(actor, "deliver_message", grid)
    if not message.grids.filter(pk=grid.pk).exists():
        raise ValidationError(_("%(message)s was not sent to %(grid)s.") % {"message": message, "grid": grid})
    delivery, created = NoticeDelivery.objects.get_or_create(
        notice=message, grid=grid, defaults={"delivered_by": actor, "delivered_at": timezone.now(),
                                             "channel": channel.strip()[:100]})
    if created:
        audit_create(actor, delivery)
    return delivery
