"""Residents' requests pages: an area's requests with filters and counts by category, a request with its
timeline and the actions the viewer may take (confirm, resolve, call back, reopen, merge), the masked contact
phone and its audited reveal, taking a request on the phone or at the door, and the hotline's call-back queue."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontline.areas.models import Area, AreaLevel
from frontline.areas.selectors import area_breadcrumb
from frontline.core import policy
from frontline.core.audit import audit_record
from frontline.core.models import AuditAction
from frontline.core.selectors import work_order_get_for
from frontline.core.validators import mask_phone

from . import request_services as services
from . import requests_selectors as selectors
from .models import Channel, RequestCategory, RequestKind, RequestStatus, ResidentRequest, Urgency
from .policy import CALL_BACK, HANDLE_REQUESTS, TAKE_REQUESTS, VIEW_REQUESTS
from .requests import RESIDENT_REQUEST, request_submit
from .view_helpers import area_asked, form_errors

STAFF_CHANNELS = [c for c in Channel.choices if c[0] != Channel.PAGE]


def _styled(form):
    for field in form.fields.values():
        if isinstance(field.widget, forms.RadioSelect):
            continue
        field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select) else "form-control")
    return form


_errors = form_errors


def _area(request, action: str = VIEW_REQUESTS) -> Area:
    return area_asked(request, action)


class RequestFilter(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", gettext_lazy("Any status"))] + RequestStatus.choices)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False,
                             choices=[("", gettext_lazy("Any kind"))] + RequestKind.choices)
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False,
                                 choices=[("", gettext_lazy("Any category"))] + RequestCategory.choices)
    urgency = forms.ChoiceField(label=gettext_lazy("Urgency"), required=False,
                                choices=[("", gettext_lazy("Any urgency"))] + Urgency.choices)
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False,
                                choices=[("", gettext_lazy("Any channel"))] + Channel.choices)
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)


@policy.requires(VIEW_REQUESTS)
def request_list(request):
    """An area's requests, filtered, a page at a time, with the counts by category over the whole area."""
    area = _area(request)
    form = _styled(RequestFilter(request.GET or None))
    filters, overdue = {}, False
    if form.is_bound and form.is_valid():
        filters = {k: form.cleaned_data[k] for k in selectors.FILTERS}
        overdue = form.cleaned_data["overdue"]
    now = timezone.now()
    rows = selectors.request_list(actor=request.user, area=area, filters=filters, overdue=overdue, now=now)
    page = Paginator(rows, settings.FRONTLINE_PAGE_SIZE).get_page(request.GET.get("page"))
    counts, total = selectors.request_counts(actor=request.user, area=area)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "care/requests/request_list.html", {
        "area": area, "form": form, "page": page, "counts": counts, "total": total, "now": now,
        "query": query.urlencode(), "breadcrumb": area_breadcrumb(actor=request.user, area=area),
        "may_take": policy.allows(request.user, TAKE_REQUESTS),
        "may_call_back": policy.allows(request.user, CALL_BACK),
        "children": Area.objects.get_children(area).restrict(request.user, VIEW_REQUESTS).order_by("code")
        if area.level != AreaLevel.GRID else []})


def _actions(user, req: ResidentRequest) -> dict:
    handle = services.may_handle(user, req)
    call_back = services.may_call_back(user, req)
    return {
        "confirm": handle and req.status == RequestStatus.OPEN and not req.verified,
        "resolve": handle and req.status == RequestStatus.OPEN and req.verified,
        "merge": handle and req.status == RequestStatus.OPEN,
        "call_back": call_back and req.status == RequestStatus.RESOLVED,
        "reopen": call_back and req.status in (RequestStatus.RESOLVED, RequestStatus.CLOSED),
        "reveal": services.may_reveal(user, req),
    }


@policy.requires(VIEW_REQUESTS)
def request_detail(request, pk):
    req = selectors.request_get_for(request.user, pk)
    orders = list(services.request_orders(req))
    return render(request, "care/requests/request_detail.html", {
        "req": req, "orders": orders, "current": next((o for o in orders if o.active), None),
        "phone": mask_phone(req.contact_phone), "overdue": selectors.overdue_since(req),
        "duplicates": req.duplicates.order_by("received_at", "id"), "actions": _actions(request.user, req),
        "household": req.household, "breadcrumb": area_breadcrumb(actor=request.user, area=req.area)})


def _request_for(request, pk, action: str, may) -> ResidentRequest:
    """The request (404 if not the viewer's to see), if the viewer may do this to it (403 otherwise)."""
    req = selectors.request_get_for(request.user, pk)
    if not policy.allows(request.user, action, req) or not may(request.user, req):
        raise PermissionDenied
    return req


class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=gettext_lazy("How it was resolved"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}))


class CallBackForm(forms.Form):
    # Checked by the service (its message names the value given), not by the choices.
    rating = forms.CharField(label=gettext_lazy("Satisfaction (1–5)"), required=False,
                             widget=forms.RadioSelect(choices=[(str(n), str(n)) for n in range(1, 6)]))
    resolved = forms.ChoiceField(label=gettext_lazy("Is the matter resolved?"), widget=forms.RadioSelect,
                                 choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No, not resolved"))],
                                 initial="yes")
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why it is reopened"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(forms.Form):
    original = forms.CharField(label=gettext_lazy("Receipt code of the original request"), max_length=20)


def _act(request, req, form, title: str, do, done: str, template: str = "care/requests/request_form.html",
         danger: bool = False):
    if request.method == "POST" and form.is_valid():
        try:
            do(form.cleaned_data)
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, done)
            return redirect("request_detail", pk=req.pk)
    return render(request, template, {"req": req, "form": _styled(form), "title": title, "danger": danger,
                                      "breadcrumb": area_breadcrumb(actor=request.user, area=req.area)})


@policy.requires(HANDLE_REQUESTS)
def request_confirm(request, pk):
    """The grid worker called the household back on its known phone: the request goes to its unit."""
    req = _request_for(request, pk, HANDLE_REQUESTS, services.may_handle)
    return _act(request, req, NoteForm(request.POST or None), _("Confirm with the household"),
                lambda data: services.request_confirm(actor=request.user, request=req, note=data["note"]),
                _("Confirmed: the request went to %(unit)s.") % {"unit": req.unit.name})


@policy.requires(HANDLE_REQUESTS)
def request_resolve(request, pk):
    req = _request_for(request, pk, HANDLE_REQUESTS, services.may_handle)
    return _act(request, req, ResolveForm(request.POST or None), _("Resolve the request"),
                lambda data: services.request_resolve(actor=request.user, request=req, resolution=data["resolution"]),
                _("Resolved. The hotline will call the resident back."))


@policy.requires(CALL_BACK)
def request_call_back(request, pk):
    req = _request_for(request, pk, CALL_BACK, services.may_call_back)

    def do(data):
        done = services.request_call_back(actor=request.user, request=req, rating=data["rating"],
                                          resolved=data["resolved"] == "yes", note=data["note"])
        if done.status == RequestStatus.OPEN:
            messages.warning(request, _("Not satisfied: the request is reopened with a new deadline."))
    return _act(request, req, CallBackForm(request.POST or None), _("Satisfaction call-back"), do,
                _("Call-back recorded."))


@policy.requires(CALL_BACK)
def request_reopen(request, pk):
    req = _request_for(request, pk, CALL_BACK, services.may_call_back)
    return _act(request, req, ReopenForm(request.POST or None), _("Reopen the request"),
                lambda data: services.request_reopen(actor=request.user, request=req, reason=data["reason"]),
                _("Reopened with a new deadline."), danger=True)


@policy.requires(HANDLE_REQUESTS)
def request_merge(request, pk):
    req = _request_for(request, pk, HANDLE_REQUESTS, services.may_handle)

    def do(data):
        code = data["original"].replace("-", "").strip().upper()
        original = ResidentRequest.objects.visible_to(request.user).filter(receipt=code).first()
        if original is None:
            raise ValidationError({"original": _("No request %(code)s that you may see.") % {"code": data["original"]}})
        services.request_merge(actor=request.user, duplicate=req, original=original)
    return _act(request, req, MergeForm(request.POST or None), _("Merge as a duplicate"), do,
                _("Merged into the original request."), danger=True)


@policy.requires(VIEW_REQUESTS)
def request_reveal(request, pk):
    """The contact phone in full, once, written into the audit log."""
    if request.method != "POST":
        return redirect("request_detail", pk=pk)
    req = _request_for(request, pk, VIEW_REQUESTS, services.may_reveal)
    audit_record(actor=request.user, action=AuditAction.REVEAL, obj=req, note="request contact phone")
    return render(request, "care/requests/revealed.html", {"value": req.contact_phone})


@policy.requires(policy.VIEW_WORK)
def request_order(request, pk):
    """A request's work order's own page: the request, where it is resolved."""
    order = work_order_get_for(request.user, pk)
    if order.kind != RESIDENT_REQUEST:
        raise Http404
    if not ResidentRequest.objects.visible_to(request.user).filter(pk=order.subject_id).exists():
        raise Http404
    return redirect("request_detail", pk=order.subject_id)


class TakeForm(forms.Form):
    grid = forms.TypedChoiceField(label=gettext_lazy("Grid"), coerce=int)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=RequestKind.choices, initial=RequestKind.APPEAL,
                             widget=forms.RadioSelect)
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=STAFF_CHANNELS)
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=RequestCategory.choices)
    urgency = forms.ChoiceField(label=gettext_lazy("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL,
                                widget=forms.RadioSelect)
    text = forms.CharField(label=gettext_lazy("What they ask"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    building = forms.CharField(label=gettext_lazy("Building"), required=False, max_length=50)
    unit = forms.CharField(label=gettext_lazy("Unit"), required=False, max_length=10)
    room = forms.CharField(label=gettext_lazy("Room"), required=False, max_length=10)
    phone = forms.CharField(label=gettext_lazy("Caller's phone"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))

    def __init__(self, *args, grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = [(g.pk, g.name) for g in grids]


def _default_channel(user) -> str:
    roles = {a.role for a in policy.assignments(user)}
    if "hotline" in roles:
        return Channel.HOTLINE
    if "grid_worker" in roles:
        return Channel.GRID
    return Channel.SECRETARY_HOTLINE


@policy.requires(TAKE_REQUESTS)
def request_take(request):
    """Take a request on the phone, at the door or at the desk: the household found by its room, or by the
    caller's phone among its residents' contact phones (the page never lists who lives there)."""
    grids = list(selectors.grids_for(request.user, TAKE_REQUESTS)[:500])
    form = TakeForm(request.POST or None, grids=grids,
                    initial={"channel": _default_channel(request.user), "grid": grids[0].pk if grids else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grid = next((g for g in grids if g.pk == data["grid"]), None)
        try:
            household = selectors.household_find(grid=grid, building=data["building"], unit=data["unit"],
                                                 room=data["room"], phone=data["phone"])
            req = request_submit(actor=request.user, grid=grid, household=household, kind=data["kind"],
                                 channel=data["channel"], category=data["category"], urgency=data["urgency"],
                                 text=data["text"], contact_phone=data["phone"])
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, _("Request %(receipt)s taken: due %(due)s at %(unit)s.") % {
                "receipt": req.receipt_display, "due": timezone.localtime(req.due_at).strftime("%Y-%m-%d %H:%M"),
                "unit": req.unit.name})
            return redirect("request_detail", pk=req.pk)
    area = policy.home_area(request.user)
    return render(request, "care/requests/request_take.html", {
        "form": _styled(form), "breadcrumb": area_breadcrumb(actor=request.user, area=area) if area else None})


@policy.requires(CALL_BACK)
def request_call_backs(request):
    """Resolved requests waiting for their satisfaction call-back, the longest waiting first."""
    rows = selectors.call_back_queue(actor=request.user)
    page = Paginator(rows, settings.FRONTLINE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "care/requests/call_backs.html", {"page": page})
