"""Entrance checks (两码一测): the one set-based service every check goes through — the staff's phone page,
hardware scanners and kiosks through the API — a scan at a time or a kiosk's buffer of a thousand.

Each record names the person (an ID number, a resident's QR code, or a visitor entered by hand), the
direction, the health-code colour and itinerary flag as read at the gate, and the temperature. The verdict
is the rule's: a code not green, a flagged itinerary, a temperature at or above FRONTLINE_FEVER_AT, or a
home in a sealed zone stops the person; the scan is stored with its verdict either way (refused scans are
traces too), and a stop raises one urgent alert about the person in their grid's inbox (a visitor's: the
site's community). A record carries its client's id, unique with the scan's day: a retried upload never
counts twice. The records are parsed without a query, the people resolved in one, the scans inserted in one
statement and the batch audited once; no ORM object is made a scan.

A bad record (a misread temperature, a time in the future, a code that names no one) is refused by name and
the others are stored: a kiosk's buffer must drain, and one misreading among a thousand scans must not hold
back the 999 people who already walked through the gate (nor make the kiosk resend them forever)."""

import dataclasses
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from frontline.areas.models import Area, AreaLevel, Site
from frontline.core import policy
from frontline.core.audit import _actor_fields, audit_record
from frontline.core.formfields import pk_in_range
from frontline.core.models import AuditAction, AuditLog, Priority
from frontline.core.rows import build, reader
from frontline.core.services import work_orders_create_bulk
from frontline.core.validators import age_on, id_check_char, parse_id_number
from frontline.people.models import Person
from frontline.people.rules import PERSON_COLUMNS, identity_clean, person_values

from .checkpoints import CHECKPOINT_KINDS
from .models import CheckpointScan, CodeColour, Direction, StopReason
from .policy import RECORD_SCANS
from .registration import BatchRefused, _in, _rows, mask_name, person_from_qr
from .sealed import people_in_sealed_zones, sealed_zones

CHECKPOINT_STOP = "checkpoint_stop"  # the work-order kind of a stop's alert (plugin_scans.py registers it)
CHECKPOINT_STOP_DUE = datetime.timedelta(hours=2)

STORED, DUPLICATE, REFUSED = "stored", "duplicate", "refused"
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_DRIFT = datetime.timedelta(minutes=1)  # a device clock a little ahead is not a scan from the future
_TRUE, _FALSE = {True, "1", "true", "True", "yes", "on"}, {False, "0", "false", "False", "no", "off", "", None}
_HASHABLE = (str, int, type(None))
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_COLOURS = {c.value for c in CodeColour}
_DIRECTIONS = {d.value for d in Direction}
_ORDER = [r.value for r in StopReason]  # the order a screen names the reasons in


@dataclass(slots=True)
class ScanVerdict:
    """The answer for one record: stored (or already stored: `duplicate`) with its verdict, or refused with
    the field and why. Never a full name or an ID number: the name masked, an age beside it."""

    index: int
    client_id: str
    status: str  # stored / duplicate / refused
    passed: bool | None = None
    reasons: list[str] = field(default_factory=list)  # StopReason labels, in order
    codes: list[str] = field(default_factory=list)  # StopReason codes, in order
    masked_name: str = ""
    age: int | None = None
    duplicate: bool = False
    field: str = ""
    message: str = ""
    scan_id: int | None = None

    def as_dict(self) -> dict:
        """Compact: a refusal's field and message; a stop's reasons (labels) only when there are any."""
        if self.status == REFUSED:
            return {"client_id": self.client_id, "status": self.status, "index": self.index, "field": self.field,
                    "message": self.message}
        if self.codes:
            return {"client_id": self.client_id, "status": self.status, "index": self.index, "passed": self.passed,
                    "codes": self.codes, "reasons": self.reasons, "masked_name": self.masked_name, "age": self.age}
        return {"client_id": self.client_id, "status": self.status, "index": self.index, "passed": self.passed,
                "codes": self.codes, "masked_name": self.masked_name, "age": self.age}


class _Scan:
    """One record that passed its own checks, waiting for its person."""

    __slots__ = ("index", "client_id", "direction", "colour", "flag", "t10", "scanned_at", "day", "id_number",
                 "qr_person", "person_id", "manual", "grid")

    def __init__(self, index, client_id, direction, colour, flag, t10, scanned_at, day):
        self.index, self.client_id, self.direction, self.colour = index, client_id, direction, colour
        self.flag, self.t10, self.scanned_at, self.day = flag, t10, scanned_at, day
        self.id_number, self.qr_person, self.person_id, self.manual, self.grid = "", None, None, None, None


def _refuse(index: int, client_id: str, field: str, message: str) -> ScanVerdict:
    return ScanVerdict(index, client_id, REFUSED, field=field, message=message)


def _temperature(raw) -> int | None:
    """Tenths of a degree from 36.5, "36.5" or 365-free text; None for what is no number."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int):
        return raw * 10
    if isinstance(raw, float):
        return round(raw * 10) if raw == raw and abs(raw) < 1000 else None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or abs(value) >= 1000:
        return None
    return int((value * 10).to_integral_value())


def _parse(index: int, raw, now: datetime.datetime, earliest: datetime.datetime, allow_person_id: bool,
           today: datetime.date, t_min: int, t_max: int):
    """One record's own checks, without a query: a refusal, or the scan to resolve."""
    if not isinstance(raw, dict):
        return _refuse(index, f"#{index + 1}", "", _("Record %(n)d is not an object.") % {"n": index + 1})
    client_id = raw.get("client_id")
    client_id = client_id.strip() if isinstance(client_id, str) else ""
    if not _CLIENT_ID.fullmatch(client_id):
        return _refuse(index, client_id or f"#{index + 1}", "client_id", _(
            "Record %(n)d needs a client id of 1 to 64 letters, digits, dots, colons, dashes or underscores.")
            % {"n": index + 1})
    direction = raw.get("direction")
    if not isinstance(direction, str) or direction not in _DIRECTIONS:
        return _refuse(index, client_id, "direction", _("Record %(id)s: the direction must be in or out.")
                       % {"id": client_id})
    colour = raw.get("code_colour")
    if not isinstance(colour, str) or colour not in _COLOURS:
        return _refuse(index, client_id, "code_colour", _(
            "Record %(id)s: the health code colour must be green, yellow or red.") % {"id": client_id})
    flag = raw.get("itinerary_flag", False)
    if isinstance(flag, _HASHABLE) and flag in _TRUE:
        flag = True
    elif isinstance(flag, _HASHABLE) and flag in _FALSE:
        flag = False
    else:
        return _refuse(index, client_id, "itinerary_flag", _("Record %(id)s: the itinerary flag must be true or false.")
                       % {"id": client_id})
    t10 = _temperature(raw.get("temperature"))
    if t10 is None or not t_min <= t10 <= t_max:
        return _refuse(index, client_id, "temperature", _(
            "Record %(id)s: %(value)s is not a body temperature (%(min)s–%(max)s °C): a misreading; measure again.")
            % {"id": client_id, "value": str(raw.get("temperature"))[:20] or "—",
               "min": t_min / 10, "max": t_max / 10})
    at, day = raw.get("scanned_at"), None
    if at is None or at == "":
        at, day = now, today
    elif isinstance(at, str):
        try:
            at = parse_datetime(at.strip())
        except ValueError:
            at = None
        if at is None:
            return _refuse(index, client_id, "scanned_at", _("Record %(id)s: the scan time is not a date and time.")
                           % {"id": client_id})
    elif not isinstance(at, datetime.datetime):
        return _refuse(index, client_id, "scanned_at", _("Record %(id)s: the scan time is not a date and time.")
                       % {"id": client_id})
    if at.tzinfo is None:
        at = timezone.make_aware(at)
    if at > now + _DRIFT:
        return _refuse(index, client_id, "scanned_at", _("Record %(id)s: the scan time is in the future.")
                       % {"id": client_id})
    if at < earliest:
        return _refuse(index, client_id, "scanned_at", _(
            "Record %(id)s: the scan is more than %(hours)d hours old and is no longer taken.")
            % {"id": client_id, "hours": settings.FRONTLINE_SCAN_LATE_HOURS})
    scan = _Scan(index, client_id, direction, colour, flag, t10, at, day or timezone.localdate(at))
    person = raw.get("person")
    if isinstance(person, str):
        person = person.strip()
        if person.startswith("FLP:"):
            scan.qr_person = person_from_qr(person)
            if scan.qr_person is None:
                return _refuse(index, client_id, "person", _("Record %(id)s: this QR code is not a Frontline "
                                                             "resident code.") % {"id": client_id})
            return scan
        if len(person) == 18 and _ID_SHAPE.fullmatch(person) and id_check_char(person[:17]) == person[17]:
            scan.id_number = person  # the birth date is checked below for a number no one has
            return scan
        try:
            scan.id_number = parse_id_number(person).number
        except ValidationError as e:
            return _refuse(index, client_id, "person", _("Record %(id)s: %(why)s") % {"id": client_id,
                                                                                      "why": e.messages[0]})
        return scan
    if isinstance(person, dict):  # a visitor entered by hand
        name, number, phone = (str(person.get(k) or "").strip() for k in ("name", "id_number", "phone"))
        try:
            identity = identity_clean(name=name, id_number=number, phone=phone or None)
        except ValidationError as e:
            where, messages = next(iter(e.message_dict.items()))
            return _refuse(index, client_id, f"person.{where}", _("Record %(id)s: %(why)s")
                           % {"id": client_id, "why": messages[0]})
        if not identity.id_number:
            return _refuse(index, client_id, "person.id_number", _("Record %(id)s: a visitor needs an ID number.")
                           % {"id": client_id})
        scan.id_number, scan.manual = identity.id_number, identity
        return scan
    if allow_person_id and isinstance(person, int) and not isinstance(person, bool) and pk_in_range(person):
        scan.person_id = person
        return scan
    return _refuse(index, client_id, "person", _(
        "Record %(id)s: scan the person's QR code or ID card, type their ID number, or enter a visitor by hand.")
        % {"id": client_id})


def _people(scans: list[_Scan], now) -> dict:
    """The people the scans name, in one query: id → [name, birth date, grid of their current home or None],
    the ID numbers found → id under "by_number", and under "sealed_zone" whether any sealed zone is in force
    now (sealed.sealed_zones, asked in the same statement: who lives in one is looked up only when one is)."""
    numbers = {s.id_number for s in scans if s.id_number}
    ids = {s.qr_person or s.person_id for s in scans if s.qr_person or s.person_id}
    if not numbers and not ids:
        return {"by_number": {}, "sealed_zone": False}
    numbers_q, ids_q = _in("p.id_number", numbers), _in("p.id", ids)
    grid = ("SELECT b.area_id FROM people_resident r JOIN areas_household h ON h.id = r.household_id "
            "JOIN areas_building b ON b.id = h.building_id WHERE r.person_id = p.id AND r.moved_out IS NULL "
            "ORDER BY r.id DESC LIMIT 1")
    zones_sql, zones_params = _zones_in_force(now)
    rows = _rows(f"SELECT p.id, p.id_number, p.name, p.birth_date, ({grid}), EXISTS ({zones_sql}) "
                 f"FROM people_person p WHERE {numbers_q[0]} OR {ids_q[0]}",
                 [*zones_params, *numbers_q[1], *ids_q[1]])
    found: dict = {pk: (name, birth, area) for pk, _number, name, birth, area, _zone in rows}
    found["by_number"] = {number: pk for pk, number, *_rest in rows if number}
    found["sealed_zone"] = bool(rows and rows[0][5])
    return found


_MARK = datetime.datetime(1901, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)
_ZONES_SQL: list = []


def _zones_in_force(now) -> tuple[str, list]:
    """sealed.sealed_zones(now) as SQL (one row or none), compiled once a process with a marker for `now`:
    the rule stays sealed.py's, its compilation off the path of each batch."""
    if not _ZONES_SQL:
        sql, params = sealed_zones(_MARK).values("pk")[:1].query.sql_with_params()
        adapted = connection.ops.adapt_datetimefield_value(_MARK)  # SQLite's parameters are text already
        marks = [1 if p is _MARK else 2 if isinstance(p, str) and p == adapted else 0 for p in params]
        _ZONES_SQL.append((sql, marks, list(params)))
    sql, marks, params = _ZONES_SQL[0]
    return sql, [p if not mark else now if mark == 1 else connection.ops.adapt_datetimefield_value(now)
                 for mark, p in zip(marks, params, strict=True)]


def _visitors_make(scans: list[_Scan], people: dict) -> list[int]:
    """A person without a home for each visitor entered by hand whom Frontline does not know, made in one
    statement (one made meanwhile by another upload is theirs); returns the ids made or found."""
    identities = {}
    for s in scans:
        identities.setdefault(s.manual.id_number, s.manual)
    Person.objects.bulk_create([Person(**dict(zip(PERSON_COLUMNS, person_values(i)))) for i in identities.values()],
                               ignore_conflicts=True)
    ids = dict(Person.objects.filter(id_number__in=list(identities)).values_list("id_number", "id"))
    for number, identity in identities.items():
        people[ids[number]] = (identity.name, identity.birth_date, None)
        people["by_number"][number] = ids[number]
    return sorted(ids.values())


def scan_site_get(actor, site_id) -> Site:
    """The checkpoint the actor records at, or 404 alike for "missing", "not a checkpoint" and "not yours"
    (the site's existence is nobody else's business)."""
    if not pk_in_range(site_id):
        raise Http404
    site = _site(site_id)
    if site is None or not scan_site_allowed(actor, site):
        raise Http404
    site._scans_allowed_for = actor  # scans_record need not ask again
    return site


_SITE_SQL: dict = {}


def _site(site_id: int) -> Site | None:
    """The site with its area (Site.objects.select_related("area").get), by a statement written once a
    process: this is on the path of every scan."""
    if connection.vendor not in _SITE_SQL:
        site_cols, site_conv = reader(Site, "s")
        area_cols, area_conv = reader(Area, "a")
        _SITE_SQL[connection.vendor] = (
            f"SELECT {site_cols}, {area_cols} FROM {Site._meta.db_table} s JOIN {Area._meta.db_table} a "
            "ON a.id = s.area_id WHERE s.id = %s", site_conv, area_conv)
    sql, site_conv, area_conv = _SITE_SQL[connection.vendor]
    found = _rows(sql, [site_id])
    if not found:
        return None
    site = build(Site, found[0][:len(site_conv)], site_conv)
    Site._meta.get_field("area").set_cached_value(site, build(Area, found[0][len(site_conv):], area_conv))
    return site


def scan_site_allowed(actor, site: Site) -> bool:
    """May the actor record scans at the site (a desk over its area, the staff of its checkpoint duty)? From
    the actor's assignments, answered without a query beyond the ones they are cached with."""
    if actor is None:
        return True
    if not getattr(actor, "is_active", False):
        return False
    if actor.is_superuser:
        return True
    for assignment in policy.assignments(actor):
        kind = policy.scope_of(assignment.role, RECORD_SCANS)
        if kind == policy.AREA and assignment.area_id and site.area.path.startswith(assignment.area.path):
            return True
        if kind is not None and kind != policy.AREA:
            q = policy.SCOPE_KINDS[kind][1](Site, actor, assignment)
            if q is not None and Site.objects.filter(q, pk=site.pk).exists():
                return True
    return False


def _check_site(actor, site: Site, now) -> None:
    if getattr(site, "_scans_allowed_for", False) is not actor and not scan_site_allowed(actor, site):
        raise PermissionDenied
    if site.kind not in CHECKPOINT_KINDS:
        raise BatchRefused(_("%(site)s is not a checkpoint.") % {"site": site.name}, 409)
    today = timezone.localdate(now)
    if (site.opened_on and site.opened_on > today) or (site.closed_on and site.closed_on < today):
        raise BatchRefused(_("%(site)s is not open.") % {"site": site.name}, 409)


def scans_record(*, actor, site: Site, rows: list, source: str = "", now: datetime.datetime | None = None
                 ) -> list[ScanVerdict]:
    """Record a batch of entrance checks at a checkpoint: a verdict for each record, in order. Refused whole
    (BatchRefused, PermissionDenied) only for what is wrong with the batch itself: no records, too many, a
    site that is no open checkpoint, one the actor does not record at. `source` says where the scans came
    from (phone, kiosk, api: in the audit); only the phone page names a person by their id (`person` an int),
    after it resolved a code itself."""
    now = now or timezone.now()
    if not isinstance(rows, list) or not rows:
        raise BatchRefused(_("The batch has no records."))
    if len(rows) > settings.FRONTLINE_SCAN_BATCH_MAX:
        raise BatchRefused(_("A batch takes at most %(n)d records.") % {"n": settings.FRONTLINE_SCAN_BATCH_MAX}, 413)
    _check_site(actor, site, now)
    earliest = now - datetime.timedelta(hours=settings.FRONTLINE_SCAN_LATE_HOURS)
    verdicts: dict[int, ScanVerdict] = {}
    scans: list[_Scan] = []
    seen: dict = {}  # (client id, day) → the index of its first record in this upload
    repeats: list[tuple[int, int]] = []
    allow_person_id = source == "phone"
    today = timezone.localdate(now)
    t_min, t_max = settings.FRONTLINE_TEMPERATURE_MIN, settings.FRONTLINE_TEMPERATURE_MAX
    for index, raw in enumerate(rows):
        item = _parse(index, raw, now, earliest, allow_person_id, today, t_min, t_max)
        if isinstance(item, ScanVerdict):
            verdicts[index] = item
        elif (item.client_id, item.day) in seen:  # the same record twice in one upload: counted once
            repeats.append((index, seen[item.client_id, item.day]))
        else:
            seen[item.client_id, item.day] = index
            scans.append(item)
    _record(actor, site, scans, verdicts, now, source)
    for index, first in repeats:  # a repeat answers with its first record's verdict
        v = verdicts[first]
        verdicts[index] = v if v.status == REFUSED else dataclasses.replace(
            v, index=index, status=DUPLICATE, duplicate=True, scan_id=None)
    return [verdicts[i] for i in range(len(rows))]


def _record(actor, site: Site, scans: list[_Scan], verdicts: dict[int, ScanVerdict], now, source) -> None:
    """Resolve, judge, store and answer. The reads come first, outside any transaction; on PostgreSQL a batch
    with no stop and no visitor to make is then one statement — the rows and the batch's audit entry, atomic
    by itself — and the rest (visitors made, alerts raised) one transaction with its audit entry."""
    people = _people(scans, now)
    by_number = people["by_number"]
    visitors = []
    for s in scans:
        if s.qr_person or s.person_id:
            pk = s.qr_person or s.person_id
            if pk in people:
                s.person_id = pk
            else:
                verdicts[s.index] = _refuse(s.index, s.client_id, "person", _(
                    "Record %(id)s: this code names nobody Frontline knows.") % {"id": s.client_id})
        elif s.id_number in by_number:
            s.person_id = by_number[s.id_number]
        elif s.manual is not None:
            visitors.append(s)  # made below, in the transaction: a visitor entered by hand has no home here
        else:
            try:
                parse_id_number(s.id_number)
            except ValidationError as e:
                verdicts[s.index] = _refuse(s.index, s.client_id, "person", _("Record %(id)s: %(why)s")
                                            % {"id": s.client_id, "why": e.messages[0]})
                continue
            verdicts[s.index] = _refuse(s.index, s.client_id, "person", _(
                "Record %(id)s: no one with this ID number is known here: enter the visitor's name and ID number "
                "by hand.") % {"id": s.client_id})
    known = [s for s in scans if s.person_id is not None]
    sealed = (people_in_sealed_zones({s.person_id for s in known}, now) if known and people["sealed_zone"]
              else set())
    fever_at, green = settings.FRONTLINE_FEVER_AT, CodeColour.GREEN.value
    sealed_code, code_code, itinerary_code, fever_code = (StopReason.SEALED.value, StopReason.CODE.value,
                                                          StopReason.ITINERARY.value, StopReason.FEVER.value)
    rows, stopping = [], False
    for s in known + visitors:
        codes = []
        if s.person_id in sealed:
            codes.append(sealed_code)
        if s.colour != green:
            codes.append(code_code)
        if s.flag:
            codes.append(itinerary_code)
        if s.t10 >= fever_at:
            codes.append(fever_code)
        stopping = stopping or bool(codes)
        rows.append((s, codes))
    if connection.vendor == "postgresql" and not visitors and not stopping:
        refused = sum(v.status == REFUSED for v in verdicts.values())
        for s, _codes in rows:
            s.grid = people[s.person_id][2]
        inserted = _insert(site, actor, rows, now, audit={"site": site.pk, "source": source, "refused": refused,
                                                          "stopped": 0, "alerts": 0})
        _verdicts(site, rows, people, inserted, verdicts, now)
        return
    with transaction.atomic():
        made = _visitors_make(visitors, people) if visitors else []
        for s in visitors:
            s.person_id = by_number[s.id_number]
        for s, _codes in rows:
            s.grid = people[s.person_id][2]
        inserted = _insert(site, actor, rows, now)
        stops = _verdicts(site, rows, people, inserted, verdicts, now)
        alerts = _alerts(actor, site, stops, now) if stops else 0
        counted = {STORED: 0, DUPLICATE: 0, REFUSED: 0}
        for v in verdicts.values():
            counted[v.status] += 1
        changes = {"site": site.pk, "source": source, "stored": counted[STORED], "duplicates": counted[DUPLICATE],
                   "refused": counted[REFUSED], "stopped": len(stops), "alerts": alerts}
        if made:
            changes["visitors"] = made
        audit_record(actor=actor, action=AuditAction.CREATE, obj=site, note=_AUDIT_NOTE, changes=changes)


_AUDIT_NOTE = "entrance checks recorded"


def _verdicts(site: Site, rows: list, people: dict, inserted: dict, verdicts: dict, now) -> list:
    """Each stored record's verdict (a retried one: the verdict stored before); the new stops."""
    stored_before = _stored(site, [s for s, _c in rows if (s.client_id, s.day) not in inserted])
    labels = _labels()
    today = timezone.localdate(now)
    stops = []
    for s, codes in rows:
        name, birth, _grid = people[s.person_id]
        key = (s.client_id, s.day)
        duplicate = key not in inserted
        if duplicate:
            codes = stored_before.get(key)
            if codes is None:  # stored at another checkpoint under the same client id: not this record's
                verdicts[s.index] = _refuse(s.index, s.client_id, "client_id", _(
                    "Record %(id)s: this client id is already used that day at another checkpoint.")
                    % {"id": s.client_id})
                continue
        elif codes:
            stops.append((s, codes, name))
        verdicts[s.index] = ScanVerdict(
            s.index, s.client_id, DUPLICATE if duplicate else STORED, not codes,
            [labels[c] for c in codes] if codes else [], codes, mask_name(name), age_on(birth, today), duplicate,
            "", "", inserted.get(key))
    return stops


def _labels() -> dict[str, str]:
    """StopReason labels in the active language (computed once a language a process)."""
    language = translation.get_language()
    labels = _LABELS.get(language)
    if labels is None:
        labels = _LABELS[language] = {code: str(label) for code, label in StopReason.choices}
    return labels


_LABELS: dict = {}


_COLUMNS = ("day", "site_id", "person_id", "grid_id", "direction", "code_colour", "itinerary_flag", "temperature",
            "passed", "reasons", "scanned_at", "received_at", "client_id", "staff_id")


def _audit_row(actor, site: Site, changes: dict) -> tuple[list[str], list, int]:
    """The batch's audit entry as audit_record writes it (core.audit's actor fields), as columns and values
    for an INSERT of the scans' statement; the index of `changes` (the statement adds the counts to it)."""
    entry = AuditLog(**_actor_fields(actor), action=AuditAction.CREATE, content_type=ContentType.objects.get_for_model(
        site), object_id=str(site.pk), object_repr=str(site)[:255], changes=changes, note=_AUDIT_NOTE)
    fields = [f for f in AuditLog._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(entry, True), connection) for f in fields]
    return [f.column for f in fields], values, [f.name for f in fields].index("changes")


def _insert(site: Site, actor, rows: list, now, audit: dict | None = None) -> dict[tuple, int]:
    """INSERT … ON CONFLICT (client_id, day) DO NOTHING RETURNING: the ids of the rows made, by (client id,
    day); a row stored before (a retried upload) is not returned. On PostgreSQL one array a column (unnest),
    and with `audit` (the batch's audit changes but its counts) the batch's audit entry is written by the same
    statement: `stored` the rows made, `duplicates` the others (stored before under their client id)."""
    if not rows:
        if audit is not None:
            audit_record(actor=actor, action=AuditAction.CREATE, obj=site, note=_AUDIT_NOTE,
                         changes={**audit, "stored": 0, "duplicates": 0})
        return {}
    rows = sorted(rows, key=lambda r: (r[0].day, r[0].client_id))  # one order for every upload: no deadlock
    staff = actor.pk if getattr(actor, "pk", None) else None
    table = CheckpointScan._meta.db_table
    if connection.vendor == "postgresql":
        days, persons, grids, directions, colours, flags, temperatures, passed, reasons, times, clients = (
            [], [], [], [], [], [], [], [], [], [], [])
        for s, c in rows:
            days.append(s.day.isoformat())
            persons.append(str(s.person_id))
            grids.append("NULL" if s.grid is None else str(s.grid))
            directions.append(s.direction)
            colours.append(s.colour)
            flags.append("t" if s.flag else "f")
            temperatures.append(f"{s.t10 // 10}.{s.t10 % 10}")
            passed.append("f" if c else "t")
            reasons.append(f'"{",".join(c)}"')
            times.append(f'"{s.scanned_at.isoformat()}"')
            clients.append(s.client_id)
        insert = (f"INSERT INTO {table} ({', '.join(_COLUMNS)}) SELECT u.d, %s, u.p, u.g, u.dir, u.col, u.f, u.t, "
                  "u.ok, u.why, u.at, %s, u.c, %s FROM unnest(%s::date[], %s::bigint[], %s::bigint[], %s::text[], "
                  "%s::text[], %s::boolean[], %s::numeric[], %s::boolean[], %s::text[], %s::timestamptz[], "
                  "%s::text[]) AS u(d, p, g, dir, col, f, t, ok, why, at, c) ON CONFLICT (client_id, day) DO NOTHING "
                  "RETURNING id, client_id, day")
        params = [site.pk, now, staff, *("{" + ",".join(values) + "}" for values in (
            days, persons, grids, directions, colours, flags, temperatures, passed, reasons, times, clients))]
        if audit is None:
            found = _rows(insert, params)
        else:
            columns, values, changes_at = _audit_row(actor, site, audit)
            select = ", ".join("%s::jsonb || jsonb_build_object('stored', c.n, 'duplicates', %s - c.n)"
                               if k == changes_at else "%s" for k in range(len(columns)))
            values.insert(changes_at + 1, len(rows))
            found = _rows(f"WITH ins AS ({insert}), audit AS (INSERT INTO {AuditLog._meta.db_table} "
                          f"({', '.join(columns)}) SELECT {select} FROM (SELECT count(*) AS n FROM ins) c) "
                          "SELECT id, client_id, day FROM ins", params + values)
        return {(client, day): pk for pk, client, day in found}
    made: dict[tuple, int] = {}
    day_field, at_field = CheckpointScan._meta.get_field("day"), CheckpointScan._meta.get_field("scanned_at")
    received = at_field.get_db_prep_value(now, connection)
    for start in range(0, len(rows), 60):  # 14 columns: SQLite's 999 variables
        chunk = rows[start:start + 60]
        params = []
        for s, codes in chunk:
            params += [day_field.get_db_prep_value(s.day, connection), site.pk, s.person_id, s.grid, s.direction,
                       s.colour, s.flag, str(Decimal(s.t10).scaleb(-1)), not codes, ",".join(codes),
                       at_field.get_db_prep_value(s.scanned_at, connection), received, s.client_id, staff]
        values = ", ".join(["(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"] * len(chunk))
        for pk, client, day in _rows(f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES {values} "
                                     "ON CONFLICT (client_id, day) DO NOTHING RETURNING id, client_id, day", params):
            made[(client, day if isinstance(day, datetime.date) else datetime.date.fromisoformat(day))] = pk
    return made


def _stored(site: Site, scans: list[_Scan]) -> dict[tuple, list[str]]:
    """The verdicts stored before for retried records (one query, only when there are any): (client id,
    day) → reason codes, for the scans of this site."""
    if not scans:
        return {}
    found = {}
    for client, day, reasons in CheckpointScan.objects.filter(
            site_id=site.pk, client_id__in={s.client_id for s in scans},
            day__in={s.day for s in scans}).values_list("client_id", "day", "reasons"):
        found[(client, day)] = [c for c in reasons.split(",") if c]
    return found


def _community_of(area: Area) -> Area:
    if area.level in (AreaLevel.COMMUNITY, AreaLevel.STREET, AreaLevel.DISTRICT, AreaLevel.CITY):
        return area
    steplen = Area.steplen
    prefixes = [area.path[:n] for n in range(steplen, len(area.path), steplen)]
    return Area.objects.filter(path__in=prefixes, level=AreaLevel.COMMUNITY).first() or area


def _reason_words(codes: list[str], t10: int, colour: str) -> str:
    words = []
    for code in codes:
        if code == StopReason.SEALED:
            words.append(_("lives in a sealed zone"))
        elif code == StopReason.CODE:
            words.append(_("red code") if colour == CodeColour.RED else _("yellow code"))
        elif code == StopReason.ITINERARY:
            words.append(_("itinerary flagged"))
        elif code == StopReason.FEVER:
            words.append(_("%(t)s °C") % {"t": Decimal(t10).scaleb(-1)})
    return "、".join(words) if translation.get_language() and translation.get_language().startswith("zh") else ", ".join(words)


def _alerts(actor, site: Site, stops: list, now) -> int:
    """An urgent alert about each person stopped, once per person (one already open is kept): to their grid's
    workers, or for a visitor to the site's community's desk."""
    to_grid, to_community = {}, {}
    for s, codes, name in stops:
        title = _("Stopped at a checkpoint: %(name)s (%(why)s) at %(site)s") % {
            "name": mask_name(name), "why": _reason_words(codes, s.t10, s.colour), "site": site.name}
        (to_grid if s.grid else to_community).setdefault(s.person_id, (s.grid, title[:200]))
    areas = {g: Area(pk=g) for g, _t in to_grid.values()}  # the orders need the grids' ids only: no query
    made = 0
    ContentType.objects.get_for_model(Person)  # cached for the bulk creation
    if to_grid:
        made += len(work_orders_create_bulk(
            actor=actor, kind=CHECKPOINT_STOP, assignee_role="grid_worker", due_at=now + CHECKPOINT_STOP_DUE,
            priority=Priority.URGENT, items=[(Person(pk=p), areas[g], t) for p, (g, t) in to_grid.items()]))
    if to_community:
        community = _community_of(site.area)
        made += len(work_orders_create_bulk(
            actor=actor, kind=CHECKPOINT_STOP, assignee_role="community_secretary", due_at=now + CHECKPOINT_STOP_DUE,
            priority=Priority.URGENT, items=[(Person(pk=p), community, t) for p, (_g, t) in to_community.items()]))
    return made


def scan_record(*, actor, site: Site, row: dict, source: str = "phone", now=None) -> ScanVerdict:
    """One scan (the phone page, a kiosk): its verdict."""
    (verdict,) = scans_record(actor=actor, site=site, rows=[row], source=source, now=now)
    return verdict
