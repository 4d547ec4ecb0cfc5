"""API: entrance checks from scanners and kiosks (machine tokens of purpose `scans:write`) and from logged-in
checkpoint staff and desks, through the one scan service (`scans.scans_record`): a kiosk's single scan or a
gateway's buffer of up to FRONTLINE_SCAN_BATCH_MAX, each answered with its verdict.

The body is read as plain JSON, not through a schema, so that one misread record is named (its index,
client id, field and why) and the others are stored: a kiosk's buffer must drain."""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from ninja import Router, Schema

from frontline.core import policy

from .policy import RECORD_SCANS
from .registration import BatchRefused
from .scans import DUPLICATE, REFUSED, STORED, scan_site_get, scans_record

router = Router(tags=["entrance checks"])

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}  # core.api's shared refusal

RECORD_SCHEMA = {
    "type": "object",
    "required": ["client_id", "person", "direction", "code_colour", "temperature"],
    "properties": {
        "client_id": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,64}$",
                      "description": "The device's own id for the scan, unique in its day: a retried upload of it "
                                     "never counts twice."},
        "person": {"oneOf": [
            {"type": "string", "description": "An ID number (18 characters, check digit checked) or a resident's "
                                              "QR code (FLP:…)."},
            {"type": "object", "required": ["name", "id_number"], "description": "A visitor entered by hand.",
             "properties": {"name": {"type": "string"}, "id_number": {"type": "string"},
                            "phone": {"type": "string"}}}]},
        "direction": {"type": "string", "enum": ["in", "out"]},
        "code_colour": {"type": "string", "enum": ["green", "yellow", "red"],
                        "description": "The health code's colour as read at the gate."},
        "itinerary_flag": {"type": "boolean", "default": False},
        "temperature": {"type": "number", "description": "°C, e.g. 36.6 (34.0–43.0 by default)."},
        "scanned_at": {"type": "string", "format": "date-time",
                       "description": "When the person was checked (default: on receipt); at most "
                                      "FRONTLINE_SCAN_LATE_HOURS old."},
    },
}


class VerdictOut(Schema):
    client_id: str
    status: str  # stored / duplicate / refused
    index: int
    passed: bool | None = None
    reasons: list[str] | None = None
    codes: list[str] | None = None
    masked_name: str | None = None
    age: int | None = None
    field: str | None = None
    message: str | None = None


class ScansOut(Schema):
    site_id: int
    received: int
    stored: int
    duplicate: int
    refused: int
    stopped: int
    results: list[VerdictOut]


def _json(payload, status: int = 200):
    from django.http import HttpResponse

    return HttpResponse(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), status=status,
                        content_type="application/json")


def _records(request) -> list:
    """`{"records": [...]}`, or one bare record object (a kiosk's single scan)."""
    try:
        body = json.loads(request.body)
    except RequestDataTooBig:
        raise BatchRefused(_("The body is larger than %(mb)d MB: send the records in smaller batches.")
                           % {"mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)}, 413) from None
    except (ValueError, UnicodeDecodeError):
        raise BatchRefused(_("The body is not JSON."), 400) from None
    if isinstance(body, dict) and "records" in body:
        if not isinstance(body["records"], list):
            raise BatchRefused(_("`records` must be a list of records."), 422)
        return body["records"]
    if isinstance(body, dict):
        return [body]
    raise BatchRefused(_("Send {\"records\": [...]} or one record object."), 422)


@router.post("/checkpoints/{site_id}/scans", response={200: ScansOut},
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "oneOf": [{"type": "object", "required": ["records"], "properties": {
                     "records": {"type": "array", "items": RECORD_SCHEMA, "minItems": 1}}}, RECORD_SCHEMA]}}}},
                 "responses": {status: {"description": description, "content": _ERROR} for status, description in (
                     (400, "The batch has no records, or the body is not JSON."),
                     (409, "The site is not an open checkpoint."),
                     (413, "More records than FRONTLINE_SCAN_BATCH_MAX."),
                     (422, "Every record was refused (`errors` names each), or a body of another shape."))}})
@policy.api_requires(RECORD_SCANS)
def scans_upload(request, site_id: int):
    """Record entrance checks at a checkpoint: a batch `{"records": [...]}` (1 to FRONTLINE_SCAN_BATCH_MAX) or
    one bare record (a kiosk). Each record's answer, in order: `stored` or `duplicate` (its client id was
    stored that day already: the same verdict, counted once) with the verdict — `passed`, the `reasons` for
    a stop (sealed zone, code not green, itinerary flagged, fever), the person's masked name and age — or
    `refused` with its `field` and `message` (a misread temperature, a time in the future or too old, a code
    naming no one); the other records are stored. 404 for a site that is not the caller's checkpoint (or no
    site), 409 for one that is not an open checkpoint; 422 with `errors` when every record was refused."""
    site = scan_site_get(request.auth, site_id)
    try:
        verdicts = scans_record(actor=request.auth, site=site, rows=_records(request),
                                source="token" if getattr(request, "token_purpose", None) is not None else "api")
    except BatchRefused as refused:
        return _json({"detail": refused.message}, refused.status)
    results, counted, stopped = [], {STORED: 0, DUPLICATE: 0, REFUSED: 0}, 0
    for v in verdicts:
        results.append(v.as_dict())
        counted[v.status] += 1
        stopped += v.status == STORED and not v.passed
    if counted[REFUSED] == len(verdicts):
        return _json({"detail": _("Every record was refused; nothing was stored."), "errors": results}, 422)
    return _json({"site_id": site.pk, "received": len(verdicts), "stored": counted[STORED],
                  "duplicate": counted[DUPLICATE], "refused": counted[REFUSED], "stopped": stopped, "results": results})
