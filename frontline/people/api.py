"""API: persons and a household's residents (masked identifiers; reveal is a page action, not an API)."""

import datetime

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from frontline.areas.api import HouseholdOut
from frontline.areas.selectors import household_get_for
from frontline.core import policy
from frontline.core.audit import audit_record
from frontline.core.models import AuditAction
from frontline.core.validators import age_on, mask_id_number, mask_phone

from .selectors import household_residents, person_get_for, person_search

router = Router(tags=["persons"])


class PersonOut(Schema):
    """A person as the API shows them: masked identifiers and an age, never the birth date (the hidden
    digits of an ID number are the birth date)."""

    id: int
    name: str
    sex: str
    age: int | None = Field(None, description="Completed years today; the birth date is shown only by a reveal.")
    id_number_masked: str
    phone_masked: str

    @staticmethod
    def resolve_age(obj):
        return age_on(obj.birth_date)

    @staticmethod
    def resolve_id_number_masked(obj):
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone_masked(obj):
        return mask_phone(obj.phone)


class ResidentOut(Schema):
    person: PersonOut
    relation: str
    moved_in: datetime.date


@router.get("/persons", response=list[PersonOut])
@paginate
@policy.api_requires(policy.SEARCH_PEOPLE)
def person_list(request, q: str):
    """Search by name, pinyin (zsf, zhangsanfeng) or the last digits of an ID number or phone."""
    return person_search(actor=request.auth, query=q, limit=500)


@router.get("/persons/{person_id}", response=PersonOut)
@policy.api_requires(policy.VIEW_PEOPLE)
def person_detail(request, person_id: int):
    person = person_get_for(request.auth, person_id)
    audit_record(actor=request.auth, action=AuditAction.VIEW, obj=person)  # who viewed personal data, as the page
    return person


class HouseholdDetailOut(HouseholdOut):
    residents: list[ResidentOut] = Field(..., alias="current_residents")


@router.get("/households/{household_id}", response=HouseholdDetailOut, tags=["areas"])
@policy.api_requires(policy.VIEW_PEOPLE)
def household_detail(request, household_id: int):
    household = household_get_for(request.auth, household_id)
    audit_record(actor=request.auth, action=AuditAction.VIEW, obj=household)  # its residents are personal data
    household.current_residents = list(household_residents(actor=request.auth, household=household))
    household.resident_count = len(household.current_residents)
    return household
