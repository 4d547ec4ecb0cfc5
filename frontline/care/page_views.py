"""The public resident page (no account): a grid's page with its hotline and three forms (order supplies, raise a
request or suggestion, follow a receipt), the receipt page a submission answers with, and the follow page. Light
on purpose: no Bootstrap, no script, one small stylesheet; nothing on them says who lives anywhere."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods, require_POST

from frontline.areas.models import Building
from frontline.core.ratelimit import RateLimited

from . import page as rules
from .models import Channel, RequestCategory, RequestKind, ResidentRequest, SupplyItem, SupplyOrder, Urgency
from .orders import LineIn, order_place
from .requests import request_submit


def _catalogue():
    return list(SupplyItem.objects.filter(orderable=True, active=True).order_by("category", "name"))


def _render(request, page, status=200, *, form="", error="", values=None, token=None, follow=None,
            template="care/page/page.html", **extra):
    values = values or {}
    items = _catalogue()
    for item in items:
        item.asked = values.get(f"qty_{item.pk}", "")
    context = {
        "page": page, "grid": page.area, "items": items, "values": values, "form": form, "error": error,
        "token": token or rules.token_new(page),
        "buildings": Building.objects.filter(area=page.area).order_by("name").only("pk", "name"),
        "kinds": RequestKind.choices, "categories": RequestCategory.choices, "urgencies": Urgency.choices,
        "follow": follow, **extra,
    }
    response = render(request, template, context, status=status)
    if status == 429 and "retry_after" in extra:
        response["Retry-After"] = str(extra["retry_after"])
    return response


def _refused(request, page, form, error: ValidationError | str, status=400, **extra):
    message = error if isinstance(error, str) else " ".join(error.messages)
    values = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken",)}
    token = values.pop("token", "")
    try:  # the same token again (its first use let go of it), unless it was the token that was wrong
        keep = token if rules.token_nonce(page, token) else None
    except ValidationError:
        keep = None
    return _render(request, page, status, form=form, error=message, values=values, token=keep, **extra)


def _missing(request):
    return render(request, "care/page/missing.html", status=404)


def _receipt(request, page, made: str):
    kind, receipt = made.split(":", 1)
    rows = (SupplyOrder.objects.select_related("batch") if kind == "order"
            else ResidentRequest.objects.select_related("unit"))
    found = rows.filter(receipt=receipt, area=page.area).first()
    if found is None:
        return _missing(request)
    return render(request, "care/page/receipt.html", {"page": page, "grid": page.area, "found": found,
                                                       "timeline": rules.timeline_of(found)})


def _open(code):
    try:
        return rules.page_open(code)
    except Http404:
        return None


@never_cache
@ensure_csrf_cookie
@require_http_methods(["GET", "HEAD"])
def resident_page(request, code):
    page = _open(code)
    if page is None:
        return _missing(request)
    return _render(request, page)


def _submit(request, code, form: str, parse, make):
    """The common path of both forms: parse (400 naming the field), the form's one-time token (a resend
    answers with the first receipt), the limits (429, nothing written), then the service (400 if it refuses)."""
    page = _open(code)
    if page is None:
        return _missing(request)
    post = request.POST
    try:
        household = rules.household_named(page, post.get("building"), post.get("unit"), post.get("room"))
        phone = rules.phone_given(post.get("phone"))
        parsed = parse(post)
        nonce = rules.token_nonce(page, post.get("token", ""))
    except ValidationError as e:
        return _refused(request, page, form, e)
    made = rules.once_claim(nonce)
    if made == rules.PENDING:
        return _refused(request, page, form, _("This form is already being sent: please wait a moment, then follow "
                                              "your receipt."), status=409)
    if made is not None:
        return _receipt(request, page, made)
    try:
        rules.limit_hit(request, bucket="page", phone=phone)
    except RateLimited as e:
        rules.once_release(nonce)
        return _refused(request, page, form, _("Too many submissions from here or for this phone: please try again "
                                              "in %(minutes)d minutes, or call the hotline.")
                        % {"minutes": max(1, (e.retry_after + 59) // 60)}, status=429, retry_after=e.retry_after)
    try:
        found = make(page, household, phone, parsed)
    except ValidationError as e:
        rules.once_release(nonce)
        return _refused(request, page, form, e)
    except BaseException:
        rules.once_release(nonce)
        raise
    made = f"{form}:{found.receipt}"
    rules.once_done(nonce, made)
    return _receipt(request, page, made)


def _order_lines(post) -> dict:
    lines = []
    names = {item.pk: item.name for item in _catalogue()}
    for key, value in post.items():
        if not key.startswith("qty_"):
            continue
        try:
            item_id = int(key.removeprefix("qty_"))
        except ValueError:
            continue
        quantity = rules.quantity_given(value, what=names.get(item_id, pgettext("resident page", "Quantity")))
        if quantity:
            lines.append(LineIn(item_id=item_id, quantity=quantity))
    other = (post.get("other") or "").strip()
    if other:
        quantity = rules.quantity_given(post.get("other_qty"), what=pgettext("resident page", "Something else")) or 1
        lines.append(LineIn(text=other, quantity=quantity))
    return {"lines": lines, "note": post.get("note", "")}


def _order_make(page, household, phone, parsed):
    return order_place(actor=None, household=household, channel=Channel.PAGE, contact_phone=phone,
                       lines=parsed["lines"], note=parsed["note"])


def _request_fields(post) -> dict:
    return {"kind": post.get("kind", ""), "category": post.get("category", ""),
            "urgency": post.get("urgency") or Urgency.NORMAL, "text": post.get("text", "")}


def _request_make(page, household, phone, parsed):
    return request_submit(actor=None, grid=page.area, household=household, channel=Channel.PAGE,
                          contact_phone=phone, **parsed)


@never_cache
@require_POST
def resident_order(request, code):
    return _submit(request, code, "order", _order_lines, _order_make)


@never_cache
@require_POST
def resident_request_submit(request, code):
    return _submit(request, code, "request", _request_fields, _request_make)


@never_cache
@ensure_csrf_cookie
@require_http_methods(["GET", "HEAD", "POST"])
def resident_follow(request, code):
    """A receipt and its phone: the status timeline, or one and the same "not found" for a receipt that is
    missing, another grid's or given with another phone. Every lookup counts toward the limits."""
    page = _open(code)
    if page is None:
        return _missing(request)
    data = request.POST if request.method == "POST" else request.GET
    receipt, raw_phone = rules.receipt_plain(data.get("receipt")), data.get("phone", "")
    values = {"receipt": data.get("receipt", ""), "phone": raw_phone}
    template = "care/page/follow.html"
    if request.method != "POST" and not raw_phone:  # the form, perhaps with the receipt filled in
        return _render(request, page, template=template, values=values)
    if not receipt:
        return _render(request, page, 400, template=template, values=values,
                       error=_("Receipt code: please write the code you were given (for example ABCDE-23456)."))
    try:
        phone = rules.phone_given(raw_phone)
    except ValidationError as e:
        return _render(request, page, 400, template=template, values=values, error=" ".join(e.messages))
    try:
        rules.limit_hit(request, bucket="follow", phone=phone)
    except RateLimited as e:
        return _render(request, page, 429, template=template, values=values, retry_after=e.retry_after,
                       error=_("Too many lookups from here or for this phone: please try again in %(minutes)d "
                               "minutes, or call the hotline.") % {"minutes": max(1, (e.retry_after + 59) // 60)})
    found = rules.receipt_found(page, receipt, phone)
    if found is None:
        return _render(request, page, 404, template=template, values=values,
                       error=_("No order or request of %(grid)s has this receipt code with this phone number. "
                               "Check both, or call the hotline.") % {"grid": page.area.name})
    return _render(request, page, template=template, values=values, timeline=rules.timeline_of(found))
