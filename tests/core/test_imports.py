"""The import framework: the record's life cycle and its pages for any kind, stale runs started again,
old files purged, the background runner, the command line for any registered kind."""

import datetime
import os
import threading

import pytest
from celery import shared_task
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frontline.core import background, plugins
from frontline.core.imports import Column, Importer, import_apply, import_check, import_upload, imports_purge
from frontline.core.models import AuditLog, ImportRecord
from frontline.core.tabular import Problem
from tests.access import assert_access


class NumbersImporter(Importer):
    """A kind of file of the tests' own: one number a row, written nowhere but a list."""

    code = "numbers"
    label = "Numbers"
    columns = {"n": Column("数字", ("数",)), "note": Column("说明")}
    required = ("n",)
    counts = {"rows_written": "写入"}
    written: list[int] = []

    def checker(self, run):
        class Checker:
            def check(self, number, cells):
                text = cells[run.mapping["n"]].strip()
                if not text.isdigit():
                    return None, [Problem(number, "数字", "not a number")]
                return int(text), []
        return Checker()

    def write_chunk(self, run, chunk):
        self.written.extend(chunk)
        run.counts["rows_written"] += len(chunk)

    def plan(self, run):
        return ["将写入若干数字"]


@pytest.fixture
def numbers():
    importer = NumbersImporter()
    importer.written = []
    plugins.importers.register(importer)
    yield importer
    plugins.importers.unregister("numbers")


def upload(content: bytes, name: str = "numbers.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_a_new_kind_plugs_in_with_its_columns_check_and_write(city, numbers, tmp_path):
    path = tmp_path / "n.csv"
    path.write_text("数,备注\n1,a\n2,b\n", encoding="utf-8")
    result, _table, mapping = import_check(importer=numbers, actor=None, area=city.grid, path=path, filename="n.csv")
    assert mapping == {"n": 0} and result.error_count == 0
    assert result.notes == ["将写入若干数字", "忽略的列：备注"]  # the plan, then the columns no field uses
    counts, _result = import_apply(importer=numbers, actor=city.users["secretary"], area=city.grid, path=path,
                                   filename="n.csv")
    assert counts == {"rows_written": 2} and numbers.written == [1, 2]
    entry = AuditLog.objects.filter(actor_name="secretary", note__startswith="numbers import n.csv").get()
    assert entry.changes["counts"] == {"rows_written": 2} and entry.changes["file"] == "n.csv"
    assert "写入 2" in entry.note


def test_the_record_goes_from_upload_to_result_through_its_pages(city, client_for, numbers):
    client = client_for("secretary")
    response = client.post(f"/areas/{city.grid.pk}/imports/new/", {"kind": "numbers", "file": upload(b"n\n1\n2\n")})
    record = ImportRecord.objects.get()
    assert response.url == f"/imports/{record.pk}/" and record.kind == "numbers"
    assert record.status == "checked" and record.headers == ["n"]
    assert record.error_count == 1 and record.total_rows == 0  # "n" is none of the synonyms: which column is it?
    client.post(f"/imports/{record.pk}/remap/", {"map-n": "0"})
    record.refresh_from_db()
    assert record.status == "checked" and record.error_count == 0 and record.mapping == {"n": 0}
    client.post(f"/imports/{record.pk}/apply/")
    record.refresh_from_db()
    assert record.status == "done" and record.result == {"rows_written": 2} and numbers.written == [1, 2]
    page = client.get(f"/imports/{record.pk}/").content.decode()
    assert "写入 2" in page and "rows_written" not in page


def test_an_unknown_kind_is_refused(city, client_for):
    response = client_for("secretary").post(f"/areas/{city.grid.pk}/imports/new/", {"kind": "nope", "file": upload(b"x")})
    assert response.status_code == 400 and not ImportRecord.objects.exists()
    with pytest.raises(Exception, match="nope"):
        import_upload(actor=city.users["secretary"], kind="nope", area=city.grid, upload=upload(b"x"))


def _record(city, **fields) -> ImportRecord:
    record, _earlier = import_upload(actor=city.users["secretary"], kind="roster", area=city.grid,
                                     upload=upload("姓名,身份证号,楼栋,房号\n".encode()))
    ImportRecord.objects.filter(pk=record.pk).update(**fields)
    record.refresh_from_db()
    return record


def test_every_import_page_follows_the_access_matrix(city, client_for):
    record = _record(city, status="checked")
    for url in (f"/imports/{record.pk}/", f"/areas/{city.grid.pk}/imports/new/"):
        assert_access(client_for, url, sees=["secretary", "street", "commander"], hidden=["secretary2", "district2"])
        assert client_for("grid").get(url).status_code == 403
    for action in ("remap", "apply", "restart"):
        url = f"/imports/{record.pk}/{action}/"
        assert_access(client_for, url, method="post", sees=[], hidden=["secretary2", "district2"])
        assert client_for("grid").post(url).status_code == 403
    record.refresh_from_db()
    assert record.status == "checked" and not AuditLog.objects.filter(action="update", object_id=str(record.pk)).exists()
    for action in ("remap", "apply", "restart"):
        assert client_for("secretary").post(f"/imports/{record.pk}/{action}/").status_code == 302


def test_the_list_of_earlier_imports_does_not_grow_in_queries(city, client_for, django_assert_max_num_queries):
    client = client_for("secretary")
    url = f"/areas/{city.grid.pk}/imports/new/"
    _record(city)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        _record(city)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).content.decode().count("/imports/") >= 6


def test_a_killed_import_is_stale_and_can_be_run_again(city, client_for, settings):
    """The process running the import died: no heartbeat for longer than the limit. Its transaction was
    rolled back with it, so starting it again is safe."""
    settings.FRONTLINE_IMPORT_STALE_SECONDS = 60
    record = _record(city, status="importing", error_count=0, total_rows=0,
                     heartbeat_at=timezone.now() - datetime.timedelta(minutes=5))
    cache.clear()
    client = client_for("secretary")
    page = client.get(f"/imports/{record.pk}/").content.decode()
    assert 'data-testid="import-stale"' in page and "every 1s" not in page  # no longer polled
    client.post(f"/imports/{record.pk}/restart/")
    record.refresh_from_db()
    assert record.status == "done"  # eager in tests: the import ran again, from the start
    changes = AuditLog.objects.filter(object_id=str(record.pk), action="update").values_list("changes", flat=True)
    assert {"status": ["importing", "checked"]}.items() <= next(iter(changes)).items()


def test_a_running_import_with_a_recent_heartbeat_is_not_stale(city, client_for, settings):
    settings.FRONTLINE_IMPORT_STALE_SECONDS = 60
    record = _record(city, status="importing", heartbeat_at=timezone.now() - datetime.timedelta(minutes=5))
    cache.set(f"import-{record.pk}-progress", (5000, timezone.now().timestamp()))  # progress a moment ago
    client = client_for("secretary")
    page = client.get(f"/imports/{record.pk}/").content.decode()
    assert 'data-testid="import-stale"' not in page and "every 1s" in page and "5000" in page
    client.post(f"/imports/{record.pk}/restart/")
    record.refresh_from_db()
    assert record.status == "importing"


def test_a_check_that_never_started_is_stale_too(city, settings):
    from frontline.core.imports import import_is_stale

    settings.FRONTLINE_IMPORT_STALE_SECONDS = 60
    record = _record(city, status="uploaded", heartbeat_at=None)
    assert not import_is_stale(record)
    assert import_is_stale(record, now=timezone.now() + datetime.timedelta(minutes=2))


def test_old_files_of_finished_imports_are_purged_and_the_purge_is_audited(city, settings):
    settings.FRONTLINE_IMPORT_KEEP_DAYS = 7
    old = timezone.now() - datetime.timedelta(days=8)
    done = _record(city, status="done", finished_at=old, result={"people_created": 3})
    failed = _record(city, status="failed", finished_at=old)
    recent = _record(city, status="done", finished_at=timezone.now())
    waiting = _record(city, status="checked", finished_at=None)
    paths = {r.pk: r.file.path for r in (done, failed, recent, waiting)}
    assert imports_purge() == 2
    for record in (done, failed, recent, waiting):
        record.refresh_from_db()
    assert done.file.name == "" and done.purged_at and done.result == {"people_created": 3}
    assert failed.file.name == "" and recent.file.name and waiting.file.name
    assert not os.path.exists(paths[done.pk]) and os.path.exists(paths[recent.pk])
    entry = AuditLog.objects.get(action="delete", note__startswith="purged the files of 2 imports")
    assert sorted(entry.changes["imports"]) == sorted([done.pk, failed.pk])
    assert imports_purge() == 0  # nothing left to purge, nothing audited
    assert AuditLog.objects.filter(action="delete", note__startswith="purged").count() == 1


def test_the_purge_is_a_scheduled_task_for_beat_and_the_embedded_runner():
    schedule = background.beat_schedule()
    assert schedule["purge-import-files"]["task"] == "frontline.core.tasks.purge_import_files"
    assert schedule["escalate-overdue-work-orders"]["schedule"] == 600.0


def test_celery_beat_takes_its_schedule_from_the_plugins():
    from frontline.celery import app, schedule_from_plugins

    schedule_from_plugins(app)
    assert set(app.conf.beat_schedule) >= {"purge-import-files", "escalate-overdue-work-orders"}


@shared_task
def _where_am_i(x):
    return x * 2, threading.current_thread().name


def test_without_a_broker_a_task_runs_in_the_worker_thread_not_in_the_request(settings):
    settings.FRONTLINE_TASK_RUNNER = "thread"
    result = _where_am_i.delay(21)
    value, thread = result.get(timeout=30)
    assert value == 42 and thread.startswith("frontline-task") and thread != threading.current_thread().name


def test_the_command_line_lists_the_known_kinds_for_an_unknown_one(city, tmp_path):
    from django.core.management import CommandError, call_command

    (tmp_path / "f.csv").write_text("x\n")
    with pytest.raises(CommandError, match="known: .*roster"):
        call_command("import_file", "nope", str(tmp_path / "f.csv"))


def test_a_remapped_file_waiting_for_its_check_is_not_stale(city, settings):
    from frontline.core.imports import import_is_stale, import_remap

    settings.FRONTLINE_IMPORT_STALE_SECONDS = 60
    record = _record(city, status="checked", headers=["姓名"], heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
    assert import_remap(actor=city.users["secretary"], record=record, columns={"name": "0"})
    assert record.status == "uploaded" and not import_is_stale(record)
