"""The collector's one screen (采样登记): scan a tube, then the people who go into it, on a gloved phone or with
a hand-held scanner, through dropped connections (the records queue in the browser with their client ids and
upload to `collect_records`, which hands them to `registration.samples_register`); and each household's and
building's printable sheet of residents' QR codes, which the screen reads.

The page never lists people nor searches them by name: what comes back for a record is the masked name and the
age, to confirm the person in front of the collector."""

import json
import re

import segno
from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.areas.selectors import area_breadcrumb, building_get_for, household_get_for
from frontline.core import policy
from frontline.core.audit import audit_record
from frontline.core.models import AuditAction
from frontline.people.models import Resident

from .models import RoundSite, RoundStatus, Tube
from .policy import REGISTER_SAMPLES
from .registration import BatchRefused, mask_name, person_qr_token, round_sites_registering, samples_register

PICK_ROWS = 100  # round sites offered to choose from (a desk above a community may have many)
QR_SHEET_NOTE = "testing QR sheet"


def collect_sites(actor):
    """The testing sites of rounds in force (open, now within their days) where the actor registers samples:
    a collector's one site of their staffing, a desk's or grid worker's sites in their place."""
    now = timezone.now()
    return (round_sites_registering(actor).filter(allowed=True)
            .filter(round__status=RoundStatus.OPEN, round__starts_at__lte=now, round__ends_at__gte=now)
            .select_related("round", "site", "site__area").order_by("round__starts_at", "round_id", "site__name", "pk"))


def _round_site_for(actor, pk) -> RoundSite:
    """A round's testing site where the actor registers samples, or 404 alike for "missing" and "not yours"."""
    try:
        return (round_sites_registering(actor).filter(allowed=True).select_related("round", "site", "site__area")
                .get(pk=pk))
    except (RoundSite.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@policy.requires(REGISTER_SAMPLES)
def collect(request):
    """采样登记: straight to the screen where there is one site to register at; a choice where there are more."""
    sites = list(collect_sites(request.user)[:PICK_ROWS + 1])
    if len(sites) == 1:
        return redirect("collect_site", pk=sites[0].pk)
    return render(request, "epidemic/collect/pick.html", {"sites": sites[:PICK_ROWS], "more": len(sites) > PICK_ROWS})


# What the page's script says, in the reader's language (the script holds no words of its own).
def _texts() -> dict:
    return {
        "scan_tube": _("Scan a tube's barcode."),
        "scan_people": _("Scan the people: ID card, resident QR code, or enter a visitor."),
        "tube_full": _("Tube %(code)s is full: seal it and scan the next tube."),
        "not_added_full": _("Tube %(code)s is full: this person was NOT registered. Scan the next tube, then them again."),
        "no_tube": _("Scan a tube's barcode first."),
        "not_a_code": _("%(value)s is neither a tube barcode nor an ID number."),
        "bad_check": _("The check digit of ID number %(value)s is wrong: type it again."),
        "queued": _("Queued"),
        "queued_note": _("Offline: the name shows once the record is uploaded."),
        "accepted": _("Registered"),
        "duplicate": _("Already uploaded (counted once)"),
        "rejected": _("Not registered"),
        "age": _("%(age)s y"),
        "pending": _("To upload: %(n)s"),
        "all_sent": _("All uploaded"),
        "offline": _("Offline"),
        "online": _("Online"),
        "relogin": _("Your session has ended: log in again in another tab; the queue waits here."),
        "retest_on": _("Re-test: single tube. Scan a new tube."),
        "retest_off": _("Routine sampling. Scan a new tube."),
        "camera_none": _("No camera could be opened: type or scan the code instead."),
        "visitor_missing": _("Enter the visitor's name and ID number."),
        "needs_name": _("Nobody has this ID number here: enter the visitor's name."),
    }


@policy.requires(REGISTER_SAMPLES)
def collect_site(request, pk):
    """The screen for one testing site of a round: one field that takes a scanner's keystrokes, the current
    tube and its count, the person just registered (masked), the queue still to upload."""
    round_site = _round_site_for(request.user, pk)
    testing_round = round_site.round
    config = {
        "endpoint": reverse("collect_records", args=[round_site.pk]), "site": round_site.pk,
        "tube_endpoint": reverse("collect_tube", args=[round_site.pk]), "round": testing_round.pk,
        "user": request.user.pk, "pool": testing_round.pool_size, "tube_pattern": settings.FRONTLINE_TUBE_CODE_PATTERN,
        "batch": 100, "texts": _texts()}
    return render(request, "epidemic/collect/screen.html", {
        "round_site": round_site, "testing_round": testing_round, "config": config,
        "in_force": testing_round.status == RoundStatus.OPEN})


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


@policy.requires(REGISTER_SAMPLES)
@require_POST
def collect_records(request, pk):
    """The page's upload: `{"records": [...]}` (session and CSRF token) → `{"outcomes": [...]}`, one per record
    in order, each with its client id and status (accepted, duplicate, rejected with the reason); a batch that
    is wholly wrong answers 4xx with `{"error": ...}`."""
    try:
        round_site = _round_site_for(request.user, pk)
    except Http404:
        return _json_error(_("This is not a testing site where you register samples."), 404)
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _json_error(_("The upload is not JSON."), 400)
    records = body.get("records") if isinstance(body, dict) else None
    try:
        outcomes = samples_register(actor=request.user, testing_round=round_site.round, site=round_site.site,
                                    records=records)
    except BatchRefused as refused:
        return _json_error(refused.message, refused.status)
    return JsonResponse({"outcomes": [o.as_dict() for o in outcomes]}, json_dumps_params={"ensure_ascii": False})


@policy.requires(REGISTER_SAMPLES)
def collect_tube(request, pk):
    """A tube as the screen needs it when scanned (`?code=`): its count and pool size, and why it cannot take
    more (another site's, sealed in a bag, with a result) in the registration service's words; no one in it."""
    try:
        round_site = _round_site_for(request.user, pk)
    except Http404:
        return _json_error(_("This is not a testing site where you register samples."), 404)
    code = request.GET.get("code", "").strip().upper()
    if not re.fullmatch(settings.FRONTLINE_TUBE_CODE_PATTERN, code):
        return _json_error(_("The tube code %(code)s is not a tube barcode.") % {"code": code[:40] or "—"}, 400)
    tube = Tube.objects.filter(round=round_site.round, code=code).select_related("bag").first()
    if tube is None:
        return JsonResponse({"code": code, "count": 0, "pool_size": round_site.round.pool_size, "new": True})
    reason = ""
    if tube.site_id != round_site.site_id:
        reason = _("Tube %(code)s is already in use at another testing site in this round.") % {"code": code}
    elif tube.bag_id and tube.bag.sealed_at:
        reason = _("Tube %(code)s is sealed in bag %(bag)s: use a new tube.") % {"code": code, "bag": tube.bag.code}
    elif tube.result:
        reason = _("Tube %(code)s already has a result: use a new tube.") % {"code": code}
    mine = not reason or tube.site_id == round_site.site_id
    return JsonResponse({"code": code, "count": tube.samples_count if mine else 0, "pool_size": tube.pool_size,
                         "new": False, "reason": reason}, json_dumps_params={"ensure_ascii": False})


# --- residents' QR sheets -------------------------------------------------------------------------------------

def _qr_svg(token: str) -> str:
    """The QR code of a token as an inline SVG (segno: no script, no style attribute)."""
    return segno.make(token, error="m").svg_inline(scale=4, border=2, omitsize=True)


def _sheet_rows(residents) -> list[dict]:
    return [{"svg": mark_safe(_qr_svg(person_qr_token(r.person_id))), "name": mask_name(r.person.name),
             "household": r.household} for r in residents]


def _residents(actor):
    return (Resident.objects.restrict(actor, policy.VIEW_PEOPLE).filter(moved_out__isnull=True)
            .select_related("person", "household", "household__building"))


@policy.requires(policy.VIEW_PEOPLE)
def household_testing_qr(request, pk):
    """A household's QR sheet: one code per current resident, the masked name and the room under it (A4)."""
    household = household_get_for(request.user, pk)
    policy.require(request.user, policy.VIEW_PEOPLE, household)
    residents = _residents(request.user).filter(household=household).order_by("relation", "person__birth_date", "pk")
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=household, note=QR_SHEET_NOTE)
    return render(request, "epidemic/collect/qr_sheet.html", {
        "title": str(household), "place": household.building, "rows": _sheet_rows(residents),
        "breadcrumb": area_breadcrumb(actor=request.user, area=household.building.area)})


@policy.requires(policy.VIEW_PEOPLE)
def building_testing_qr(request, pk):
    """A building's QR sheets: every household's, in order of unit and room, a page a household."""
    building = building_get_for(request.user, pk)
    policy.require(request.user, policy.VIEW_PEOPLE, building)
    residents = (_residents(request.user).filter(household__building=building)
                 .order_by("household__unit", "household__room", "household_id", "relation", "person__birth_date", "pk"))
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=building, note=QR_SHEET_NOTE)
    return render(request, "epidemic/collect/qr_sheet.html", {
        "title": building.name, "place": building, "rows": _sheet_rows(residents), "by_household": True,
        "breadcrumb": area_breadcrumb(actor=request.user, area=building.area)})
