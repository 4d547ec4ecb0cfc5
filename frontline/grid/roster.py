"""The roster importer: residents and households, party members and grid roles from one .xlsx or CSV.

The import framework (`frontline.core.imports`) reads the file, maps its headers, runs the dry run and
the all-or-nothing import and keeps the record; this module says what a roster's columns are, checks a
row against what the database knows (`RosterChecker`) and writes a chunk of checked rows through the
people rules (`frontline.people.rules`: identity, moving home, one current membership). Rows are
matched to people by ID number, or, for a person without one (a child, a foreigner), by name, birth
date and household, so importing the same file twice changes nothing and a corrected file updates the
people it names. Buildings the file names that the grid does not have yet are created.
"""

import datetime
from pathlib import Path
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from frontline.areas.figures import figures_mark_dirty
from frontline.areas.models import Area, Building, Household
from frontline.areas.services import building_create
from frontline.core.audit import MASKED_FIELDS, audit_bulk, diff, snapshot
from frontline.core.bulk import allocate_ids, bulk_insert, insert_rows, select_by_keys
from frontline.core.imports import CheckResult, Column, Importer, ImportProblems, ImportRun, import_apply, import_check
from frontline.core.models import AuditAction
from frontline.core.tabular import FirstSeen, Problem, Table, footer_text, parse_date
from frontline.core.validators import (
    clean_text,
    has_hidden_characters,
    normalize_building_name,
    normalize_text,
    strip_hidden,
)
from frontline.people.models import PartyMember, PartyOrg, PartyOrgKind, Person, Resident
from frontline.people.rules import (
    PERSON_COLUMNS,
    Identity,
    current_homes,
    current_memberships,
    identity_clean,
    move_home,
    people_elsewhere,
    person_values,
)

from .models import GridRole
from .transfers import Asked, transfer_requests_file

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
    "birth_date": ["出生日期", "出生年月日", "出生年月", "生日"],
}
LABELS = {"grid_code": "网格编码", "grid": "网格", "building": "楼栋", "unit": "单元", "room": "房号", "name": "姓名",
          "id_number": "身份证号", "phone": "联系电话", "relation": "与户主关系", "party": "政治面貌",
          "grid_role": "两长一员", "moved_in": "入住日期", "birth_date": "出生日期"}
REQUIRED = ("name", "id_number", "building", "room")  # columns; a row may leave the ID number blank
ROW_REQUIRED = ("name", "building", "room")
RELATIONS = {"户主": "head", "本人": "head", "配偶": "spouse", "妻子": "spouse", "丈夫": "spouse", "子女": "child",
             "子": "child", "女": "child", "儿子": "child", "女儿": "child", "父母": "parent", "父亲": "parent",
             "母亲": "parent", "孙子女": "grandchild", "孙子": "grandchild", "孙女": "grandchild", "其他": "other", "": "other"}
PARTY = {"中共党员": "formal", "党员": "formal", "中共预备党员": "probationary", "预备党员": "probationary", "群众": "",
         "共青团员": "", "团员": "", "民主党派": "", "无党派人士": "", "": ""}
ROLES = {"楼栋长": "building_head", "党员楼栋长": "building_head", "网格员": "grid_member", "红色网格员": "grid_member"}
CHUNK = 5000


class RosterRow(NamedTuple):  # a tuple: one is made for every row of the file
    number: int
    grid_id: int
    building_id: int | None  # None: a building the import creates (named `building`)
    building: str
    unit: str
    room: str
    person: Identity
    relation: str
    party: str
    roles: list[str]
    moved_in: datetime.date
    elsewhere: int | None = None  # the person, registered in another jurisdiction: nothing of theirs is written


class RosterChecker:
    """Turns rows into `RosterRow`s against what the database knows, collecting problems."""

    # The longest value each kept text may have: its model field's (a longer one was once stored cut
    # short on one database and refused by the other).
    MAX_LENGTHS = {"name": Person._meta.get_field("name").max_length,
                   "building": Building._meta.get_field("name").max_length,
                   "unit": Household._meta.get_field("unit").max_length,
                   "room": Household._meta.get_field("room").max_length}

    def __init__(self, *, actor, area: Area, mapping: dict[str, int], today: datetime.date | None = None):
        self.area, self.mapping, self.today = area, mapping, today or timezone.localdate()
        grids = Area.objects.filter(level="grid", path__prefix=area.path)
        if actor is not None:
            grids = grids.visible_to(actor)
        self.grid_by_code, self.grids_by_name, self.grid_names = {}, {}, {}
        for grid_id, code, name in grids.values_list("id", "code", "name"):
            self.grid_by_code[code] = grid_id
            self.grid_names[grid_id] = name
            self.grids_by_name.setdefault(name, []).append(grid_id)
        # One query for all of them: a city-wide file would otherwise ask once per grid.
        self.buildings: dict[int, dict[str, int]] = {grid_id: {} for grid_id in self.grid_by_code.values()}
        for grid_id, name, pk in Building.objects.filter(area__in=grids).values_list("area_id", "name", "id"):
            self.buildings[grid_id][name] = pk
        for names in self.buildings.values():  # "3号楼" in the file finds "3栋", and the other way round
            for name, pk in list(names.items()):
                names.setdefault(normalize_building_name(name), pk)
        self.branch_of = dict(PartyOrg.objects.filter(area__in=self.grid_by_code.values(), kind=PartyOrgKind.BRANCH,
                                                      temporary=False, dissolved_on__isnull=True)
                              .values_list("area_id", "id"))
        self.seen = FirstSeen()
        # People without an ID number, by name, birth date and home: few, kept in memory.
        self.seen_without_id: dict[tuple, int] = {}
        # Buildings the file names that their grid does not have: (grid id, name) → {(unit, room)}.
        self.new_buildings: dict[tuple[int, str], set[tuple[str, str]]] = {}
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
        """`name` as `check` keeps it (already `normalize_building_name`d): the grid's buildings are kept
        under their normalized names too, so one lookup finds them."""
        return self.buildings.get(grid_id, {}).get(name)

    def _hidden_characters(self, number: int, raw: dict[str, str], problems: list[Problem]) -> None:
        """Every cell read as a form takes it (`clean_text`): a control or direction character is refused,
        zero-width ones are removed with a warning (invisible: nobody could find them to fix them)."""
        for key, value in raw.items():
            if value and has_hidden_characters(value):
                try:
                    clean_text(value, max_length=None, field_label=LABELS[key])
                except ValidationError as e:
                    problems.append(Problem(number, LABELS[key], e.messages[0]))
                else:
                    problems.append(Problem(number, LABELS[key], _("invisible characters removed"), "warning"))
                raw[key] = strip_hidden(value)  # the rest of the row is checked without them

    def _max_lengths(self, number: int, raw: dict[str, str], problems: list[Problem]) -> None:
        """A kept text may not be longer than its model field."""
        for key, limit in self.MAX_LENGTHS.items():
            value = raw[key]
            if len(value) > limit:  # spaces may still go: measure the value as it would be kept
                kept = " ".join(value.split()) if key == "name" else normalize_building_name(normalize_text(value))
                try:
                    clean_text(kept, max_length=limit, field_label=LABELS[key])
                except ValidationError as e:
                    problems.append(Problem(number, LABELS[key], e.messages[0]))

    def check(self, number: int, cells: list[str]) -> tuple[RosterRow | None, list[Problem]]:
        footer = footer_text(cells)
        if footer is not None:  # a signature, a total or a note under the table: not a resident
            return None, [Problem(number, "", _("Not data (a line under the table), skipped: %(text)s")
                                  % {"text": footer[:80]}, "warning")]
        raw = self._raw(cells)
        joined = "".join(raw.values())
        if not joined.strip():  # values only in columns not read (a numbered template row)
            return None, []
        problems: list[Problem] = []
        if has_hidden_characters(joined):  # one search for the whole row: rare
            self._hidden_characters(number, raw, problems)
        self._max_lengths(number, raw, problems)
        for key in ROW_REQUIRED:
            if not raw[key].strip():
                problems.append(Problem(number, LABELS[key], _("missing")))
        person = self._identity(number, raw, problems)
        birth = person.birth_date if person else None
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
        building = normalize_building_name(normalize_text(raw["building"])) if raw["building"] else ""
        unit, room = normalize_text(raw["unit"]), normalize_text(raw["room"])
        if grid_id is not None and party and grid_id not in self.branch_of:
            problems.append(Problem(number, LABELS["party"], _("this grid has no party branch to join")))
        if person is not None and not person.id_number and grid_id is not None:
            earlier = self.seen_without_id.setdefault((person.name, birth, grid_id, building, unit, room), number)
            if earlier != number:
                problems.append(Problem(number, LABELS["name"], _("the same name and birth date in the same household "
                                                                  "as row %(row)d") % {"row": earlier}))
        if problems and any(p.severity == "error" for p in problems):
            return None, problems
        if grid_id is not None and building:
            building_id = self._building(grid_id, building)
            if building_id is None:  # created by the import (listed in the dry run)
                self.new_buildings.setdefault((grid_id, building), set()).add((unit, room))
        return RosterRow(number, grid_id, building_id, building, unit, room, person, relation, party, roles,
                         moved_in), problems

    def _identity(self, number: int, raw: dict[str, str], problems: list[Problem]) -> Identity | None:
        """Name, ID number, birth date and phone through the people rule (`identity_clean`), each problem
        under its column; a row without an ID number needs a birth date."""
        id_raw, phone_raw, birth_raw = raw["id_number"].strip(), raw["phone"].strip(), raw["birth_date"].strip()
        birth = None
        if not id_raw:
            if not birth_raw:
                problems.append(Problem(number, LABELS["birth_date"], _("without an ID number, the birth date is needed")))
            else:
                try:
                    birth = parse_date(birth_raw)
                except ValueError as e:
                    problems.append(Problem(number, LABELS["birth_date"], str(e)))
                else:
                    if birth > self.today:
                        problems.append(Problem(number, LABELS["birth_date"], _("%(value)s is impossible for this person.")
                                                % {"value": birth_raw}))
        try:
            person = identity_clean(name=raw["name"], id_number=id_raw, phone=phone_raw, birth_date=birth, today=self.today)
        except ValidationError as e:
            errors = e.message_dict
            for key, messages in errors.items():
                if key != "name":  # a missing name is already said
                    problems.append(Problem(number, LABELS[key], messages[0]))
            if id_raw and "id_number" not in errors:  # a good ID number in a bad row still counts for duplicates
                self._first(number, normalize_text(id_raw).upper(), " ".join(raw["name"].split()), problems)
            return None
        if person.id_number:
            if person.id_number != raw["id_number"]:
                _warn_if_cleaned(problems, number, "id_number", raw["id_number"], person.id_number)
            self._first(number, person.id_number, person.name, problems)
        if person.phone and person.phone != raw["phone"]:
            _warn_if_cleaned(problems, number, "phone", raw["phone"], person.phone)
        if person.name != raw["name"]:
            problems.append(Problem(number, LABELS["name"], _("spaces removed"), "warning"))
        return person

    def _first(self, number: int, id_number: str, name: str, problems: list[Problem]) -> None:
        key = int(id_number[:17])  # the 17 digits determine the 18th
        earlier = self.seen.first(key, number, name)
        if earlier is not None:
            earlier_name = self.seen.label(key)
            if earlier_name and name and earlier_name != name:
                message = _("ID number repeats row %(row)d, where the name is %(name)s") % {"row": earlier,
                                                                                          "name": earlier_name}
            else:
                message = _("ID number repeats row %(row)d") % {"row": earlier}
            problems.append(Problem(number, LABELS["id_number"], message))

    def close(self) -> None:
        self.seen.close()


def _warn_if_cleaned(problems: list[Problem], number: int, key: str, raw: str, clean: str) -> None:
    """A value that was corrected on the way in (`raw` != `clean`): say how, as a warning."""
    if raw.strip() == raw and normalize_text(raw) == clean:
        problems.append(Problem(number, LABELS[key], _("full-width characters converted"), "warning"))
    elif raw.strip() != raw:
        problems.append(Problem(number, LABELS[key], _("spaces removed"), "warning"))


class RosterImporter(Importer):
    code = "roster"
    label = gettext_lazy("Roster")
    description = gettext_lazy("One row per resident: households, residents, party members and grid roles.")
    columns = {key: Column(LABELS[key], tuple(names)) for key, names in SYNONYMS.items()}
    required = REQUIRED
    counts = {
        "people_created": pgettext_lazy("import count", "people added"),
        "people_updated": pgettext_lazy("import count", "people updated"),
        "buildings_created": pgettext_lazy("import count", "buildings added"),
        "households_created": pgettext_lazy("import count", "households added"),
        "moved_in": pgettext_lazy("import count", "moved in"),
        "unchanged": pgettext_lazy("import count", "unchanged"),
        "members_created": pgettext_lazy("import count", "party members added"),
        "members_updated": pgettext_lazy("import count", "party members updated"),
        "roles_created": pgettext_lazy("import count", "grid roles added"),
        # The importer's own rows handed to the jurisdiction where their person is registered.
        "transfers_requested": pgettext_lazy("import count", "sent to other jurisdictions"),
    }

    @property
    def chunk_size(self):  # read at each import, so that a test can make chunks small
        return CHUNK

    def checker(self, run: ImportRun) -> RosterChecker:
        return RosterChecker(actor=run.actor, area=run.area, mapping=run.mapping, today=run.today)

    def review(self, run: ImportRun, chunk: list[RosterRow], result: CheckResult) -> list[RosterRow]:
        return _review(run, chunk, result)

    def plan(self, run: ImportRun) -> list[str]:
        """The buildings the import will create, with their units and households; the transfer requests it
        will file (a count of the importer's own rows)."""
        checker = run.checker
        notes = [_("Will create building %(name)s in %(grid)s: %(units)d units, %(rooms)d households.") % {
                     "name": name, "grid": checker.grid_names[grid_id], "units": len({unit for unit, _room in rooms}),
                     "rooms": len(rooms)}
                 for (grid_id, name), rooms in sorted(checker.new_buildings.items())]
        if run.state.get("elsewhere"):
            notes.append(_("%(rows)d rows name people registered in another jurisdiction: nothing of them changes; "
                           "the import asks that jurisdiction to move each of them here, and it confirms or refuses.")
                         % {"rows": run.state["elsewhere"]})
        return notes

    def write_chunk(self, run: ImportRun, chunk: list[RosterRow]) -> None:
        _write_chunk(run, chunk)


def _review(run: ImportRun, chunk: list[RosterRow], result: CheckResult) -> list[RosterRow]:
    """A row whose ID number belongs to a person registered in another jurisdiction (`people_elsewhere`:
    living, or a party member, outside the importer's scope) changes nothing of that person. The dry run
    and the import say so under the ID number, that fact and nothing more (a warning: the rest of the file
    goes on), each answer is audited (who asked about which ID number, masked), and the row is marked
    for the writer, which asks that jurisdiction to move the person here. The chunk's ID numbers and the
    homes of the people they name are looked up here once for the writer too; the scope then costs a few
    small queries a chunk (`people_elsewhere`). The system (the command line without --user) imports
    city-wide and asks none of it."""
    actor = run.actor
    if actor is None:
        return chunk
    known = select_by_keys(Person, ["id_number"], ((r.person.id_number,) for r in chunk if r.person.id_number),
                           ["id", "name", "phone"])
    homes = current_homes(found[0] for found in known.values()) if known else {}
    elsewhere = people_elsewhere(actor, [found[0] for found in known.values()], homes) if known else set()
    if elsewhere:
        message, mask = _("Registered in another jurisdiction"), MASKED_FIELDS["id_number"]
        rows, answers = [], []
        for r in chunk:
            found = known.get((r.person.id_number,)) if r.person.id_number else None
            if found is not None and found[0] in elsewhere:
                pk = found[0]
                r = r._replace(elsewhere=pk)
                result.add(Problem(r.number, LABELS["id_number"], message, "warning"))
                # The person by number only: the log's object name would otherwise show their name to
                # whoever reads the importer's entries.
                answers.append((Person(pk=pk), {"id_number": mask(r.person.id_number), "row": r.number}, Person(pk=pk)))
            rows.append(r)
        audit_bulk(actor, AuditAction.SEARCH, answers, note="roster import: registered in another jurisdiction")
        run.state["elsewhere"] = run.state.get("elsewhere", 0) + len(answers)
        chunk = rows
    run.state["reviewed"] = (chunk, known, homes, bool(elsewhere))
    return chunk


ROSTER = RosterImporter()
# Kept for callers that know only rosters (the benchmark, tests).
RosterProblems = ImportProblems


def roster_check(*, actor, area: Area, path: Path, filename: str, mapping: dict[str, int] | None = None,
                 progress=None) -> tuple[CheckResult, Table, dict[str, int]]:
    """The dry run of a roster: every problem of the file, nothing written."""
    return import_check(importer=ROSTER, actor=actor, area=area, path=path, filename=filename, mapping=mapping,
                        progress=progress)


def roster_apply(*, actor, area: Area, path: Path, filename: str, mapping: dict[str, int] | None = None,
                 progress=None) -> tuple[dict, CheckResult]:
    """Check again and write in one transaction: the whole file or nothing."""
    return import_apply(importer=ROSTER, actor=actor, area=area, path=path, filename=filename, mapping=mapping,
                        progress=progress)


def _buildings(run: ImportRun, chunk: list[RosterRow]) -> list[RosterRow]:
    """Rows with the ids of the buildings they name, creating those the grid does not have yet (through
    the areas service: validated and audited, once per building; the checker kept them to the actor's grids)."""
    if all(r.building_id is not None for r in chunk):
        return chunk
    created = run.state.setdefault("buildings", {})
    rows = []
    for r in chunk:
        if r.building_id is None:
            key = (r.grid_id, r.building)
            if key not in created:
                created[key] = building_create(actor=run.actor, grid=Area.objects.get(pk=r.grid_id), name=r.building).pk
                run.counts["buildings_created"] += 1
            r = r._replace(building_id=created[key])
        rows.append(r)
    return rows


def _write_chunk(run: ImportRun, chunk: list[RosterRow]) -> None:
    """Write one chunk of checked rows. What exists is read as plain rows, one query a table; new people,
    households, residences and memberships go in as plain rows (COPY / executemany); only rows that
    change are loaded as models, changed and audited. Identity, moves and memberships follow the people
    rules, as the services do."""
    actor, counts = run.actor, run.counts
    reviewed = run.state.pop("reviewed", None)
    known = reviewed_homes = elsewhere = None
    if reviewed is not None and reviewed[0] is chunk:  # `_review` looked the ID numbers and their homes up already
        _chunk, known, reviewed_homes, elsewhere = reviewed
    chunk = _buildings(run, chunk)

    keys = {(r.building_id, r.unit, r.room) for r in chunk}
    household_id = {key: row[0] for key, row in select_by_keys(Household, ["building", "unit", "room"], keys).items()}
    existing_households = set(household_id.values())
    missing = [key for key in keys if key not in household_id]
    for pk, key in zip(allocate_ids(Household, len(missing)), missing):
        household_id[key] = pk
    insert_rows(Household, ("id", "building_id", "unit", "room"), ((household_id[k], *k) for k in missing))
    counts["households_created"] += len(missing)
    if elsewhere:  # the requested home is written (the importer's own dwelling), nothing of the person
        asked = [Asked(r.elsewhere, household_id[r.building_id, r.unit, r.room], r.grid_id, r.relation, r.moved_in,
                       r.person.name) for r in chunk if r.elsewhere is not None]
        transfer_requests_file(actor=actor, asked=asked)
        counts["transfers_requested"] += len(asked)
        chunk = [r for r in chunk if r.elsewhere is None]
    home_of = [household_id[r.building_id, r.unit, r.room] for r in chunk]

    # Who each row is: by ID number; else (no ID number, or one Frontline does not know) by name, birth
    # date and household, where the household existed before.
    identities = [r.person for r in chunk]
    if known is None:
        known = select_by_keys(Person, ["id_number"], ((p.id_number,) for p in identities if p.id_number),
                               ["id", "name", "phone"])
    person_of: list[int | None] = [None] * len(chunk)
    person_changes: dict[int, dict] = {}
    unmatched = []
    for i, p in enumerate(identities):
        found = known.get((p.id_number,)) if p.id_number else None
        if found is not None:
            pk, name, phone = found
            person_of[i] = pk
            if name != p.name or (p.phone and phone != p.phone):
                full, initials = person_values(p)[1:3]
                person_changes[pk] = {"name": p.name, "pinyin_full": full, "pinyin_initials": initials,
                                      "phone": p.phone or phone}
        elif existing_households and home_of[i] in existing_households:
            unmatched.append(i)
    if unmatched:
        found = {}
        for pk, home, name, birth, number, phone in (
                Resident.objects.filter(moved_out__isnull=True, household_id__in={home_of[i] for i in unmatched},
                                        person__name__in={chunk[i].person.name for i in unmatched})
                .values_list("person_id", "household_id", "person__name", "person__birth_date", "person__id_number",
                             "person__phone")):
            found.setdefault((home, name, birth), (pk, number, phone))
        for i in unmatched:
            p = chunk[i].person
            pk, number, phone = found.get((home_of[i], p.name, p.birth_date), (None, None, None))
            if pk is None or (p.id_number and number):  # someone else, who has an ID number of their own
                continue
            person_of[i] = pk
            change = {}
            if p.id_number:  # an ID number given later attaches to the person (birth date and sex from it)
                change.update(id_number=p.id_number, birth_date=p.birth_date, sex=p.sex)
            if p.phone and phone != p.phone:
                change["phone"] = p.phone
            if change:
                person_changes[pk] = change
    existed = [pk is not None for pk in person_of]
    new = [i for i, pk in enumerate(person_of) if pk is None]
    people = []
    for pk, i in zip(allocate_ids(Person, len(new)), new):
        person_of[i] = pk
        people.append((pk, *person_values(chunk[i].person)))
    insert_rows(Person, ("id", *PERSON_COLUMNS), people)
    counts["people_created"] += len(people)
    counts["people_updated"] += _update_audited(actor, Person, person_changes)

    # Only people who were already known can have a home or a membership already.
    if reviewed_homes is None:
        homes = current_homes(pk for pk, old in zip(person_of, existed) if old)
    else:  # those matched by ID number were looked up by `_review`; those matched by name, birth date and home not
        looked = {found[0] for found in known.values()}
        homes = {**reviewed_homes, **current_homes(pk for pk, old in zip(person_of, existed) if old and pk not in looked)}
    home_changes, arriving, left = {}, [], []
    for r, pk, household in zip(chunk, person_of, home_of):
        home = homes.get(pk)
        if home is not None and home.household_id == household:
            if home.relation != r.relation:
                home_changes[home.id] = {"relation": r.relation}
            else:
                counts["unchanged"] += 1
            continue
        move = move_home(home.moved_in if home else None, r.moved_in)
        if home is not None:
            home_changes[home.id] = {"moved_out": move.moved_out}
            left.append(home.household_id)
        arriving.append((pk, household, r.relation, move.moved_in))
    _update_audited(actor, Resident, home_changes)
    # The rows went in around the ORM's signals: mark the grids whose figures they change (recounted once,
    # at the next read), the grids people moved out of included.
    figures_mark_dirty({r.grid_id for r in chunk}
                       | set(Household.objects.filter(pk__in=left).values_list("building__area_id", flat=True)))
    insert_rows(Resident, ("id", "person_id", "household_id", "relation", "moved_in"),
                ((pk, *row) for pk, row in zip(allocate_ids(Resident, len(arriving)), arriving)))
    counts["moved_in"] += len(arriving)

    party = [(r, pk, old) for r, pk, old in zip(chunk, person_of, existed) if r.party]
    members = current_memberships(pk for _r, pk, old in party if old)
    member_id = {pk: m.id for pk, m in members.items()}
    new_members, status_changes = [], {}
    for r, pk, _old in party:
        if pk not in members:
            new_members.append((pk, r.grid_id, r.party))
        elif members[pk].status != r.party:
            status_changes[members[pk].id] = {"status": r.party}
    if status_changes and actor is not None:
        # A membership is its organization's: a file changes only those of organizations in the importer's
        # scope (a resident here may be a member of a branch elsewhere).
        ours = set(PartyMember.objects.visible_to(actor).filter(pk__in=status_changes).values_list("pk", flat=True))
        status_changes = {pk: change for pk, change in status_changes.items() if pk in ours}
    branch_of = run.checker.branch_of
    for member_pk, (pk, _grid, _status) in zip(allocate_ids(PartyMember, len(new_members)), new_members):
        member_id[pk] = member_pk
    insert_rows(PartyMember, ("id", "person_id", "org_id", "status"),
                ((member_id[pk], pk, branch_of[grid], status) for pk, grid, status in new_members))
    counts["members_created"] += len(new_members)
    counts["members_updated"] += _update_audited(actor, PartyMember, status_changes)

    wanted = [(r, member_id[pk]) for r, pk in zip(chunk, person_of) if r.roles]
    if wanted:
        held = set(GridRole.objects.filter(member_id__in=[m for _r, m in wanted], ended_on__isnull=True)
                   .values_list("member_id", "kind", "building_id", "area_id"))
        roles = []
        for r, member in wanted:
            for kind in r.roles:
                building_id = r.building_id if kind == "building_head" else None
                if (member, kind, building_id, r.grid_id) not in held:
                    roles.append(GridRole(kind=kind, member_id=member, area_id=r.grid_id, building_id=building_id,
                                          started_on=run.today))
        # A building has one head: the previous head of a building that gets a new one steps down today.
        stepping_down = GridRole.objects.filter(kind="building_head", ended_on__isnull=True,
                                                building_id__in={r.building_id for r in roles if r.building_id})
        _update_audited(actor, GridRole, {pk: {"ended_on": run.today}
                                          for pk in stepping_down.values_list("pk", flat=True)})
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
