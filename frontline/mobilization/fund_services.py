"""Writes and reads for party-fee allocations: request, approve (never one's own), refuse, record the payment;
totals by purpose. Every write asks the policy first and is audited."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.core import policy
from frontline.core.audit import audit_bulk_create, audit_create, audit_update, snapshot
from frontline.core.models import User
from frontline.core.scoping import get_for
from frontline.people.models import PartyOrg, Person

from .funds import FundAllocation, FundPurpose, FundRecipient, FundStatus

ALLOCATE_FUNDS = "allocate_funds"
APPROVE_FUNDS = "approve_funds"
FEN = Decimal("0.01")
PLAIN_AMOUNT = re.compile(r"^[+-]?\d+(\.\d*)?$|^[+-]?\.\d+$", re.ASCII)


def clean_amount(value, field: str = "amount") -> Decimal:
    """An amount in yuan and fen: a number, above zero, at most two decimals (the same rule for a form, the
    service and the API)."""
    if not isinstance(value, Decimal) and not PLAIN_AMOUNT.match(str(value).strip().replace(",", "")):
        # "1e9", "0x10", " 1 2": not how an amount is written (Decimal would take the first as a billion)
        raise ValidationError({field: _("Enter the amount in yuan, e.g. 1200.50.")}, code="invalid")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter the amount in yuan, e.g. 1200.50.")}, code="invalid") from None
    if not amount.is_finite():
        raise ValidationError({field: _("Enter the amount in yuan, e.g. 1200.50.")}, code="invalid")
    if amount <= 0:
        raise ValidationError({field: _("The amount must be more than zero.")}, code="not_positive")
    if amount != amount.quantize(FEN):
        raise ValidationError({field: _("An amount has at most two decimals (yuan and fen).")}, code="decimals")
    if amount >= Decimal("1e10"):
        raise ValidationError({field: _("The amount is too large.")}, code="too_large")
    return amount.quantize(FEN)


REPEAT_WINDOW = datetime.timedelta(minutes=10)


def _refuse_repeat(actor, allocation: FundAllocation, rows) -> None:
    """The same request (purpose, amount, source, area, recipients) by the same account a moment ago is a form
    sent twice (a double tap, a reload): refused, not requested again. The requester's row is locked so that
    two requests at once take turns."""
    if actor is None or not getattr(actor, "pk", None):
        return
    User.objects.select_for_update().filter(pk=actor.pk).first()
    wanted = sorted((r.person_id or 0, r.party_org_id or 0, r.amount or 0) for r in rows)
    for earlier in (FundAllocation.objects.filter(
            created_by=actor, purpose=allocation.purpose, amount=allocation.amount, source=allocation.source,
            area=allocation.area, status=FundStatus.REQUESTED, created_at__gte=timezone.now() - REPEAT_WINDOW)
            .prefetch_related("recipients")):
        if sorted((r.person_id or 0, r.party_org_id or 0, r.amount or 0) for r in earlier.recipients.all()) == wanted:
            raise ValidationError(_("You requested this allocation already at %(time)s: it is not requested twice.") % {
                "time": timezone.localtime(earlier.created_at).strftime("%H:%M")}, code="repeat")


@transaction.atomic
def fund_allocation_create(*, actor, purpose: str, amount, source: str, area,
                           recipients: list[tuple[Person | PartyOrg, object]], note: str = "") -> FundAllocation:
    """Request an allocation at `area` (in the actor's scope) to people or party organizations, each with an
    optional share (`None`: not split)."""
    policy.require(actor, ALLOCATE_FUNDS, area)
    amount = clean_amount(amount)
    if purpose not in FundPurpose.values:
        raise ValidationError({"purpose": _("Choose what the money is for.")})
    source = " ".join((source or "").split())
    if not source:
        raise ValidationError({"source": _("Say where the money comes from (e.g. party fees managed for the city).")})
    if not recipients:
        raise ValidationError({"recipients": _("Name at least one recipient.")})
    rows, shared = [], Decimal(0)
    for recipient, share in recipients:
        share = clean_amount(share, "recipients") if share not in (None, "") else None
        shared += share or 0
        if isinstance(recipient, Person):
            if not Person.objects.visible_to(actor).filter(pk=recipient.pk).exists():
                raise ValidationError({"recipients": _("%(name)s is not in your area.") % {"name": recipient.name}})
            rows.append(FundRecipient(person=recipient, amount=share))
        elif isinstance(recipient, PartyOrg):
            if not PartyOrg.objects.restrict(actor, ALLOCATE_FUNDS).filter(pk=recipient.pk).exists():
                raise ValidationError({"recipients": _("%(name)s is not in your area.") % {"name": recipient.name}})
            rows.append(FundRecipient(party_org=recipient, amount=share))
        else:
            raise ValidationError({"recipients": _("A recipient is a person or a party organization.")})
    if shared > amount:
        raise ValidationError({"recipients": _("The shares (%(shared)s yuan) add up to more than the amount (%(amount)s "
                                               "yuan).") % {"shared": shared, "amount": amount}})
    seen = [(r.person_id, r.party_org_id) for r in rows]
    if len(set(seen)) != len(seen):
        raise ValidationError({"recipients": _("A recipient is named twice.")})
    allocation = FundAllocation(purpose=purpose, amount=amount, source=source, note=(note or "").strip(), area=area,
                                created_by=actor)
    allocation.full_clean()
    _refuse_repeat(actor, allocation, rows)
    allocation.save()
    for row in rows:
        row.allocation = allocation
        row.full_clean()
    FundRecipient.objects.bulk_create(rows)
    audit_create(actor, allocation, note="fund allocation requested")
    audit_bulk_create(actor, rows, person_of=lambda r: r.person)
    return allocation


def _locked(allocation: FundAllocation) -> FundAllocation:
    return FundAllocation.objects.select_for_update().select_related("area").get(pk=allocation.pk)


def _decide(*, actor, allocation: FundAllocation, status: str, reason: str, now) -> FundAllocation:
    allocation = _locked(allocation)
    policy.require(actor, APPROVE_FUNDS, allocation)
    if actor is None or actor.pk == allocation.created_by_id:
        raise ValidationError(_("An allocation cannot be approved or refused by the one who requested it: "
                                "another user must decide."), code="own")
    if allocation.status != FundStatus.REQUESTED:
        raise ValidationError(_("This allocation was decided already (%(status)s).")
                              % {"status": allocation.get_status_display()}, code="decided")
    before = snapshot(allocation)
    allocation.status, allocation.approved_by, allocation.approved_at = status, actor, now or timezone.now()
    allocation.refusal_reason = reason
    allocation.full_clean()
    allocation.save()
    audit_update(actor, allocation, before, note=f"fund allocation {status}")
    return allocation


@transaction.atomic
def fund_allocation_approve(*, actor, allocation: FundAllocation, now: datetime.datetime | None = None) -> FundAllocation:
    return _decide(actor=actor, allocation=allocation, status=FundStatus.APPROVED, reason="", now=now)


@transaction.atomic
def fund_allocation_refuse(*, actor, allocation: FundAllocation, reason: str,
                           now: datetime.datetime | None = None) -> FundAllocation:
    reason = " ".join((reason or "").split())[:255]
    if not reason:
        raise ValidationError({"reason": _("Say why the allocation is not approved.")})
    return _decide(actor=actor, allocation=allocation, status=FundStatus.REFUSED, reason=reason, now=now)


@transaction.atomic
def fund_allocation_pay(*, actor, allocation: FundAllocation, reference: str,
                        now: datetime.datetime | None = None) -> FundAllocation:
    """Record that an approved allocation was paid out, with the voucher or transfer reference."""
    allocation = _locked(allocation)
    policy.require(actor, ALLOCATE_FUNDS, allocation)
    if allocation.status != FundStatus.APPROVED:
        raise ValidationError(_("Only an approved allocation can be paid (this one: %(status)s).")
                              % {"status": allocation.get_status_display()}, code="not_approved")
    reference = " ".join((reference or "").split())
    if not reference:
        raise ValidationError({"payment_reference": _("Give the voucher or transfer number of the payment.")})
    before = snapshot(allocation)
    allocation.status, allocation.paid_by, allocation.paid_at = FundStatus.PAID, actor, now or timezone.now()
    allocation.payment_reference = reference
    allocation.full_clean()
    allocation.save()
    audit_update(actor, allocation, before, note="fund allocation paid")
    return allocation


# --- reads -----------------------------------------------------------------------------------------------

def fund_allocation_get_for(actor, pk) -> FundAllocation:
    """One allocation the actor may see (404 alike for "missing" and "not yours")."""
    return get_for(FundAllocation.objects.select_related("area", "created_by", "approved_by", "paid_by"), actor, pk)


def fund_allocations(*, actor, area=None, limit: int = 200):
    rows = FundAllocation.objects.visible_to(actor).select_related("area", "created_by", "approved_by")
    if area is not None:
        rows = rows.filter(area__path__startswith=area.path)
    return rows.order_by("-created_at", "-id")[:limit]


@dataclass
class FundTotal:
    purpose: str
    label: str
    amount: Decimal  # yuan

    @property
    def wan(self) -> Decimal:
        """In 万元 (ten thousand yuan), as the reports say it (划拨X万元)."""
        return (self.amount / 10000).quantize(FEN)


def fund_totals(*, actor, area, period=None) -> list[FundTotal]:
    """Money paid out under `area` (in the actor's scope) by purpose, over `period` (a `figures.Period` of
    local dates; all time when None): one query."""
    rows = FundAllocation.objects.visible_to(actor).filter(status=FundStatus.PAID, area__path__startswith=area.path)
    if period is not None:
        start, end = period.bounds()
        rows = rows.filter(paid_at__gte=start, paid_at__lt=end)
    sums = dict(rows.values_list("purpose").annotate(total=Sum("amount")).order_by())
    return [FundTotal(code, str(label), Decimal(sums.get(code) or 0).quantize(FEN)) for code, label in FundPurpose.choices]
