"""Writes about people. Each is atomic, validated with `full_clean()` and audited."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from frontline.core import policy
from frontline.core.audit import audit_create, audit_update, snapshot

from .models import Cadre, PartyMember, PartyOrg, Person, Resident
from .rules import PERSON_COLUMNS, current_memberships, identity_clean, move_home, person_values


def _apply_identity(person: Person, *, name: str, id_number: str | None, phone: str | None) -> None:
    """Normalize and check the identity fields (`rules.identity_clean`: the import's rule too)."""
    errors = {}
    try:
        identity = identity_clean(name=name, id_number=id_number, phone=phone, birth_date=person.birth_date,
                                  sex=person.sex)
    except ValidationError as e:
        errors = e.message_dict
    else:
        for column, value in zip(PERSON_COLUMNS, person_values(identity)):
            setattr(person, column, value)
    if person.doc_number and not person.doc_type:
        errors["doc_type"] = [_("Say which document this number belongs to.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def person_create(*, actor, name: str, id_number: str | None = None, phone: str | None = None,
                  doc_type: str = "", doc_number: str = "", birth_date: datetime.date | None = None,
                  sex: str = "") -> Person:
    policy.require(actor, policy.CHANGE_PEOPLE)  # a new person has no place yet: one who may record people
    person = Person(doc_type=doc_type, doc_number=doc_number.strip(), birth_date=birth_date, sex=sex)
    _apply_identity(person, name=name, id_number=id_number, phone=phone)
    person.full_clean()
    person.save()
    audit_create(actor, person)
    return person


def _placed(person: Person) -> bool:
    """Does anyone answer for the person: a current home, membership or cadre unit?"""
    return (Resident.objects.filter(person=person, moved_out__isnull=True).exists()
            or PartyMember.objects.filter(person=person, left_on__isnull=True).exists()
            or Cadre.objects.filter(person=person).exists())


@transaction.atomic
def person_update(*, actor, person: Person, **fields) -> Person:
    # Where the person is placed, whoever answers for that place; a person placed nowhere (just recorded,
    # or moved away), whoever may record people.
    policy.require(actor, policy.CHANGE_PEOPLE, person if _placed(person) else None)
    before = snapshot(person)
    for key in ("doc_type", "doc_number", "birth_date", "sex"):
        if key in fields:
            setattr(person, key, fields[key])
    _apply_identity(person, name=fields.get("name", person.name), id_number=fields.get("id_number", person.id_number),
                    phone=fields.get("phone", person.phone))
    person.full_clean()
    person.save()
    audit_update(actor, person, before)
    return person


@transaction.atomic
def resident_move_in(*, actor, person: Person, household, moved_in: datetime.date, relation: str = "other") -> Resident:
    """Move a person into a household; their current home, if any, ends the day before. Whoever is
    responsible for where the person lives now decides (the new household's, for someone without a home):
    a community confirming a transfer moves its resident into the asking community's household."""
    current = Resident.objects.select_for_update().filter(person=person, moved_out__isnull=True).first()
    policy.require(actor, policy.CHANGE_PEOPLE, current or household)
    move = move_home(current.moved_in if current else None, moved_in)
    if current is not None:
        if current.household_id == household.pk:
            raise ValidationError({"household": _("%(person)s already lives here.") % {"person": person}})
        resident_move_out(actor=actor, resident=current, moved_out=move.moved_out)
    resident = Resident(person=person, household=household, moved_in=move.moved_in, relation=relation)
    resident.full_clean()
    resident.save()
    audit_create(actor, resident, person=person)
    return resident


@transaction.atomic
def resident_move_out(*, actor, resident: Resident, moved_out: datetime.date) -> Resident:
    policy.require(actor, policy.CHANGE_PEOPLE, resident)
    before = snapshot(resident)
    resident.moved_out = moved_out
    resident.full_clean()
    resident.save(update_fields=["moved_out"])
    audit_update(actor, resident, before, person=resident.person)
    return resident


@transaction.atomic
def party_org_create(*, actor, parent: PartyOrg | None, name: str, kind: str, area=None, site=None,
                     temporary: bool = False, founded_on=None) -> PartyOrg:
    policy.require(actor, policy.CHANGE_PEOPLE, area or (site.area if site is not None else None))
    org = PartyOrg(name=name, kind=kind, area=area, site=site, temporary=temporary, founded_on=founded_on)
    org.full_clean(exclude=["path", "depth", "numchild"])
    org = PartyOrg.objects.add_child(parent, instance=org) if parent else PartyOrg.objects.add_root(instance=org)
    audit_create(actor, org)
    return org


@transaction.atomic
def party_member_add(*, actor, person: Person, org: PartyOrg, status: str = "formal", floating: bool = False,
                     joined_on=None) -> PartyMember:
    policy.require(actor, policy.CHANGE_PEOPLE, org)
    if person.pk in current_memberships([person.pk]):
        raise ValidationError({"person": _("%(person)s is already a member of a party organization; "
                                           "transfer the membership instead.") % {"person": person}})
    member = PartyMember(person=person, org=org, status=status, floating=floating, joined_on=joined_on)
    member.full_clean()
    member.save()
    audit_create(actor, member, person=person)
    return member


@transaction.atomic
def cadre_create(*, actor, person: Person, home_unit: str, unit_area, rank: str, position: str = "") -> Cadre:
    policy.require(actor, policy.CHANGE_PEOPLE, unit_area)
    cadre = Cadre(person=person, home_unit=home_unit, unit_area=unit_area, rank=rank, position=position)
    cadre.full_clean()
    cadre.save()
    audit_create(actor, cadre, person=person)
    return cadre
