"""Residents' requests and suggestions (意见建议、急难愁盼): taking one in, and routing it to the unit responsible
for its category (the grid's worker, the community, the street; FRONTLINE_REQUEST_ROUTES) with the deadline of
its category and urgency (FRONTLINE_REQUEST_HOURS), as a `resident_request` work order that escalates when it
is overdue. A submission from the resident page is unverified: it lands in the grid's inbox first, and is
routed once the grid worker has confirmed it with the household."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import AreaLevel
from frontline.core import policy
from frontline.core.audit import audit_create
from frontline.core.models import Priority
from frontline.core.roles import Role
from frontline.core.services import work_order_create
from frontline.core.validators import normalize_phone

from .models import Channel, RequestCategory, RequestKind, ResidentRequest, Urgency
from .policy import TAKE_REQUESTS
from .text import clean_text

RESIDENT_REQUEST = "resident_request"  # work-order kind: handle a request to resolution
ROLE_AT_LEVEL = {AreaLevel.GRID: Role.GRID_WORKER, AreaLevel.COMMUNITY: Role.COMMUNITY_SECRETARY,
                 AreaLevel.STREET: Role.STREET_OFFICER, AreaLevel.DISTRICT: Role.COMMANDER,
                 AreaLevel.CITY: Role.COMMANDER}


def responsible_unit(grid, category: str):
    """The area at the level the category is routed to: the grid itself or one of its ancestors."""
    level = settings.FRONTLINE_REQUEST_ROUTES.get(category, AreaLevel.COMMUNITY)
    if grid.level == level:
        return grid
    return next((a for a in grid.get_ancestors() if a.level == level), grid)


def request_due(category: str, urgency: str, received_at: datetime.datetime) -> datetime.datetime:
    urgent_hours, normal_hours = settings.FRONTLINE_REQUEST_HOURS.get(category, (24, 72))
    return received_at + datetime.timedelta(hours=urgent_hours if urgency == Urgency.URGENT else normal_hours)


def route(request: ResidentRequest, *, actor) -> None:
    """The request's work order: at its unit, for the role responsible there, due with the request. Unverified,
    it goes to the grid's workers (to confirm it with the household) with the same deadline."""
    unit = request.unit if request.verified else request.area
    title = (_("%(kind)s (%(category)s): %(text)s") % {"kind": request.get_kind_display(),
                                                       "category": request.get_category_display(),
                                                       "text": request.text[:60]})
    work_order_create(actor=actor, kind=RESIDENT_REQUEST, title=title[:200], area=unit, subject=request,
                      assignee_role=ROLE_AT_LEVEL[unit.level], due_at=request.due_at,
                      priority=Priority.URGENT if request.urgency == Urgency.URGENT else Priority.NORMAL)


@transaction.atomic
def request_submit(*, actor, grid, kind: str, channel: str, category: str, text: str, household=None,
                   urgency: str = Urgency.NORMAL, contact_phone: str = "",
                   now: datetime.datetime | None = None) -> ResidentRequest:
    """Take in a request or suggestion about a grid (and a household of it, where there is one). `actor` None: a
    resident on the grid's public page."""
    if actor is None:
        if channel != Channel.PAGE:
            raise ValidationError(_("Only the resident page takes requests without an account."))
        if household is None:
            raise ValidationError(_("Choose your building and room."))
    else:
        policy.require(actor, TAKE_REQUESTS, household or grid)
    if grid.level != AreaLevel.GRID:
        raise ValidationError(_("A request belongs to a grid."))
    if household is not None and household.building.area_id != grid.pk:
        raise ValidationError(_("This room is not in %(grid)s.") % {"grid": grid.name})
    if kind not in RequestKind.values:
        raise ValidationError(_("Choose whether it is a suggestion or an appeal."))
    if category not in RequestCategory.values:
        raise ValidationError(_("Choose what the request is about."))
    if urgency not in Urgency.values:
        raise ValidationError(_("Choose how urgent it is."))
    phone = ""
    if contact_phone or actor is None:
        try:
            phone = normalize_phone(contact_phone)
        except ValidationError:
            raise ValidationError(_("The contact phone %(phone)s is not a valid phone number.")
                                  % {"phone": contact_phone}) from None
    now = now or timezone.now()
    request = ResidentRequest(kind=kind, channel=channel, category=category, urgency=urgency, area=grid,
                              household=household, unit=responsible_unit(grid, category), contact_phone=phone,
                              text=clean_text(text, max_length=2000, field=_("Your request"), required=True),
                              verified=actor is not None, taken_by=actor, received_at=now,
                              day=timezone.localdate(now), due_at=request_due(category, urgency, now))
    request.full_clean()
    request.save()
    audit_create(actor, request)
    route(request, actor=actor)
    return request
