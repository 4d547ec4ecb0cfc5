"""Control measures (集中隔离 / 居家隔离 / 居家健康监测): placing people under one, at most one in force per
person (a stronger measure replaces a weaker one; a weaker one never replaces a stronger), and releasing them.
Set-based: a case's household and companions are placed in one statement, with one audit entry each."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from frontline.core.audit import audit_bulk, audit_record
from frontline.core.models import AuditAction
from frontline.people.models import Person

from .models import ControlMeasure, MeasureKind

STRENGTH = {MeasureKind.HOME_MONITORING: 1, MeasureKind.HOME_ISOLATION: 2, MeasureKind.CENTRALIZED: 3}


@dataclass(frozen=True)
class MeasureRow:
    """One person to place under a home measure, and why (a case, a contact, a pending re-test)."""

    person_id: int
    kind: str
    area_id: int
    grid_id: int | None = None
    case_id: int | None = None
    contact_id: int | None = None
    retest_id: int | None = None


def planned_until(kind: str, starts_at: datetime.datetime) -> datetime.datetime:
    return starts_at + datetime.timedelta(days=settings.FRONTLINE_MEASURE_DAYS[kind])


@transaction.atomic
def measures_place(*, actor, rows: list[MeasureRow], now=None, note: str = "") -> list[ControlMeasure]:
    """Place people under home measures (isolation or health monitoring; centralized isolation takes a room:
    `isolation.py`). A person already under an equal or stronger measure keeps it; a weaker one is released
    ("raised") and replaced. Returns the measures created."""
    now = now or timezone.now()
    wanted: dict[int, MeasureRow] = {}
    for row in rows:
        if row.kind == MeasureKind.CENTRALIZED:
            raise ValueError("centralized isolation takes a room: use isolation.py")
        if row.person_id not in wanted or STRENGTH[row.kind] > STRENGTH[wanted[row.person_id].kind]:
            wanted[row.person_id] = row
    if not wanted:
        return []
    current = {m.person_id: m for m in ControlMeasure.objects.select_for_update()
               .filter(person_id__in=list(wanted), released_at__isnull=True)}
    replaced = [m for pid, m in current.items() if STRENGTH[m.kind] < STRENGTH[wanted[pid].kind]]
    for m in replaced:
        m.released_at, m.released_by = now, actor if actor and actor.is_authenticated else None
        m.note = (m.note + "\n" if m.note else "") + f"raised to {wanted[m.person_id].kind}"
    ControlMeasure.objects.bulk_update(replaced, ["released_at", "released_by", "note"])
    keep = {pid for pid, m in current.items() if m not in replaced}
    creator = actor if actor and actor.is_authenticated else None
    created = ControlMeasure.objects.bulk_create([
        ControlMeasure(person_id=r.person_id, kind=r.kind, area_id=r.area_id, grid_id=r.grid_id, case_id=r.case_id,
                       contact_id=r.contact_id, retest_id=r.retest_id, starts_at=now,
                       planned_until=planned_until(r.kind, now), negatives_required=settings.FRONTLINE_RELEASE_NEGATIVES,
                       created_by=creator, note=note)
        for pid, r in wanted.items() if pid not in keep])
    audit_bulk(actor, AuditAction.UPDATE, [(m, {"released_at": [None, str(now)]}, Person(pk=m.person_id)) for m in replaced],
               note="control measure raised")
    audit_bulk(actor, AuditAction.CREATE, [(m, {"kind": [None, m.kind]}, Person(pk=m.person_id)) for m in created],
               note="control measure placed")
    return created


@transaction.atomic
def measure_release(*, actor, measure: ControlMeasure, now=None, note: str = "") -> ControlMeasure:
    """Release a person from a measure (the rule for when is the caller's: negative tests, a negative re-test)."""
    measure = ControlMeasure.objects.select_for_update(of=("self",)).get(pk=measure.pk)
    if measure.released_at is not None:
        return measure
    measure.released_at = now or timezone.now()
    measure.released_by = actor if actor and actor.is_authenticated else None
    if note:
        measure.note = (measure.note + "\n" if measure.note else "") + note
    measure.save(update_fields=["released_at", "released_by", "note"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=measure, person=measure.person,
                 changes={"released_at": [None, str(measure.released_at)]}, note=note or "control measure released")
    return measure
