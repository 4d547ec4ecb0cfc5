"""The public resident page's rules (no account): which page a code opens, which room of the grid a resident
names, the per-address and per-phone limits, the one-time form token that turns a double tap into one
submission, and the status timeline a receipt code and its phone answer with (never a name, never anyone
else's household)."""

import secrets
import time
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from frontline.areas.models import Building, Household
from frontline.core.login import client_address
from frontline.core.ratelimit import rate_limit_hit
from frontline.core.validators import normalize_phone

from .models import (
    RECEIPT_ALPHABET,
    OrderStatus,
    RequestStatus,
    ResidentPage,
    ResidentRequest,
    SupplyOrder,
)

TOKEN_SALT = "frontline.care.page.once"
TOKEN_MAX_AGE = 24 * 3600  # a form left open for a day is filled again
PENDING = "pending"


def page_open(code: str) -> ResidentPage:
    """The active page with this code, or 404 (an old poster's code, a typo and a closed page alike)."""
    page = ResidentPage.objects.select_related("area").filter(code=code, active=True).first()
    if page is None:
        raise Http404(_("There is no resident page at this address (it may have been closed or replaced)."))
    return page


def _plain(value) -> str:
    """Full-width digits and letters as typed on a Chinese keyboard become ASCII; spaces go."""
    return unicodedata.normalize("NFKC", str(value or "")).strip().replace(" ", "")


def household_named(page: ResidentPage, building_id, unit, room) -> Household:
    """The household of this grid at the building, unit and room a resident gives. What the messages say is
    only what the building's layout says: that a room exists, never who lives there."""
    try:
        building = Building.objects.get(pk=int(building_id), area=page.area)
    except (TypeError, ValueError, Building.DoesNotExist):
        raise ValidationError(_("Building: choose your building of %(grid)s from the list.")
                              % {"grid": page.area.name}) from None
    unit = _plain(unit).removesuffix("单元")
    room = _plain(room).removesuffix("室").removesuffix("号")
    if not room:
        raise ValidationError(_("Room: please write your room number (for example 301)."))
    if len(room) > 10 or len(unit) > 10:
        raise ValidationError(_("Room: %(building)s has no room %(room)s.") % {"building": building.name,
                                                                              "room": room[:10]})
    rooms = list(Household.objects.filter(building=building, room=room).select_related("building"))
    if unit:
        matching = [h for h in rooms if h.unit == unit] or [h for h in rooms if h.unit == ""]
    else:
        matching = rooms
    if len(matching) == 1:
        return matching[0]
    if len(matching) > 1:
        raise ValidationError(_("Unit: %(building)s has a room %(room)s in several units; please write your unit.")
                              % {"building": building.name, "room": room})
    if unit:
        raise ValidationError(_("Room: %(building)s unit %(unit)s has no room %(room)s.")
                              % {"building": building.name, "unit": unit, "room": room})
    raise ValidationError(_("Room: %(building)s has no room %(room)s.") % {"building": building.name, "room": room})


def phone_given(raw) -> str:
    raw = _plain(raw)
    if not raw:
        raise ValidationError(_("Contact phone: please write a phone number we can call you on."))
    try:
        return normalize_phone(raw)
    except ValidationError:
        raise ValidationError(_("Contact phone: %(phone)s is not a phone number (a mobile has 11 digits).")
                              % {"phone": raw[:20]}) from None


def quantity_given(raw, *, what: str) -> int:
    """A whole number of at least 0 ("" is 0); anything else names the field it was written in."""
    raw = _plain(raw)
    if raw == "":
        return 0
    if not raw.isdigit() or len(raw) > 9:
        raise ValidationError(_("%(what)s: the quantity must be a whole number.") % {"what": what})
    return int(raw)


# --- limits ------------------------------------------------------------------------------------------------

def limit_hit(request, *, bucket: str, phone: str) -> None:
    """Count one submission (or one lookup) from this address and for this phone; RateLimited past either
    limit. The address is the one the rest of Frontline counts by (frontline.core.login.client_address)."""
    period = settings.FRONTLINE_RESIDENT_PAGE_PERIOD
    address = client_address(request) or "unknown"
    rate_limit_hit(f"care-{bucket}:addr:{address}", settings.FRONTLINE_RESIDENT_PAGE_PER_ADDRESS, period)
    rate_limit_hit(f"care-{bucket}:phone:{phone.replace('-', '')}", settings.FRONTLINE_RESIDENT_PAGE_PER_PHONE, period)


# --- the one-time form token ---------------------------------------------------------------------------------

def token_new(page: ResidentPage) -> str:
    return signing.dumps({"p": page.code, "n": secrets.token_urlsafe(16)}, salt=TOKEN_SALT, compress=False)


def token_nonce(page: ResidentPage, token: str) -> str | None:
    """The nonce of a form token issued by this page; None when the form had none (a script's post); a
    token that is forged, another page's or a day old is refused."""
    if not token:
        return None
    try:
        value = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        value = None
    if not isinstance(value, dict) or value.get("p") != page.code or not value.get("n"):
        raise ValidationError(_("This form is out of date: please check it and send it again."))
    return str(value["n"])


def _once_key(nonce: str) -> str:
    return f"care-page:once:{nonce}"


def once_claim(nonce: str | None, *, wait: float = 3.0) -> str | None:
    """Claim a form's nonce for one submission: None when this request is the first (it goes ahead), else
    what the first one made ("order:<receipt>" / "request:<receipt>"), waiting a moment for a first one
    still under way (PENDING if it has not finished by then)."""
    if nonce is None:
        return None
    key = _once_key(nonce)
    if cache.add(key, PENDING, timeout=TOKEN_MAX_AGE):
        return None
    deadline = time.monotonic() + wait
    while True:
        made = cache.get(key)
        if made is None:  # the first attempt failed and let go of it: this one goes ahead
            return None if cache.add(key, PENDING, timeout=TOKEN_MAX_AGE) else PENDING
        if made != PENDING or time.monotonic() >= deadline:
            return made
        time.sleep(0.1)


def once_done(nonce: str | None, made: str) -> None:
    if nonce is not None:
        cache.set(_once_key(nonce), made, timeout=TOKEN_MAX_AGE)


def once_release(nonce: str | None) -> None:
    if nonce is not None:
        cache.delete(_once_key(nonce))


# --- following a receipt -------------------------------------------------------------------------------------

def receipt_plain(raw) -> str:
    return "".join(ch for ch in _plain(raw).upper() if ch.isalnum())


def receipt_found(page: ResidentPage, receipt: str, phone: str):
    """The order or request with this receipt, of this page's grid, given with this phone; None otherwise
    (missing, another grid's, another phone: the caller answers all three alike)."""
    if len(receipt) != 10 or any(ch not in RECEIPT_ALPHABET for ch in receipt):
        return None
    digits = phone.replace("-", "")
    for model in (SupplyOrder, ResidentRequest):
        found = model.objects.filter(receipt=receipt, area=page.area).first()
        if found is not None:
            return found if found.contact_phone.replace("-", "") == digits else None
    return None


@dataclass
class Step:
    label: str
    done: bool
    at: object = None
    note: str = ""
    bad: bool = False


@dataclass
class Timeline:
    kind: str  # "order" or "request"
    receipt: str
    title: str
    steps: list[Step] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def order_timeline(order: SupplyOrder) -> Timeline:
    status = order.status
    reached = {OrderStatus.PLACED: 0, OrderStatus.ASSIGNED: 2, OrderStatus.PICKED_UP: 3,
               OrderStatus.DELIVERED: 4}.get(status, 0)
    confirmed = order.verified or reached >= 2
    assigned = order.batch_id is not None
    steps = [Step(pgettext("resident page", "Placed"), True, order.placed_at),
             Step(pgettext("resident page", "Confirmed with your household"), confirmed),
             Step(pgettext("resident page", "Given to a volunteer for delivery"), reached >= 2 or assigned,
                  order.batch.created_at if assigned else None),
             Step(pgettext("resident page", "Picked up"), reached >= 3)]
    if status == OrderStatus.FAILED:
        steps = [s for s in steps if s.done]
        steps.append(Step(pgettext("resident page", "Could not be delivered"), True, note=order.failed_reason,
                          bad=True))
    elif status == OrderStatus.CANCELLED:
        steps = [s for s in steps if s.done]
        steps.append(Step(pgettext("resident page", "Cancelled"), True, bad=True))
    else:
        steps.append(Step(pgettext("resident page", "Delivered"), reached >= 4, order.delivered_at))
    lines = [f"{line.item.name if line.item_id else line.text} × {line.quantity}"
             f"{line.item.unit if line.item_id else ''}" for line in order.lines.select_related("item").order_by("id")]
    return Timeline("order", order.receipt_display, pgettext("resident page", "Supply order"), steps, lines)


def request_timeline(req: ResidentRequest) -> Timeline:
    if req.status == RequestStatus.MERGED and req.duplicate_of_id:
        # Handled with an earlier request on the same matter: its progress, never its words or its resident's.
        original = request_timeline(req.duplicate_of)
        steps = [Step(pgettext("resident page", "Received"), True, req.received_at),
                 Step(pgettext("resident page", "Handled together with an earlier request on the same matter"), True)]
        steps += [Step(s.label, s.done, s.at) for s in original.steps[1:]]
        return Timeline("request", req.receipt_display, req.get_kind_display(), steps)
    resolved = req.status in (RequestStatus.RESOLVED, RequestStatus.CLOSED)
    steps = [Step(pgettext("resident page", "Received"), True, req.received_at),
             Step(pgettext("resident page", "Being handled by %(unit)s") % {"unit": req.unit.name} if req.verified
                  else pgettext("resident page", "Being handled"), req.verified or resolved),
             Step(pgettext("resident page", "Resolved"), resolved, req.resolved_at,
                  note=req.resolution if resolved else ""),
             Step(pgettext("resident page", "Closed"), req.status == RequestStatus.CLOSED, req.called_back_at)]
    if req.reopened and req.status == RequestStatus.OPEN:
        steps[1].note = pgettext("resident page", "Reopened: it is being handled again.")
    return Timeline("request", req.receipt_display, req.get_kind_display(), steps)


def timeline_of(found) -> Timeline:
    return order_timeline(found) if isinstance(found, SupplyOrder) else request_timeline(found)
