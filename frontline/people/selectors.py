"""Reads about people, always through the actor's scope."""

import re

from django.db.models import Q

from frontline.core.scoping import get_for
from frontline.core.validators import normalize_text

from .models import Cadre, PartyMember, Person, Resident


def person_get_for(actor, pk) -> Person:
    return get_for(Person, actor, pk)


def person_search(*, actor, query: str, limit: int = 50):
    """By name (汉字), pinyin initials or full pinyin (zsf, zhangsanfeng), or the last digits of an
    ID number or phone (at least 4). Scoped and ordered; an empty or too short query finds nothing."""
    q = normalize_text(query)
    people = Person.objects.visible_to(actor)
    if re.fullmatch(r"\d{3,17}[\dXx]", q):
        match = Q(id_number__endswith=q.upper()) | Q(phone__endswith=q)
    elif re.fullmatch(r"[A-Za-z]+", q):
        q = q.lower()
        match = Q(pinyin_initials__prefix=q) | Q(pinyin_full__prefix=q)
    elif q and not q.isdigit():
        match = Q(name__contains=q)
    else:
        return people.none()
    return people.filter(match).order_by("pinyin_full", "id")[:limit]


def person_profile(*, actor, person: Person) -> dict:
    """What a page shows about a person: where they live and what they belong to, within scope."""
    return {
        "residences": Resident.objects.visible_to(actor).filter(person=person)
        .select_related("household__building__area").order_by("-moved_in"),
        "memberships": PartyMember.objects.visible_to(actor).filter(person=person).select_related("org"),
        "cadre": Cadre.objects.visible_to(actor).filter(person=person).first(),
    }


def household_residents(*, actor, household):
    return (Resident.objects.visible_to(actor).filter(household=household, moved_out__isnull=True)
            .select_related("person").order_by("relation", "person__birth_date"))
