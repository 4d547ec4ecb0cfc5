"""The wall screen (指挥大屏): a full-screen dark page of an area's key figures, ranking and trends at 1920×1080,
and the JSON it fetches every few seconds (answered 304 while this minute's figures are unchanged). Both fetch the
area through the viewer's dashboard scope: 404 alike for "missing" and "not yours"."""

import datetime

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language, pgettext
from django.views.decorators.http import require_GET

from frontline.core import policy

from .policy import VIEW_DASHBOARD
from .selectors import command_area_get_for
from .wall import refresh_seconds, wall_data, wall_etag


@require_GET
@policy.requires(VIEW_DASHBOARD)
def command_wall(request, pk):
    area = command_area_get_for(request.user, pk)
    rank = request.GET.get("rank", "")
    data = wall_data(actor=request.user, area=area, rank=rank)
    data_url = reverse("command_wall_data", args=[area.pk]) + (f"?rank={data['rank']['code']}" if rank else "")
    config = {
        "data_url": data_url,
        "every": refresh_seconds(request.GET.get("every")),
        "storage_key": f"frontline.wall.{area.pk}.{data['rank']['code']}.{get_language()}",
        "locale": "zh-CN" if (get_language() or "").startswith("zh") else "en",
        "texts": {
            "lost": pgettext("wall", "Connection lost, showing the data of %(time)s"),
            "logged_out": pgettext("wall", "Logged out, showing the data of %(time)s: log in again to refresh"),
            "stored": pgettext("wall", "Showing the stored data of %(time)s"),
            "up": pgettext("wall", "▲ %(n)s since yesterday"),
            "down": pgettext("wall", "▼ %(n)s since yesterday"),
            "same": pgettext("wall", "unchanged since yesterday"),
            "no_history": pgettext("wall", "no figure for yesterday"),
        },
    }
    return render(request, "command/wall/wall.html", {"area": area, "data": data, "config": config})


@require_GET
@policy.requires(VIEW_DASHBOARD)
def command_wall_data(request, pk):
    area = command_area_get_for(request.user, pk)
    data = wall_data(actor=request.user, area=area, rank=request.GET.get("rank", ""))
    etag = wall_etag(data)
    modified = int(datetime.datetime.fromisoformat(data["computed_at"]).timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = "private, no-cache"  # the browser may keep it, but asks again every time
    return response
