"""Registering samples into tubes: one set-based service for the phone screen, the scanner and the terminals'
API, a record at a time or thousands in a batch.

Each record carries its terminal's `client_id`, so a retried or duplicated upload never counts twice (the
second answer is "duplicate", with the sample it already made); a person is identified by an ID number
(typed or scanned), by the QR code of their household's sheet, or entered by hand as a visitor with no record
(name and ID number: a `Person` without a home). The rules are the database's as well as this module's: a
tube takes at most its pool size (a check constraint on its count, the rows locked while counted), a tube
code is used once in a round, a person is sampled once in a round unless the record says it is a deliberate
re-test. A batch is one transaction and one audit entry; no ORM object is made a sample.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from frontline.areas.models import Site
from frontline.core import policy
from frontline.core.audit import audit_record
from frontline.core.models import AuditAction
from frontline.core.validators import age_on, mask_name, parse_id_number  # noqa: F401 — mask_name: used by its siblings
from frontline.people.models import Person
from frontline.people.rules import PERSON_COLUMNS, identity_clean, person_values

from .models import Bag, RoundSite, RoundStatus, Sample, SampleKind, TestingRound, Tube
from .policy import REGISTER_SAMPLES, ROUND_SITE

ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_QR_SALT = "frontline.epidemic.person-qr"

# What happens after samples land (the parts of the app add theirs: re-tests closed, door-knocking orders
# closed, figures marked): f(actor, testing_round, rows, now), rows = [(sample_id, person_id, kind, grid_id)].
after_register: list[Callable] = []


def person_qr_token(person_id: int) -> str:
    """What a resident's QR code holds: a signed, opaque reference (no ID number, no name)."""
    return "FLP:" + signing.dumps(person_id, salt=_QR_SALT, compress=True)


def person_from_qr(token: str) -> int | None:
    if not token.startswith("FLP:"):
        return None
    try:
        return int(signing.loads(token[4:], salt=_QR_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        return None



@dataclass
class Outcome:
    client_id: str
    status: str  # accepted / duplicate / rejected
    reason: str = ""
    field: str = ""
    tube_code: str = ""
    sample_id: int | None = None
    masked_name: str = ""
    age: int | None = None
    tube_count: int | None = None  # samples in the tube after this one
    pool_size: int | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}


class BatchRefused(Exception):
    """The whole batch is wrong (no records, too many, a round not open, a site not theirs): HTTP 4xx."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


@dataclass
class _Record:
    index: int
    client_id: str
    tube_code: str
    kind: str
    collected_at: datetime.datetime
    id_number: str = ""
    qr_person: int | None = None
    name: str = ""
    phone: str = ""
    person_id: int | None = None


def _parse(index: int, raw, testing_round: TestingRound, now: datetime.datetime,
           tube_pattern: re.Pattern) -> _Record | Outcome:
    """One record's own checks (no query): a rejected Outcome, or the record to resolve."""
    if not isinstance(raw, dict):
        return Outcome(f"#{index + 1}", REJECTED, _("A record must be an object."))
    client_id = str(raw.get("client_id") or "").strip()
    if not _CLIENT_ID.fullmatch(client_id):
        return Outcome(client_id or f"#{index + 1}", REJECTED,
                       _("Each record needs a client id of 1 to 64 letters, digits, dots, colons, dashes or underscores."),
                       "client_id")

    def refuse(message, field):
        return Outcome(client_id, REJECTED, message, field, tube_code=str(raw.get("tube_code") or "")[:40])

    tube_code = str(raw.get("tube_code") or "").strip().upper()
    if not tube_pattern.fullmatch(tube_code):
        return refuse(_("The tube code %(code)s is not a tube barcode.") % {"code": tube_code[:40] or "—"}, "tube_code")
    kind = SampleKind.RETEST if raw.get("retest") in (True, "true", "1", 1) else SampleKind.ROUTINE
    collected_at = raw.get("collected_at") or now
    if isinstance(collected_at, str):
        try:
            collected_at = parse_datetime(collected_at)
        except ValueError:
            collected_at = None
        if collected_at is None:
            return refuse(_("The collection time is not a date and time."), "collected_at")
    if timezone.is_naive(collected_at):
        collected_at = timezone.make_aware(collected_at)
    if collected_at > now + datetime.timedelta(minutes=1):
        return refuse(_("The collection time is in the future."), "collected_at")
    if not testing_round.starts_at <= collected_at <= testing_round.ends_at:
        return refuse(_("The collection time is outside the round (%(start)s – %(end)s).") % {
            "start": timezone.localtime(testing_round.starts_at).strftime("%m-%d %H:%M"),
            "end": timezone.localtime(testing_round.ends_at).strftime("%m-%d %H:%M")}, "collected_at")
    if collected_at < now - datetime.timedelta(hours=settings.FRONTLINE_SAMPLE_LATE_HOURS):
        return refuse(_("The record is more than %(hours)d hours old.") % {"hours": settings.FRONTLINE_SAMPLE_LATE_HOURS},
                      "collected_at")
    record = _Record(index, client_id, tube_code, kind, collected_at)
    qr = str(raw.get("qr") or "").strip()
    id_number = str(raw.get("id_number") or "").strip()
    if qr:
        record.qr_person = person_from_qr(qr)
        if record.qr_person is None:
            return refuse(_("This QR code is not a Frontline resident code."), "qr")
    elif id_number:
        try:
            record.id_number = parse_id_number(id_number).number
        except ValidationError as e:
            return refuse(e.messages[0], "id_number")
        record.name, record.phone = str(raw.get("name") or "").strip(), str(raw.get("phone") or "").strip()
    else:
        return refuse(_("Scan the person's QR code or ID card, or type their ID number."), "id_number")
    return record


def _in(column: str, values) -> tuple[str, list]:
    """`column IN (…)`: one array parameter on PostgreSQL (a short statement the driver need not split anew
    for each batch), a list of parameters elsewhere."""
    values = list(values)
    if not values:
        return "1 = 0", []
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _people(records: list[_Record]) -> dict:
    """The people the records name (by ID number or QR code), in one query: id → (name, birth date, grid of
    their current home or None), and ID number → id."""
    numbers, ids = _in("p.id_number", {r.id_number for r in records if r.id_number}), _in(
        "p.id", {r.qr_person for r in records if r.qr_person})
    if not numbers[1] and not ids[1]:
        return {}
    grid = ("SELECT b.area_id FROM people_resident r JOIN areas_household h ON h.id = r.household_id "
            "JOIN areas_building b ON b.id = h.building_id WHERE r.person_id = p.id AND r.moved_out IS NULL "
            "ORDER BY r.id DESC LIMIT 1")
    rows = _rows(f"SELECT p.id, p.id_number, p.name, p.birth_date, ({grid}) FROM people_person p "
                 f"WHERE {numbers[0]} OR {ids[0]}", numbers[1] + ids[1])
    found = {pk: (name, birth, area) for pk, _number, name, birth, area in rows}
    found["by_number"] = {number: pk for pk, number, *_rest in rows if number}
    return found


def _assign_people(records: list[_Record], people: dict, outcomes: dict[int, Outcome]) -> list[_Record]:
    """Person ids for the records naming someone Frontline knows; the visitors entered by hand (with a name)
    are returned, to be made once the duplicates are known."""
    by_number, visitors = people.get("by_number", {}), []
    for r in records:
        if r.qr_person:
            if r.qr_person in people:
                r.person_id = r.qr_person
            else:
                outcomes[r.index] = Outcome(r.client_id, REJECTED, _("This QR code names nobody Frontline knows."),
                                            "qr", r.tube_code)
        elif r.id_number in by_number:
            r.person_id = by_number[r.id_number]
        elif not r.name:
            outcomes[r.index] = Outcome(r.client_id, REJECTED, _(
                "No record for this ID number: enter the visitor's name to register them."), "name", r.tube_code)
        else:
            visitors.append(r)
    return visitors


def _make_visitors(records: list[_Record], actor, people: dict, outcomes: dict[int, Outcome]) -> None:
    """A new person (without a home) for each visitor entered by hand: name and ID number checked."""
    visitors: dict[str, list[_Record]] = {}
    for r in records:
        visitors.setdefault(r.id_number, []).append(r)
    new = []
    for number, group in visitors.items():
        try:
            identity = identity_clean(name=group[0].name, id_number=number, phone=group[0].phone or None)
        except ValidationError as e:
            field, messages = next(iter(e.message_dict.items()))
            for r in group:
                outcomes[r.index] = Outcome(r.client_id, REJECTED, messages[0], field, r.tube_code)
            continue
        new.append((identity, group))
    if new:
        Person.objects.bulk_create([Person(**dict(zip(PERSON_COLUMNS, person_values(identity))))
                                    for identity, _group in new], ignore_conflicts=True)  # one made meanwhile: theirs
        ids = dict(Person.objects.filter(id_number__in=[i.id_number for i, _g in new]).values_list("id_number", "id"))
        for identity, group in new:
            people[ids[identity.id_number]] = (identity.name, identity.birth_date, None)
            for r in group:
                r.person_id = ids[identity.id_number]
        audit_record(actor=actor, action=AuditAction.CREATE, note="visitors registered for testing",
                     changes={"people": sorted(ids.values())})


def _registering_q(actor) -> Q:
    """Where the actor registers samples: a collector at the site of their staffing in the round; a desk or a
    grid worker at a site in their own place (sampling at home, door to door), not at every site of a round
    they can see (a round's sites are visible to all it covers)."""
    if actor.is_superuser:
        return Q()
    q = Q(pk__in=[])
    for assignment in policy.assignments(actor):
        kind = policy.scope_of(assignment.role, REGISTER_SAMPLES)
        if kind == policy.AREA and assignment.area_id:
            q |= Q(site__area__path__startswith=assignment.area.path)
        elif kind == ROUND_SITE and (staffed := policy.SCOPE_KINDS[ROUND_SITE][1](RoundSite, actor, assignment)):
            q |= staffed
    return q


def round_sites_registering(actor):
    """Round sites, each annotated `allowed`: whether the actor registers samples there (in the same query;
    `actor` None is the system, allowed everywhere)."""
    if actor is None:
        return RoundSite.objects.annotate(allowed=Value(True))
    allowed = Exists(RoundSite.objects.filter(_registering_q(actor), pk=OuterRef("pk")))
    return RoundSite.objects.annotate(allowed=allowed if getattr(actor, "is_active", False) else Value(False))


def _check_site(actor, testing_round: TestingRound, site: Site, round_site: RoundSite | None) -> None:
    """The site is one of the round's and the actor registers there, the round has opened."""
    if round_site is None or round_site.round_id != testing_round.pk or round_site.site_id != site.pk:
        round_site = round_sites_registering(actor).filter(round=testing_round, site=site).first()
    if round_site is None:
        raise BatchRefused(_("%(site)s is not a testing site of this round.") % {"site": site.name}, 404)
    if not round_site.allowed:
        raise BatchRefused(_("You do not register samples at %(site)s.") % {"site": site.name}, 403)
    if testing_round.status == RoundStatus.PLANNED:
        raise BatchRefused(_("The round has not opened yet."), 409)


def samples_register(*, actor, testing_round: TestingRound, site: Site, records: list,
                     now: datetime.datetime | None = None, round_site: RoundSite | None = None) -> list[Outcome]:
    """Register a batch of sample records at a testing site of a round; an outcome for each, in order.
    `round_site`: the caller's copy from `round_sites_registering(actor)` (saves a query), if it has one."""
    now = now or timezone.now()
    if not isinstance(records, list) or not records:
        raise BatchRefused(_("The batch has no records."))
    if len(records) > settings.FRONTLINE_SAMPLE_BATCH_MAX:
        raise BatchRefused(_("A batch takes at most %(n)d records.") % {"n": settings.FRONTLINE_SAMPLE_BATCH_MAX}, 413)
    _check_site(actor, testing_round, site, round_site)
    pattern = re.compile(settings.FRONTLINE_TUBE_CODE_PATTERN)
    outcomes: dict[int, Outcome] = {}
    parsed: list[_Record] = []
    seen_clients: dict[str, int] = {}
    for index, raw in enumerate(records):
        item = _parse(index, raw, testing_round, now, pattern)
        if isinstance(item, Outcome):
            outcomes[index] = item
        elif item.client_id in seen_clients:  # the same record twice in one upload
            outcomes[index] = Outcome(item.client_id, DUPLICATE, _("The same record appears twice in this upload."),
                                      tube_code=item.tube_code)
        else:
            seen_clients[item.client_id] = index
            parsed.append(item)
    with transaction.atomic():
        _register(actor, testing_round, site, parsed, outcomes, now)
    result = [outcomes[i] for i in range(len(records))]
    return result


def _register(actor, testing_round, site, parsed: list[_Record], outcomes: dict[int, Outcome], now) -> None:
    # The people first (no write), then in one query the records already registered (by client id) and the
    # people already sampled in the round; visitors are made only for records that are not duplicates.
    people = _people(parsed)
    visitors = _assign_people(parsed, people, outcomes)
    clients, persons = _in("s.client_id", [r.client_id for r in parsed]), _in(
        "s.person_id", {r.person_id for r in parsed if r.person_id and r.kind == SampleKind.ROUTINE})
    known, taken, sent = {}, {}, {r.client_id for r in parsed}
    if parsed:
        for client_id, sid, code, person_id, kind in _rows(
                "SELECT s.client_id, s.id, t.code, s.person_id, s.kind FROM epidemic_sample s "
                f"JOIN epidemic_tube t ON t.id = s.tube_id WHERE s.round_id = %s AND ({clients[0]} OR "
                f"(s.kind = %s AND {persons[0]}))", [testing_round.pk, *clients[1], SampleKind.ROUTINE, *persons[1]]):
            if client_id in sent:
                known[client_id] = (sid, code)
            if kind == SampleKind.ROUTINE:
                taken[person_id] = code
    fresh = []
    for r in parsed:
        if r.client_id in known:
            sid, code = known[r.client_id]
            outcomes[r.index] = Outcome(r.client_id, DUPLICATE, _("Already registered."), tube_code=code, sample_id=sid)
        elif r.index not in outcomes:
            fresh.append(r)
    _make_visitors([r for r in visitors if r.index not in outcomes], actor, people, outcomes)
    fresh = [r for r in fresh if r.index not in outcomes]
    today = timezone.localdate(now)
    # Once per person in a round (a re-test is deliberate): against the round and within the batch.
    ok = []
    for r in fresh:
        if r.kind == SampleKind.ROUTINE and r.person_id in taken:
            outcomes[r.index] = Outcome(r.client_id, REJECTED, _(
                "%(name)s is already registered in this round (tube %(tube)s); mark a second sample as a re-test.")
                % {"name": mask_name(people[r.person_id][0]), "tube": taken[r.person_id]}, "person", r.tube_code)
            continue
        if r.kind == SampleKind.ROUTINE:
            taken[r.person_id] = r.tube_code
        ok.append(r)
    tubes = _tubes_for(actor, testing_round, site, ok, outcomes, now)
    ok = [r for r in ok if r.index not in outcomes]
    inserted = _insert(testing_round, site, actor, ok, tubes, people, now)
    counts: dict[int, int] = {}
    rows = []
    for r in ok:
        tube = tubes[r.tube_code]
        sample_id = inserted.get(r.client_id)
        name, birth, grid = people[r.person_id]
        if sample_id is None:  # a concurrent upload took the client id or the person first
            outcomes[r.index] = Outcome(r.client_id, REJECTED, _(
                "Registered meanwhile by another upload; send the record again to see its state."), "client_id",
                r.tube_code)
            continue
        counts[tube.pk] = counts.get(tube.pk, 0) + 1
        rows.append((sample_id, r.person_id, r.kind, grid))
        outcomes[r.index] = Outcome(r.client_id, ACCEPTED, tube_code=r.tube_code, sample_id=sample_id,
                                    masked_name=mask_name(name), age=age_on(birth, today),
                                    tube_count=tube.samples_count + counts[tube.pk], pool_size=tube.pool_size)
    _count_tubes(counts)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=testing_round, note="samples registered", changes={
        "site": site.pk, "accepted": len(rows), "duplicates": sum(o.status == DUPLICATE for o in outcomes.values()),
        "rejected": sum(o.status == REJECTED for o in outcomes.values())})
    if rows:
        for hook in after_register:
            hook(actor, testing_round, rows, now)


@dataclass
class _Tube:
    pk: int
    site_id: int
    pool_size: int
    samples_count: int
    bag_id: int | None
    result: str
    bag_code: str = ""
    sealed: bool = False


def _tubes_for(actor, testing_round, site, records: list[_Record], outcomes, now) -> dict[str, _Tube]:
    """The tubes the records go into, made where new and locked, in one statement (an upsert whose no-op
    update locks the rows; in code order, so two batches never wait on each other in a circle). Records a
    tube cannot take are rejected: a tube of another site, sealed in a bag, with a result, or full."""
    first_kind: dict[str, str] = {}
    for r in records:
        first_kind.setdefault(r.tube_code, r.kind)
    if not first_kind:
        return {}
    collector = actor.pk if getattr(actor, "pk", None) else None
    opened = Tube._meta.get_field("opened_at").get_db_prep_value(now, connection)
    params = []
    for code in sorted(first_kind):
        params += [testing_round.pk, code, site.pk, 1 if first_kind[code] == SampleKind.RETEST else testing_round.pool_size,
                   collector, opened]
    values = ", ".join(["(%s, %s, %s, %s, 0, %s, %s, '', '')"] * len(first_kind))
    tubes = {code: _Tube(pk, site_id, pool_size, count, bag_id, result) for pk, code, site_id, pool_size, count, bag_id, result
             in _rows("INSERT INTO epidemic_tube (round_id, code, site_id, pool_size, samples_count, collector_id, "
                      f"opened_at, result, result_source) VALUES {values} ON CONFLICT (round_id, code) DO UPDATE "
                      "SET code = excluded.code RETURNING id, code, site_id, pool_size, samples_count, bag_id, result",
                      params)}
    bags = {t.bag_id for t in tubes.values() if t.bag_id}
    if bags:
        sealed = {pk: code for pk, code in Bag.objects.filter(pk__in=bags, sealed_at__isnull=False).values_list("pk", "code")}
        for t in tubes.values():
            t.sealed, t.bag_code = t.bag_id in sealed, sealed.get(t.bag_id, "")
    room = {code: t.pool_size - t.samples_count for code, t in tubes.items()}
    for r in records:
        tube = tubes[r.tube_code]
        if tube.site_id != site.pk:
            outcomes[r.index] = Outcome(r.client_id, REJECTED, _(
                "Tube %(code)s is already in use at another testing site in this round.") % {"code": r.tube_code},
                "tube_code", r.tube_code)
        elif tube.sealed:
            outcomes[r.index] = Outcome(r.client_id, REJECTED, _(
                "Tube %(code)s is sealed in bag %(bag)s: use a new tube.") % {"code": r.tube_code, "bag": tube.bag_code},
                "tube_code", r.tube_code)
        elif tube.result:
            outcomes[r.index] = Outcome(r.client_id, REJECTED, _(
                "Tube %(code)s already has a result: use a new tube.") % {"code": r.tube_code}, "tube_code", r.tube_code)
        elif room[r.tube_code] <= 0:
            outcomes[r.index] = Outcome(r.client_id, REJECTED, _(
                "Tube %(code)s is full (%(n)d of %(n)d): use a new tube.") % {"code": r.tube_code, "n": tube.pool_size},
                "tube_code", r.tube_code, tube_count=tube.pool_size, pool_size=tube.pool_size)
        else:
            room[r.tube_code] -= 1
    return tubes


_COLUMNS = ("round_id", "tube_id", "person_id", "kind", "client_id", "site_id", "grid_id", "collector_id",
            "collected_at", "received_at")


def _insert(testing_round, site, actor, records: list[_Record], tubes, people, now) -> dict[str, int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the ids of the rows made, by client id (a row a concurrent
    upload made first is not returned). On PostgreSQL the rows go as one array a column (unnest)."""
    if not records:
        return {}
    records = sorted(records, key=lambda r: r.client_id)  # one order for every upload: no waiting in a circle
    collector = actor.pk if getattr(actor, "pk", None) else None
    if connection.vendor == "postgresql":
        return dict((client, pk) for pk, client in _rows(
            f"INSERT INTO epidemic_sample ({', '.join(_COLUMNS)}) SELECT %s, u.t, u.p, u.k, u.c, %s, u.g, %s, u.at, %s "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::bigint[], %s::timestamptz[]) "
            "AS u(t, p, k, c, g, at) ON CONFLICT DO NOTHING RETURNING id, client_id",
            [testing_round.pk, site.pk, collector, now, [tubes[r.tube_code].pk for r in records],
             [r.person_id for r in records], [r.kind for r in records], [r.client_id for r in records],
             [people[r.person_id][2] for r in records], [r.collected_at for r in records]]))
    made: dict[str, int] = {}
    field = Sample._meta.get_field("collected_at")
    for start in range(0, len(records), 500):
        chunk = records[start:start + 500]
        params = []
        for r in chunk:
            params += [testing_round.pk, tubes[r.tube_code].pk, r.person_id, r.kind, r.client_id, site.pk,
                       people[r.person_id][2], collector, field.get_db_prep_value(r.collected_at, connection),
                       field.get_db_prep_value(now, connection)]
        values = ", ".join(["(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"] * len(chunk))
        made.update({client: pk for pk, client in _rows(
            f"INSERT INTO epidemic_sample ({', '.join(_COLUMNS)}) VALUES {values} "
            "ON CONFLICT DO NOTHING RETURNING id, client_id", params)})
    return made


def _count_tubes(counts: dict[int, int]) -> None:
    if not counts:
        return
    table = connection.ops.quote_name(Tube._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"UPDATE {table} t SET samples_count = t.samples_count + u.n "
                           "FROM unnest(%s::bigint[], %s::int[]) AS u(id, n) WHERE t.id = u.id",
                           [list(counts), list(counts.values())])
            return
        cases = " ".join(["WHEN %s THEN %s"] * len(counts))
        params = [v for pair in counts.items() for v in pair] + list(counts)
        cursor.execute(f"UPDATE {table} SET samples_count = samples_count + CASE id {cases} ELSE 0 END "
                       f"WHERE id IN ({', '.join(['%s'] * len(counts))})", params)


def sample_register(*, actor, testing_round: TestingRound, site: Site, record: dict,
                    now: datetime.datetime | None = None) -> Outcome:
    """One record (the phone screen): its outcome, or PermissionDenied for a site that is not the actor's."""
    try:
        (outcome,) = samples_register(actor=actor, testing_round=testing_round, site=site, records=[record], now=now)
    except BatchRefused as refused:
        if refused.status == 403:
            raise PermissionDenied from None
        raise
    return outcome
