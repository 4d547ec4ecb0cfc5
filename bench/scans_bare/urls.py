"""The bare handler: parse the body and insert the same rows into the scans table (person, grid and staff
ids given, verdict columns from the colour: no lookup, no verdict rule, no access check, no audit), in the
same statement as the service (unnest of one array literal a column). Mounted in Frontline's own URLconf
just before the API, so a request to it walks the same URL patterns the API's requests walk to reach the API
(and not the API's own routes)."""

import json

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from frontline.urls import urlpatterns as frontline_urlpatterns

SQL = ("INSERT INTO epidemic_checkpointscan (day, site_id, person_id, grid_id, direction, code_colour, itinerary_flag, "
       "temperature, passed, reasons, scanned_at, received_at, client_id, staff_id) "
       "SELECT %s, %s, u.p, u.g, u.dir, u.col, u.f, u.t, u.col = 'green', "
       "CASE WHEN u.col = 'green' THEN '' ELSE 'code' END, %s, %s, u.c, %s "
       "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::boolean[], %s::numeric[], %s::text[]) "
       "AS u(p, g, dir, col, f, t, c) ON CONFLICT (client_id, day) DO NOTHING RETURNING client_id")


def _array(values) -> str:
    return "{" + ",".join(values) + "}"


@csrf_exempt
def bare_scans(request, site_id: int):
    body = json.loads(request.body)
    records = body["records"]
    now = timezone.now()
    with connection.cursor() as cursor:  # one statement: atomic by itself, as the service's batch without stops
        cursor.execute(SQL, [timezone.localdate(now), site_id, now, now, body.get("staff_id"),
                             _array(str(r["person_id"]) for r in records),
                             _array("NULL" if r.get("grid_id") is None else str(r["grid_id"]) for r in records),
                             _array(r["direction"] for r in records), _array(r["code_colour"] for r in records),
                             _array("t" if r.get("itinerary_flag") else "f" for r in records),
                             _array(str(r["temperature"]) for r in records), _array(r["client_id"] for r in records)])
        stored = [c for (c,) in cursor.fetchall()]
    return HttpResponse(json.dumps({"stored": len(stored), "results": [{"client_id": c, "status": "stored"} for c in stored]},
                                   separators=(",", ":")), content_type="application/json")


_api = next(k for k, p in enumerate(frontline_urlpatterns) if str(p.pattern) == "api/v1/")
urlpatterns = [*frontline_urlpatterns[:_api], path("bare/checkpoints/<int:site_id>/scans", bare_scans),
               *frontline_urlpatterns[_api:]]
