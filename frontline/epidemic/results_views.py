"""Pages of results: a laboratory's file for a round (check, then load), the results held for review with the
desk's decision, and the round's "阳性待复核" section (positive tubes, their people's re-tests and work orders,
the cases). The rules are the services' (`results.py`)."""

import tempfile
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.core import policy
from frontline.core.imports import ALLOWED_SUFFIXES, ImportProblems
from frontline.core.scoping import get_for
from frontline.core.tabular import TableError

from .models import ResultReview, TestingRound
from .policy import LOAD_RESULTS, MANAGE_TESTING, VIEW_TESTING
from .results import (
    ResultsImporter,
    result_review_decide,
    results_apply,
    results_check,
    reviews_for,
    round_for_loading,
    round_positives,
    tubes_for_loading,
)

PROBLEMS_SHOWN = 200


def _upload_problem(upload) -> str:
    if upload is None:
        return _("Choose a file.")
    if upload.size > settings.FRONTLINE_IMPORT_MAX_BYTES:
        return _("%(name)s is %(size)d MB; the limit is %(limit)d MB.") % {
            "name": upload.name, "size": upload.size // 2**20, "limit": settings.FRONTLINE_IMPORT_MAX_BYTES // 2**20}
    if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
        return _("%(name)s is not an .xlsx or .csv file.") % {"name": upload.name}
    return ""


@policy.requires(LOAD_RESULTS)
def round_results(request, pk):
    """The round's results page: the tubes the reader may load results for, by result; a file to check (a dry
    run listing every problem by row and column) or to load (all or nothing; the same file again changes
    nothing)."""
    testing_round = round_for_loading(request.user, pk)
    context = {"round": testing_round, "columns": [c.label for c in ResultsImporter.columns.values()],
               "limit_mb": settings.FRONTLINE_IMPORT_MAX_BYTES // 2**20}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        error = _upload_problem(upload)
        if error:
            context["error"], status = error, 400
        else:
            context.update(_run_file(request, testing_round, upload))
            status = 400 if context.get("error") or context.get("problems") else 200
    by_result = Counter(dict(tubes_for_loading(request.user, testing_round).order_by().values("result")
                             .annotate(n=Count("id")).values_list("result", "n")))
    context["tubes"] = {"total": sum(by_result.values()), "waiting": by_result.get("", 0),
                        "negative": by_result.get("negative", 0), "positive": by_result.get("positive", 0),
                        "invalid": by_result.get("invalid", 0)}
    context["may_review"] = policy.allows(request.user, MANAGE_TESTING, testing_round)
    context["held"] = reviews_for(request.user, testing_round).count() if context["may_review"] else 0
    return render(request, "epidemic/results/round_results.html", context, status=status)


def _run_file(request, testing_round, upload) -> dict:
    suffix = Path(upload.name).suffix.lower()
    apply = request.POST.get("action") == "apply"
    with tempfile.NamedTemporaryFile(prefix="frontline-results-", suffix=suffix) as f:
        for chunk in upload.chunks():
            f.write(chunk)
        f.flush()
        try:
            if apply:
                counts, result = results_apply(actor=request.user, testing_round=testing_round, path=Path(f.name),
                                               filename=upload.name)
                return {"applied": counts, "result": result, "filename": upload.name}
            result, _table, _mapping = results_check(actor=request.user, testing_round=testing_round,
                                                     path=Path(f.name), filename=upload.name)
        except ImportProblems as e:
            result = e.result
        except TableError as e:
            return {"error": str(e)}
    return {"checked": True, "result": result, "filename": upload.name,
            "problems": [p for p in result.problems if p.severity == "error"][:PROBLEMS_SHOWN],
            "warnings": [p for p in result.problems if p.severity != "error"][:PROBLEMS_SHOWN]}


def _round_managed(request, pk) -> TestingRound:
    testing_round = get_for(TestingRound.objects.select_related("area"), request.user, pk)
    policy.require(request.user, MANAGE_TESTING, testing_round)
    return testing_round


@policy.requires(MANAGE_TESTING)
def round_result_reviews(request, pk):
    """Results held for review: a second, different result for a tube, to accept (it replaces the first) or
    dismiss."""
    testing_round = _round_managed(request, pk)
    return render(request, "epidemic/results/reviews.html", {
        "round": testing_round, "reviews": reviews_for(request.user, testing_round)[:500]})


@policy.requires(MANAGE_TESTING)
@require_POST
def result_review_decide_view(request, pk, action):
    review = get_for(ResultReview.objects.select_related("tube"), request.user, pk)
    if action not in ("accept", "dismiss"):
        raise Http404
    try:
        decided = result_review_decide(actor=request.user, review=review, accept=action == "accept")
    except ValidationError as e:
        flash.error(request, " ".join(e.messages))
    else:
        flash.success(request, _("Accepted: tube %(code)s is now %(result)s.") % {
            "code": decided.tube.code, "result": decided.get_result_display()} if action == "accept"
            else _("Dismissed: tube %(code)s keeps its result.") % {"code": decided.tube.code})
    return redirect("round_result_reviews", pk=review.tube.round_id)


@policy.requires(VIEW_TESTING)
def round_positives_view(request, pk):
    """阳性待复核: the round's positive tubes, and for those who may see people, each one's people (masked)
    with their re-test and work order, or the case opened."""
    testing_round = get_for(TestingRound.objects.select_related("area"), request.user, pk)
    policy.require(request.user, VIEW_TESTING, testing_round)
    return render(request, "epidemic/results/positives.html", {"round": testing_round,
                                                                **round_positives(request.user, testing_round)})
