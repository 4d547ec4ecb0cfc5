"""Supply orders after they are placed: confirming a resident-page order with the household, cancelling, the
delivery's steps (picked up → delivered, or failed with a reason) by whoever holds its `delivery` work order,
assigning to a volunteer or spreading a batch over a team, and the audited reveal of an order's contact phone.
Each service asks the policy first; a refused or invalid step writes nothing."""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Area, AreaLevel
from frontline.core import plugins, policy
from frontline.core.audit import audit_record, audit_update, snapshot
from frontline.core.models import (
    ACTIVE_STATUSES,
    Assignment,
    AuditAction,
    User,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderStatus,
)
from frontline.core.roles import Role
from frontline.core.services import can_act, work_order_accept, work_order_cannot_do, work_order_complete

from .models import OrderStatus, SupplyOrder
from .orders import DELIVERY, ORDER_CHECK, orders_assign
from .policy import DISPATCH_ORDERS, TAKE_ORDERS, VIEW_ORDERS
from .text import clean_text

DELIVERY_ROLES = (Role.VOLUNTEER, Role.GRID_WORKER)  # who may be given a delivery run
TEAM = "team"  # the staff sources' anchor of teams (frontline.core.plugins.StaffSource)
PHONE_NOTE = "contact phone"  # the audit note of a contact phone's reveal


def _locked(order: SupplyOrder) -> SupplyOrder:
    return SupplyOrder.objects.select_for_update(of=("self",)).select_related("household__building", "area").get(pk=order.pk)


def order_work(order: SupplyOrder, kind: str, *, active: bool = True) -> WorkOrder | None:
    """The order's work order of this kind (the open one; else the latest)."""
    rows = WorkOrder.objects.filter(kind=kind, subject_type=ContentType.objects.get_for_model(SupplyOrder),
                                    subject_id=order.pk)
    if active:
        rows = rows.filter(status__in=ACTIVE_STATUSES)
    return rows.order_by("-id").first()


def _close_for_order(actor, work: WorkOrder, reason: str) -> None:
    """Close a work order the order no longer needs (it was cancelled, or confirmed), even where the actor may not
    act on it themselves (a volunteer's delivery): the order's own service decided, the work order follows."""
    work = WorkOrder.objects.select_for_update().get(pk=work.pk)
    if work.status not in ACTIVE_STATUSES:
        return
    before = snapshot(work)
    work.status, work.reason, work.closed_at = WorkOrderStatus.CANNOT_DO, reason, timezone.now()
    work.full_clean()
    work.save()
    WorkOrderEvent.objects.create(work_order=work, actor=actor, action=WorkOrderEvent.Action.CANNOT_DO, note=reason)
    audit_update(actor, work, before)


def _set(actor, order: SupplyOrder, note: str = "", **values) -> SupplyOrder:
    before = snapshot(order)
    for name, value in values.items():
        setattr(order, name, value)
    order.full_clean()
    order.save()
    audit_update(actor, order, before, note=note)
    return order


@transaction.atomic
def order_confirm(*, actor, order: SupplyOrder) -> SupplyOrder:
    """The grid worker called the household back on its known phone: the resident-page order is real. Its
    `order_check` work order is done."""
    policy.require(actor, DISPATCH_ORDERS, order)
    order = _locked(order)
    if order.verified:
        raise ValidationError(_("Order %(receipt)s is confirmed already.") % {"receipt": order.receipt_display})
    if order.status != OrderStatus.PLACED:
        raise ValidationError(_("Order %(receipt)s is %(status)s: there is nothing to confirm.")
                              % {"receipt": order.receipt_display, "status": order.get_status_display()})
    _set(actor, order, verified=True, verified_by=actor)
    check = order_work(order, ORDER_CHECK)
    if check is not None:
        if can_act(actor, check):
            work_order_complete(actor=actor, order=check, note=_("Confirmed with the household."))
        else:
            _close_for_order(actor, check, _("Confirmed with the household."))
    return order


@transaction.atomic
def order_cancel(*, actor, order: SupplyOrder, reason: str) -> SupplyOrder:
    """Cancel an order not yet on its way (the household no longer needs it, or it was a mistake), with the reason;
    its open work orders (confirmation, delivery) are closed with it."""
    policy.require(actor, TAKE_ORDERS, order)
    reason = clean_text(reason, max_length=200, field=_("Reason"), required=True)
    order = _locked(order)
    if order.status not in (OrderStatus.PLACED, OrderStatus.ASSIGNED):
        raise ValidationError(_("Order %(receipt)s is %(status)s: it can no longer be cancelled.")
                              % {"receipt": order.receipt_display, "status": order.get_status_display()})
    _set(actor, order, note="order cancelled", status=OrderStatus.CANCELLED, failed_reason=reason)
    for kind in (ORDER_CHECK, DELIVERY):
        work = order_work(order, kind)
        if work is not None:
            _close_for_order(actor, work, _("Order cancelled: %(reason)s") % {"reason": reason})
    return order


def _delivery_step(actor, order: SupplyOrder, allowed_from: tuple[str, ...]) -> tuple[SupplyOrder, WorkOrder]:
    """The order, locked, and its open delivery work order, which the actor must be able to act on (its assignee,
    or a desk role over it)."""
    order = _locked(order)
    work = order_work(order, DELIVERY, active=False)
    if work is None:
        if not policy.allows(actor, VIEW_ORDERS, order):
            raise PermissionDenied
        raise ValidationError(_("Order %(receipt)s has no delivery under way.") % {"receipt": order.receipt_display})
    if not can_act(actor, work):
        raise PermissionDenied
    if order.status not in allowed_from:
        raise ValidationError(_("Order %(receipt)s is %(status)s already.")
                              % {"receipt": order.receipt_display, "status": order.get_status_display()})
    if work.status not in ACTIVE_STATUSES:
        raise ValidationError(_("Order %(receipt)s has no delivery under way.") % {"receipt": order.receipt_display})
    return order, work


@transaction.atomic
def order_pick_up(*, actor, order: SupplyOrder) -> SupplyOrder:
    """The deliverer has the goods: the order is on its way, its delivery work order accepted."""
    order, work = _delivery_step(actor, order, (OrderStatus.ASSIGNED,))
    _set(actor, order, status=OrderStatus.PICKED_UP)
    if work.status == WorkOrderStatus.OPEN:
        work_order_accept(actor=actor, order=work)
    return order


@transaction.atomic
def order_deliver(*, actor, order: SupplyOrder, now: datetime.datetime | None = None) -> SupplyOrder:
    """Handed over at the door: the order is delivered, its delivery work order done."""
    order, work = _delivery_step(actor, order, (OrderStatus.ASSIGNED, OrderStatus.PICKED_UP))
    _set(actor, order, status=OrderStatus.DELIVERED, delivered_at=now or timezone.now())
    work_order_complete(actor=actor, order=work, note=_("Delivered."), by_kind=True)
    return order


@transaction.atomic
def order_fail(*, actor, order: SupplyOrder, reason: str) -> SupplyOrder:
    """The delivery could not be made (nobody answers, the goods ran out): the order failed with the reason, and so
    did its delivery work order."""
    order, work = _delivery_step(actor, order, (OrderStatus.ASSIGNED, OrderStatus.PICKED_UP))
    reason = clean_text(reason, max_length=200, field=_("Reason"), required=True)
    _set(actor, order, status=OrderStatus.FAILED, failed_reason=reason)
    work_order_cannot_do(actor=actor, order=work, reason=reason, by_kind=True)
    return order


def order_phone_reveal(*, actor, order: SupplyOrder, work: WorkOrder | None = None) -> str:
    """The order's contact phone in full, written into the audit log as a reveal: for a desk or grid worker who may
    reveal where the order is, or for whoever delivers it (through their delivery work order)."""
    if work is not None:
        if work.kind != DELIVERY or work.subject_id != order.pk or not can_act(actor, work):
            raise PermissionDenied
    elif not policy.allows(actor, policy.REVEAL, order):
        raise PermissionDenied
    audit_record(actor=actor, action=AuditAction.REVEAL, obj=order, note=PHONE_NOTE)
    return order.contact_phone


# --- who delivers --------------------------------------------------------------------------------------------

def _community_of(area: Area) -> Area:
    return Area.objects.get_parent(area) if area.level == AreaLevel.GRID else area


def delivery_accounts(area: Area, today: datetime.date | None = None):
    """Accounts that may be given a grid's delivery run: active, with a volunteer or grid-worker assignment in force
    under the grid's community."""
    community = _community_of(area)
    holding = (Assignment.objects.current(today).filter(role__in=DELIVERY_ROLES, area__path__startswith=community.path)
               .values("user_id"))
    return User.objects.filter(is_active=True, pk__in=holding).order_by("username")


@dataclass
class TeamChoice:
    """A team some staff source knows under the grid's community, and its members who have a delivery account."""

    key: str  # "<source code>:<anchor id>"
    label: str
    accounts: list = field(default_factory=list)


def delivery_teams(area: Area, today: datetime.date | None = None) -> list[TeamChoice]:
    """The teams (staff sources anchored at "team") with members under the grid's community today, each with its
    members' delivery accounts (User.person): one query a source, one for the teams' names, one for accounts."""
    today = today or timezone.localdate()
    community = _community_of(area)
    members: dict[tuple[str, int], set[int]] = {}
    models_of: dict[str, type] = {}
    for source in plugins.staff_sources:
        if source.anchor != TEAM:
            continue
        rows = source.rows(community, today, today)
        models_of[source.code] = rows.model._meta.get_field(source.anchor_field.removesuffix("_id")).related_model
        for anchor_id, person_id in rows.values_list(source.anchor_field, source.person_field):
            if anchor_id is not None and person_id is not None:
                members.setdefault((source.code, anchor_id), set()).add(person_id)
    if not members:
        return []
    names: dict[tuple[str, int], str] = {}
    for code, model in models_of.items():
        ids = [a for c, a in members if c == code]
        for pk, obj in model._default_manager.in_bulk(ids).items():
            names[code, pk] = str(obj)
    persons = set().union(*members.values())
    by_person: dict[int, list] = {}
    for account in delivery_accounts(area, today).filter(person_id__in=persons):
        by_person.setdefault(account.person_id, []).append(account)
    teams = [TeamChoice(f"{code}:{pk}", names.get((code, pk), str(pk)),
                        sorted({a for p in people for a in by_person.get(p, [])}, key=lambda a: a.username))
             for (code, pk), people in members.items()]
    return sorted(teams, key=lambda t: (t.label, t.key))


@transaction.atomic
def orders_assign_to(*, actor, area: Area, building_ids: list[int], assignee):
    """`orders_assign` to a volunteer or grid worker who may deliver in this grid (anyone else is refused)."""
    policy.require(actor, DISPATCH_ORDERS, area)
    if assignee is None or not delivery_accounts(area).filter(pk=assignee.pk).exists():
        raise ValidationError(_("Choose a volunteer or grid worker of this community to deliver."))
    return orders_assign(actor=actor, area=area, building_ids=building_ids, assignee=assignee)


@transaction.atomic
def orders_assign_team(*, actor, area: Area, building_ids: list[int], team_key: str) -> list:
    """Spread the confirmed, placed orders of these buildings over a team's members who have a delivery account,
    building by building (each building to one member, the biggest buildings first to whoever has least): one batch
    a member, each recording the team."""
    policy.require(actor, DISPATCH_ORDERS, area)
    team = next((t for t in delivery_teams(area) if t.key == team_key), None)
    if team is None:
        raise ValidationError(_("Choose a team of this community."))
    if not team.accounts:
        raise ValidationError(_("No member of %(team)s has a volunteer or grid-worker account to deliver with.")
                              % {"team": team.label})
    waiting = dict(SupplyOrder.objects.filter(area=area, status=OrderStatus.PLACED, verified=True,
                                              household__building_id__in=building_ids)
                   .values_list("household__building_id").annotate(n=Count("id")).order_by())
    if not waiting:
        raise ValidationError(_("There is no confirmed order waiting in these buildings."))
    load = {a.pk: 0 for a in team.accounts}
    given: dict[int, list[int]] = {a.pk: [] for a in team.accounts}
    for building_id, n in sorted(waiting.items(), key=lambda item: (-item[1], item[0])):
        member = min(load, key=lambda pk: (load[pk], pk))
        load[member] += n
        given[member].append(building_id)
    accounts = {a.pk: a for a in team.accounts}
    return [orders_assign(actor=actor, area=area, building_ids=ids, assignee=accounts[pk], team_label=team.label[:100])
            for pk, ids in given.items() if ids]

