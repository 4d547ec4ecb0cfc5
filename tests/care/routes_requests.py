"""The access matrix's entries for residents' requests: the list, taking one and the call-back queue (no object),
a request's page (view_requests), confirming, resolving and merging (handle_requests, and acting on its work
order: the unit it went to), the call-back and reopening (call_back), the contact phone's reveal (who may reveal
there, or hotline staff calling back a resolved request), a request work order's own page (view_work), and the
API's list, submit and resolve."""

from frontline.areas.models import Area
from frontline.care import request_services as services
from frontline.care.models import ResidentRequest
from frontline.care.policy import CALL_BACK, HANDLE_REQUESTS, TAKE_REQUESTS, VIEW_REQUESTS
from frontline.care.requests import request_submit
from frontline.core.models import WorkOrder


def _pk(attr):
    return lambda o, where, user: {"pk": getattr(o[where], attr).pk}


def _sees_order_and_request(user, order) -> bool:
    return (WorkOrder.objects.visible_to(user).filter(pk=order.pk).exists()
            and ResidentRequest.objects.visible_to(user).filter(pk=order.subject_id).exists())


def _takes_in(user, grid) -> bool:
    return Area.objects.restrict(user, TAKE_REQUESTS).filter(pk=grid.pk).exists()


def entries(matrix):
    Route, obj = matrix.Route, matrix._obj
    pages = {
        "request_list": Route(VIEW_REQUESTS, outside=False),
        "request_take": Route(TAKE_REQUESTS, outside=False),
        "request_call_backs": Route(CALL_BACK, outside=False),
        "request_detail": Route(VIEW_REQUESTS, _pk("request_open"), obj("request_open")),
        "request_confirm": Route(HANDLE_REQUESTS, _pk("request_page"), obj("request_page"), method="post",
                                 data=lambda o, w: {"note": "已电话核实"}, may=services.may_handle),
        "request_resolve": Route(HANDLE_REQUESTS, _pk("request_open"), obj("request_open"), method="post",
                                 data=lambda o, w: {"resolution": "已送达"}, may=services.may_handle),
        "request_merge": Route(HANDLE_REQUESTS, _pk("request_dup"), obj("request_dup"), method="post",
                               data=lambda o, w: {"original": o[w].request_open.receipt}, may=services.may_handle),
        "request_call_back": Route(CALL_BACK, _pk("request_resolved"), obj("request_resolved"), method="post",
                                   data=lambda o, w: {"rating": "4", "resolved": "yes"}, may=services.may_call_back),
        "request_reopen": Route(CALL_BACK, _pk("request_resolved"), obj("request_resolved"), method="post",
                                data=lambda o, w: {"reason": "居民再次来电"}, may=services.may_call_back),
        "request_reveal": Route(VIEW_REQUESTS, _pk("request_resolved"), obj("request_resolved"), method="post",
                                may=services.may_reveal),
        "request_order": Route("view_work", _pk("request_order"), obj("request_order"),
                               visible=_sees_order_and_request),
    }
    api = {
        ("get", "/api/v1/care/requests"): Route(VIEW_REQUESTS, outside=False),
        ("post", "/api/v1/care/requests"): Route(
            TAKE_REQUESTS, target=obj("grid"), method="post", visible=_takes_in,
            data=lambda o, w: {"grid_id": o[w].grid.pk, "household_id": o[w].household.pk, "category": "supplies",
                               "text": "家中缺少生活物资", "contact_phone": "13800138000"}),
        ("post", "/api/v1/care/requests/{request_id}/resolve"): Route(
            HANDLE_REQUESTS, lambda o, w, u: {"request_id": o[w].request_open.pk}, obj("request_open"), method="post",
            data=lambda o, w: {"resolution": "已送达"}, may=services.may_handle),
    }
    return pages, api


def place(o, city):
    """In each probe grid: a confirmed supplies request (the grid's own work), a second one to merge, one from the
    resident page not yet confirmed, and one resolved and waiting for its call-back."""
    for here, author in ((o.inside, "commander"), (o.outside, "district2")):
        actor = city.users[author]

        def take(text, actor=actor, here=here):
            return request_submit(actor=actor, grid=here.grid, household=here.household, kind="appeal",
                                  channel="hotline", category="supplies", text=text, contact_phone="13800138000")

        here.request_open = take("家中缺米")
        here.request_dup = take("家中缺米（重复来电）")
        here.request_page = request_submit(actor=None, grid=here.grid, household=here.household, kind="appeal",
                                           channel="page", category="medicine", text="需要代购降压药",
                                           contact_phone="13800138001")
        here.request_resolved = services.request_resolve(actor=actor, request=take("需要卫生纸"), resolution="已送达")
        here.request_order = services.request_order(here.request_open)


def fingerprint():
    return (ResidentRequest.objects.count(),
            tuple(ResidentRequest.objects.values_list("pk", "status", "verified", "rating", "reopened", "duplicate_of_id")
                  .order_by("pk")))
