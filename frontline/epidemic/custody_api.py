"""API: custody for terminals (scanners at sites, in vans, at laboratories): seal a bag with its tubes, and
record a hand-over with the tubes scanned or their count. Each answer lists, code by code, what was refused
or did not match; a refused call writes nothing. Scoped and audited as the pages are (the services')."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from frontline.areas.models import Site
from frontline.core import policy
from frontline.core.api import ErrorOut

from .custody import (
    bag_for,
    bag_handover,
    bag_seal,
    code_normal,
    custody_round_get,
    sealing_sites,
)
from .models import Bag, HandoverStage, Laboratory, Tube
from .policy import HANDOVER_BAGS

router = Router(tags=["custody"])


class CodeErrorOut(Schema):
    code: str
    reason: str


class SealIn(Schema):
    round: int
    tube_codes: list[str] = []
    site: int | None = None  # where a new bag is filled: by default the caller's site in the round, or the tubes'
    laboratory: int | None = None


class BagOut(Schema):
    id: int
    code: str
    round_id: int
    site_id: int
    sealed_count: int | None
    sealed_at: datetime.datetime | None
    laboratory_id: int | None
    tube_codes: list[str]
    errors: list[CodeErrorOut] = []


class HandoverIn(Schema):
    round: int
    stage: HandoverStage
    tube_codes: list[str] | None = None  # the tubes scanned on receipt; leave out to give only the count
    count: int | None = None  # how many tubes, when the bag stays closed
    laboratory: int | None = None  # where the bag goes, if not named when it was sealed


class HandoverOut(Schema):
    id: int
    bag: str
    stage: str
    at: datetime.datetime
    counted: int
    sealed_count: int
    missing: list[str]
    extra: list[str]
    flagged: bool
    errors: list[CodeErrorOut]


def _refused(e: ValidationError):
    errors = [{"code": c.code, "reason": c.reason} for c in getattr(e, "errors", [])]
    return Status(422, {"detail": e.messages, "errors": errors})


def _laboratory(pk):
    if pk is None:
        return None
    lab = Laboratory.objects.filter(pk=pk).first()
    if lab is None:
        raise ValidationError(_("Laboratory %(id)s is unknown.") % {"id": pk})
    return lab


def _bag_or_404(actor, testing_round, code):
    """The round's bag of that code if the caller may hand it over; 404 where it exists and is not theirs."""
    bag = bag_for(actor, testing_round, code)
    if bag is None and Bag.objects.filter(round=testing_round, code=code_normal(code)).exists():
        raise Http404
    return bag


def _site(actor, testing_round, bag, code: str, payload: SealIn):
    if bag is not None:
        return bag.site
    if payload.site is not None:
        site = Site.objects.filter(pk=payload.site).first()
        if site is None:
            raise ValidationError(_("Testing site %(id)s is unknown.") % {"id": payload.site})
        return site
    sites = list(sealing_sites(actor, testing_round))
    if len(sites) == 1:
        return sites[0]
    codes = [code_normal(c) for c in payload.tube_codes]
    of_tubes = set(Tube.objects.filter(round=testing_round, code__in=codes).values_list("site_id", flat=True))
    if len(of_tubes) == 1:
        return Site.objects.get(pk=of_tubes.pop())
    raise ValidationError(_("Name the testing site where bag %(code)s is filled.") % {"code": code_normal(code)})


@router.post("/testing/bags/{code}/seal", response={200: BagOut, 422: ErrorOut})
@policy.api_requires(HANDOVER_BAGS)
def bag_seal_api(request, code: str, payload: SealIn):
    """Seal the bag `code` of the round with the tubes in it and those listed (added first: each a tube of the
    round and the site, in no other bag, with a sample). A new bag is opened at the site. One wrong code
    refuses the whole call (422, a reason for each code)."""
    actor = request.auth
    testing_round = custody_round_get(actor, payload.round)
    bag = _bag_or_404(actor, testing_round, code)
    try:
        site = _site(actor, testing_round, bag, code, payload)
        bag = bag_seal(actor=actor, testing_round=testing_round, bag_code=code, tube_codes=payload.tube_codes,
                       site=site, laboratory=_laboratory(payload.laboratory))
    except ValidationError as e:  # CustodyRefused too, with its codes
        return _refused(e)
    bag.tube_codes = sorted(bag.tubes.values_list("code", flat=True))
    return bag


@router.post("/testing/bags/{code}/handovers", response={201: HandoverOut, 422: ErrorOut})
@policy.api_requires(HANDOVER_BAGS)
def bag_handover_api(request, code: str, payload: HandoverIn):
    """Record the hand-over `stage` of the sealed bag `code`: picked_up (the transporter) or delivered (the
    laboratory), with the tube codes scanned or, for a closed bag, their `count`. The answer says what is
    missing or unexpected against what was sealed (`flagged`), code by code in `errors`. Each stage once."""
    actor = request.auth
    testing_round = custody_round_get(actor, payload.round)
    bag = _bag_or_404(actor, testing_round, code)
    if bag is None:
        raise Http404
    try:
        handover = bag_handover(actor=actor, bag=bag, stage=payload.stage, tube_codes=payload.tube_codes,
                                counted=payload.count, laboratory=_laboratory(payload.laboratory))
    except ValidationError as e:
        return _refused(e)
    errors = [{"code": c, "reason": _("Tube %(code)s is missing from bag %(bag)s.") % {"code": c, "bag": bag.code}}
              for c in handover.missing]
    errors += [{"code": c, "reason": _("Tube %(code)s is not in bag %(bag)s.") % {"code": c, "bag": bag.code}}
               for c in handover.extra]
    if handover.counted != bag.sealed_count and not errors:
        errors.append({"code": bag.code, "reason": _("Bag %(bag)s: %(n)d tubes counted, %(sealed)d sealed.") % {
            "bag": bag.code, "n": handover.counted, "sealed": bag.sealed_count}})
    return Status(201, {"id": handover.pk, "bag": bag.code, "stage": handover.stage, "at": handover.at,
                        "counted": handover.counted, "sealed_count": bag.sealed_count, "missing": handover.missing,
                        "extra": handover.extra, "flagged": handover.flagged, "errors": errors})
