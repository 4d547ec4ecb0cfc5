"""Custody of tubes (交接): a collector scans tubes into a bag at a testing site and seals it; the transporter
scans the sealed bag at pickup, the laboratory on arrival, each with its tubes or their count. What arrived is
compared with what was sealed, and a mismatch (missing or unexpected tubes, a different count) is flagged on
the hand-over at once (`Handover.flagged`) and listed for the desk. Services write (atomic, the bag's row
locked, the policy asked on the bag, audited); selectors read through the policy."""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, FilteredRelation, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.core import policy
from frontline.core.audit import audit_create, audit_record, audit_update, snapshot
from frontline.core.models import AuditAction

from .models import Bag, Handover, HandoverStage, Laboratory, RoundSite, RoundStatus, TestingRound, Tube
from .policy import HANDOVER_BAGS, REGISTER_SAMPLES, ROUND_SITE, VIEW_TESTING

STAGES = (HandoverStage.PICKED_UP, HandoverStage.DELIVERED)


@dataclass
class CodeError:
    """One refused code and why, in words naming it."""

    code: str
    reason: str


class CustodyRefused(ValidationError):
    """A seal or hand-over refused as a whole (nothing written), with the reason for each code it concerns."""

    def __init__(self, errors: list[CodeError]):
        super().__init__([e.reason for e in errors])
        self.errors = errors


def code_normal(code) -> str:
    """A scanned or typed code as stored: no spaces around, upper case (scanners and keyboards differ)."""
    return str(code or "").strip().upper()


def _codes(codes) -> list[str]:
    """The codes, normalised, once each, in the order scanned; empty ones dropped."""
    seen = {}
    for code in codes or ():
        code = code_normal(code)
        if code:
            seen.setdefault(code, None)
    if len(seen) > settings.FRONTLINE_BAG_TUBES_MAX:
        raise ValidationError(_("At most %(n)d tube codes at a time.") % {"n": settings.FRONTLINE_BAG_TUBES_MAX})
    return list(seen)


def bag_code_valid(code: str) -> bool:
    return bool(re.fullmatch(settings.FRONTLINE_BAG_CODE_PATTERN, code))


def tube_code_valid(code: str) -> bool:
    return bool(re.fullmatch(settings.FRONTLINE_TUBE_CODE_PATTERN, code))


def may_seal(actor, bag: Bag) -> bool:
    """Sealing is for those who collect at the bag's site (a collector of it, the desk): who may hand bags over
    there and register samples there. The transporter and the laboratory receive bags; they do not fill them."""
    return policy.allows(actor, HANDOVER_BAGS, bag) and policy.allows(actor, REGISTER_SAMPLES, bag)


def _require_sealer(actor, bag: Bag) -> None:
    policy.require(actor, HANDOVER_BAGS, bag)
    if actor is not None and not policy.allows(actor, REGISTER_SAMPLES, bag):
        raise PermissionDenied


def _locked_bag(testing_round: TestingRound, code: str) -> Bag | None:
    return Bag.objects.select_for_update().filter(round=testing_round, code=code).first()


def _bag_open_or_create(*, actor, testing_round: TestingRound, bag_code: str, site) -> Bag:
    """The round's bag of that code, locked, or a new one at the site; refused where the actor may not seal."""
    code = code_normal(bag_code)
    if not bag_code_valid(code):
        raise CustodyRefused([CodeError(code, _("%(code)s is not a bag code.") % {"code": code or "—"})])
    if testing_round.status == RoundStatus.CLOSED:
        raise ValidationError(_("The round %(round)s is closed.") % {"round": testing_round.name})
    bag = _locked_bag(testing_round, code)
    if bag is None:
        if site is None or not RoundSite.objects.filter(round=testing_round, site=site).exists():
            raise ValidationError(_("Choose a testing site of the round for bag %(code)s.") % {"code": code})
        try:
            with transaction.atomic():
                bag = Bag.objects.create(round=testing_round, code=code, site=site)
        except IntegrityError:  # opened at the same moment elsewhere: take that one
            bag = _locked_bag(testing_round, code)
        else:
            _require_sealer(actor, bag)  # before anything is kept: the whole call rolls back
            audit_create(actor, bag)
            return bag
    _require_sealer(actor, bag)
    if site is not None and bag.site_id != site.pk:
        raise CustodyRefused([CodeError(code, _("Bag %(code)s belongs to another testing site (%(site)s).")
                                        % {"code": code, "site": bag.site.name})])
    if bag.sealed_at is not None:
        raise CustodyRefused([CodeError(code, _("Bag %(code)s is sealed already (%(n)d tubes, %(at)s).") % {
            "code": code, "n": bag.sealed_count, "at": timezone.localtime(bag.sealed_at).strftime("%m-%d %H:%M")})])
    return bag


def _tube_errors(testing_round: TestingRound, bag: Bag, codes: list[str]) -> tuple[list[Tube], list[CodeError]]:
    """The tubes that may go into the bag, and the reason for each code that may not (two queries)."""
    tubes = {t.code: t for t in Tube.objects.filter(round=testing_round, code__in=codes).select_related("bag")}
    elsewhere = dict(Tube.objects.filter(code__in=[c for c in codes if c not in tubes]).exclude(round=testing_round)
                     .values_list("code", "round__name")) if len(tubes) < len(codes) else {}
    ok, errors = [], []
    for code in codes:
        tube = tubes.get(code)
        if tube is None:
            if code in elsewhere:
                reason = _("Tube %(code)s is of another round (%(round)s).") % {"code": code, "round": elsewhere[code]}
            elif not tube_code_valid(code):
                reason = _("%(code)s is not a tube code.") % {"code": code}
            else:
                reason = _("Tube %(code)s is unknown: no sample was registered into it.") % {"code": code}
        elif tube.site_id != bag.site_id:
            reason = _("Tube %(code)s is of another testing site.") % {"code": code}
        elif tube.bag_id == bag.pk:
            continue  # scanned again: it is in this bag already
        elif tube.bag_id is not None:
            reason = _("Tube %(code)s is already in bag %(bag)s.") % {"code": code, "bag": tube.bag.code}
        elif tube.samples_count < 1:
            reason = _("Tube %(code)s holds no sample.") % {"code": code}
        else:
            ok.append(tube)
            continue
        errors.append(CodeError(code, reason))
    return ok, errors


@transaction.atomic
def bag_tubes_add(*, actor, testing_round: TestingRound, bag_code: str, tube_codes, site) -> tuple[Bag, list[Tube]]:
    """Open the bag (a new one at `site`) and put the tubes into it: each a tube of this round and this site, in
    no other bag, with a sample. All or nothing: one wrong code refuses the call (`CustodyRefused`, a reason a
    code). Returns the bag and the tubes added (those already in it are not added twice)."""
    bag = _bag_open_or_create(actor=actor, testing_round=testing_round, bag_code=bag_code, site=site)
    codes = _codes(tube_codes)
    if bag.code in codes:
        raise CustodyRefused([CodeError(bag.code, _("%(code)s is the bag itself: scan its tubes.") % {"code": bag.code})])
    tubes, errors = _tube_errors(testing_round, bag, codes)
    if errors:
        raise CustodyRefused(errors)
    if tubes:
        Tube.objects.filter(pk__in=[t.pk for t in tubes], bag__isnull=True).update(bag=bag)
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=bag,
                     changes={"tubes_added": [None, [t.code for t in tubes]]})
    return bag, tubes


def _laboratory_for(bag: Bag, laboratory: Laboratory | None) -> Laboratory | None:
    if laboratory is not None and bag.laboratory_id and bag.laboratory_id != laboratory.pk:
        raise ValidationError(_("Bag %(code)s goes to %(lab)s, not to %(other)s.") % {
            "code": bag.code, "lab": bag.laboratory.name, "other": laboratory.name})
    return laboratory or bag.laboratory


def _send_to(bag: Bag, laboratory: Laboratory | None) -> None:
    """The bag, and the tubes in it, go to the laboratory."""
    if laboratory is not None and bag.laboratory_id != laboratory.pk:
        bag.laboratory = laboratory
        bag.save(update_fields=["laboratory"])
    if bag.laboratory_id:
        bag.tubes.exclude(laboratory_id=bag.laboratory_id).update(laboratory_id=bag.laboratory_id)


@transaction.atomic
def bag_seal(*, actor, testing_round: TestingRound, bag_code: str, tube_codes=(), site=None,
             laboratory: Laboratory | None = None, now=None) -> Bag:
    """Seal the bag with the tubes in it (and those given, added first as `bag_tubes_add` does): its count, time
    and sealer are kept; `laboratory`, if named, is where it goes."""
    if tube_codes:
        bag, _added = bag_tubes_add(actor=actor, testing_round=testing_round, bag_code=bag_code, tube_codes=tube_codes,
                                    site=site)
    else:
        bag = _locked_bag(testing_round, code_normal(bag_code))
        if bag is None:
            raise ValidationError(_("Bag %(code)s is unknown in this round.") % {"code": code_normal(bag_code)})
        bag = _bag_open_or_create(actor=actor, testing_round=testing_round, bag_code=bag.code, site=site)
    before = snapshot(bag)
    count = bag.tubes.count()
    if count == 0:
        raise CustodyRefused([CodeError(bag.code, _("Bag %(code)s is empty: scan its tubes first.") % {"code": bag.code})])
    bag.sealed_count, bag.sealed_at, bag.sealed_by = count, now or timezone.now(), actor
    bag.save(update_fields=["sealed_count", "sealed_at", "sealed_by"])
    _send_to(bag, _laboratory_for(bag, laboratory))
    audit_update(actor, bag, before)
    return bag


@transaction.atomic
def bag_handover(*, actor, bag: Bag, stage: str, tube_codes=None, counted: int | None = None,
                 laboratory: Laboratory | None = None, now=None) -> Handover:
    """Record one hand-over of a sealed bag: the tubes scanned on receipt (then `counted` is how many), or, when
    the bag stays closed, only their count. Missing and unexpected codes, or a count that differs from the
    sealed one, flag it. Each stage once; delivery after pickup, to a laboratory (the bag's, or the one named)."""
    bag = Bag.objects.select_for_update().get(pk=bag.pk)
    policy.require(actor, HANDOVER_BAGS, bag)
    if stage not in STAGES:
        raise ValidationError(_("Unknown hand-over stage %(stage)s.") % {"stage": stage})
    label = HandoverStage(stage).label
    if bag.sealed_at is None:
        raise ValidationError(_("Bag %(code)s is not sealed yet: it cannot be handed over.") % {"code": bag.code})
    done = {h.stage: h for h in bag.handovers.select_related("received_by")}
    if stage in done:
        raise ValidationError(_("Bag %(code)s: the hand-over %(stage)s was scanned already (%(at)s, %(by)s).") % {
            "code": bag.code, "stage": label, "at": timezone.localtime(done[stage].at).strftime("%m-%d %H:%M"),
            "by": getattr(done[stage].received_by, "username", "—")})
    if stage == HandoverStage.DELIVERED and HandoverStage.PICKED_UP not in done:
        raise ValidationError(_("Bag %(code)s was not picked up yet: scan the pickup first.") % {"code": bag.code})
    refusal = handover_self_refusal(actor, bag, stage)
    if refusal:
        raise ValidationError(refusal)
    lab = _laboratory_for(bag, laboratory)
    if stage == HandoverStage.DELIVERED and lab is None:
        raise ValidationError(_("Name the laboratory bag %(code)s is delivered to.") % {"code": bag.code})
    sealed = set(bag.tubes.values_list("code", flat=True))
    if tube_codes is not None:
        scanned = _codes(tube_codes)
        missing = sorted(sealed - set(scanned))
        extra = [c for c in scanned if c not in sealed]
        counted = len(scanned)
    else:
        if counted is None or int(counted) < 0:
            raise ValidationError(_("Scan the tubes of bag %(code)s or type how many there are.") % {"code": bag.code})
        missing, extra, counted = [], [], int(counted)
    flagged = bool(missing or extra or counted != bag.sealed_count)
    try:
        with transaction.atomic():
            handover = Handover.objects.create(bag=bag, stage=stage, received_by=actor, at=now or timezone.now(),
                                               counted=counted, missing=missing, extra=extra, flagged=flagged)
    except IntegrityError:  # the same stage scanned at the same moment elsewhere
        raise ValidationError(_("Bag %(code)s: the hand-over %(stage)s was scanned already.")
                              % {"code": bag.code, "stage": label}) from None
    _send_to(bag, lab)
    audit_create(actor, handover)
    return handover


def handover_self_refusal(actor, bag: Bag, stage: str) -> str:
    """Who sealed a bag does not also scan its pickup (or the count would prove nothing): the transporter who
    receives it does. (The transporter may record the delivery, naming the laboratory, where the laboratory
    does not scan it itself.) Words saying so, or ""."""
    if actor is not None and stage == HandoverStage.PICKED_UP and bag.sealed_by_id == getattr(actor, "pk", None):
        return _("You sealed bag %(code)s: its pickup is scanned by the transporter who receives it.") % {"code": bag.code}
    return ""


def handover_next_stage(bag: Bag) -> str | None:
    """The stage a sealed bag waits for (None once delivered, or before it is sealed)."""
    if bag.sealed_at is None:
        return None
    done = {h.stage for h in bag.handovers.all()}
    return next((s for s in STAGES if s not in done), None)


# --- reads ---------------------------------------------------------------------------------------------------

def custody_rounds(actor, *, open_only: bool = True):
    """The rounds (not closed, unless `open_only` is False: bags still arrive at laboratories after a round
    ended) in which the actor hands bags over: those of their area (the desk, transporters), those they are
    staffed for (collectors), those with bags for their laboratory."""
    mine = Q(pk__in=TestingRound.objects.restrict(actor, HANDOVER_BAGS).values("pk"))
    if actor is not None and actor.is_authenticated:  # a laboratory's bags of a round it has no tube of yet
        mine |= Q(pk__in=Bag.objects.restrict(actor, HANDOVER_BAGS).values("round_id"))
    rounds = TestingRound.objects.filter(mine)
    return (rounds.exclude(status=RoundStatus.CLOSED) if open_only else rounds).order_by("-starts_at", "-pk")


def custody_round_get(actor, pk) -> TestingRound:
    from django.http import Http404

    try:
        return custody_rounds(actor, open_only=False).get(pk=pk)
    except (TestingRound.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def sealing_sites(actor, testing_round: TestingRound) -> list:
    """The round's testing sites where the actor may fill and seal bags: the site of their staffing as a
    collector, or the sites in their own place where they may both register samples and hand bags over (not
    every site of a round they can see)."""
    if not policy.allows(actor, HANDOVER_BAGS) or not policy.allows(actor, REGISTER_SAMPLES):
        return []
    sites = [rs.site for rs in RoundSite.objects.filter(round=testing_round).select_related("site__area")
             .order_by("site__name", "site_id")]
    staffed = set()
    for assignment in policy.assignments(actor):
        if policy.scope_of(assignment.role, HANDOVER_BAGS) == ROUND_SITE == policy.scope_of(assignment.role,
                                                                                            REGISTER_SAMPLES):
            q = policy.SCOPE_KINDS[ROUND_SITE][1](Bag, actor, assignment)
            if q is not None:
                staffed |= set(RoundSite.objects.filter(round=testing_round).filter(q).values_list("site_id", flat=True))
    return [s for s in sites if s.pk in staffed or (policy.allows_in(actor, REGISTER_SAMPLES, s.area)
                                                     and policy.allows_in(actor, HANDOVER_BAGS, s.area))]


def bag_for(actor, testing_round: TestingRound, code: str) -> Bag | None:
    """The round's bag of that code, if the actor may hand it over (None alike for missing and not theirs)."""
    return (Bag.objects.restrict(actor, HANDOVER_BAGS).filter(round=testing_round, code=code_normal(code))
            .select_related("site", "laboratory", "sealed_by").first())


def bag_get(actor, testing_round: TestingRound, pk) -> Bag | None:
    try:
        return (Bag.objects.restrict(actor, HANDOVER_BAGS).filter(round=testing_round)
                .select_related("site", "laboratory", "sealed_by").get(pk=pk))
    except (Bag.DoesNotExist, ValueError, TypeError):
        return None


@dataclass
class RoundCustody:
    bags: object  # a page of annotated bags
    flagged: list = field(default_factory=list)  # the flagged hand-overs, with their bags
    totals: dict = field(default_factory=dict)


def _stage_relation(stage: str) -> FilteredRelation:
    return FilteredRelation("handovers", condition=Q(handovers__stage=stage))


def round_bags(actor, testing_round: TestingRound):
    """The round's bags the actor may see, each with its tube count and both hand-overs (time, by whom, count,
    flag) as columns: one query however many bags."""
    tubes = (Tube.objects.filter(bag=OuterRef("pk")).order_by().values("bag")
             .annotate(n=Count("pk")).values("n"))
    return (Bag.objects.restrict(actor, VIEW_TESTING).filter(round=testing_round)
            .annotate(picked=_stage_relation(HandoverStage.PICKED_UP), delivered=_stage_relation(HandoverStage.DELIVERED))
            .annotate(tubes_in=Coalesce(Subquery(tubes, output_field=IntegerField()), Value(0)),
                      picked_at=F("picked__at"), picked_counted=F("picked__counted"), picked_flagged=F("picked__flagged"),
                      picked_by=F("picked__received_by__username"),
                      delivered_at=F("delivered__at"), delivered_counted=F("delivered__counted"),
                      delivered_flagged=F("delivered__flagged"), delivered_by=F("delivered__received_by__username"))
            .select_related("site", "laboratory", "sealed_by"))


def round_custody(actor, testing_round: TestingRound) -> dict:
    """The desk's view of a round's custody: totals by stage, the flagged hand-overs (交接异常) with their
    missing and unexpected codes, and the bags (a queryset to page through)."""
    bags = round_bags(actor, testing_round)
    totals = Bag.objects.restrict(actor, VIEW_TESTING).filter(round=testing_round).aggregate(
        bags=Count("pk", distinct=True), sealed=Count("pk", distinct=True, filter=Q(sealed_at__isnull=False)),
        picked_up=Count("handovers", filter=Q(handovers__stage=HandoverStage.PICKED_UP)),
        delivered=Count("handovers", filter=Q(handovers__stage=HandoverStage.DELIVERED)),
        flagged=Count("handovers", filter=Q(handovers__flagged=True)))
    flagged = list(Handover.objects.filter(flagged=True, bag__in=Bag.objects.restrict(actor, VIEW_TESTING)
                                           .filter(round=testing_round).values("pk"))
                   .select_related("bag__site", "received_by").order_by("-at", "-pk"))
    codes = {c for h in flagged for c in (*h.missing, *h.extra)}
    tube_ids = dict(Tube.objects.restrict(actor, VIEW_TESTING).filter(round=testing_round, code__in=codes)
                    .values_list("code", "pk")) if codes else {}
    for h in flagged:  # each code with its tube's page, where the reader may open it
        h.missing_tubes = [(c, tube_ids.get(c)) for c in h.missing]
        h.extra_tubes = [(c, tube_ids.get(c)) for c in h.extra]
    return {"bags": bags.order_by("-created_at", "-pk"), "flagged": flagged, "totals": totals}


def tube_find(actor, testing_round: TestingRound, code: str) -> Tube | None:
    """The round's tube of that code, if the actor may see it."""
    return Tube.objects.restrict(actor, VIEW_TESTING).filter(round=testing_round, code=code_normal(code)).first()


def tube_path(actor, pk) -> tuple[Tube, list[Handover]]:
    """A tube the actor may see (404 alike for missing and not theirs) and its bag's hand-overs, each marked
    with whether this tube was missing from it. No person is named: the collector by their account only."""
    from frontline.core.scoping import get_for

    tube = get_for(Tube.objects.select_related("round", "site", "collector", "bag__sealed_by", "laboratory"), actor, pk)
    handovers = []
    if tube.bag_id:
        handovers = list(tube.bag.handovers.select_related("received_by").order_by("at", "pk"))
        for h in handovers:
            h.tube_missing = tube.code in h.missing
    return tube, handovers
