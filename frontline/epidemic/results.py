"""Laboratory results (检测结果) by tube code for a round, from a file or the API, and what a positive tube
sets going.

A laboratory's file is for one round. It goes through the import framework (`frontline.core.imports`):
`ResultsImporter` names its columns and their synonyms, `ResultsChecker` checks a row (tube code shape, result
word, time), `review` finds a chunk's tubes in the round in one query (unknown tubes are reported by row), and
`_write_rows` writes a chunk set-based: one UPDATE for the tubes that had no result (guarded by `result =
''`), nothing for the same result again, and a held `ResultReview` for a different one, which is never written
over the first. On PostgreSQL the import writes first (`_apply_chunk`: COPY and one UPDATE by code, as the raw
driver would) and looks up only what it did not write. `results_check` and `results_apply` run the framework's
dry run and all-or-nothing import with the round's own access rule (`load_results`: the desks over the round's
area, laboratory staff for their laboratory's tubes). The API (`results_api.py`) takes the same path a batch
at a time, answering per record.

A positive tube (`positives_follow_up`): everyone in a pooled tube gets a `Retest` and a re-sampling work
order to their grid, and home health monitoring until a negative re-test (`cases.py`); the person of a single
tube gets a `Case`, whose investigation runs at once (`cases.py`). `retests_close_for` closes a person's
re-test (and its work order) when a re-test sample of theirs is registered in the round."""

import datetime
import re
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from frontline.areas.models import Area
from frontline.core import policy
from frontline.core.audit import audit_bulk, audit_bulk_create, audit_record, audit_update, snapshot
from frontline.core.bulk import read_ahead
from frontline.core.formfields import pk_in_range
from frontline.core.imports import (
    CheckResult,
    Column,
    Importer,
    ImportProblems,
    ImportRun,
    _rows,
    _start,
)
from frontline.core.models import ACTIVE_STATUSES, AuditAction, Priority, WorkOrder, WorkOrderEvent, WorkOrderStatus
from frontline.core.services import work_orders_create_bulk
from frontline.core.tabular import Problem, Table, footer_text
from frontline.people.models import Person

from .models import (
    Case,
    CaseStatus,
    Laboratory,
    Result,
    ResultReview,
    Retest,
    ReviewStatus,
    RoundStatus,
    Sample,
    SampleKind,
    TestingRound,
    Tube,
)
from .policy import LOAD_RESULTS, MANAGE_TESTING, OWN_LAB, VIEW_TESTING
from .registration import mask_name

RESAMPLE = "resample"  # the work-order kind of a positive pool's people (registered in plugin_results.py)
RESAMPLE_DUE = datetime.timedelta(hours=6)

COLUMNS = {
    "tube_code": Column("试管编码", ("样本编号", "条码", "管码", "试管条码", "样本条码", "tube code", "tube_code")),
    "result": Column("检测结果", ("结果", "result")),
    "reported_at": Column("检测时间", ("报告时间", "检测日期", "reported at", "reported_at")),
    "laboratory": Column("检测机构", ("检测单位", "实验室", "laboratory")),
}
WORDS = {"阴性": Result.NEGATIVE, "阴": Result.NEGATIVE, "negative": Result.NEGATIVE, "neg": Result.NEGATIVE,
         "阳性": Result.POSITIVE, "阳": Result.POSITIVE, "positive": Result.POSITIVE, "pos": Result.POSITIVE,
         "无效": Result.INVALID, "invalid": Result.INVALID}
_TIME = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.\d+)?)?秒?)?")


def result_word(text: str) -> str | None:
    """A laboratory's word for a result, or None for one Frontline does not take (可疑, 待复检)."""
    return WORDS.get(text.strip().lower())


def parse_time(text: str, now: datetime.datetime, tz=None) -> datetime.datetime:
    """A report time as laboratories write it (2022-04-03 10:20[:00], 2022/4/3 10:20, a date alone), in local
    time (`tz`, the current time zone by default); not in the future beyond a minute's clock drift."""
    m = _TIME.fullmatch(text.strip())
    if not m:
        raise ValueError(_("%(value)s is not a time (write 2022-04-03 10:20).") % {"value": text})
    try:
        value = datetime.datetime(*(int(g or 0) for g in m.groups()), tzinfo=tz or timezone.get_current_timezone())
    except ValueError:
        raise ValueError(_("%(value)s is not a time that exists.") % {"value": text}) from None
    if value > now + datetime.timedelta(minutes=1):
        raise ValueError(_("%(value)s is in the future.") % {"value": text})
    return value


# --- who may load results for a round -----------------------------------------------------------------

def _lab_scoped(actor) -> bool:
    """Does the actor load results through a laboratory (scope own_lab) rather than an area?"""
    return any(policy.scope_of(a.role, LOAD_RESULTS) == OWN_LAB for a in policy.assignments(actor))


def tubes_for_loading(actor, testing_round):
    """The round's tubes the actor may load results for (all of them for the system itself)."""
    tubes = Tube.objects.filter(round=testing_round)
    return tubes if actor is None else tubes.filter(policy.scope_q(Tube, actor, LOAD_RESULTS))


def may_load(actor, testing_round) -> bool:
    """A desk whose area holds the round (organised there, above or below it, or covering it), or staff of a
    laboratory that has tubes of the round."""
    if not policy.allows(actor, LOAD_RESULTS):
        return False
    if TestingRound.objects.restrict(actor, LOAD_RESULTS).filter(pk=testing_round.pk).exists():
        return True
    return _lab_scoped(actor) and tubes_for_loading(actor, testing_round).exists()


def round_for_loading(actor, pk) -> TestingRound:
    """The round, for loading its results: 404 alike for a missing round and one not the actor's."""
    if not pk_in_range(pk):  # no key holds it (SQLite would overflow)
        raise Http404
    testing_round = TestingRound.objects.select_related("area").filter(pk=pk).first()
    if testing_round is None or not may_load(actor, testing_round):
        raise Http404
    return testing_round


def _source_of(actor) -> str:
    """Who reported, where a file or record does not say: the actor's laboratory, else the account."""
    if actor is None:
        return "system"
    name = Laboratory.objects.filter(staff=actor).order_by("id").values_list("name", flat=True).first()
    return (name or actor.username)[:100]


# --- checking rows ----------------------------------------------------------------------------------------

class ResultRow(NamedTuple):  # one for every row of a file: a tuple
    number: int  # the row (file) or the record's position (API)
    code: str
    result: str
    at: datetime.datetime
    source: str


class ResultsChecker:
    """Turns a row of cells into a `ResultRow`, each problem under its column."""

    def __init__(self, run: ImportRun, testing_round: TestingRound | None):
        self.round, self.mapping = testing_round, run.mapping
        self.pattern = re.compile(settings.FRONTLINE_TUBE_CODE_PATTERN)
        self.now = run.state.get("now") or timezone.now()
        self.source = run.state.get("source") or _source_of(run.actor)
        self._mapped = [(key, run.mapping.get(key)) for key in COLUMNS]
        self._said_no_round = False
        self.tz, self._times = timezone.get_current_timezone(), {}  # a laboratory's rows share few times

    def time(self, text: str) -> datetime.datetime:
        value = self._times.get(text)
        if value is None:
            value = parse_time(text, self.now, self.tz)
            if len(self._times) >= 100_000:
                self._times.clear()
            self._times[text] = value
        return value

    def check(self, number: int, cells: list[str]) -> tuple[ResultRow | None, list[Problem]]:
        count = len(cells)
        raw = {key: cells[i].strip() if i is not None and i < count else "" for key, i in self._mapped}
        if not any(raw.values()):
            return None, []
        if footer_text(cells) is not None and not self.pattern.match(raw["tube_code"]):
            return None, []  # a signature or a total under the table
        if self.round is None:
            if self._said_no_round:
                return None, []
            self._said_no_round = True
            return None, [Problem(number, "", _("No testing round under way is organised here: load results on the "
                                                "round's page."))]
        return self.row(number, raw["tube_code"], raw["result"], raw["reported_at"], raw["laboratory"])

    def row(self, number: int, code: str, word: str, at: str, laboratory: str):
        problems = []
        code = code.strip().upper()
        if not code:
            problems.append(Problem(number, COLUMNS["tube_code"].label, _("missing")))
        elif not self.pattern.match(code):
            problems.append(Problem(number, COLUMNS["tube_code"].label, _("%(code)s is not a tube code.")
                                    % {"code": code[:40]}))
        result = result_word(word)
        if result is None:
            problems.append(Problem(number, COLUMNS["result"].label, _("%(value)s is not a result: write 阴性, 阳性 "
                                                                       "or 无效.") % {"value": word[:20]} if word
                                    else _("missing")))
        when = self.now
        if at.strip():
            try:
                when = self.time(at)
            except ValueError as e:
                problems.append(Problem(number, COLUMNS["reported_at"].label, str(e)))
        if problems:
            return None, problems
        return ResultRow(number, code, result, when, (laboratory.strip() or self.source)[:100]), []


# --- writing a chunk ------------------------------------------------------------------------------------

ACCEPTED, UNCHANGED, HELD, REJECTED = "accepted", "unchanged", "held", "rejected"


def _driver_cursor():
    """The driver's own cursor, binding on the server on PostgreSQL (an array is one parameter: Django's
    cursors bind on the client, spelling out every element); no ORM object or SQL compiled per row."""
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        import psycopg

        return psycopg.Cursor(raw)
    return raw.cursor()


class TubeScope:
    """Which of a round's tubes the actor may load results for, as the pairs (testing site, laboratory) the
    scope allows: every scope a tube has (the area of its site, the laboratory, a collector's round and site)
    depends on those alone, so one query a file decides for every row."""

    def __init__(self, actor, testing_round):
        self.everything = actor is None or (actor.is_superuser and actor.is_active)
        self.pairs = set() if self.everything else set(
            tubes_for_loading(actor, testing_round).order_by().values_list("site_id", "laboratory_id").distinct())

    def allows(self, site_id, laboratory_id) -> bool:
        return self.everything or (site_id, laboratory_id) in self.pairs


def _tubes(scope: TubeScope, testing_round, codes: Iterable[str]) -> dict[str, tuple[int, str]]:
    """The round's tubes by code among `codes` that the actor may load results for: {code: (id, result)}, in
    one query probing the (round, code) index once a code."""
    codes = sorted(set(codes))
    if not codes:
        return {}
    table = Tube._meta.db_table
    found = {}
    with connection.wrap_database_errors:
        cursor = _driver_cursor()
        if connection.vendor == "postgresql":
            cursor.execute(f'SELECT k.code, t.id, t.result, t.site_id, t.laboratory_id FROM unnest(%s::varchar[]) '
                           f'AS k(code) CROSS JOIN LATERAL (SELECT * FROM "{table}" t WHERE t.round_id = %s AND '
                           f't.code = k.code LIMIT 1) t', [codes, testing_round.pk])
            rows = cursor.fetchall()
        else:
            rows = []
            for start in range(0, len(codes), 30_000):
                batch = codes[start:start + 30_000]
                cursor.execute(f'WITH k(code) AS (VALUES {", ".join(["(?)"] * len(batch))}) SELECT k.code, t.id, '
                               f't.result, t.site_id, t.laboratory_id FROM k CROSS JOIN "{table}" t ON '
                               f't.round_id = ? AND t.code = k.code', [*batch, testing_round.pk])
                rows += cursor.fetchall()
    for code, pk, result, site_id, laboratory_id in rows:
        if scope.allows(site_id, laboratory_id):
            found[code] = (pk, result)
    return found


def _unknown(number: int, code: str) -> Problem:
    return Problem(number, COLUMNS["tube_code"].label, _("No tube %(code)s in this round.") % {"code": code})


def _set_results(rows: list[tuple[int, str, datetime.datetime, str]]) -> set[int]:
    """Give tubes that have no result theirs, in one statement; returns the ids of the tubes written."""
    if not rows:
        return set()
    table = Tube._meta.db_table
    with connection.wrap_database_errors:
        cursor = _driver_cursor()
        if connection.vendor == "postgresql":
            # COPY into a temporary table (the driver's C dumpers; an array parameter is dumped in Python),
            # then one UPDATE joining it.
            cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS frontline_results_in (id bigint, r varchar(10), "
                           "at timestamptz, src varchar(100)) ON COMMIT DROP")
            cursor.execute("TRUNCATE frontline_results_in")
            with cursor.copy("COPY frontline_results_in (id, r, at, src) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f'UPDATE "{table}" t SET result = v.r, result_at = v.at, result_source = v.src '
                           f"FROM frontline_results_in v WHERE t.id = v.id AND t.result = '' RETURNING t.id")
            return {row[0] for row in cursor.fetchall()}
        stored, utc = {}, connection.timezone  # as Django stores an aware time on SQLite, once a distinct time

        def adapt(at):
            text = stored.get(at)
            if text is None:
                text = stored[at] = str(at.astimezone(utc).replace(tzinfo=None))
            return text

        cursor.executemany(f'UPDATE "{table}" SET result = ?, result_at = ?, result_source = ? '
                           f"WHERE id = ? AND result = ''", [(r, adapt(at), src, pk) for pk, r, at, src in rows])
        return {pk for pk, *_rest in rows}  # the transaction holds SQLite's write lock: no one else wrote them


def _set_results_by_code(scope: TubeScope, testing_round, rows: list[ResultRow]) -> dict[str, int]:
    """PostgreSQL: give the round's tubes named by `rows` (one row a code) their result where they have none
    and the actor may load it, in one COPY and one UPDATE joining the (round, code) index, as the raw driver
    would; returns {code: tube id} of the tubes written. The rows it did not write are looked up after."""
    table = Tube._meta.db_table
    scoped, params = "", [testing_round.pk]
    if not scope.everything:
        sites, labs = zip(*scope.pairs) if scope.pairs else ((), ())
        scoped = (" AND EXISTS (SELECT 1 FROM unnest(%s::bigint[], %s::bigint[]) AS s(site, lab) "
                  "WHERE s.site = t.site_id AND s.lab IS NOT DISTINCT FROM t.laboratory_id)")
        params += [list(sites), list(labs)]
    with connection.wrap_database_errors:
        cursor = _driver_cursor()
        # The estimates of the statement below cross JIT's threshold; compiling it costs more than it saves.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS frontline_results_by_code (code varchar(32), "
                       "r varchar(10), at timestamptz, src varchar(100)) ON COMMIT DROP")
        cursor.execute("TRUNCATE frontline_results_by_code")
        with cursor.copy("COPY frontline_results_by_code (code, r, at, src) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((row.code, row.result, row.at, row.source))
        # One index probe a code whatever the statistics say (mid-import they are stale, and the planner would
        # hash the round's tubes): LIMIT 1 keeps the lateral subquery a nested loop, as `select_by_keys` does.
        cursor.execute(f'UPDATE "{table}" t SET result = s.r, result_at = s.at, result_source = s.src '
                       f"FROM (SELECT x.id, v.r, v.at, v.src FROM frontline_results_by_code v CROSS JOIN LATERAL "
                       f'(SELECT t.id FROM "{table}" t WHERE t.round_id = %s AND t.code = v.code '
                       f"AND t.result = ''{scoped} LIMIT 1) x) s WHERE t.id = s.id RETURNING t.code, t.id", params)
        return dict(cursor.fetchall())


def _apply_chunk(run: ImportRun, chunk: list[ResultRow], result: CheckResult) -> None:
    """The import's write on PostgreSQL, writing first: the tubes that had no result get theirs by code in
    one statement; only the rest (a result again, a different one, an unknown tube: few, but every row when
    a file is loaded again) are looked up and sorted as `review` and `_write_rows` do. An unknown tube is a
    problem as in the dry run, and the import's transaction is then rolled back."""
    first: dict[str, ResultRow] = {}
    for r in chunk:
        first.setdefault(r.code, r)
    written = _set_results_by_code(run.state["scope"], run.state["round"], list(first.values()))
    run.counts["set"] += len(written)
    positive = {pk for code, pk in written.items() if first[code].result == Result.POSITIVE}
    run.counts["positive"] += len(positive)
    _negatives_follow_up(run.actor, {pk for code, pk in written.items() if first[code].result == Result.NEGATIVE},
                         run.state.get("now"))
    rest = [r for r in chunk if r.code not in written or first[r.code] is not r]
    if rest:
        tubes = _tubes(run.state["scope"], run.state["round"], (r.code for r in rest))
        rows = []
        for r in rest:
            found = tubes.get(r.code)
            if found is None:
                result.add(_unknown(r.number, r.code))
            else:
                rows.append((r, *found))
        if rows and not result.error_count:
            positive |= _write_rows(run.actor, rows, run.counts)[1]
    if positive and not result.error_count:
        follow = positives_follow_up(actor=run.actor, tube_ids=positive, now=run.state.get("now"))
        for key, value in follow.items():
            run.state[key] = run.state.get(key, 0) + value


def _write_rows(actor, rows: list[tuple[ResultRow, int, str]], counts: dict) -> tuple[list[str], set[int]]:
    """Write checked rows with their tubes ((row, tube id, the tube's result), in order): returns each row's
    outcome and the ids of the tubes that became positive."""
    outcomes, setting, held = [], {}, []
    for row, tube_id, current in rows:
        first = setting.get(tube_id)
        known = first[0] if first else current
        if not known:
            setting[tube_id] = (row.result, row.at, row.source)
            outcomes.append(ACCEPTED)
        elif known == row.result:
            outcomes.append(UNCHANGED)
        else:
            held.append((len(outcomes), tube_id, row))
            outcomes.append(HELD)
    written = _set_results([(pk, *values) for pk, values in setting.items()])
    # A different result: held for review once (a file loaded again finds its review there, whatever was decided).
    if held:
        there = set(ResultReview.objects.filter(tube_id__in={t for _i, t, _r in held})
                    .values_list("tube_id", "result", "source"))
        new = []
        for i, tube_id, row in held:
            key = (tube_id, row.result, row.source)
            if key in there:
                outcomes[i] = UNCHANGED
                continue
            there.add(key)
            new.append(ResultReview(tube_id=tube_id, result=row.result, reported_at=row.at, source=row.source))
        ResultReview.objects.bulk_create(new)
        counts["held"] += len(new)
    counts["set"] += len(written)
    counts["unchanged"] += outcomes.count(UNCHANGED)
    positive = {pk for pk, (result, _at, _src) in setting.items() if result == Result.POSITIVE and pk in written}
    counts["positive"] += len(positive)
    _negatives_follow_up(actor, {pk for pk, (result, _at, _src) in setting.items()
                                 if result == Result.NEGATIVE and pk in written})
    return outcomes, positive


# --- the importer -------------------------------------------------------------------------------------------

class ResultsImporter(Importer):
    """A laboratory's results for one round. Registered for the import pages and `frontline import results`
    (there the round is the one under way organised at the import's area); the round's own page passes it."""

    code = "results"
    label = gettext_lazy("Testing results")
    description = gettext_lazy("One row per tube of a testing round: tube code, result (阴性/阳性/无效), time, "
                               "laboratory.")
    columns = COLUMNS
    required = ("tube_code", "result")
    counts = {"set": pgettext_lazy("import count", "results written"),
              "unchanged": pgettext_lazy("import count", "unchanged"),
              "held": pgettext_lazy("import count", "held for review"),
              "positive": pgettext_lazy("import count", "positive tubes")}
    chunk_size = 5000
    order = 90

    def __init__(self, testing_round: TestingRound | None = None):
        self.testing_round = testing_round

    def round_for(self, run: ImportRun) -> TestingRound | None:
        if self.testing_round is not None:
            return self.testing_round
        return (TestingRound.objects.filter(area=run.area, status=RoundStatus.OPEN).order_by("-starts_at", "-id")
                .first())

    def checker(self, run: ImportRun) -> ResultsChecker:
        run.state["round"] = self.round_for(run)
        return ResultsChecker(run, run.state["round"])

    def review(self, run: ImportRun, chunk: list[ResultRow], result: CheckResult) -> list:
        """The chunk's tubes in the round (one query): a code the round does not have, or that is not the
        actor's to load, is reported under the tube code (alike: 404)."""
        if "scope" not in run.state:
            run.state["scope"] = TubeScope(run.actor, run.state["round"])
        tubes = _tubes(run.state["scope"], run.state["round"], (r.code for r in chunk))
        rows = []
        for r in chunk:
            found = tubes.get(r.code)
            if found is None:
                result.add(_unknown(r.number, r.code))
            else:
                rows.append((r, *found))
        return rows

    def write_chunk(self, run: ImportRun, chunk: list) -> None:
        _outcomes, positive = _write_rows(run.actor, chunk, run.counts)
        if positive:
            follow = positives_follow_up(actor=run.actor, tube_ids=positive, now=run.state.get("now"))
            for key, value in follow.items():
                run.state[key] = run.state.get(key, 0) + value


RESULTS = ResultsImporter()


def _require_load(actor, testing_round) -> None:
    if actor is not None and not may_load(actor, testing_round):
        raise PermissionDenied


def _run(actor, testing_round, mapping, now, source) -> ImportRun:
    importer = ResultsImporter(testing_round)
    run = ImportRun(importer, actor, testing_round.area, mapping, timezone.localdate(),
                    counts=dict.fromkeys(importer.counts, 0), state={"now": now, "source": source})
    run.checker = importer.checker(run)
    return run


def results_check(*, actor, testing_round: TestingRound, path: Path, filename: str,
                  mapping: dict[str, int] | None = None, now=None, progress=None
                  ) -> tuple[CheckResult, Table, dict[str, int]]:
    """The dry run of a laboratory's file: every problem by row and column, nothing written."""
    _require_load(actor, testing_round)
    importer = ResultsImporter(testing_round)
    table, mapping, result = _start(importer, path, filename, mapping)
    if result.error_count:
        return result, table, mapping
    run = _run(actor, testing_round, mapping, now, None)
    for chunk in _rows(run, table.rows, result):
        if chunk:
            importer.review(run, chunk, result)
        if progress:
            progress(result.total_rows)
    result.sort()
    return result, table, mapping


@transaction.atomic
def results_apply(*, actor, testing_round: TestingRound, path: Path, filename: str,
                  mapping: dict[str, int] | None = None, now=None, progress=None) -> tuple[dict, CheckResult]:
    """Check again and write chunk by chunk in one transaction (the whole file or nothing; the same file
    again changes nothing). One audit entry on the round names the file and the counts."""
    _require_load(actor, testing_round)
    importer = ResultsImporter(testing_round)
    table, mapping, result = _start(importer, path, filename, mapping)
    if result.error_count:
        raise ImportProblems(result)
    run = _run(actor, testing_round, mapping, now, None)
    chunks = _rows(run, table.rows, result)
    # As the framework does: on PostgreSQL the next chunk is read and checked while the database works.
    pg = connection.vendor == "postgresql"
    run.state["scope"] = TubeScope(actor, testing_round)
    with closing(read_ahead(chunks) if pg else chunks) as stream:
        for chunk in stream:
            if chunk and pg and not result.error_count:
                _apply_chunk(run, chunk, result)
                continue
            rows = importer.review(run, chunk, result) if chunk else []
            if rows and not result.error_count:
                importer.write_chunk(run, rows)
            if progress:
                progress(result.total_rows)
    result.sort()
    if result.error_count:
        transaction.set_rollback(True)
        raise ImportProblems(result)
    counts = {**run.counts, **{k: run.state.get(k, 0) for k in ("retests", "work_orders", "cases")}}
    audit_record(actor=actor, action=AuditAction.CREATE, obj=testing_round,
                 changes={"file": filename, "rows": result.total_rows, "counts": counts},
                 note=f"results import {filename}: {importer.describe(run.counts)}"[:255])
    return counts, result


# --- the API's batches ----------------------------------------------------------------------------------------

@transaction.atomic
def results_record(*, actor, testing_round: TestingRound, records: list[dict], now=None) -> tuple[list[dict], dict]:
    """A batch of {tube_code, result, reported_at?, laboratory?}: each record accepted, unchanged, held for
    review or rejected with its reason (the others are written all the same). A batch sent again changes
    nothing. One audit entry for the batch."""
    _require_load(actor, testing_round)
    if not records:
        raise ValidationError(_("The batch is empty."))
    if len(records) > settings.FRONTLINE_SAMPLE_BATCH_MAX:
        raise ValidationError(_("A batch takes at most %(max)d records; this one has %(n)d.")
                              % {"max": settings.FRONTLINE_SAMPLE_BATCH_MAX, "n": len(records)})
    now = now or timezone.now()
    run = _run(actor, testing_round, {}, now, None)
    answers: list[dict] = []
    checked = []
    for i, record in enumerate(records):
        answers.append({"index": i, "tube_code": str(record.get("tube_code") or "")[:40], "status": REJECTED,
                        "reason": ""})
        at = record.get("reported_at")
        if isinstance(at, datetime.datetime):
            at = (timezone.localtime(at) if timezone.is_aware(at) else at).strftime("%Y-%m-%d %H:%M:%S")
        at_text = str(at or "")
        row, problems = run.checker.row(i, str(record.get("tube_code") or ""), str(record.get("result") or ""),
                                        at_text, str(record.get("laboratory") or ""))
        if row is None:
            answers[i]["reason"] = "; ".join(f"{p.column}: {p.message}" for p in problems)
        else:
            checked.append(row)
    tubes = _tubes(TubeScope(actor, testing_round), testing_round, (r.code for r in checked))
    rows = []
    for r in checked:
        found = tubes.get(r.code)
        if found is None:
            answers[r.number]["reason"] = f"{COLUMNS['tube_code'].label}: {_unknown(r.number, r.code).message}"
        else:
            rows.append((r, *found))
    outcomes, positive = _write_rows(actor, rows, run.counts) if rows else ([], set())
    for (r, _tube, _current), outcome in zip(rows, outcomes):
        answers[r.number]["status"] = outcome
    follow = positives_follow_up(actor=actor, tube_ids=positive, now=now) if positive else {}
    counts = {**run.counts, "rejected": sum(a["status"] == REJECTED for a in answers), **follow}
    if counts["rejected"] == len(answers):
        transaction.set_rollback(True)
        return answers, counts
    audit_record(actor=actor, action=AuditAction.CREATE, obj=testing_round, changes={"records": len(records),
                 "counts": counts}, note=f"results API batch: {len(records)} records")
    return answers, counts


# --- a positive tube --------------------------------------------------------------------------------------------

def _plain_people(pks) -> dict[int, str]:
    return dict(Person.objects.filter(pk__in=set(pks)).values_list("pk", "name"))


def positives_follow_up(*, actor, tube_ids: Iterable[int], now=None) -> dict:
    """For positive pooled tubes: a `Retest` for everyone in them (on their grid, or the testing site's area
    for a visitor) and one re-sampling work order each to that place (`resample`, for its grid workers; a
    person with one open already keeps it). For positive single tubes: a `Case` for the person unless one is
    open. Set-based, idempotent (run again, it adds nothing); returns the counts added."""
    now = now or timezone.now()
    tubes = list(Tube.objects.filter(pk__in=list(tube_ids), result=Result.POSITIVE)
                 .values_list("id", "round_id", "pool_size", "site__area_id"))
    if not tubes:
        return {"retests": 0, "work_orders": 0, "cases": 0}
    info = {pk: (round_id, pool, site_area) for pk, round_id, pool, site_area in tubes}
    samples = list(Sample.objects.filter(tube_id__in=info).order_by("tube_id", "id")
                   .values_list("tube_id", "person_id", "grid_id"))
    pooled = [(t, p, g or info[t][2]) for t, p, g in samples if info[t][1] > 1]
    single = [(t, p, g or info[t][2]) for t, p, g in samples if info[t][1] == 1]

    retests = []
    orders = []
    if pooled:
        there = set(Retest.objects.filter(tube_id__in={t for t, _p, _a in pooled}).values_list("tube_id", "person_id"))
        pooled = [row for row in pooled if (row[0], row[1]) not in there]
    if pooled:
        names = _plain_people(p for _t, p, _a in pooled)
        areas = {a.pk: a for a in Area.objects.filter(pk__in={a for _t, _p, a in pooled})}
        items, wanted = [], set()
        for _t, person, area in pooled:
            if person not in wanted:
                wanted.add(person)
                items.append((Person(pk=person), areas[area], _("Single-tube re-sampling at home: %(name)s")
                              % {"name": mask_name(names.get(person, ""))}))
        orders = work_orders_create_bulk(actor=actor, kind=RESAMPLE, items=items, assignee_role="grid_worker",
                                         due_at=now + RESAMPLE_DUE, priority=Priority.URGENT)  # before door-knocking
        person_type = ContentType.objects.get_for_model(Person)
        order_of = dict(WorkOrder.objects.filter(kind=RESAMPLE, subject_type=person_type, subject_id__in=wanted,
                                                 status__in=ACTIVE_STATUSES).values_list("subject_id", "id"))
        retests = Retest.objects.bulk_create([
            Retest(round_id=info[t][0], person_id=p, tube_id=t, grid_id=a if _is_grid(areas[a]) else None, area_id=a,
                   work_order_id=order_of.get(p), created_at=now) for t, p, a in pooled])
        audit_bulk_create(actor, retests, person_of=lambda r: Person(pk=r.person_id))
        from .cases import retests_monitor  # home health monitoring until the re-test is negative

        retests_monitor(actor=actor, retests=retests, now=now)

    cases = []
    if single:
        busy = set(Case.objects.filter(person_id__in={p for _t, p, _a in single}, status=CaseStatus.OPEN)
                   .values_list("person_id", flat=True))
        for t, p, a in single:
            if p not in busy:
                busy.add(p)
                cases.append(Case(person_id=p, area_id=a, tube_id=t, opened_at=now,
                                  opened_by=actor if actor is not None and actor.is_authenticated else None,
                                  note=_("Opened from a positive single tube.")))
        Case.objects.bulk_create(cases)
        audit_bulk_create(actor, cases, person_of=lambda c: Person(pk=c.person_id))
        from .cases import cases_from_tubes  # the case's grid, its measure, its investigation

        cases_from_tubes(actor=actor, cases=cases, now=now)
    return {"retests": len(retests), "work_orders": len(orders), "cases": len(cases)}


def _negatives_follow_up(actor, tube_ids: set[int], now=None) -> None:
    """Negative tubes: whoever's single-tube re-test is in one leaves the home health monitoring it was under."""
    if tube_ids:
        from .cases import retests_negative

        retests_negative(actor=actor, tube_ids=tube_ids, now=now)


def _is_grid(area: Area) -> bool:
    return area.level == "grid"


def retests_close_for(samples: Iterable | None = None, *, round_id: int | None = None,
                      person_ids: Iterable[int] = (), sample_ids: Iterable[int] = (), actor=None, now=None) -> int:
    """Close the open re-tests of people whose re-test sample (`Sample.kind` retest) is registered in the
    round, and their re-sampling work orders (done, with an event). The registration service calls it with
    the samples it wrote: `samples` (objects or dicts with round_id, person_id and id), or `round_id` with the
    people's ids (and the samples' ids, if it knows them). Returns the re-tests closed."""
    wanted: dict[int, set[int]] = {}
    for s in samples or ():
        get = s.get if isinstance(s, dict) else (lambda k, s=s: getattr(s, k, None))
        wanted.setdefault(get("round_id"), set()).add(get("person_id"))
    if round_id is not None and person_ids:
        wanted.setdefault(round_id, set()).update(person_ids)
    if round_id is not None and sample_ids:
        wanted.setdefault(round_id, set()).update(
            Sample.objects.filter(pk__in=list(sample_ids), round_id=round_id).values_list("person_id", flat=True))
    now = now or timezone.now()
    closed = 0
    for rid, people in wanted.items():
        if rid is None or not people:
            continue
        retest_samples = Sample.objects.filter(round_id=rid, person_id=OuterRef("person_id"), kind=SampleKind.RETEST)
        sampled = Retest.objects.filter(round_id=rid, person_id__in=people, sample__isnull=True).filter(
            Exists(retest_samples))
        order_ids = set(sampled.filter(work_order__isnull=False).values_list("work_order_id", flat=True))
        closed += sampled.update(sample_id=Subquery(retest_samples.order_by("id").values("id")[:1]))
        _orders_done(actor, order_ids, now)
    return closed


def _orders_done(actor, order_ids: set[int], now) -> None:
    """Re-sampling work orders whose person was sampled again: done, with an event and an audit entry each."""
    orders = list(WorkOrder.objects.filter(pk__in=order_ids, kind=RESAMPLE, status__in=ACTIVE_STATUSES))
    if not orders:
        return
    creator = actor if actor is not None and actor.is_authenticated else None
    pairs = []
    for order in orders:
        before = snapshot(order)
        order.status, order.closed_at = WorkOrderStatus.DONE, now
        pairs.append((order, before))
    WorkOrder.objects.bulk_update(orders, ["status", "closed_at"])
    note = _("Re-test sample registered.")
    WorkOrderEvent.objects.bulk_create([WorkOrderEvent(work_order=o, actor=creator, action=WorkOrderEvent.Action.DONE,
                                                       note=note) for o in orders])
    audit_bulk(actor, AuditAction.UPDATE, [(o, {"status": [before["status"], o.status]}, None) for o, before in pairs],
               note="re-test sample registered")


# --- results held for review --------------------------------------------------------------------------------------

def reviews_for(actor, testing_round):
    """The results held for review in the round that the actor may decide."""
    return (ResultReview.objects.restrict(actor, MANAGE_TESTING)
            .filter(tube__round=testing_round, status=ReviewStatus.HELD)
            .select_related("tube").order_by("created_at", "id"))


@transaction.atomic
def result_review_decide(*, actor, review: ResultReview, accept: bool, now=None) -> ResultReview:
    """Accept a held result (it replaces the tube's, audited; a positive one sets the follow-up going) or
    dismiss it. Only a desk that runs testing where the tube was taken."""
    review = ResultReview.objects.select_for_update().select_related("tube").get(pk=review.pk)
    policy.require(actor, MANAGE_TESTING, review)
    if review.status != ReviewStatus.HELD:
        raise ValidationError(_("This result was decided already (%(status)s).")
                              % {"status": review.get_status_display()})
    now = now or timezone.now()
    before = snapshot(review)
    if accept:
        tube = Tube.objects.select_for_update().get(pk=review.tube_id)
        tube_before = snapshot(tube)
        tube.result, tube.result_at, tube.result_source = review.result, review.reported_at or now, review.source
        tube.save(update_fields=["result", "result_at", "result_source"])
        audit_update(actor, tube, tube_before)
    review.status = ReviewStatus.ACCEPTED if accept else ReviewStatus.DISMISSED
    review.decided_by = actor if actor is not None and actor.is_authenticated else None
    review.decided_at = now
    review.save(update_fields=["status", "decided_by", "decided_at"])
    audit_update(actor, review, before)
    if accept and review.result == Result.POSITIVE:
        positives_follow_up(actor=actor, tube_ids=[review.tube_id], now=now)
    if accept and review.result == Result.NEGATIVE:
        _negatives_follow_up(actor, {review.tube_id}, now)
    return review


# --- the round's positives ------------------------------------------------------------------------------------

def round_positives(actor, testing_round) -> dict:
    """What the "阳性待复核" section shows the actor: the positive tubes their scope holds (view_testing), and,
    where they may see people (view_people), each pooled tube's re-tests (masked names, pending or sampled)
    with their work orders, and the cases opened from single tubes."""
    tubes = list(Tube.objects.restrict(actor, VIEW_TESTING).filter(round=testing_round, result=Result.POSITIVE)
                 .select_related("site").order_by("result_at", "id"))
    people = policy.allows(actor, policy.VIEW_PEOPLE)
    retests, cases = {}, {}
    if people and tubes:
        for r in (Retest.objects.restrict(actor, policy.VIEW_PEOPLE).filter(tube__in=tubes)
                  .select_related("person", "work_order", "grid", "area").order_by("id")):
            retests.setdefault(r.tube_id, []).append(r)
        for c in (Case.objects.restrict(actor, policy.VIEW_PEOPLE).filter(tube__in=tubes).select_related("person", "area")):
            cases.setdefault(c.tube_id, []).append(c)
    rows = [{"tube": t, "retests": [{"name": mask_name(r.person.name), "pending": r.pending, "area": r.area,
                                     "order": r.work_order} for r in retests.get(t.pk, [])],
             "cases": [{"name": mask_name(c.person.name), "status": c.get_status_display(), "area": c.area}
                       for c in cases.get(t.pk, [])]} for t in tubes]
    return {"rows": rows, "people": people,
            "pending": sum(1 for row in rows for r in row["retests"] if r["pending"])}


def retests_pending(actor, area, names_shown: int = 50) -> dict | None:
    """The people of an area still waiting for a re-test, counted by round (one query), with their masked
    names where the area is a grid; None when there are none."""
    pending = Retest.objects.restrict(actor, policy.VIEW_PEOPLE).filter(area__path__startswith=area.path,
                                                                   sample__isnull=True)
    rounds = list(pending.order_by("round_id").values("round_id", "round__name").annotate(n=Count("id")))
    if not rounds:
        return None
    names = []
    if area.level == "grid":
        names = [mask_name(n) for n in pending.order_by("id").values_list("person__name", flat=True)[:names_shown]]
    return {"rounds": rounds, "names": names}
