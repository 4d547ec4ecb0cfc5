"""The bare handler: parse the resident page's order form and, in one transaction, resolve the household (the
page's grid, the building, unit and room in one query) and insert what placing an order from the page inserts:
the order (unconfirmed, channel `page`), its lines in one statement, its audit row, the grid worker's
`order_check` work order with its created event and audit row. No rate limit, no item check, no marks, no
validation beyond the form's integers: the yardstick. Mounted just before serving residents' own URLs, so a
request to it walks the same URL patterns the page's requests walk."""

import datetime
import json

from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from frontline.care.models import new_receipt
from frontline.urls import urlpatterns as frontline_urlpatterns

HOUSEHOLD = ("SELECT h.id, b.area_id, p.area_id FROM care_residentpage p JOIN areas_building b ON b.area_id = p.area_id "
             "JOIN areas_household h ON h.building_id = b.id WHERE p.code = %s AND p.active AND b.id = %s "
             "AND h.unit = %s AND h.room = %s")
ORDER = ("INSERT INTO care_supplyorder (receipt, area_id, household_id, channel, contact_phone, note, priority, "
         "priority_reasons, status, verified, verified_by_id, placed_by_id, placed_at, day, batch_id, delivered_at, "
         "failed_reason) VALUES (%s, %s, %s, 'page', %s, '', 2, %s, 'placed', false, NULL, NULL, %s, %s, NULL, NULL, '') "
         "RETURNING id")
AUDIT = ("INSERT INTO core_auditlog (at, actor_id, actor_name, actor_area_path, action, content_type_id, object_id, "
         "object_repr, person_id, changes, note, ip) VALUES (%s, NULL, 'system', '', 'create', "
         "(SELECT id FROM django_content_type WHERE app_label = %s AND model = %s), %s, %s, NULL, %s, '', %s)")
WORK = ("INSERT INTO core_workorder (kind, title, area_id, subject_type_id, subject_id, assignee_id, assignee_role, "
        "priority, status, due_at, escalation_level, reason, created_by_id, created_at) VALUES ('order_check', %s, %s, "
        "(SELECT id FROM django_content_type WHERE app_label = 'care' AND model = 'supplyorder'), %s, NULL, "
        "'grid_worker', 2, 'open', %s, 0, '', NULL, %s) RETURNING id")
EVENT = "INSERT INTO core_workorderevent (work_order_id, at, actor_id, action, note) VALUES (%s, %s, NULL, 'created', '')"


@require_POST
def bare_order(request, code: str):
    form = request.POST
    try:
        building = int(form["building"])
        lines = [(int(k[4:]), int(v)) for k, v in form.items() if k.startswith("qty_") and v and int(v) > 0]
    except (KeyError, ValueError):
        return HttpResponseBadRequest("bad form")
    phone = form.get("phone", "")
    now = timezone.now()
    receipt = new_receipt()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(HOUSEHOLD, [code, building, form.get("unit", ""), form.get("room", "")])
        found = cursor.fetchone()
        if found is None or not lines:
            return HttpResponseBadRequest("no such household")
        household, area, _page_area = found
        cursor.execute(ORDER, [receipt, area, household, phone, "[]", now, timezone.localdate(now)])
        (order,) = cursor.fetchone()
        cursor.execute("INSERT INTO care_supplyorderline (order_id, item_id, text, quantity) VALUES "
                       + ", ".join(["(%s, %s, '', %s)"] * len(lines)), [v for i, q in lines for v in (order, i, q)])
        cursor.execute(AUDIT, [now, "care", "supplyorder", str(order), f"订单 {receipt[:5]}-{receipt[5:]}",
                               json.dumps({"receipt": [None, receipt], "household": [None, household]}),
                               request.META.get("REMOTE_ADDR")])
        title = f"Confirm an order from the resident page with household {household}"
        cursor.execute(WORK, [title, area, order, now + datetime.timedelta(hours=2), now])
        (work,) = cursor.fetchone()
        cursor.execute(EVENT, [work, now])
        cursor.execute(AUDIT, [now, "core", "workorder", str(work), title, json.dumps({"kind": [None, "order_check"]}),
                               request.META.get("REMOTE_ADDR")])
    return HttpResponse(f"<p>receipt {receipt[:5]}-{receipt[5:]}</p>")


def _is_care(p) -> bool:
    return isinstance(p, URLResolver) and getattr(p.urlconf_name, "__name__", p.urlconf_name) == "frontline.care.urls"


_care = next((k for k, p in enumerate(frontline_urlpatterns) if _is_care(p)), len(frontline_urlpatterns))
urlpatterns: list[URLPattern | URLResolver] = [*frontline_urlpatterns[:_care], path("bare/r/<str:code>/order/", bare_order),
                                               *frontline_urlpatterns[_care:]]
