"""Core services: the work-order engine (create one or in bulk, idempotently; accept, finish, comment,
escalate) and the API tokens people issue for their phone apps and machines."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import plugins, policy
from .audit import audit_bulk_create, audit_create, audit_record, audit_update, snapshot
from .models import ACTIVE_STATUSES, ApiToken, AuditAction, Priority, WorkOrder, WorkOrderEvent, WorkOrderStatus


def _default_due(kind: str) -> datetime.datetime | None:
    """The kind's default deadline (frontline.core.plugins.WorkOrderKindSpec.due) from now, if it has one."""
    spec = plugins.work_order_kinds.get(kind)
    return timezone.now() + spec.due if spec and spec.due else None


def _subject_fields(subject) -> dict:
    if subject is None:
        return {"subject_type": None, "subject_id": None}
    return {"subject_type": ContentType.objects.get_for_model(subject), "subject_id": subject.pk}


@transaction.atomic
def work_order_create(*, actor, kind: str, title: str, area, subject=None, assignee=None, assignee_role: str = "",
                      due_at: datetime.datetime | None = None, priority: int = Priority.NORMAL) -> WorkOrder:
    order = WorkOrder(kind=kind, title=title, area=area, assignee=assignee, assignee_role=assignee_role,
                      due_at=due_at or _default_due(kind),
                      priority=priority, created_by=actor if actor and actor.is_authenticated else None,
                      **_subject_fields(subject))
    # The database holds the foreign keys and the constraints (one open order of a kind for a subject): checking
    # them again here cost half the creation; the subject's open order is looked for below, with its message.
    order.full_clean(exclude=["area", "subject_type", "assignee", "created_by", "escalated_to", "escalated_to_user"],
                     validate_constraints=False)
    if order.subject_id is not None and WorkOrder.objects.filter(
            kind=kind, subject_type=order.subject_type, subject_id=order.subject_id, status__in=ACTIVE_STATUSES).exists():
        raise ValidationError(_("There is already an open work order of this kind for %(subject)s.") % {"subject": subject})
    order.save()
    WorkOrderEvent.objects.create(work_order=order, actor=order.created_by, action=WorkOrderEvent.Action.CREATED)
    audit_create(actor, order)
    return order


@transaction.atomic(savepoint=False)  # inside a caller's transaction (a batch of scans): no savepoint's round trips
def work_orders_create_bulk(*, actor, kind: str, items: list[tuple[object, object, str]], assignee_role: str = "",
                            assignee=None, due_at: datetime.datetime | None = None,
                            priority: int = Priority.NORMAL) -> list[WorkOrder]:
    """One order per (subject, area, title) item, skipping subjects that already have an open order
    of this kind: running the same bulk action twice creates nothing the second time."""
    if not items:
        return []
    if kind not in plugins.work_order_kinds:
        raise ValidationError(_("%(kind)s is not a kind of work order.") % {"kind": kind})
    due_at = due_at or _default_due(kind)
    subject_type = ContentType.objects.get_for_model(items[0][0])
    busy = set(WorkOrder.objects.filter(kind=kind, subject_type=subject_type, status__in=ACTIVE_STATUSES,
                                        subject_id__in=[s.pk for s, _a, _t in items]).values_list("subject_id", flat=True))
    creator = actor if actor and actor.is_authenticated else None
    orders = [WorkOrder(kind=kind, title=title, area=area, subject_type=subject_type, subject_id=subject.pk,
                        assignee=assignee, assignee_role=assignee_role, due_at=due_at, priority=priority,
                        created_by=creator)
              for subject, area, title in items if subject.pk not in busy]
    WorkOrder.objects.bulk_create(orders, batch_size=500)
    WorkOrderEvent.objects.bulk_create([WorkOrderEvent(work_order=o, actor=creator, action=WorkOrderEvent.Action.CREATED)
                                        for o in orders], batch_size=500)
    audit_bulk_create(actor, orders)
    return orders


def can_act(user, order: WorkOrder) -> bool:
    """Whoever may manage work where the order is (a desk role above it); else the assignee, or a holder
    of the assigned role at the order's area or where it was escalated to, through an assignment in force
    that lets them act there (frontline.core.policy)."""
    if policy.allows(user, policy.MANAGE_WORK, order):
        return True
    if order.escalated_to_user_id is not None and order.escalated_to_user_id == user.pk:
        return policy.allows(user, policy.VIEW_WORK, order)  # the named secretary it climbed to
    if not policy.allows(user, policy.ACT, order):
        return False
    if order.assignee_id is not None:
        return order.assignee_id == user.pk
    return any(a.role == order.assignee_role and a.area_id in (order.area_id, order.escalated_to_id)
               for a in policy.assignments(user))


def _transition(actor, order: WorkOrder, status: str, action: str, note: str = "", reason: str = "",
                from_statuses=ACTIVE_STATUSES) -> WorkOrder:
    order = WorkOrder.objects.select_for_update().get(pk=order.pk)
    if not can_act(actor, order):
        raise PermissionDenied
    if order.status not in from_statuses:
        raise ValidationError(_("This work order is %(status)s already.") % {"status": order.get_status_display()})
    before = snapshot(order)
    order.status = status
    if reason:
        order.reason = reason
    if status not in ACTIVE_STATUSES:
        order.closed_at = timezone.now()
    if status == WorkOrderStatus.ACCEPTED and order.assignee_id is None:
        order.assignee = actor
    order.full_clean()
    order.save()
    WorkOrderEvent.objects.create(work_order=order, actor=actor, action=action, note=note or reason)
    audit_update(actor, order, before)
    return order


@transaction.atomic
def work_order_accept(*, actor, order: WorkOrder) -> WorkOrder:
    return _transition(actor, order, WorkOrderStatus.ACCEPTED, WorkOrderEvent.Action.ACCEPTED,
                       from_statuses=(WorkOrderStatus.OPEN,))


def _done_on_its_page(order: WorkOrder, by_kind: bool) -> None:
    """An order whose kind has a page of its own is done or refused there (its service passes `by_kind`):
    "done" elsewhere would close it without the work, e.g. a transfer request without the move."""
    spec = plugins.work_order_kinds.get(order.kind)
    if spec and spec.page and not by_kind:
        raise ValidationError(_("This work order is answered on its own page."))


@transaction.atomic
def work_order_complete(*, actor, order: WorkOrder, note: str = "", by_kind: bool = False) -> WorkOrder:
    _done_on_its_page(order, by_kind)
    return _transition(actor, order, WorkOrderStatus.DONE, WorkOrderEvent.Action.DONE, note=note)


@transaction.atomic
def work_order_cannot_do(*, actor, order: WorkOrder, reason: str, by_kind: bool = False) -> WorkOrder:
    _done_on_its_page(order, by_kind)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why this cannot be done.")})
    return _transition(actor, order, WorkOrderStatus.CANNOT_DO, WorkOrderEvent.Action.CANNOT_DO, reason=reason.strip())


@transaction.atomic
def work_order_comment(*, actor, order: WorkOrder, note: str) -> WorkOrderEvent:
    if not can_act(actor, order):  # seeing an order is not enough to write on it
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("The comment is empty.")})
    event = WorkOrderEvent.objects.create(work_order=order, actor=actor, action=WorkOrderEvent.Action.COMMENTED,
                                          note=note.strip())
    audit_record(actor=actor, action=AuditAction.COMMENT, obj=order, note=event.note)
    return event


@transaction.atomic
def work_orders_escalate_overdue(*, now: datetime.datetime | None = None) -> int:
    """Overdue active orders move one level up the area tree, to the users responsible there; an order
    still overdue a grace period later (FRONTLINE_ESCALATION_GRACE_HOURS) moves up again, never above the
    level its kind escalates to (`WorkOrderKindSpec.escalate_until`). Idempotent: running it twice at the
    same moment escalates nothing the second time."""
    Area = WorkOrder._meta.get_field("area").related_model  # core does not import the areas app
    now = now or timezone.now()
    grace = datetime.timedelta(hours=settings.FRONTLINE_ESCALATION_GRACE_HOURS)
    due = list(WorkOrder.objects.select_for_update(of=("self",)).select_related("area", "escalated_to")
               .filter(status__in=ACTIVE_STATUSES, due_at__lt=now)
               .filter(Q(next_escalation_at__isnull=True) | Q(next_escalation_at__lte=now)))
    # The next level up of every order's current place, in one query (a parent's path is its child's
    # without the last step).
    parent_paths = {(o.escalated_to or o.area).path[:-Area.steplen] for o in due}
    parents = {a.path: a for a in Area.objects.filter(path__in=parent_paths - {""})}
    named: dict[int, int] = {}  # the secretary each area names, where an app keeps such a chain (one query a route)
    for route in plugins.escalation_routes:
        named.update(route.resolve([a.pk for a in parents.values()]))
    count = 0
    for order in due:
        current = order.escalated_to or order.area
        spec = plugins.work_order_kinds.get(order.kind)
        if current.depth == 1 or (spec and current.level == spec.escalate_until):
            continue  # as high as this kind of work goes
        parent = parents[current.path[:-Area.steplen]]
        before = snapshot(order)
        order.escalated_to, order.escalation_level, order.next_escalation_at = parent, order.escalation_level + 1, now + grace
        order.escalated_to_user_id = named.get(parent.pk)
        order.save(update_fields=["escalated_to", "escalated_to_user", "escalation_level", "next_escalation_at"])
        WorkOrderEvent.objects.create(work_order=order, action=WorkOrderEvent.Action.ESCALATED, at=now,
                                      note=_("Overdue: escalated to %(area)s.") % {"area": parent.name})
        audit_update(None, order, before)
        count += 1
    return count


MAX_ACTIVE_TOKENS = 10


@transaction.atomic
def api_token_issue(*, actor, name: str, purpose: str = "") -> tuple[ApiToken, str]:
    """A new token for the actor's own use (a phone app: as the actor; a machine: one purpose only, of those
    the actor's assignments allow); returned once, stored as a hash."""
    name = (name or "").strip()
    if purpose and purpose not in policy.purposes_for(actor):
        raise ValidationError({"purpose": _("You may not issue a token for this purpose.")})
    if not name:
        raise ValidationError({"name": _("Name the device or program that will use it.")})
    if len(name) > 100:
        raise ValidationError({"name": _("At most 100 characters.")})
    if ApiToken.objects.filter(user=actor, revoked=False).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(_("You have %(n)d tokens in use; revoke one you no longer need first.")
                              % {"n": MAX_ACTIVE_TOKENS})
    token_row, token = ApiToken.issue(user=actor, name=name, purpose=purpose)
    audit_create(actor, token_row)
    return token_row, token


@transaction.atomic
def api_token_revoke(*, actor, token_row: ApiToken) -> ApiToken:
    if token_row.user_id != actor.pk:
        raise PermissionDenied
    if not token_row.revoked:
        before = snapshot(token_row)
        token_row.revoked = True
        token_row.save(update_fields=["revoked"])
        audit_update(actor, token_row, before)
    return token_row
