"""The roster import: residents and households, party members and grid roles from one .xlsx or CSV.

Two passes over the file, streamed: `check` (the dry run) lists every problem by row and column
without writing; `apply` checks again and writes everything in one transaction, in chunks, or
nothing. Rows are matched to people by ID number, so importing the same file twice changes
nothing and a corrected file updates the people it names.
"""

import datetime
import hashlib
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Area, Building, Household
from frontline.core.audit import audit_bulk, audit_record, audit_update, diff, snapshot
from frontline.core.bulk import allocate_ids, bulk_insert, insert_rows, read_ahead, select_by_keys
from frontline.core.models import AuditAction
from frontline.core.tabular import FirstSeen, Problem, Table, TableError, detect_mapping, parse_date, read_table
from frontline.core.validators import normalize_phone, normalize_text, parse_id_number
from frontline.people.models import PartyMember, PartyOrg, PartyOrgKind, Person, Resident
from frontline.people.pinyin import pinyin_keys

from .models import GridRole, RosterImport

SYNONYMS = {
    "grid_code": ["网格编码", "网格代码"],
    "grid": ["网格", "所属网格", "网格名称"],
    "building": ["楼栋", "楼号", "楼栋号", "栋号"],
    "unit": ["单元", "单元号"],
    "room": ["房号", "门牌号", "房间号", "室号"],
    "name": ["姓名", "名字"],
    "id_number": ["身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证"],
    "phone": ["联系电话", "手机号", "手机号码", "电话", "手机"],
    "relation": ["与户主关系", "关系"],
    "party": ["政治面貌"],
    "grid_role": ["两长一员", "网格职务"],
    "moved_in": ["入住日期", "迁入日期"],
}
LABELS = {"grid_code": "网格编码", "grid": "网格", "building": "楼栋", "unit": "单元", "room": "房号", "name": "姓名",
          "id_number": "身份证号", "phone": "联系电话", "relation": "与户主关系", "party": "政治面貌",
          "grid_role": "两长一员", "moved_in": "入住日期"}
REQUIRED = ("name", "id_number", "building", "room")
RELATIONS = {"户主": "head", "本人": "head", "配偶": "spouse", "妻子": "spouse", "丈夫": "spouse", "子女": "child",
             "子": "child", "女": "child", "儿子": "child", "女儿": "child", "父母": "parent", "父亲": "parent",
             "母亲": "parent", "孙子女": "grandchild", "孙子": "grandchild", "孙女": "grandchild", "其他": "other", "": "other"}
PARTY = {"中共党员": "formal", "党员": "formal", "中共预备党员": "probationary", "预备党员": "probationary", "群众": "",
         "共青团员": "", "团员": "", "民主党派": "", "无党派人士": "", "": ""}
ROLES = {"楼栋长": "building_head", "党员楼栋长": "building_head", "网格员": "grid_member", "红色网格员": "grid_member"}
CHUNK = 5000
MAX_PROBLEMS_KEPT = 1000


class RosterRow(NamedTuple):  # a tuple: one is made for every row of the file
    number: int
    grid_id: int
    building_id: int
    unit: str
    room: str
    name: str
    id_number: str
    phone: str
    relation: str
    party: str
    roles: list[str]
    moved_in: datetime.date
    birth_date: datetime.date
    sex: str


@dataclass
class CheckResult:
    total_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0

    def add(self, problem: Problem) -> None:
        if problem.severity == "error":
            self.error_count += 1
        else:
            self.warning_count += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(problem)


class RosterChecker:
    """Turns rows into `RosterRow`s against what the database knows, collecting problems."""

    def __init__(self, *, actor, area: Area, mapping: dict[str, int], today: datetime.date | None = None):
        self.area, self.mapping, self.today = area, mapping, today or timezone.localdate()
        grids = Area.objects.filter(level="grid", path__prefix=area.path)
        if actor is not None:
            grids = grids.visible_to(actor)
        self.grid_by_code, self.grids_by_name = {}, {}
        for grid_id, code, name in grids.values_list("id", "code", "name"):
            self.grid_by_code[code] = grid_id
            self.grids_by_name.setdefault(name, []).append(grid_id)
        # One query for all of them: a city-wide file would otherwise ask once per grid.
        self.buildings: dict[int, dict[str, int]] = {grid_id: {} for grid_id in self.grid_by_code.values()}
        for grid_id, name, pk in Building.objects.filter(area__in=grids).values_list("area_id", "name", "id"):
            self.buildings[grid_id][name] = pk
        self.branch_of = dict(PartyOrg.objects.filter(area__in=self.grid_by_code.values(), kind=PartyOrgKind.BRANCH,
                                                      temporary=False, dissolved_on__isnull=True)
                              .values_list("area_id", "id"))
        self.seen = FirstSeen()
        self._blank = dict.fromkeys(SYNONYMS, "")
        self._mapped = [(key, index) for key, index in mapping.items() if key in SYNONYMS]

    def _raw(self, cells: list[str]) -> dict[str, str]:
        """The row's cells by field, "" where unmapped or missing (a hot path: one call per row)."""
        raw, count = self._blank.copy(), len(cells)
        for key, index in self._mapped:
            if index < count:
                raw[key] = cells[index]
        return raw

    def _grid(self, raw, problems, number) -> int | None:
        code = normalize_text(raw["grid_code"])
        name = raw["grid"].strip()
        if code:
            if code in self.grid_by_code:
                return self.grid_by_code[code]
            problems.append(Problem(number, LABELS["grid_code"], _("No grid with code %(code)s in %(area)s.")
                                    % {"code": code, "area": self.area.name}))
            return None
        if name:
            found = self.grids_by_name.get(name, [])
            if len(found) == 1:
                return found[0]
            problems.append(Problem(number, LABELS["grid"], _("No grid named %(name)s in %(area)s.") % {
                "name": name, "area": self.area.name} if not found else
                _("%(name)s names more than one grid in %(area)s: add the 网格编码 column.") % {
                    "name": name, "area": self.area.name}))
            return None
        if self.area.level == "grid":
            return self.area.pk
        problems.append(Problem(number, LABELS["grid"], _("Which grid? Add a 网格 or 网格编码 column, or import into a grid.")))
        return None

    def _building(self, grid_id: int, name: str) -> int | None:
        names = self.buildings.get(grid_id, {})
        return names.get(name) or names.get(name + "栋") or names.get(name.removesuffix("栋"))

    def check(self, number: int, cells: list[str]) -> tuple[RosterRow | None, list[Problem]]:
        problems: list[Problem] = []
        raw = self._raw(cells)
        for key in REQUIRED:
            if not raw[key].strip():
                problems.append(Problem(number, LABELS[key], _("missing")))
        id_number = phone = sex = ""
        birth = None
        if raw["id_number"].strip():
            try:
                info = parse_id_number(raw["id_number"], today=self.today)
            except ValidationError as e:
                problems.append(Problem(number, LABELS["id_number"], e.messages[0]))
            else:
                id_number, birth, sex = info.number, info.birth_date, info.sex
                if id_number != raw["id_number"]:
                    _warn_if_cleaned(problems, number, "id_number", raw["id_number"], id_number)
                earlier = self.seen.first(int(id_number[:17]), number)  # the 17 digits determine the 18th
                if earlier is not None:
                    problems.append(Problem(number, LABELS["id_number"], _("the same person as row %(row)d")
                                            % {"row": earlier}))
        if raw["phone"].strip():
            try:
                phone = normalize_phone(raw["phone"])
            except ValidationError as e:
                problems.append(Problem(number, LABELS["phone"], e.messages[0]))
            else:
                if phone != raw["phone"]:
                    _warn_if_cleaned(problems, number, "phone", raw["phone"], phone)
        name = " ".join(raw["name"].split())
        if name != raw["name"] and name:
            problems.append(Problem(number, LABELS["name"], _("spaces removed"), "warning"))
        relation = RELATIONS.get(raw["relation"].strip())
        if relation is None:
            problems.append(Problem(number, LABELS["relation"], _("%(value)s is not one of %(choices)s.") % {
                "value": raw["relation"], "choices": "、".join(k for k in RELATIONS if k)}))
        party = PARTY.get(raw["party"].strip())
        if party is None:
            problems.append(Problem(number, LABELS["party"], _("%(value)s is not one of %(choices)s.") % {
                "value": raw["party"], "choices": "、".join(k for k in PARTY if k)}))
        roles = []
        listed = raw["grid_role"].replace(",", "、").replace(",", "、").split("、") if raw["grid_role"] else []
        for role in filter(None, (r.strip() for r in listed)):
            if role not in ROLES:
                problems.append(Problem(number, LABELS["grid_role"], _("%(value)s is not one of %(choices)s.") % {
                    "value": role, "choices": "、".join(ROLES)}))
            elif not party:
                problems.append(Problem(number, LABELS["grid_role"], _("only a party member can be %(role)s") % {"role": role}))
            else:
                roles.append(ROLES[role])
        moved_in = self.today
        if raw["moved_in"].strip():
            try:
                moved_in = parse_date(raw["moved_in"])
            except ValueError as e:
                problems.append(Problem(number, LABELS["moved_in"], str(e)))
            else:
                if moved_in > self.today or (birth and moved_in < birth):
                    problems.append(Problem(number, LABELS["moved_in"], _("%(value)s is impossible for this person.")
                                            % {"value": raw["moved_in"]}))
        elif birth and relation == "child" and birth > self.today - datetime.timedelta(days=365):
            moved_in = birth
        grid_id = self._grid(raw, problems, number)
        building_id = None
        building = normalize_text(raw["building"]) if raw["building"] else ""
        if grid_id is not None and building:
            building_id = self._building(grid_id, building)
            if building_id is None:
                problems.append(Problem(number, LABELS["building"], _("no building %(name)s in this grid")
                                        % {"name": raw["building"]}))
        if grid_id is not None and party and grid_id not in self.branch_of:
            problems.append(Problem(number, LABELS["party"], _("this grid has no party branch to join")))
        if problems and any(p.severity == "error" for p in problems):
            return None, problems
        return RosterRow(number, grid_id, building_id, normalize_text(raw["unit"]), normalize_text(raw["room"]), name,
                         id_number, phone, relation, party, roles, moved_in, birth, sex), problems


def _warn_if_cleaned(problems: list[Problem], number: int, key: str, raw: str, clean: str) -> None:
    """A value that was corrected on the way in (`raw` != `clean`): say how, as a warning."""
    if raw.strip() == raw and normalize_text(raw) == clean:
        problems.append(Problem(number, LABELS[key], _("full-width characters converted"), "warning"))
    elif raw.strip() != raw:
        problems.append(Problem(number, LABELS[key], _("spaces removed"), "warning"))


def open_roster(path: Path, filename: str) -> tuple[Table, dict[str, int]]:
    table = read_table(path, filename)
    return table, detect_mapping(table.headers, SYNONYMS)


def mapping_problems(mapping: dict[str, int], headers: list[str]) -> list[Problem]:
    missing = [LABELS[k] for k in REQUIRED if k not in mapping]
    if missing:
        return [Problem(1, "、".join(missing), _("no such column: map it to one of the file's columns (%(headers)s)")
                        % {"headers": "、".join(h for h in headers if h)})]
    used = [i for i in mapping.values()]
    if len(used) != len(set(used)):
        return [Problem(1, "", _("two fields are mapped to the same column"))]
    return []


def _start(path: Path, filename: str, mapping: dict[str, int] | None) -> tuple[Table, dict[str, int], CheckResult]:
    """Open the file, settle the column mapping, and note what is wrong with the file as a whole."""
    table, detected = open_roster(path, filename)
    mapping = mapping or detected
    result = CheckResult()
    for note in table.notes:
        result.add(Problem(1, "", note, "warning"))
    for problem in mapping_problems(mapping, table.headers):
        result.add(problem)
    return table, mapping, result


def roster_check(*, actor, area: Area, path: Path, filename: str, mapping: dict[str, int] | None = None,
                 progress: Callable[[int], None] | None = None) -> tuple[CheckResult, Table, dict[str, int]]:
    """The dry run: every problem of the file, nothing written."""
    table, mapping, result = _start(path, filename, mapping)
    if result.error_count:
        return result, table, mapping
    checker = RosterChecker(actor=actor, area=area, mapping=mapping)
    try:
        for _chunk in _rows(checker, table.rows, result):
            if progress:
                progress(result.total_rows)
    finally:
        checker.seen.close()
    return result, table, mapping


def _rows(checker: RosterChecker, rows: Iterator[tuple[int, list[str]]], result: CheckResult) -> Iterator[list[RosterRow]]:
    """Check the rows, collecting problems in `result`; yield the good ones every CHUNK rows read."""
    chunk = []
    for number, cells in rows:
        result.total_rows += 1
        row, problems = checker.check(number, cells)
        for problem in problems:
            result.add(problem)
        if row is not None:
            chunk.append(row)
        if result.total_rows % CHUNK == 0:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class RosterProblems(Exception):
    def __init__(self, result: CheckResult):
        super().__init__(f"{result.error_count} problems")
        self.result = result


@transaction.atomic
def roster_apply(*, actor, area: Area, path: Path, filename: str, mapping: dict[str, int] | None = None,
                 progress: Callable[[int], None] | None = None) -> tuple[dict, CheckResult]:
    """Check again and write, chunk by chunk, in one transaction: the whole file or nothing."""
    table, mapping, result = _start(path, filename, mapping)
    if result.error_count:
        raise RosterProblems(result)
    checker = RosterChecker(actor=actor, area=area, mapping=mapping)
    counts = dict.fromkeys(["people_created", "people_updated", "households_created", "moved_in", "unchanged",
                            "members_created", "members_updated", "roles_created"], 0)
    today = timezone.localdate()
    try:
        # On PostgreSQL the database works in a process of its own while this one waits: check the next
        # chunk meanwhile. SQLite works inside this process, under the same lock (GIL): no gain there.
        chunks = _rows(checker, table.rows, result)
        with closing(read_ahead(chunks) if connection.vendor == "postgresql" else chunks) as stream:
            for chunk in stream:
                if chunk and not result.error_count:  # after a problem: keep reading to report all, write nothing
                    _write_chunk(actor, chunk, checker.branch_of, counts, today)
                if progress:
                    progress(result.total_rows)
    finally:
        checker.seen.close()
    if result.error_count:
        transaction.set_rollback(True)
        raise RosterProblems(result)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=area, note=f"roster import {filename}: {counts}")
    return counts, result


PERSON_COLUMNS = ("id", "name", "pinyin_full", "pinyin_initials", "id_number", "birth_date", "sex", "phone")


def _write_chunk(actor, chunk: list[RosterRow], branch_of: dict[int, int], counts: dict, today: datetime.date) -> None:
    """Write one chunk of checked rows. What exists is read as plain rows, one query a table; new people,
    households, residences and memberships go in as plain rows (COPY / executemany); only rows that
    change are loaded as models, changed and audited."""
    known = select_by_keys(Person, ["id_number"], ((r.id_number,) for r in chunk), ["id", "name", "phone"])
    person_id, person_changes = {}, {}
    for r in chunk:
        if (r.id_number,) in known:
            pk, name, phone = known[r.id_number,]
            person_id[r.id_number] = pk
            if name != r.name or (r.phone and phone != r.phone):
                full, initials = pinyin_keys(r.name)
                person_changes[pk] = {"name": r.name, "pinyin_full": full, "pinyin_initials": initials,
                                      "phone": r.phone or phone}
    new_people = [r for r in chunk if (r.id_number,) not in known]
    people = []
    for pk, r in zip(allocate_ids(Person, len(new_people)), new_people):
        person_id[r.id_number] = pk
        people.append((pk, r.name, *pinyin_keys(r.name), r.id_number, r.birth_date, r.sex, r.phone))
    insert_rows(Person, PERSON_COLUMNS, people)
    counts["people_created"] += len(people)
    counts["people_updated"] += _update_audited(actor, Person, person_changes)

    keys = {(r.building_id, r.unit, r.room) for r in chunk}
    household_id = {key: row[0] for key, row in select_by_keys(Household, ["building", "unit", "room"], keys).items()}
    missing = [key for key in keys if key not in household_id]
    for pk, key in zip(allocate_ids(Household, len(missing)), missing):
        household_id[key] = pk
    insert_rows(Household, ("id", "building_id", "unit", "room"), ((household_id[k], *k) for k in missing))
    counts["households_created"] += len(missing)

    # Only people who were already known can have a home or a membership already.
    known_ids = [(person_id[r.id_number],) for r in chunk if (r.id_number,) in known]
    homes = select_by_keys(Resident, ["person"], known_ids, ["id", "household_id", "relation", "moved_in"],
                           where='"moved_out" IS NULL')
    home_changes, arriving = {}, []
    for r in chunk:
        pk, household = person_id[r.id_number], household_id[r.building_id, r.unit, r.room]
        home_id, home_household, relation, moved_in = homes.get((pk,), (None, None, None, None))
        if home_household == household:
            if relation != r.relation:
                home_changes[home_id] = {"relation": r.relation}
            else:
                counts["unchanged"] += 1
            continue
        arrives = r.moved_in
        if home_id is not None:  # a move: the old home ends the day before, never before it began
            moved_out = max(moved_in, r.moved_in - datetime.timedelta(days=1))
            home_changes[home_id] = {"moved_out": moved_out}
            arrives = max(r.moved_in, moved_out)
        arriving.append((pk, household, r.relation, arrives))
    _update_audited(actor, Resident, home_changes)
    insert_rows(Resident, ("id", "person_id", "household_id", "relation", "moved_in"),
                ((pk, *row) for pk, row in zip(allocate_ids(Resident, len(arriving)), arriving)))
    counts["moved_in"] += len(arriving)

    party = [r for r in chunk if r.party]
    members = select_by_keys(PartyMember, ["person"], [(person_id[r.id_number],) for r in party if (r.id_number,) in known],
                             ["id", "status"], where='"left_on" IS NULL')
    member_id = {person_pk: member_pk for (person_pk,), (member_pk, _status) in members.items()}
    new_members, status_changes = [], {}
    for r in party:
        pk = person_id[r.id_number]
        if (pk,) not in members:
            new_members.append((pk, branch_of[r.grid_id], r.party))
        elif members[pk,][1] != r.party:
            status_changes[members[pk,][0]] = {"status": r.party}
    for member_pk, (pk, _org, _status) in zip(allocate_ids(PartyMember, len(new_members)), new_members):
        member_id[pk] = member_pk
    insert_rows(PartyMember, ("id", "person_id", "org_id", "status"),
                ((member_id[pk], pk, org, status) for pk, org, status in new_members))
    counts["members_created"] += len(new_members)
    counts["members_updated"] += _update_audited(actor, PartyMember, status_changes)

    wanted = [(r, member_id[person_id[r.id_number]]) for r in chunk if r.roles]
    if wanted:
        held = set(GridRole.objects.filter(member_id__in=[m for _r, m in wanted], ended_on__isnull=True)
                   .values_list("member_id", "kind", "building_id", "area_id"))
        roles = []
        for r, member in wanted:
            for kind in r.roles:
                building_id = r.building_id if kind == "building_head" else None
                if (member, kind, building_id, r.grid_id) not in held:
                    roles.append(GridRole(kind=kind, member_id=member, area_id=r.grid_id, building_id=building_id,
                                          started_on=today))
        # A building has one head: the previous head of a building that gets a new one steps down today.
        stepping_down = GridRole.objects.filter(kind="building_head", ended_on__isnull=True,
                                                building_id__in={r.building_id for r in roles if r.building_id})
        _update_audited(actor, GridRole, {pk: {"ended_on": today} for pk in stepping_down.values_list("pk", flat=True)})
        bulk_insert(GridRole, roles)
        counts["roles_created"] += len(roles)


def _update_audited(actor, model, changes: dict[int, dict]) -> int:
    """Change rows that existed before the import ({pk: {field: value}}) and audit each change: new rows
    are covered by the import's own audit entry, changes to what people already had are not."""
    if not changes:
        return 0
    pairs = []
    for obj in model.objects.filter(pk__in=changes):
        before = snapshot(obj)
        for field_name, value in changes[obj.pk].items():
            setattr(obj, field_name, value)
        pairs.append((obj, before))
    model.objects.bulk_update([obj for obj, _before in pairs], sorted({f for c in changes.values() for f in c}))

    def person_of(obj):  # without a query per row
        if model is Person:
            return obj
        return Person(pk=obj.person_id) if hasattr(obj, "person_id") else None

    audit_bulk(actor, AuditAction.UPDATE, [(o, diff(before, snapshot(o)), person_of(o)) for o, before in pairs],
               note="roster import")
    return len(pairs)


# --- the RosterImport record: uploads through the web, checked and applied in the background ---------

ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")


@transaction.atomic
def roster_import_upload(*, actor, area: Area, upload):
    """Keep an uploaded roster for checking; returns the new record and an earlier import of the same
    file into the same area, if any. Refuses missing, oversized and foreign files with a message."""
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
    earlier = RosterImport.objects.filter(area=area, sha256=digest.hexdigest(), status=RosterImport.Status.DONE).first()
    record = RosterImport.objects.create(area=area, uploaded_by=actor, file=upload, filename=upload.name[:255],
                                         sha256=digest.hexdigest())
    audit_record(actor=actor, action=AuditAction.CREATE, obj=record, note=f"roster upload {upload.name}"[:255])
    return record, earlier


@transaction.atomic
def roster_import_remap(*, actor, record, columns: dict[str, str]):
    """Map fields to the file's columns as the secretary chose (field → column index as text) and
    make the record ready to be checked again. Returns False when it is not in a state to remap."""
    if record.status not in (RosterImport.Status.CHECKED, RosterImport.Status.FAILED):
        return False
    before = snapshot(record)
    record.mapping = {key: int(value) for key, value in columns.items()
                      if key in SYNONYMS and value.isdigit() and int(value) < len(record.headers)}
    record.status, record.failure = RosterImport.Status.UPLOADED, ""
    record.save(update_fields=["mapping", "status", "failure"])
    audit_update(actor, record, before)
    return True


def _progress_key(pk: int) -> str:
    return f"roster-import-{pk}-progress"


def roster_import_progress(record) -> int:
    """Rows processed so far (kept in the cache: the import's own transaction hides its row counts)."""
    return cache.get(_progress_key(record.pk), record.processed_rows)


def _progress_to_cache(pk: int):
    return lambda n: cache.set(_progress_key(pk), n, 3600)


def _keep(record, result: CheckResult) -> None:
    record.total_rows = record.processed_rows = result.total_rows
    record.error_count, record.warning_count = result.error_count, result.warning_count
    record.problems = [[p.row, p.column, p.message, p.severity] for p in result.problems]


def roster_import_check(record) -> None:
    record.status = RosterImport.Status.CHECKING
    record.save(update_fields=["status"])
    try:
        result, table, mapping = roster_check(actor=record.uploaded_by, area=record.area, path=Path(record.file.path),
                                              filename=record.filename, mapping=record.mapping or None,
                                              progress=_progress_to_cache(record.pk))
    except TableError as e:
        record.status, record.failure = RosterImport.Status.FAILED, str(e)
        record.finished_at = timezone.now()
        record.save()
        return
    _keep(record, result)
    record.headers, record.mapping, record.encoding = table.headers, mapping, table.encoding
    record.status = RosterImport.Status.CHECKED
    record.save()


def roster_import_apply(record) -> None:
    if not record.ready_to_import:
        raise ValidationError(_("Only a checked file without problems can be imported."))
    record.status = RosterImport.Status.IMPORTING
    record.save(update_fields=["status"])
    try:
        counts, result = roster_apply(actor=record.uploaded_by, area=record.area, path=Path(record.file.path),
                                      filename=record.filename, mapping=record.mapping,
                                      progress=_progress_to_cache(record.pk))
    except RosterProblems as e:
        _keep(record, e.result)
        record.status, record.failure = RosterImport.Status.FAILED, _("The data changed since the check; nothing was imported.")
    except TableError as e:
        record.status, record.failure = RosterImport.Status.FAILED, str(e)
    else:
        _keep(record, result)
        record.status, record.result = RosterImport.Status.DONE, counts
    record.finished_at = timezone.now()
    record.save()
