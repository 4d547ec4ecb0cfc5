"""Reads about people, always through the actor's scope."""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from frontline.core.audit import audit_record
from frontline.core.models import AuditAction
from frontline.core.ratelimit import RateLimited, rate_limit_hit
from frontline.core.roles import can_reveal
from frontline.core.scoping import get_for
from frontline.core.validators import normalize_text

from .models import Cadre, PartyMember, Person, Resident


def person_get_for(actor, pk) -> Person:
    return get_for(Person, actor, pk)


DIGITS = re.compile(r"\d{3,17}[\dXx]")  # the last 4 or more digits of an ID number (its X too) or a phone


def _digit_search_refusal(actor) -> Exception | None:
    if not can_reveal(actor):
        return PermissionDenied(_("Searching by the digits of an ID number or phone is for roles that may reveal them."))
    try:
        rate_limit_hit(f"digit-search:{actor.pk}", settings.FRONTLINE_DIGIT_SEARCH_PER_MINUTE)
    except RateLimited as e:
        return e
    return None


def person_search(*, actor, query: str, limit: int = 50):
    """By name (汉字), pinyin initials or full pinyin (zsf, zhangsanfeng), or the last digits of an
    ID number or phone (at least 4). Scoped and ordered; an empty or too short query finds nothing.

    Every search is audited, with its query: who looked for whom. Digits are an oracle (`<d>7074` for each
    digit d finds a phone's unknown digits one at a time), so searching by them is for roles that may reveal
    identifiers (PermissionDenied otherwise) and at most FRONTLINE_DIGIT_SEARCH_PER_MINUTE times a minute
    per account (RateLimited past it); a refused search is audited too."""
    q = normalize_text(query)
    people = Person.objects.visible_to(actor)
    if DIGITS.fullmatch(q):
        if (refusal := _digit_search_refusal(actor)) is not None:
            audit_record(actor=actor, action=AuditAction.SEARCH, note=f"{q} · {refusal}")
            raise refusal
        match = Q(id_number__endswith=q.upper()) | Q(phone__endswith=q)
    elif re.fullmatch(r"[A-Za-z]+", q):
        q = q.lower()
        match = Q(pinyin_initials__prefix=q) | Q(pinyin_full__prefix=q)
    elif q and not q.isdigit():
        match = Q(name__contains=q)
    else:
        return people.none()
    audit_record(actor=actor, action=AuditAction.SEARCH, note=q)
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
