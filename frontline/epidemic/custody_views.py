"""Pages for the custody of tubes: 交接 on a phone (one focused field a hardware scanner types into and ends with
Enter: a bag's code, then its tubes; big buttons to seal or confirm a hand-over), the round's custody for the
desk (bags by stage, 交接异常), and a tube's path. The rules are the services' (`custody.py`)."""

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.core import policy

from .custody import (
    bag_for,
    bag_get,
    bag_handover,
    bag_seal,
    bag_tubes_add,
    code_normal,
    custody_round_get,
    custody_rounds,
    handover_next_stage,
    handover_self_refusal,
    may_seal,
    round_custody,
    sealing_sites,
    tube_find,
    tube_path,
)
from .models import HandoverStage, Laboratory, TestingRound, Tube
from .policy import HANDOVER_BAGS, VIEW_TESTING

BAG_ROWS = 100  # bags a page on the round's custody page


def _chosen(queryset, pk):
    try:
        return queryset.get(pk=pk) if pk not in (None, "") else None
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        return None


class Scan:
    """What the scanning screen shows: the bag open (if any), the tubes in it or scanned on receipt, and what
    the last scan or button did."""

    def __init__(self, request, testing_round):
        self.request, self.actor, self.round = request, request.user, testing_round
        self.bag = None
        self.scanned: list[str] = []
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.notice = ""
        self.result = None
        self.sites = list(sealing_sites(self.actor, testing_round)) if testing_round else []
        self.site = _chosen_site(self.sites, request.POST.get("site")) if request.method == "POST" else None

    # --- the bag's state ---
    @property
    def stage(self):
        return handover_next_stage(self.bag) if self.bag else None

    @property
    def filling(self) -> bool:
        return self.bag is not None and self.bag.sealed_at is None

    def context(self) -> dict:
        bag = self.bag
        tubes = list(bag.tubes.order_by("-pk").values_list("code", flat=True)) if bag else []
        unexpected = [c for c in self.scanned if c not in tubes] if bag and not self.filling else []
        return {
            "round": self.round, "rounds": list(custody_rounds(self.actor)[:20]), "sites": self.sites,
            "site": self.site or (self.sites[0] if len(self.sites) == 1 else None), "bag": bag, "filling": self.filling,
            "stage": self.stage, "stage_label": HandoverStage(self.stage).label if self.stage else "",
            "tubes": tubes, "scanned": self.scanned, "unexpected": unexpected,
            "errors": self.errors, "warnings": self.warnings, "notice": self.notice, "result": self.result,
            "laboratories": Laboratory.objects.order_by("name") if bag else [],
        }

    # --- what a scan does ---
    def scan(self, code: str):
        if not code:
            self.errors.append(_("Scan or type a code, then press Enter."))
        elif self.bag is None:
            self.open_bag(code)
        elif self.filling:
            self.add_tube(code)
        else:
            self.receive_tube(code)

    def open_bag(self, code: str):
        bag = bag_for(self.actor, self.round, code)
        if bag is not None:
            if bag.sealed_at is None and not may_seal(self.actor, bag):
                self.errors.append(_("Bag %(code)s is not sealed yet: it cannot be handed over.") % {"code": code})
            elif bag.sealed_at is not None and handover_next_stage(bag) is None:
                self.errors.append(_("Bag %(code)s was delivered already.") % {"code": code})
            elif bag.sealed_at is not None and (refusal := handover_self_refusal(self.actor, bag, handover_next_stage(bag))):
                self.errors.append(refusal)
            else:
                self.bag = bag
            return
        if Tube.objects.filter(round=self.round, code=code).exists():
            self.errors.append(_("%(code)s is a tube: scan the bag's code first.") % {"code": code})
            return
        site = self.site or (self.sites[0] if len(self.sites) == 1 else None)
        if site is None:
            self.errors.append(_("Bag %(code)s is unknown, or not yours to hand over.") % {"code": code}
                               if not self.sites else _("Choose the testing site first."))
            return
        try:
            self.bag, _added = bag_tubes_add(actor=self.actor, testing_round=self.round, bag_code=code, tube_codes=[],
                                             site=site)
            self.notice = _("New bag %(code)s: scan its tubes.") % {"code": self.bag.code}
        except PermissionDenied:
            self.errors.append(_("Bag %(code)s is unknown, or not yours to hand over.") % {"code": code})
        except ValidationError as e:
            self.errors += e.messages

    def add_tube(self, code: str):
        try:
            _bag, added = bag_tubes_add(actor=self.actor, testing_round=self.round, bag_code=self.bag.code,
                                        tube_codes=[code], site=self.bag.site)
            self.notice = (_("Tube %(code)s is in the bag.") if added else _("Tube %(code)s is in this bag already.")) % {
                "code": code}
        except ValidationError as e:
            self.errors += e.messages

    def receive_tube(self, code: str):
        if code in self.scanned:
            self.warnings.append(_("Tube %(code)s was scanned already.") % {"code": code})
            return
        self.scanned.append(code)
        if not self.bag.tubes.filter(code=code).exists():
            self.errors.append(_("Tube %(code)s is not in bag %(bag)s.") % {"code": code, "bag": self.bag.code})

    # --- the buttons ---
    def seal(self, laboratory):
        try:
            bag = bag_seal(actor=self.actor, testing_round=self.round, bag_code=self.bag.code, laboratory=laboratory)
        except (ValidationError, PermissionDenied) as e:
            self.errors += getattr(e, "messages", [_("You may not seal this bag.")])
            return
        self.notice = _("Bag %(code)s sealed with %(n)d tubes.") % {"code": bag.code, "n": bag.sealed_count}
        self.bag = None

    def hand_over(self, *, counted=None, laboratory=None):
        stage = self.stage
        try:
            self.result = bag_handover(actor=self.actor, bag=self.bag, stage=stage,
                                       tube_codes=None if counted is not None else self.scanned,
                                       counted=counted, laboratory=laboratory)
        except (ValidationError, PermissionDenied) as e:
            self.errors += getattr(e, "messages", [_("You may not hand this bag over.")])
            return
        self.bag, self.scanned = None, []


def _chosen_site(sites, pk):
    return next((s for s in sites if str(s.pk) == str(pk)), None)


def _render(request, scan: Scan, status=200):
    if request.htmx:
        return render(request, "epidemic/custody/partials/scan_state.html", scan.context(), status=status)
    can_see_custody = scan.round is not None and TestingRound.objects.restrict(request.user, VIEW_TESTING).filter(
        pk=scan.round.pk).exists()
    return render(request, "epidemic/custody/bags.html", {**scan.context(), "can_see_custody": can_see_custody},
                  status=status)


@policy.requires(HANDOVER_BAGS)
def bag_desk(request):
    """交接: the scanning screen for the actor's round (the latest under way, or ?round=)."""
    rounds = custody_rounds(request.user)
    testing_round = _chosen(rounds, request.GET.get("round")) or rounds.first()
    return _render(request, Scan(request, testing_round))


@policy.requires(HANDOVER_BAGS)
@require_POST
def bag_scan(request):
    """One scan (Enter in the field) or one button: the screen's state comes back (the bag open, the codes
    scanned on receipt) with what happened, in large type, naming the code."""
    testing_round = custody_round_get(request.user, request.POST.get("round"))
    scan = Scan(request, testing_round)
    scan.bag = bag_get(request.user, testing_round, request.POST.get("bag"))
    if scan.bag is not None and not scan.filling:
        scan.scanned = [c for c in dict.fromkeys(code_normal(c) for c in request.POST.getlist("scanned")) if c]
    action = request.POST.get("action") or "scan"
    laboratory = _chosen(Laboratory.objects.all(), request.POST.get("laboratory"))
    if action == "close" or scan.bag is None and action != "scan":
        scan.bag, scan.scanned = None, []
    elif action == "scan":
        scan.scan(code_normal(request.POST.get("code")))
    elif action == "seal" and scan.filling:
        scan.seal(laboratory)
    elif action == "confirm" and scan.stage:
        scan.hand_over(laboratory=laboratory)
    elif action == "count" and scan.stage:
        try:
            counted = int(request.POST.get("counted", ""))
            if counted < 0:
                raise ValueError
        except ValueError:
            scan.errors.append(_("Type how many tubes are in bag %(code)s.") % {"code": scan.bag.code})
        else:
            scan.hand_over(counted=counted, laboratory=laboratory)
    return _render(request, scan)


@policy.requires(VIEW_TESTING)
def round_custody_view(request, pk):
    """A round's custody for the desk: bags by stage, 交接异常 with the missing tube codes first."""
    try:
        testing_round = TestingRound.objects.restrict(request.user, VIEW_TESTING).get(pk=pk)
    except (TestingRound.DoesNotExist, ValueError):
        from django.http import Http404

        raise Http404 from None
    code = code_normal(request.GET.get("tube"))
    if code:
        tube = tube_find(request.user, testing_round, code)
        if tube is not None:
            return redirect("tube_detail", tube.pk)
        flash.error(request, _("No tube %(code)s in this round that you may see.") % {"code": code})
    data = round_custody(request.user, testing_round)
    page = Paginator(data["bags"], BAG_ROWS).get_page(request.GET.get("page"))
    return render(request, "epidemic/custody/round_custody.html", {
        "round": testing_round, "page": page, "flagged": data["flagged"], "totals": data["totals"]})


@policy.requires(VIEW_TESTING)
def tube_detail(request, pk):
    """A tube's path: where and by which account it was filled, its bag and each hand-over, its laboratory and
    result. No person's name."""
    tube, handovers = tube_path(request.user, pk)
    can_see_round = TestingRound.objects.restrict(request.user, VIEW_TESTING).filter(pk=tube.round_id).exists()
    return render(request, "epidemic/custody/tube_detail.html", {"tube": tube, "handovers": handovers,
                                                                 "can_see_round": can_see_round})
