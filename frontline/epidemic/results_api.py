"""API: a laboratory's results for a round, a batch at a time (machine tokens of purpose `results:write`, or
laboratory staff and desks): each record accepted, unchanged, held for review or rejected with its reason."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from frontline.core import policy
from frontline.core.api import ErrorOut

from .policy import LOAD_RESULTS
from .results import results_record, round_for_loading

router = Router(tags=["testing results"])


class ResultIn(Schema):
    """One result. Loosely typed on purpose: a bad field (a report time that is no time, a number for a code)
    is that record's rejection with its reason in Chinese, not the whole batch's refusal."""
    tube_code: Any = ""
    result: Any = ""
    reported_at: Any = Field(None, description="ISO 8601, or as laboratories write it (2022-04-03 10:20)")
    laboratory: Any = ""


class RecordOut(Schema):
    index: int
    tube_code: str
    status: str  # accepted, unchanged, held (for review) or rejected
    reason: str = ""


class BatchOut(Schema):
    accepted: int
    unchanged: int
    held: int
    rejected: int
    results: list[RecordOut]


def _record(record: ResultIn) -> dict:
    """The record as the service takes it: an ISO 8601 report time read here, any other text left to the
    service's check (which names what is wrong with it)."""
    values = record.model_dump()
    at = values.get("reported_at")
    if isinstance(at, str):
        try:
            values["reported_at"] = parse_datetime(at.strip()) or at
        except ValueError:  # well-formed but impossible (2022-02-30T10:00)
            pass
    return {k: ("" if v is None and k != "reported_at" else v) for k, v in values.items()}


@router.post("/testing/rounds/{round_id}/results", response={200: BatchOut, 422: ErrorOut})
@policy.api_requires(LOAD_RESULTS)
def results_post(request, round_id: int, data: list[ResultIn]):
    """Results by tube code for the round (at most FRONTLINE_SAMPLE_BATCH_MAX records). A record the round does
    not know, or with a word that is not a result, is rejected with its reason and the others are written; a
    second, different result for a tube is held for review, never written over the first. Sending the same
    batch again changes nothing. 422 for a batch that is wholly wrong (empty, too long, every record rejected)."""
    testing_round = round_for_loading(request.auth, round_id)
    try:
        answers, counts = results_record(actor=request.auth, testing_round=testing_round,
                                         records=[_record(r) for r in data])
    except ValidationError as e:
        raise HttpError(422, " ".join(e.messages)) from None
    if counts["rejected"] == len(answers):
        return Status(422, {"detail": _("Every record was rejected; nothing was written."), "errors": answers})
    return {"accepted": sum(a["status"] == "accepted" for a in answers),
            "unchanged": sum(a["status"] == "unchanged" for a in answers),
            "held": sum(a["status"] == "held" for a in answers), "rejected": counts["rejected"], "results": answers}
