"""The rules about people, each written once: the services (a form, the API) and the roster import's
bulk writer (a file) call the same functions, so a person, a home or a membership is the same
whichever way it arrives.

- identity: a name without stray spaces, the ID number checked and its birth date and sex derived
  from it, the phone normalized, the pinyin search keys (`identity_clean`, `person_values`);
- moving home: the old home ends the day before the new one begins, never before it began
  (`move_home`); what "current" means for a home and a membership (`current_homes`,
  `current_memberships`: one query for any number of people, the partial unique indexes' condition);
- party membership: one current membership a person (`current_memberships`, and the database's
  `party_member_one_current_org`);
- jurisdiction: who is registered in another jurisdiction than an actor's (`people_elsewhere`), whose
  home and membership a file or a form of that actor must not change.
"""

import datetime
from collections.abc import Collection, Iterable
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from frontline.areas.models import Area, Building, Household
from frontline.core.bulk import select_by_keys
from frontline.core.validators import normalize_phone, parse_id_number

from .models import PartyMember, Person, Resident
from .pinyin import pinyin_keys


class Identity(NamedTuple):  # a tuple: the import makes one for every row
    name: str
    id_number: str | None
    birth_date: datetime.date | None
    sex: str
    phone: str


# The columns `person_values` gives, in its order (after the primary key where a bulk writer adds one).
PERSON_COLUMNS = ("name", "pinyin_full", "pinyin_initials", "id_number", "birth_date", "sex", "phone")


def clean_name(raw: str) -> str:
    """A name as it is kept: spaces at the ends and runs of spaces inside removed ("张  三 " → "张 三")."""
    return " ".join((raw or "").split())


def identity_clean(*, name: str, id_number: str | None, phone: str | None, birth_date: datetime.date | None = None,
                   sex: str = "", today: datetime.date | None = None) -> Identity:
    """A person's identity as it is kept, or a ValidationError naming each bad field. With an ID number the
    birth date and sex come from it; without one (a child, a foreigner) they are the ones given."""
    # A hot path (the import calls it for every row): nothing allocated unless something is wrong.
    errors = None
    name = " ".join(name.split()) if name else ""  # clean_name, inlined
    if not name:
        errors = {"name": [_("The name is required.")]}
    number = None
    if id_number:
        try:
            number, birth_date, sex, _region = parse_id_number(id_number, today=today)
        except ValidationError as e:
            errors = {**(errors or {}), "id_number": e.messages}
    clean_phone = ""
    if phone:
        try:
            clean_phone = normalize_phone(phone)
        except ValidationError as e:
            errors = {**(errors or {}), "phone": e.messages}
    if errors:
        raise ValidationError(errors)
    return Identity(name, number, birth_date, sex or "", clean_phone)


def person_values(identity: Identity) -> tuple:
    """The stored values of `PERSON_COLUMNS` for an identity (the pinyin keys derived from the name)."""
    return (identity.name, *pinyin_keys(identity.name), identity.id_number, identity.birth_date, identity.sex,
            identity.phone)


class Move(NamedTuple):
    moved_out: datetime.date | None  # the end of the current home; None when there is none
    moved_in: datetime.date  # the start of the new one


def move_home(current_moved_in: datetime.date | None, arriving: datetime.date) -> Move:
    """Dates of a move into a new home on `arriving` for a person whose current home began on
    `current_moved_in` (None: no current home): the old home ends the day before the new one begins,
    but never before it began, and the new one never begins before the old one ended."""
    if current_moved_in is None:
        return Move(None, arriving)
    moved_out = max(current_moved_in, arriving - datetime.timedelta(days=1))
    return Move(moved_out, max(arriving, moved_out))


class Home(NamedTuple):
    id: int
    household_id: int
    relation: str
    moved_in: datetime.date


def current_homes(person_ids: Iterable[int]) -> dict[int, Home]:
    """{person id: current home} for those who have one: one query probing the one-current-home index."""
    found = select_by_keys(Resident, ["person"], ((pk,) for pk in person_ids),
                           ["id", "household_id", "relation", "moved_in"], where='"moved_out" IS NULL')
    return {pk: Home(*row) for (pk,), row in found.items()}


class Membership(NamedTuple):
    id: int
    status: str


def current_memberships(person_ids: Iterable[int]) -> dict[int, Membership]:
    """{person id: current party membership}: a person has at most one (`party_member_one_current_org`)."""
    found = select_by_keys(PartyMember, ["person"], ((pk,) for pk in person_ids), ["id", "status"],
                           where='"left_on" IS NULL')
    return {pk: Membership(*row) for (pk,), row in found.items()}


def people_elsewhere(actor, person_ids: Collection[int], homes: dict[int, Home] | None = None) -> set[int]:
    """Of these people, those registered in another jurisdiction than the actor's: their current home lies
    outside the actor's scope; or, without a current home, they hold a current party membership and
    nothing makes them visible to the actor. Their home and membership are that jurisdiction's to change.
    A person with neither (moved away, never housed) is nobody's to give up, so not elsewhere: the place
    that houses them now takes them in. The system (actor None) has no "elsewhere".

    A handful of queries whatever the number of people, each probing an index once per key (`homes`, from
    `current_homes`, saves the first): homes → households → buildings → which of their areas the actor
    sees; then, for the few without a home, memberships and whether the actor sees them. A single query
    with EXISTS subqueries let PostgreSQL hash the whole residents table for every chunk of an import."""
    if actor is None or not person_ids:
        return set()
    if homes is None:
        homes = current_homes(person_ids)
    elsewhere = set()
    if homes:
        building_of = {key[0]: row[0] for key, row in select_by_keys(
            Household, ["id"], ((home.household_id,) for home in homes.values()), ["building_id"]).items()}
        area_of = {key[0]: row[0] for key, row in select_by_keys(
            Building, ["id"], ((pk,) for pk in set(building_of.values())), ["area_id"]).items()}
        ours = set(Area.objects.visible_to(actor).filter(pk__in=set(area_of.values())).values_list("pk", flat=True))
        elsewhere = {pk for pk, home in homes.items() if area_of[building_of[home.household_id]] not in ours}
    members = current_memberships(pk for pk in person_ids if pk not in homes)
    if members:
        elsewhere |= set(members) - set(Person.objects.visible_to(actor).filter(pk__in=list(members))
                                        .values_list("pk", flat=True))
    return elsewhere
