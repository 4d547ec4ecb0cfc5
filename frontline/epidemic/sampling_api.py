"""API: the sampling terminals' (and collectors' phone apps') registration of samples, through the one
registration service (`registration.samples_register`): the rounds and sites a caller may register at, a
batch of records at a site, and what became of records whose answer was lost.

Every operation needs `register_samples`: a collector's personal token works at the site of their staffing,
a desk's at the sites in its area, a machine token of purpose `samples:write` where its owner may (and only
this). The request body of a registration is read as plain JSON, not through a schema, so that one
malformed record is named by its client id and the others still land (a schema would refuse the batch)."""

import datetime
import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from frontline.core import policy
from frontline.core.formfields import pk_in_range

from .models import RoundSite, RoundStatus, Sample
from .policy import REGISTER_SAMPLES, VIEW_TESTING
from .registration import (
    ACCEPTED,
    DUPLICATE,
    REJECTED,
    BatchRefused,
    mask_name,
    round_sites_registering,
    samples_register,
)

router = Router(tags=["sampling terminals"])

# What a record's answer carries (never a full name or an ID number: the name masked).
RESULT_FIELDS = ("client_id", "status", "reason", "field", "sample_id", "tube_code", "masked_name", "tube_count",
                 "pool_size")

RECORD_SCHEMA = {
    "type": "object",
    "required": ["client_id", "tube_code"],
    "properties": {
        "client_id": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,64}$",
                      "description": "The terminal's own id for the record, unique in the round: a retried or "
                                     "duplicated upload of it never counts twice."},
        "tube_code": {"type": "string", "description": "The tube's barcode."},
        "id_number": {"type": "string", "description": "The person's ID number (typed or scanned)."},
        "qr": {"type": "string", "description": "Or the resident's QR code from their household's sheet (FLP:…)."},
        "name": {"type": "string", "description": "With id_number, for a visitor Frontline has no record of."},
        "phone": {"type": "string", "description": "A visitor's phone (optional)."},
        "retest": {"type": "boolean", "default": False,
                   "description": "A deliberate second sample of the person in the round (a single tube)."},
        "collected_at": {"type": "string", "format": "date-time",
                         "description": "When the swab was taken (default: on receipt): an offline terminal "
                                        "uploads its buffer later with the original times."},
    },
}


_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}  # core.api's shared refusal


class RecordResultOut(Schema):
    client_id: str
    status: str
    reason: str | None = None
    field: str | None = None
    sample_id: int | None = None
    tube_code: str | None = None
    masked_name: str | None = None
    tube_count: int | None = None
    pool_size: int | None = None


class BatchOut(Schema):
    round_id: int
    site_id: int
    received: int
    accepted: int
    duplicate: int
    rejected: int
    results: list[RecordResultOut]


class RoundSiteOut(Schema):
    round_id: int
    round_name: str = Field(alias="round.name")
    round_status: str = Field(alias="round.status")
    starts_at: datetime.datetime = Field(alias="round.starts_at")
    ends_at: datetime.datetime = Field(alias="round.ends_at")
    pool_size: int = Field(alias="round.pool_size")
    site_id: int
    site_name: str = Field(alias="site.name")
    site_address: str = Field(alias="site.address")
    opens_at: datetime.datetime
    closes_at: datetime.datetime


class SampleStateOut(Schema):
    client_id: str
    status: str  # registered / unknown
    sample_id: int | None = None
    tube_code: str | None = None
    site_id: int | None = None
    kind: str | None = None
    collected_at: str | None = None
    masked_name: str | None = None


class SampleStatesOut(Schema):
    round_id: int
    items: list[SampleStateOut]


def _json(payload, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), status=status,
                        content_type="application/json")


def _refused(message: str, status: int) -> HttpResponse:
    return _json({"detail": message}, status)


def _scope(actor) -> Q:
    """The round sites the caller may see as a registration place: where it registers, or sees testing."""
    return policy.scope_q(RoundSite, actor, REGISTER_SAMPLES) | policy.scope_q(RoundSite, actor, VIEW_TESTING)


def round_site_for(actor, round_id: int, site_id: int) -> RoundSite:
    """The testing site of a round with its round and site, or 404 alike for "missing" and "not yours";
    annotated whether the caller registers there (the service answers 403 where not)."""
    if not (pk_in_range(round_id) and pk_in_range(site_id)):  # no key holds it (SQLite would overflow)
        raise Http404
    try:
        return (round_sites_registering(actor).filter(_scope(actor), round_id=round_id, site_id=site_id)
                .select_related("round", "site").get())
    except (RoundSite.DoesNotExist, RoundSite.MultipleObjectsReturned):
        raise Http404 from None


def round_visible(actor, testing_round) -> bool:
    """A round is the caller's to ask about where one of its sites is (the access matrix asks this too)."""
    return RoundSite.objects.filter(_scope(actor), round=testing_round).exists()


def _records(request) -> list:
    """The body's records: `{"records": [...]}`, or one bare record object (a batch of one)."""
    try:
        body = json.loads(request.body)
    except RequestDataTooBig:
        raise BatchRefused(_("The body is larger than %(mb)d MB: send the records in smaller batches.")
                           % {"mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)}, 413) from None
    except (ValueError, UnicodeDecodeError):
        raise BatchRefused(_("The body is not JSON."), 400) from None
    if isinstance(body, dict) and "records" in body:
        records = body["records"]
        if not isinstance(records, list):
            raise BatchRefused(_("`records` must be a list of records."), 422)
        return records
    if isinstance(body, dict):
        return [body]
    raise BatchRefused(_("Send {\"records\": [...]} or one record object."), 422)


@router.get("/testing/rounds", response=list[RoundSiteOut])
@paginate
@policy.api_requires(REGISTER_SAMPLES)
def registration_places(request):
    """Where the caller may register samples: each testing site of a round not closed, with the round's
    hours and pool size — what a terminal loads at start-up. A batch takes at most FRONTLINE_SAMPLE_BATCH_MAX
    records; tube codes follow FRONTLINE_TUBE_CODE_PATTERN."""
    return (RoundSite.objects.restrict(request.auth, REGISTER_SAMPLES)
            .filter(round__status__in=[RoundStatus.OPEN, RoundStatus.PLANNED])
            .select_related("round", "site").order_by("round__starts_at", "round_id", "site__name", "site_id"))


@router.post("/testing/rounds/{round_id}/sites/{site_id}/samples",
             response={200: BatchOut},
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "oneOf": [{"type": "object", "required": ["records"], "properties": {
                     "records": {"type": "array", "items": RECORD_SCHEMA, "minItems": 1}}}, RECORD_SCHEMA]}}}},
                 "responses": {status: {"description": description, "content": _ERROR} for status, description in (
                     (400, "The batch has no records, or the body is not JSON."),
                     (409, "The round has not opened yet."),
                     (413, "More records than FRONTLINE_SAMPLE_BATCH_MAX."))}})
@policy.api_requires(REGISTER_SAMPLES)
def samples_upload(request, round_id: int, site_id: int):
    """Register samples at a testing site of a round: a batch `{"records": [...]}` (1 to
    FRONTLINE_SAMPLE_BATCH_MAX records), or one bare record object (a batch of one).

    Each record carries the terminal's own `client_id`, so a retried or duplicated upload never counts
    twice: the answer is 200 with a result for every record, in order — `accepted` (with the sample, the
    tube's count and the person's masked name), `duplicate` (already registered: the same sample), or
    `rejected` with its `reason` and `field` — and the totals. A batch wholly wrong is refused whole: 400 (no
    records, not JSON), 413 (too many records), 403 (not a site the caller registers at), 404 (no such site
    in the round, or not theirs), 409 (the round has not opened), 422 (a body of another shape). A lost answer
    is recovered by sending the batch again, or by asking `GET …/samples?client_ids=`."""
    round_site = round_site_for(request.auth, round_id, site_id)
    try:
        outcomes = samples_register(actor=request.auth, testing_round=round_site.round, site=round_site.site,
                                    records=_records(request), round_site=round_site)
    except BatchRefused as refused:
        return _refused(refused.message, refused.status)
    results = [{k: v for k in RESULT_FIELDS if (v := getattr(o, k)) not in ("", None)} for o in outcomes]
    counted = {ACCEPTED: 0, DUPLICATE: 0, REJECTED: 0}
    for o in outcomes:
        counted[o.status] += 1
    return _json({"round_id": round_site.round_id, "site_id": round_site.site_id, "received": len(outcomes),
                  "accepted": counted[ACCEPTED], "duplicate": counted[DUPLICATE], "rejected": counted[REJECTED],
                  "results": results})


@router.get("/testing/rounds/{round_id}/samples", response=SampleStatesOut)
@policy.api_requires(REGISTER_SAMPLES)
def sample_states(request, round_id: int, client_ids: str, site_id: int | None = None):
    """What became of records (after a lost answer): for each client id (comma-separated, at most
    FRONTLINE_SAMPLE_BATCH_MAX), `registered` with its sample, tube and masked name, or `unknown` (never
    registered, or registered outside the caller's scope: alike). Only the caller's own sites' samples;
    `site_id` narrows to one site."""
    from .models import TestingRound

    testing_round = TestingRound.objects.filter(pk=round_id).first() if pk_in_range(round_id) else None
    if site_id is not None and not pk_in_range(site_id):
        raise Http404
    if testing_round is None or not round_visible(request.auth, testing_round):
        raise Http404
    wanted = list(dict.fromkeys(c.strip() for c in client_ids.split(",") if c.strip()))
    if not wanted or len(wanted) > settings.FRONTLINE_SAMPLE_BATCH_MAX:
        return _refused(_("Ask about 1 to %(n)d client ids.") % {"n": settings.FRONTLINE_SAMPLE_BATCH_MAX}, 422)
    samples = Sample.objects.restrict(request.auth, REGISTER_SAMPLES).filter(round=testing_round, client_id__in=wanted)
    if site_id is not None:
        samples = samples.filter(site_id=site_id)
    found = {c: (pk, code, site, kind, at, name) for c, pk, code, site, kind, at, name in samples.values_list(
        "client_id", "id", "tube__code", "site_id", "kind", "collected_at", "person__name")}
    items = []
    for client_id in wanted:
        if client_id not in found:
            items.append({"client_id": client_id, "status": "unknown"})
            continue
        pk, code, site, kind, at, name = found[client_id]
        items.append({"client_id": client_id, "status": "registered", "sample_id": pk, "tube_code": code,
                      "site_id": site, "kind": kind, "collected_at": at.isoformat(), "masked_name": mask_name(name)})
    return _json({"round_id": testing_round.pk, "items": items})
