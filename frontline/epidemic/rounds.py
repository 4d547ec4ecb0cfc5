"""Testing rounds: creating one over a set of areas with its sites and their hours, and staffing it with
collectors (at a site) and transporters, each through an assignment that lasts the round's days."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Area, Site, SiteKind
from frontline.core import policy
from frontline.core.audit import audit_create
from frontline.core.models import Assignment

from .models import POOL_SIZES, RoundArea, RoundSite, RoundStaff, StaffRole, TestingRound
from .policy import COLLECTOR, MANAGE_TESTING, TRANSPORTER


def _lowest_common(areas: list[Area]) -> Area:
    path = areas[0].path
    for area in areas[1:]:
        n = 0
        while n < min(len(path), len(area.path)) and path[n] == area.path[n]:
            n += 1
        path = path[:n - n % Area.steplen]
    return Area.objects.get(path=path) if path else Area.objects.get_first_root_node()


def _local_day_span(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()


@transaction.atomic
def testing_round_create(*, actor, name: str, areas: list[Area], starts_at: datetime.datetime,
                         ends_at: datetime.datetime, pool_size: int,
                         sites: list[tuple[Site, datetime.datetime, datetime.datetime]] = ()) -> TestingRound:
    """A round over `areas` (each within the actor's place), with its testing sites and their hours."""
    if not areas:
        raise ValidationError({"areas": _("Choose the areas the round covers.")})
    for area in areas:
        if actor is not None and not policy.allows_in(actor, MANAGE_TESTING, area):
            raise ValidationError({"areas": _("%(area)s is outside your area.") % {"area": area.name}})
    if pool_size not in POOL_SIZES:
        raise ValidationError({"pool_size": _("A tube takes 1, 5, 10 or 20 samples.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The round must end after it starts.")})
    testing_round = TestingRound.objects.create(name=name.strip(), area=_lowest_common(areas), starts_at=starts_at,
                                                ends_at=ends_at, pool_size=pool_size, created_by=actor)
    RoundArea.objects.bulk_create([RoundArea(round=testing_round, area=a) for a in areas])
    for site, opens_at, closes_at in sites:
        round_site_add(actor=actor, testing_round=testing_round, site=site, opens_at=opens_at, closes_at=closes_at)
    audit_create(actor, testing_round)
    return testing_round


def round_site_add(*, actor, testing_round: TestingRound, site: Site, opens_at, closes_at) -> RoundSite:
    if site.kind != SiteKind.TESTING:
        raise ValidationError({"site": _("%(site)s is not a testing site.") % {"site": site.name}})
    if actor is not None and not policy.allows(actor, MANAGE_TESTING, site):
        raise ValidationError({"site": _("%(site)s is outside your area.") % {"site": site.name}})
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("A site must close after it opens.")})
    round_site, _created = RoundSite.objects.update_or_create(round=testing_round, site=site, defaults={
        "opens_at": opens_at, "closes_at": closes_at})
    return round_site


@transaction.atomic
def round_staff_add(*, actor, testing_round: TestingRound, user, role: str, site: Site | None = None,
                    area: Area | None = None, person=None) -> RoundStaff:
    """Staff the round: a collector at one of its sites, or a transporter over an area. The account gets an
    assignment of that role for the round's days, which ends with the round."""
    if role == StaffRole.COLLECTOR:
        if site is None or not testing_round.round_sites.filter(site=site).exists():
            raise ValidationError({"site": _("A collector works at one of the round's testing sites.")})
        area = site.area
    elif role != StaffRole.TRANSPORTER or area is None:
        raise ValidationError({"role": _("Staff a round with collectors and transporters.")})
    if actor is not None and not policy.allows_in(actor, MANAGE_TESTING, area):
        raise ValidationError({"area": _("%(area)s is outside your area.") % {"area": area.name}})
    assignment = Assignment.objects.create(
        user=user, role=COLLECTOR if role == StaffRole.COLLECTOR else TRANSPORTER, area=area,
        valid_from=_local_day_span(testing_round.starts_at), valid_until=_local_day_span(testing_round.ends_at),
        created_by=actor)
    staff = RoundStaff.objects.create(round=testing_round, site=site, user=user, role=role, assignment=assignment,
                                      area=area, person=person or user.person)
    policy.forget(user)
    audit_create(actor, staff)
    return staff
