"""Checkpoint pages (卡口): the staff's phone screen (one field, scan and Enter, tap the health-code colour seen on
the person's phone, the verdict at once in large type) and its upload, handed to `scans.scans_record`; the desks'
list of checkpoints with today's flow and stops, a checkpoint's page with its staff on duty and today's stops, and
opening a checkpoint. The staff see a masked name and an age for the person in front of them, and their own
recent scans; never a list of people to search."""

import re
import uuid
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from frontline.areas.models import Area, SiteKind
from frontline.areas.selectors import area_breadcrumb
from frontline.core import policy
from frontline.core.audit import audit_record
from frontline.core.models import AuditAction, User

from .checkpoints import checkpoint_post_add, checkpoint_post_end
from .gate import (
    SITE_ROWS,
    checkpoint_areas,
    checkpoint_get_for,
    checkpoint_site_create,
    checkpoint_sites,
    flow_today,
    post_candidates,
    posts_current,
    recent_scans,
    stops_today,
)
from .models import CheckpointPost, CodeColour, Direction
from .policy import MANAGE_CHECKPOINTS, RECORD_SCANS, VIEW_SCANS

STOPS_NOTE = "checkpoint stops"


def _colours():  # the three buttons, in the reader's language
    return [(CodeColour.GREEN, _("Green code")), (CodeColour.YELLOW, _("Yellow code")), (CodeColour.RED, _("Red code"))]


def _directions():
    return [(Direction.IN, _("Coming in")), (Direction.OUT, _("Going out"))]


PICK_ROWS = 100


# --- the staff's screen ---------------------------------------------------------------------------------------

@policy.requires(RECORD_SCANS)
def gate_scan_home(request):
    """卡口查验: straight to the screen where the account records at one checkpoint; a choice where there are more."""
    sites = list(checkpoint_sites(request.user, RECORD_SCANS)[:PICK_ROWS + 1])
    if len(sites) == 1:
        return redirect("gate_scan", pk=sites[0].pk)
    return render(request, "epidemic/gate/pick.html", {"sites": sites[:PICK_ROWS], "more": len(sites) > PICK_ROWS,
                                                       "active": "gate_scan"})


def _texts() -> dict:
    """What the page's script says, in the reader's language (the script holds no words of its own)."""
    return {
        "need_person": _("Scan or type the ID number or resident QR code first."),
        "need_temperature": _("Enter the temperature."),
        "need_colour": _("Tap the colour of the health code shown on the person's phone."),
        "need_manual": _("Enter the visitor's name, ID number and phone."),
        "passed": _("PASS"),
        "stopped": _("STOP — NO ENTRY"),
        "duplicate": _("Already recorded (counted once)"),
        "sending": _("Checking…"),
        "offline": _("No answer from the server: tap again to resend (it counts once)."),
        "relogin": _("Your session has ended: log in again."),
        "age": _("%(age)s y"),
        "refused": _("Not recorded"),
    }


def _screen_context(request, site, **extra) -> dict:
    config = {"endpoint": reverse("gate_scan_record", args=[site.pk]), "site": site.pk, "user": request.user.pk,
              "texts": _texts()}
    return {"site": site, "config": config, "client_id": uuid.uuid4().hex, "recent": recent_scans(site, request.user),
            "colours": _colours(), "directions": _directions(), "active": "gate_scan", **extra}


@policy.requires(RECORD_SCANS)
def gate_scan(request, pk):
    """The screen for one checkpoint: one field that takes a scanner's keystrokes and Enter, the temperature, the
    itinerary flag, in/out (kept between scans), three big colour buttons that send the check, the verdict."""
    site = checkpoint_get_for(request.user, RECORD_SCANS, pk)
    return render(request, "epidemic/gate/scan.html", _screen_context(request, site))


_TEMPERATURE_DIGITS = re.compile(r"^\d{3}$")


def _temperature(raw: str) -> str:
    """"36.5", "36,5" or "365" (a phone's numeric keypad without a point) → "36.5"; anything else as typed, for
    the service to refuse naming it."""
    value = (raw or "").strip().replace(",", ".").replace("。", ".")
    if _TEMPERATURE_DIGITS.match(value):
        return f"{value[:2]}.{value[2]}"
    try:
        return str(Decimal(value).quantize(Decimal("0.1")))
    except (InvalidOperation, ValueError):
        return value


def _row(post) -> dict:
    """The scan as the service takes it, from the screen's form fields (the scan time is the server's: a phone's
    clock may be off, and the page sends at once)."""
    row = {"client_id": (post.get("client_id") or "").strip()[:64], "direction": post.get("direction", ""),
           "code_colour": post.get("code_colour", ""), "itinerary_flag": post.get("itinerary_flag") in ("1", "on", "true"),
           "temperature": _temperature(post.get("temperature", "")), "scanned_at": timezone.now()}
    if post.get("manual") in ("1", "on", "true"):  # a visitor by hand
        row["person"] = {"name": post.get("name", "").strip(), "id_number": post.get("id_number", "").strip().upper(),
                         "phone": post.get("phone", "").strip()}
    else:
        row["person"] = (post.get("person") or "").strip()
    return row


def _verdict_dict(verdict) -> dict:
    """What the screen shows of a verdict: passed or stopped with the reasons, the masked name and age, and
    whether the client id was recorded before."""
    return {"client_id": verdict.client_id, "passed": bool(verdict.passed), "reasons": [str(r) for r in verdict.reasons],
            "name": verdict.masked_name, "age": verdict.age, "duplicate": bool(verdict.duplicate)}


def _without_record_id(message: str, client_id: str) -> str:
    """The service names a refused record by its client id (a kiosk's batch needs it); on the screen there is
    one check, and a long random id in front of the reason only hides it."""
    prefix = _("Record %(id)s: %(why)s") % {"id": client_id, "why": ""}
    return message[len(prefix):] if message.startswith(prefix) else message


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@policy.requires(RECORD_SCANS)
@require_POST
def gate_scan_record(request, pk):
    """One check from the screen (form fields; the page's script asks for JSON): recorded by the scan service,
    answered with the verdict — passed or stopped with the reasons, the masked name and age, and whether this
    client id was recorded before (a double tap or a resend counts once). Without the script the page is drawn
    again with the verdict."""
    json_answer = _wants_json(request)
    try:
        site = checkpoint_get_for(request.user, RECORD_SCANS, pk)
    except Http404:
        if json_answer:
            return JsonResponse({"error": _("This is not a checkpoint where you record checks.")}, status=404,
                                json_dumps_params={"ensure_ascii": False})
        raise
    from .registration import BatchRefused
    from .scans import REFUSED, scans_record

    row = _row(request.POST)
    status, verdict, error = 200, None, ""
    try:
        (verdict,) = scans_record(actor=request.user, site=site, rows=[row], source="phone")
    except BatchRefused as refused:
        status, error = refused.status, refused.message
    except PermissionDenied:
        status, error = 404, _("This is not a checkpoint where you record checks.")
    else:
        if verdict.status == REFUSED:
            status, error, verdict = 400, _without_record_id(verdict.message, verdict.client_id), None
    if json_answer:
        if error:
            return JsonResponse({"error": error}, status=status, json_dumps_params={"ensure_ascii": False})
        return JsonResponse({"verdict": _verdict_dict(verdict), "recent": _recent_json(site, request.user)},
                            json_dumps_params={"ensure_ascii": False})
    context = _screen_context(request, site, verdict=_verdict_dict(verdict) if verdict else None, error=error,
                              kept={"direction": row["direction"]})
    return render(request, "epidemic/gate/scan.html", context, status=status)


def _recent_json(site, staff) -> list[dict]:
    return [{"at": timezone.localtime(r["at"]).strftime("%H:%M"), "direction": str(r["direction"]),
             "passed": r["passed"], "name": r["name"], "age": r["age"], "reasons": r["reasons"]}
            for r in recent_scans(site, staff)]


# --- the desks' pages -----------------------------------------------------------------------------------------

@policy.requires(VIEW_SCANS)
def checkpoint_list(request):
    """卡口: the checkpoints the viewer may see, with today's people let in and out and the stops."""
    user = request.user
    sites = list(checkpoint_sites(user, VIEW_SCANS)[:SITE_ROWS + 1])
    flow = flow_today(s.pk for s in sites[:SITE_ROWS])
    empty = {"in": 0, "out": 0, "stops": 0}
    rows = [(s, flow.get(s.pk, empty)) for s in sites[:SITE_ROWS]]
    totals = {k: sum(f[k] for _s, f in rows) for k in empty}
    home = policy.home_area(user)
    return render(request, "epidemic/gate/list.html", {
        "rows": rows, "more": len(sites) > SITE_ROWS, "totals": totals, "today": timezone.localdate(),
        "can_manage": policy.allows(user, MANAGE_CHECKPOINTS), "can_scan": policy.allows(user, RECORD_SCANS),
        "breadcrumb": area_breadcrumb(actor=user, area=home) if home else None, "active": "checkpoints"})


class CheckpointPostForm(forms.Form):
    user = forms.ModelChoiceField(label=gettext_lazy("Account"), queryset=User.objects.none(), error_messages={
        "required": gettext_lazy("Choose the account."),
        "invalid_choice": gettext_lazy("Choose an account you manage.")})
    valid_until = forms.DateField(label=gettext_lazy("On duty until (empty: until ended)"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}),
                                  error_messages={"invalid": gettext_lazy("Enter a date such as 2022-04-30.")})

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates.order_by("username")
        self.fields["user"].label_from_instance = lambda u: f"{u.username} · {u.role_label}"
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-select" if isinstance(f, forms.ModelChoiceField) else "form-control")


class CheckpointSiteForm(forms.Form):
    area = forms.ModelChoiceField(label=gettext_lazy("Where (community or grid)"), queryset=Area.objects.none(),
                                  error_messages={"required": gettext_lazy("Choose where the checkpoint is."),
                                                  "invalid_choice": gettext_lazy("Choose an area of yours.")})
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), initial=SiteKind.CHECKPOINT, choices=[
        (SiteKind.CHECKPOINT, SiteKind.CHECKPOINT.label), (SiteKind.TRAFFIC_POINT, SiteKind.TRAFFIC_POINT.label)])
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100,
                           error_messages={"required": gettext_lazy("Give the checkpoint a name.")})
    address = forms.CharField(label=gettext_lazy("Address of the checkpoint"), max_length=200, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = checkpoint_areas(actor)
        self.fields["area"].label_from_instance = lambda a: f"{a.name} · {a.get_level_display()}"
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-select" if isinstance(f, forms.ChoiceField) else "form-control")


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def _detail_context(request, site, **forms_) -> dict:
    user = request.user
    can_manage = policy.allows(user, MANAGE_CHECKPOINTS, site)
    stops = stops_today(site)
    flow = flow_today([site.pk]).get(site.pk, {"in": 0, "out": 0, "stops": 0})
    context = {"site": site, "flow": flow, "stops": stops, "posts": list(posts_current(site)), "can_manage": can_manage,
               "can_scan": checkpoint_sites(user, RECORD_SCANS).filter(pk=site.pk).exists(),
               "today": timezone.localdate(), "active": "checkpoints",
               "breadcrumb": area_breadcrumb(actor=user, area=site.area)}
    if can_manage:
        context["post_form"] = forms_.get("post_form") or CheckpointPostForm(
            candidates=post_candidates(actor=user, site=site))
    return context


@policy.requires(VIEW_SCANS)
def checkpoint_detail(request, pk):
    """A checkpoint: today's flow, the staff on duty (posted and ended here by the desk), today's stops (masked
    names, reasons, time; the page's view is audited)."""
    site = checkpoint_get_for(request.user, VIEW_SCANS, pk)
    context = _detail_context(request, site)
    if context["stops"]:
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=site, note=STOPS_NOTE)
    return render(request, "epidemic/gate/detail.html", context)


def _managed(request, pk):
    site = checkpoint_get_for(request.user, VIEW_SCANS, pk)
    if not policy.allows(request.user, MANAGE_CHECKPOINTS, site):
        raise PermissionDenied
    return site


@policy.requires(MANAGE_CHECKPOINTS)
@require_POST
def checkpoint_post_new(request, pk):
    site = _managed(request, pk)
    form = CheckpointPostForm(request.POST, candidates=post_candidates(actor=request.user, site=site))
    if form.is_valid():
        try:
            post = checkpoint_post_add(actor=request.user, site=site, user=form.cleaned_data["user"],
                                       valid_until=form.cleaned_data.get("valid_until"))
        except ValidationError as e:
            _errors_to_form(form, e)
        else:
            flash.success(request, _("%(name)s is on duty at %(site)s.") % {"name": post.user.username,
                                                                          "site": site.name})
            return redirect(reverse("checkpoint_detail", args=[site.pk]) + "#staff")
    return render(request, "epidemic/gate/detail.html", _detail_context(request, site, post_form=form), status=400)


@policy.requires(MANAGE_CHECKPOINTS)
@require_POST
def checkpoint_post_end_view(request, pk, post_pk):
    site = _managed(request, pk)
    post = CheckpointPost.objects.filter(site=site, pk=post_pk).select_related("user", "site").first()
    if post is None:
        raise Http404
    try:
        checkpoint_post_end(actor=request.user, post=post)
    except ValidationError as e:
        flash.error(request, " ".join(e.messages))
    else:
        flash.success(request, _("%(name)s is no longer on duty at %(site)s.") % {"name": post.user.username,
                                                                                "site": site.name})
    return redirect(reverse("checkpoint_detail", args=[site.pk]) + "#staff")


@policy.requires(MANAGE_CHECKPOINTS)
def checkpoint_new(request):
    """Open a checkpoint (a compound's gate) or a traffic point at a community or grid of one's place."""
    form = CheckpointSiteForm(request.POST or None, actor=request.user,
                              initial={"kind": SiteKind.CHECKPOINT})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            site = checkpoint_site_create(actor=request.user, area=data["area"], name=data["name"], kind=data["kind"],
                                          address=data.get("address", ""))
        except ValidationError as e:
            _errors_to_form(form, e)
        else:
            flash.success(request, _("Checkpoint %(name)s opened: post its staff.") % {"name": site.name})
            return redirect(reverse("checkpoint_detail", args=[site.pk]) + "#staff")
    return render(request, "epidemic/gate/new.html", {"form": form, "active": "checkpoints"},
                  status=400 if form.errors else 200)
