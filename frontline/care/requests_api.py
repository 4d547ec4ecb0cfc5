"""API: residents' requests in the caller's scope (contact phones masked), taking one in, resolving one; through
the same selectors and services as the pages."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import paginate

from frontline.areas.models import Area, Household
from frontline.core import policy
from frontline.core.validators import mask_phone

from . import request_services as services
from .models import ResidentRequest, Urgency
from .policy import HANDLE_REQUESTS, TAKE_REQUESTS, VIEW_REQUESTS
from .requests import request_submit
from .requests_selectors import FILTERS, request_get_for

router = Router(tags=["requests"])


class RequestOut(Schema):
    id: int
    receipt: str
    kind: str
    channel: str
    category: str
    urgency: str
    status: str
    verified: bool
    grid_id: int
    unit_id: int
    household_id: int | None = None
    text: str
    contact_phone: str  # masked
    received_at: datetime.datetime
    due_at: datetime.datetime
    resolved_at: datetime.datetime | None = None
    resolution: str
    rating: int | None = None
    reopened: int
    duplicate_of_id: int | None = None

    @staticmethod
    def resolve_receipt(obj):
        return obj.receipt_display

    @staticmethod
    def resolve_grid_id(obj):
        return obj.area_id

    @staticmethod
    def resolve_contact_phone(obj):
        return mask_phone(obj.contact_phone)


class RequestIn(Schema):
    grid_id: int
    household_id: int | None = None
    kind: str = "appeal"
    channel: str = "hotline"
    category: str
    urgency: str = Urgency.NORMAL
    text: str
    contact_phone: str = ""


class ResolveIn(Schema):
    resolution: str = ""


@router.get("/care/requests", response=list[RequestOut])
@paginate
@policy.api_requires(VIEW_REQUESTS)
def request_list(request, status: str = "", kind: str = "", category: str = "", urgency: str = "",
                 channel: str = "", area_id: int | None = None):
    """Requests the caller may see, newest first; filters by status, kind, category, urgency, channel, area."""
    rows = ResidentRequest.objects.visible_to(request.auth)
    if area_id is not None:
        area = Area.objects.restrict(request.auth, VIEW_REQUESTS).filter(pk=area_id).first()
        if area is None:
            raise Http404
        rows = rows.filter(area__path__startswith=area.path)
    given = {"status": status, "kind": kind, "category": category, "urgency": urgency, "channel": channel}
    rows = rows.filter(**{k: v for k, v in given.items() if k in FILTERS and v})
    return rows.order_by("-received_at", "-id")


@router.post("/care/requests", response={201: RequestOut})
@policy.api_requires(TAKE_REQUESTS)
def request_take(request, payload: RequestIn):
    """Take a request for a grid the caller may take requests in (and a household of it): routed to its unit
    with the deadline of its category and urgency. 404 for a grid or household not the caller's."""
    grid = Area.objects.restrict(request.auth, TAKE_REQUESTS).filter(pk=payload.grid_id, level="grid").first()
    if grid is None:
        raise Http404
    household = None
    if payload.household_id is not None:
        household = (Household.objects.filter(pk=payload.household_id, building__area=grid)
                     .select_related("building").first())
        if household is None:
            raise Http404
    created = request_submit(actor=request.auth, grid=grid, household=household, kind=payload.kind,
                             channel=payload.channel, category=payload.category, urgency=payload.urgency,
                             text=payload.text, contact_phone=payload.contact_phone)
    return 201, created


@router.post("/care/requests/{request_id}/resolve", response=RequestOut)
@policy.api_requires(HANDLE_REQUESTS)
def request_resolve(request, request_id: int, payload: ResolveIn):
    """Resolve a request with a note (required): its work order closes."""
    found = request_get_for(request.auth, request_id)
    if not services.may_handle(request.auth, found):
        raise PermissionDenied
    return services.request_resolve(actor=request.auth, request=found, resolution=payload.resolution)
