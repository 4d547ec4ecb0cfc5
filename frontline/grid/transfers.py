"""Transfer requests: a roster row naming a person registered in another jurisdiction asks that jurisdiction
to move them here (`transfer_requests_file`, called by the import); the jurisdiction confirms on its work
order (`transfer_confirm`: the person moves into the requested home through `resident_move_in`) or refuses
with a reason (`transfer_refuse`), which the asking grid reads beside its request. Neither side learns more
of the other than the move needs: the answering side sees the requested home and who asks; the asking side
sees what it asked and the answer, never where the person lives now."""

import datetime
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Area, AreaLevel, Household
from frontline.core.audit import audit_bulk, audit_update, diff, snapshot
from frontline.core.models import AuditAction, WorkOrder
from frontline.core.roles import Role
from frontline.core.services import can_act, work_order_cannot_do, work_order_complete, work_orders_create_bulk
from frontline.people.models import PartyMember, Person, Resident
from frontline.people.rules import people_elsewhere
from frontline.people.services import resident_move_in

from .models import TRANSFER_REQUEST, TransferRequest, TransferStatus

# Who answers for the people registered at a place, by the place's level (a grid answers through its community).
ANSWERING_ROLE = {AreaLevel.COMMUNITY: Role.COMMUNITY_SECRETARY, AreaLevel.STREET: Role.STREET_OFFICER,
                  AreaLevel.DISTRICT: Role.COMMANDER, AreaLevel.CITY: Role.COMMANDER}


class Asked(NamedTuple):
    person_id: int
    household_id: int  # the requested home, in the asking grid
    grid_id: int
    relation: str
    moved_in: datetime.date
    name_given: str  # as the asking grid's file has it


def registered_at(person_ids) -> dict[int, Area]:
    """Where each person is registered, as the place that answers for them: the community of their current
    home; without one, of their party organization (its area, or its site's); a place above a community
    answers itself. Three queries whatever the number of people."""
    place_of = dict(Resident.objects.filter(person__in=person_ids, moved_out__isnull=True)
                    .values_list("person_id", "household__building__area_id"))
    rest = [pk for pk in person_ids if pk not in place_of]
    for pk, area_id, site_area_id in (PartyMember.objects.filter(person__in=rest, left_on__isnull=True)
                                      .values_list("person_id", "org__area_id", "org__site__area_id")):
        place_of[pk] = area_id or site_area_id
    places = Area.objects.filter(pk__in=set(place_of.values())).only("path", "depth")
    prefixes = {a.path[:Area.steplen * n] for a in places for n in range(1, a.depth + 1)}
    by_path = {a.path: a for a in Area.objects.filter(path__in=prefixes)}
    by_id = {a.pk: a for a in by_path.values()}

    def answering(area: Area) -> Area:
        for n in range(area.depth, 0, -1):  # the nearest place at or above it that answers for people
            above = by_path[area.path[:Area.steplen * n]]
            if above.level in ANSWERING_ROLE:
                return above
        return area

    return {pk: answering(by_id[area_id]) for pk, area_id in place_of.items() if area_id in by_id}


def _community_of(grid: Area) -> Area:
    return Area.objects.get_ancestors(grid).filter(level=AreaLevel.COMMUNITY).last() or grid


def transfer_requests_file(*, actor, asked: list[Asked]) -> list[TransferRequest]:
    """File a transfer request for each row, unless the same grid already waits for an answer about the
    same person, or was refused the same move (importing the same file again asks nothing again): audited
    as the importer's; each gets a work order at the place the person is registered, for the role that
    answers there. The orders are filed by the system on the importer's behalf (their audit entries name
    the answering place, which the importer's own entries must not show; the request says who asked)."""
    if not asked:
        return []
    earlier = TransferRequest.objects.filter(person__in={a.person_id for a in asked},
                                             status__in=[TransferStatus.PENDING, TransferStatus.REFUSED])
    waiting, refused = set(), set()
    for person_id, grid_id, household_id, status in earlier.values_list("person_id", "area_id", "household_id", "status"):
        if status == TransferStatus.PENDING:
            waiting.add((person_id, grid_id))
        else:
            refused.add((person_id, household_id))
    asked = [a for a in asked if (a.person_id, a.grid_id) not in waiting and (a.person_id, a.household_id) not in refused]
    answering = registered_at([a.person_id for a in asked])
    asked = [a for a in asked if a.person_id in answering]
    if not asked:
        return []
    requester = actor if actor is not None and actor.is_authenticated else None
    transfers = TransferRequest.objects.bulk_create([
        TransferRequest(person_id=a.person_id, area_id=a.grid_id, household_id=a.household_id, relation=a.relation,
                        moved_in=a.moved_in, name_given=a.name_given[:50], requested_by=requester) for a in asked])
    # The asking side's entries (its commanders read them) name the person by number only, never by name.
    audit_bulk(actor, AuditAction.CREATE, [(t, {k: v for k, v in diff({}, snapshot(t)).items() if k != "person_id"},
                                             Person(pk=t.person_id)) for t in transfers])
    grids = {g.pk: g for g in Area.objects.filter(pk__in={a.grid_id for a in asked})}
    communities = {pk: _community_of(grid) for pk, grid in grids.items()}
    homes = Household.objects.select_related("building").in_bulk({a.household_id for a in asked})
    by_role: dict[str, list] = {}
    for transfer, a in zip(transfers, asked):
        place = answering[a.person_id]
        title = _("%(community)s asks to move a resident into %(address)s") % {
            "community": communities[a.grid_id].name, "address": f"{grids[a.grid_id].name} {homes[a.household_id]}"}
        by_role.setdefault(ANSWERING_ROLE[place.level], []).append((transfer, place, title[:200]))
    for role, items in by_role.items():
        orders = work_orders_create_bulk(actor=None, kind=TRANSFER_REQUEST, items=items, assignee_role=role)
        for (transfer, _place, _title), order in zip(items, orders):
            transfer.work_order = order
    TransferRequest.objects.bulk_update(transfers, ["work_order"])
    return transfers


def transfer_for_order(order: WorkOrder) -> TransferRequest:
    return TransferRequest.objects.select_related("person", "area", "household__building__area", "requested_by",
                                                  "decided_by").get(work_order=order)


def _pending(actor, order: WorkOrder) -> TransferRequest:
    """The request of an order the actor may answer, locked, still waiting for its answer."""
    if order.kind != TRANSFER_REQUEST or not can_act(actor, order):
        raise PermissionDenied
    transfer = TransferRequest.objects.select_for_update().select_related("person", "household").get(work_order=order)
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError(_("This transfer request has been answered already."))
    return transfer


@transaction.atomic
def transfer_confirm(*, actor, order: WorkOrder) -> TransferRequest:
    """The person moves into the requested home (their current one ends the day before), as the confirming
    user's act; the request and its order are done. Only while the person is still registered with the
    confirming side: a person who has moved elsewhere meanwhile is that place's to answer for."""
    transfer = _pending(actor, order)
    person = transfer.person
    if people_elsewhere(actor, [person.pk]) or not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise ValidationError(_("This person is no longer registered with you: refuse the request, saying so."))
    # The new home lies in the asking grid, outside the confirmer's scope: the asking side's import asked for
    # exactly this move, so it is the confirmer's act on their own person (a policy check in
    # `resident_move_in` must allow a move out of the actor's scope into a home a transfer request names).
    resident_move_in(actor=actor, person=person, household=transfer.household,
                     moved_in=transfer.moved_in, relation=transfer.relation)
    before = snapshot(transfer)
    transfer.status, transfer.decided_by, transfer.decided_at = TransferStatus.CONFIRMED, actor, timezone.now()
    transfer.save(update_fields=["status", "decided_by", "decided_at"])
    audit_update(actor, transfer, before, person=person)
    work_order_complete(actor=actor, order=order, note=_("Moved in."), by_kind=True)
    return transfer


@transaction.atomic
def transfer_refuse(*, actor, order: WorkOrder, reason: str) -> TransferRequest:
    """Nothing of the person changes; the asking grid reads the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the asking community reads it.")})
    transfer = _pending(actor, order)
    before = snapshot(transfer)
    transfer.status, transfer.reason = TransferStatus.REFUSED, reason
    transfer.decided_by, transfer.decided_at = actor, timezone.now()
    transfer.full_clean()
    transfer.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_update(actor, transfer, before, person=transfer.person)
    work_order_cannot_do(actor=actor, order=order, reason=reason, by_kind=True)
    return transfer
