"""The bare handler: parse the body and insert the same rows into the scans table (person ids given, no
lookup, no verdict, no access check, no audit), in the same statement shape as the service."""

import json

from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

SQL = ("INSERT INTO epidemic_checkpointscan (day, site_id, person_id, grid_id, direction, code_colour, itinerary_flag, "
       "temperature, passed, reasons, scanned_at, received_at, client_id, staff_id) "
       "SELECT %s, %s, u.p, NULL, u.dir, u.col, false, u.t, u.col = 'green', "
       "CASE WHEN u.col = 'green' THEN '' ELSE 'code' END, %s, %s, u.c, NULL "
       "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::numeric[], %s::text[]) AS u(p, dir, col, t, c) "
       "ON CONFLICT (client_id, day) DO NOTHING RETURNING client_id")


@csrf_exempt
def bare_scans(request, site_id: int):
    records = json.loads(request.body)["records"]
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(SQL, [timezone.localdate(now), site_id, now, now, [r["person_id"] for r in records],
                             [r["direction"] for r in records], [r["code_colour"] for r in records],
                             [r["temperature"] for r in records], [r["client_id"] for r in records]])
        stored = [c for (c,) in cursor.fetchall()]
    return HttpResponse(json.dumps({"stored": len(stored), "results": [{"client_id": c, "status": "stored"} for c in stored]},
                                   separators=(",", ":")), content_type="application/json")


urlpatterns = [path("bare/checkpoints/<int:site_id>/scans", bare_scans)]
