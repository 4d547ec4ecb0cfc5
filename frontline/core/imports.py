"""One import framework for every kind of file.

An `Importer` (registered in `plugins.importers` by the app that owns the data) supplies its columns
and their synonyms, the check of a row and the write of a chunk. Everything else is here and the same
for every kind: reading the file (`tabular`), mapping headers to fields, the dry run listing every
problem by row and column with what the import will create and which columns it ignores, the
all-or-nothing apply in one transaction, and the life cycle of an uploaded file (`ImportRecord`:
upload → column mapping → dry run → confirm → apply in the background with progress and a
heartbeat → result; stale runs started again; old files purged). The pages are `import_views.py`,
the tasks `tasks.py`, the command line `frontline import KIND FILE`.
"""

import datetime
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import plugins, policy
from .audit import audit_record, audit_update, snapshot
from .bulk import read_ahead
from .models import AuditAction, ImportRecord
from .tabular import Problem, Table, TableError, detect_mapping, read_table

MAX_PROBLEMS_KEPT = 1000
ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")


@dataclass(frozen=True)
class Column:
    label: str  # the usual Chinese header, shown on pages and in problems
    synonyms: tuple[str, ...] = ()  # other headers people write for it


@dataclass
class CheckResult:
    total_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    notes: list[str] = field(default_factory=list)  # what the import will create, the columns it ignores
    # On PostgreSQL the rows are checked in a thread (`read_ahead`) while `Importer.review` adds the
    # problems it finds per chunk in the caller's: the counts must not lose one.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, problem: Problem) -> None:
        with self._lock:
            if problem.severity == "error":
                self.error_count += 1
            else:
                self.warning_count += 1
            if len(self.problems) < MAX_PROBLEMS_KEPT:
                self.problems.append(problem)

    def sort(self) -> None:
        """Problems by row (a review's come after the rows read meanwhile), each row's in the order found."""
        self.problems.sort(key=lambda p: p.row)


class ImportProblems(Exception):
    """The file has problems: nothing was imported."""

    def __init__(self, result: CheckResult):
        super().__init__(f"{result.error_count} problems")
        self.result = result


@dataclass
class ImportRun:
    """One pass over a file: what the importer's checker and writer share. `state` is the writer's own
    (e.g. what it created in earlier chunks)."""

    importer: "Importer"
    actor: Any
    area: Any
    mapping: dict[str, int]
    today: datetime.date
    checker: Any = None
    counts: dict[str, int] = field(default_factory=dict)
    state: dict = field(default_factory=dict)


class Importer:
    """A kind of file. Subclasses set `code`, `label`, `columns`, `required` and `counts` (the result's
    count names with their labels, in the order shown) and implement `checker` and `write_chunk`."""

    code = ""
    label: Any = ""
    columns: dict[str, Column] = {}
    required: tuple[str, ...] = ()
    counts: dict[str, Any] = {}
    chunk_size = 5000

    def checker(self, run: ImportRun):
        """An object whose `check(number, cells) -> (row or None, [Problem])` turns a row of cells into
        what `write_chunk` takes, against what the database knows; `close()` (optional) ends it."""
        raise NotImplementedError

    def review(self, run: ImportRun, chunk: list, result: CheckResult) -> list:
        """A chunk of checked rows against the database as a whole, in the dry run and the import alike
        (e.g. which rows name people outside the importer's scope): one query a chunk, never one a row.
        Runs in the caller's thread, inside the import's transaction, right before `write_chunk` of the
        same chunk; adds its problems to `result` and returns the rows to write (`chunk` itself when
        nothing changes)."""
        return chunk

    def write_chunk(self, run: ImportRun, chunk: list) -> None:
        """Write checked rows, adding to `run.counts`. Runs inside the import's one transaction."""
        raise NotImplementedError

    def plan(self, run: ImportRun) -> list[str]:
        """After the dry run: what the import will create besides the rows themselves (e.g. buildings)."""
        return []

    def synonyms(self) -> dict[str, list[str]]:
        return {key: [column.label, *column.synonyms] for key, column in self.columns.items()}

    def labels(self) -> dict[str, str]:
        return {key: column.label for key, column in self.columns.items()}

    def describe(self, counts: dict) -> str:
        """The result in words: "新增人员 24，更新人员 3，…" (counts of zero included, in the declared order)."""
        return _(", ").join(f"{label} {counts[key]}" for key, label in self.counts.items() if key in counts)


def row_values(columns: dict[str, Column], mapping: dict[str, int], cells: list[str]) -> dict[str, str]:
    """A row's cells by column key, stripped; "" where a column is not mapped or the row is short (for
    importers whose rows are few enough not to need the roster's tuned loop)."""
    count = len(cells)
    return {key: cells[mapping[key]].strip() if mapping.get(key, count) < count else "" for key in columns}


def importer_for(kind: str) -> Importer:
    importer = plugins.importers.get(kind)
    if importer is None:
        raise ValidationError(_("%(kind)s is not a kind of import (known: %(known)s).")
                              % {"kind": kind, "known": ", ".join(plugins.importers.codes())})
    return importer


# --- the dry run and the import of one file ------------------------------------------------------------

def mapping_problems(importer: Importer, mapping: dict[str, int], headers: list[str], header_row: int = 1) -> list[Problem]:
    labels = importer.labels()
    missing = [labels[k] for k in importer.required if k not in mapping]
    if missing:
        return [Problem(header_row, "、".join(missing), _("no such column: map it to one of the file's columns "
                                                          "(%(headers)s)") % {"headers": "、".join(h for h in headers if h)})]
    used = list(mapping.values())
    if len(used) != len(set(used)):
        return [Problem(header_row, "", _("two fields are mapped to the same column"))]
    return []


def _start(importer: Importer, path: Path, filename: str, mapping: dict[str, int] | None
           ) -> tuple[Table, dict[str, int], CheckResult]:
    """Open the file, settle the column mapping, and note what is wrong with the file as a whole and
    which of its columns the import does not use (listed, never silently dropped)."""
    table = read_table(path, filename, synonyms=importer.synonyms())  # the header is found below a title
    mapping = mapping or detect_mapping(table.headers, importer.synonyms())
    header_row = getattr(table, "header_row", 1)
    result = CheckResult()
    for note in table.notes:
        result.add(Problem(header_row, "", note, "warning"))
    for problem in mapping_problems(importer, mapping, table.headers, header_row):
        result.add(problem)
    used = set(mapping.values())
    ignored = [h for i, h in enumerate(table.headers) if h.strip() and i not in used]
    if ignored:
        result.notes.append(_("Ignored columns: %(columns)s") % {"columns": "、".join(ignored)})
    return table, mapping, result


def _rows(run: ImportRun, rows: Iterator[tuple[int, list[str]]], result: CheckResult) -> Iterator[list]:
    """Check the rows, collecting problems in `result`; yield the good ones every `chunk_size` rows read."""
    chunk, size, check = [], run.importer.chunk_size, run.checker.check
    for number, cells in rows:
        result.total_rows += 1
        row, problems = check(number, cells)
        for problem in problems:
            result.add(problem)
        if row is not None:
            chunk.append(row)
        if result.total_rows % size == 0:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _run(importer, actor, area, mapping) -> ImportRun:
    run = ImportRun(importer, actor, area, mapping, timezone.localdate(), counts=dict.fromkeys(importer.counts, 0))
    run.checker = importer.checker(run)
    return run


def _close(run: ImportRun) -> None:
    close = getattr(run.checker, "close", None)
    if close:
        close()


def import_check(*, importer: Importer, actor, area, path: Path, filename: str, mapping: dict[str, int] | None = None,
                 progress: Callable[[int], None] | None = None) -> tuple[CheckResult, Table, dict[str, int]]:
    """The dry run: every problem of the file by row and column, what the import would create, the
    columns it ignores; nothing written."""
    policy.require(actor, policy.IMPORT, area)
    table, mapping, result = _start(importer, path, filename, mapping)
    if result.error_count:
        return result, table, mapping
    run = _run(importer, actor, area, mapping)
    try:
        for chunk in _rows(run, table.rows, result):
            if chunk:
                importer.review(run, chunk, result)
            if progress:
                progress(result.total_rows)
        result.notes[:0] = importer.plan(run)
    finally:
        _close(run)
    result.sort()
    return result, table, mapping


@transaction.atomic
def import_apply(*, importer: Importer, actor, area, path: Path, filename: str, mapping: dict[str, int] | None = None,
                 progress: Callable[[int], None] | None = None, record: ImportRecord | None = None
                 ) -> tuple[dict, CheckResult]:
    """Check again and write, chunk by chunk, in one transaction: the whole file or nothing. One audit
    entry names the file, the actor and the counts (on the import record, or the area without one)."""
    policy.require(actor, policy.IMPORT, area)  # the page, the task and `frontline import --user` alike
    table, mapping, result = _start(importer, path, filename, mapping)
    if result.error_count:
        raise ImportProblems(result)
    run = _run(importer, actor, area, mapping)
    try:
        # On PostgreSQL the database works in a process of its own while this one waits: check the next
        # chunk meanwhile. SQLite works inside this process, under the same lock (GIL): no gain there.
        chunks = _rows(run, table.rows, result)
        with closing(read_ahead(chunks) if connection.vendor == "postgresql" else chunks) as stream:
            for chunk in stream:
                if chunk:
                    chunk = importer.review(run, chunk, result)
                if chunk and not result.error_count:  # after a problem: keep reading to report all, write nothing
                    importer.write_chunk(run, chunk)
                if progress:
                    progress(result.total_rows)
    finally:
        _close(run)
    result.sort()
    if result.error_count:
        transaction.set_rollback(True)
        raise ImportProblems(result)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=record if record is not None else area,
                 changes={"file": filename, "rows": result.total_rows, "counts": run.counts},
                 note=f"{importer.code} import {filename}: {importer.describe(run.counts)}")
    return run.counts, result


# --- the ImportRecord: uploads through the web, checked and applied in the background ---------------------

@transaction.atomic
def import_upload(*, actor, kind: str, area, upload) -> tuple[ImportRecord, ImportRecord | None]:
    """Keep an uploaded file for checking; returns the new record and an earlier import of the same file
    into the same area, if any. Refuses unknown kinds, missing, oversized and foreign files with a message."""
    policy.require(actor, policy.IMPORT, area)
    importer_for(kind)
    if upload is None:
        raise ValidationError(_("Choose a file."))
    limit = settings.FRONTLINE_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(_("%(name)s is %(size)d MB; the limit is %(limit)d MB. Split it by community.") % {
            "name": upload.name, "size": upload.size // 2**20, "limit": limit // 2**20})
    if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
        raise ValidationError(_("%(name)s is not an .xlsx or .csv file.") % {"name": upload.name})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    earlier = ImportRecord.objects.filter(kind=kind, area=area, sha256=digest.hexdigest(),
                                          status=ImportRecord.Status.DONE).first()
    record = ImportRecord(kind=kind, area=area, uploaded_by=actor, file=upload, filename=upload.name[:255],
                          sha256=digest.hexdigest())
    record.full_clean(exclude=["file"])
    record.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=record, note=f"{kind} upload {upload.name}"[:255])
    return record, earlier


@transaction.atomic
def import_remap(*, actor, record: ImportRecord, columns: dict[str, str]) -> bool:
    """Map fields to the file's columns as chosen (field → column index as text) and make the record ready
    to be checked again. Returns False when it is not in a state to remap."""
    policy.require(actor, policy.IMPORT, record.area)
    if record.status not in (ImportRecord.Status.CHECKED, ImportRecord.Status.FAILED) or not record.file:
        return False
    fields = importer_for(record.kind).columns
    before = snapshot(record)
    record.mapping = {key: int(value) for key, value in columns.items()
                      if key in fields and value.isdigit() and int(value) < len(record.headers)}
    record.status, record.failure = ImportRecord.Status.UPLOADED, ""
    record.heartbeat_at = timezone.now()  # queued for a check now: not stale until the limit passes again
    record.save(update_fields=["mapping", "status", "failure", "heartbeat_at"])
    audit_update(actor, record, before)
    return True


def _progress_key(pk: int) -> str:
    return f"import-{pk}-progress"


def import_progress(record: ImportRecord) -> int:
    """Rows processed so far (kept in the cache: the import's own transaction hides its row counts)."""
    return cache.get(_progress_key(record.pk), (record.processed_rows, None))[0]


def _progress_to_cache(pk: int) -> Callable[[int], None]:
    """Rows done and a heartbeat (the time), for the page and for stale detection."""
    return lambda n: cache.set(_progress_key(pk), (n, time.time()), 3600)


def import_heartbeat(record: ImportRecord) -> datetime.datetime | None:
    """The last sign of life of the task running this record: its last progress, or when it started."""
    beat = cache.get(_progress_key(record.pk), (None, None))[1]
    at = datetime.datetime.fromtimestamp(beat, tz=datetime.UTC) if beat else None
    return max(filter(None, [at, record.heartbeat_at]), default=None)


def import_is_stale(record: ImportRecord, now: datetime.datetime | None = None) -> bool:
    """Waiting or running, and no sign of life for FRONTLINE_IMPORT_STALE_SECONDS: the process that ran it
    was killed (or the queue lost it). The apply is one transaction, so a killed run left nothing written."""
    if record.status not in (ImportRecord.Status.UPLOADED, ImportRecord.Status.CHECKING, ImportRecord.Status.IMPORTING):
        return False
    last = import_heartbeat(record) or record.created_at
    return (now or timezone.now()) - last > datetime.timedelta(seconds=settings.FRONTLINE_IMPORT_STALE_SECONDS)


@transaction.atomic
def import_restart(*, actor, record: ImportRecord) -> str | None:
    """Start a stale record's step again: returns "check" or "apply" (the task to queue), or None when the
    record is not stale."""
    policy.require(actor, policy.IMPORT, record.area)
    record = ImportRecord.objects.select_for_update().get(pk=record.pk)
    if not import_is_stale(record):
        return None
    before = snapshot(record)
    step = "apply" if record.status == ImportRecord.Status.IMPORTING else "check"
    record.status = ImportRecord.Status.CHECKED if step == "apply" else ImportRecord.Status.UPLOADED
    record.heartbeat_at = timezone.now()  # queued again now: not stale until the limit passes again
    record.save(update_fields=["status", "heartbeat_at"])
    audit_update(actor, record, before)
    return step


def _claim(pk: int, from_status: str, to_status: str, **extra) -> ImportRecord | None:
    """Move a record from one status to the next unless another run got there first (tasks are retried)."""
    now = timezone.now()
    if not ImportRecord.objects.filter(pk=pk, status=from_status, **extra).update(
            status=to_status, started_at=now, heartbeat_at=now):
        return None
    return ImportRecord.objects.select_related("area", "uploaded_by", "uploaded_by__area").get(pk=pk)


def _keep(record: ImportRecord, result: CheckResult) -> None:
    record.total_rows = record.processed_rows = result.total_rows
    record.error_count, record.warning_count = result.error_count, result.warning_count
    record.problems = [[p.row, p.column, p.message, p.severity] for p in result.problems]
    record.notes = result.notes


def import_record_check(pk: int) -> None:
    """The dry run of an uploaded record (the check task's body): from "uploaded" only."""
    record = _claim(pk, ImportRecord.Status.UPLOADED, ImportRecord.Status.CHECKING)
    if record is None:
        return
    try:
        result, table, mapping = import_check(importer=importer_for(record.kind), actor=record.uploaded_by,
                                              area=record.area, path=Path(record.file.path), filename=record.filename,
                                              mapping=record.mapping or None, progress=_progress_to_cache(record.pk))
    except TableError as e:
        record.status, record.failure = ImportRecord.Status.FAILED, str(e)
        record.finished_at = timezone.now()
        record.save()
        return
    _keep(record, result)
    record.headers, record.mapping, record.encoding = table.headers, mapping, table.encoding
    record.status = ImportRecord.Status.CHECKED
    record.save()


def import_record_apply(pk: int) -> None:
    """The import of a checked record (the apply task's body): from "checked without problems" only. The
    record's result is saved in the import's own transaction: a process killed before the commit left
    nothing, and the record still says "importing" until it is found stale and started again."""
    record = _claim(pk, ImportRecord.Status.CHECKED, ImportRecord.Status.IMPORTING, error_count=0)
    if record is None:
        return
    importer = importer_for(record.kind)
    try:
        with transaction.atomic():
            counts, result = import_apply(importer=importer, actor=record.uploaded_by, area=record.area,
                                          path=Path(record.file.path), filename=record.filename, mapping=record.mapping,
                                          progress=_progress_to_cache(record.pk), record=record)
            _keep(record, result)
            record.status, record.result, record.finished_at = ImportRecord.Status.DONE, counts, timezone.now()
            record.save()
    except ImportProblems as e:
        _keep(record, e.result)
        record.status, record.failure = ImportRecord.Status.FAILED, _("The data changed since the check; nothing was imported.")
    except TableError as e:
        record.status, record.failure = ImportRecord.Status.FAILED, str(e)
    else:
        return
    record.finished_at = timezone.now()
    record.save()


def imports_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of finished and failed imports older than FRONTLINE_IMPORT_KEEP_DAYS; the records
    stay with their counts and problems. One audit entry for each purge that deleted anything."""
    now = now or timezone.now()
    old = (ImportRecord.objects.filter(status__in=[ImportRecord.Status.DONE, ImportRecord.Status.FAILED],
                                       finished_at__lt=now - datetime.timedelta(days=settings.FRONTLINE_IMPORT_KEEP_DAYS))
           .exclude(file=""))
    purged, size = [], 0
    for record in old.only("pk", "file", "filename"):
        storage, name = record.file.storage, record.file.name
        if storage.exists(name):
            size += storage.size(name)
            storage.delete(name)
        purged.append(record.pk)
    if purged:
        ImportRecord.objects.filter(pk__in=purged).update(file="", purged_at=now)
        audit_record(actor=None, action=AuditAction.DELETE, changes={"imports": purged, "bytes": size},
                     note=f"purged the files of {len(purged)} imports ({size} bytes), older than "
                          f"{settings.FRONTLINE_IMPORT_KEEP_DAYS} days")
    return len(purged)
