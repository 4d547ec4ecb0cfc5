"""One demo account per role, each placed somewhere sensible in the generated city."""

import datetime

from django.db import transaction

from frontline.areas.models import Area, AreaLevel
from frontline.core.models import Assignment, User
from frontline.core.roles import Role
from frontline.people.models import PartyMember, Resident

DEMO_PASSWORD = "frontline-2022"
DEMO_SINCE = datetime.date(2022, 3, 1)


def _first(level: str, under: Area, n: int = 0) -> Area:
    return Area.objects.filter(level=level, path__prefix=under.path).order_by("path")[n]


def _resident_member_of(grid: Area):
    """A party member living in the grid, to stand behind a frontline account."""
    member = (PartyMember.objects.filter(org__area=grid, left_on__isnull=True)
              .filter(person__residences__household__building__area=grid, person__residences__moved_out__isnull=True)
              .select_related("person").order_by("id").first())
    if member is not None:
        return member.person
    resident = Resident.objects.filter(household__building__area=grid).select_related("person").order_by("id").first()
    return resident.person if resident else None


@transaction.atomic
def demo_accounts_create() -> list[tuple[User, str]]:
    """Create (or reset) the demo accounts; returns (user, where) pairs for printing."""
    city = Area.objects.get_first_root_node()
    district = _first(AreaLevel.DISTRICT, city)
    street = _first(AreaLevel.STREET, district)
    community = _first(AreaLevel.COMMUNITY, street)
    grid = _first(AreaLevel.GRID, community)
    sibling_grid = _first(AreaLevel.GRID, community, 1)
    places = [
        ("commander", Role.COMMANDER, city, None),
        ("orgdept", Role.COMMANDER, city, None),  # the organization department: approves party-fee allocations
        ("street", Role.STREET_OFFICER, street, None),
        ("secretary", Role.COMMUNITY_SECRETARY, community, None),
        ("grid", Role.GRID_WORKER, grid, _resident_member_of(grid)),
        ("grid2", Role.GRID_WORKER, sibling_grid, _resident_member_of(sibling_grid)),
        ("cadre", Role.CADRE, community, None),
        ("volunteer", Role.VOLUNTEER, grid, None),
        ("inspector", Role.INSPECTOR, district, None),
        ("enterprise", Role.ENTERPRISE_LIAISON, district, None),
        ("courier", Role.COURIER, grid, None),
        ("hotline", "hotline", street, None),  # hotline staff (frontline.care) of the street: take residents' calls
    ]
    result = []
    for username, role, area, person in places:
        user, _ = User.objects.update_or_create(username=username, defaults={
            "role": role, "area": area, "person": person, "is_staff": False, "is_superuser": False, "is_active": True})
        user.set_password(DEMO_PASSWORD)
        user.save()
        # Access comes from assignments: one, in force since the outbreak began, as the account's only one.
        Assignment.objects.filter(user=user).exclude(role=role, area=area).delete()
        Assignment.objects.get_or_create(user=user, role=role, area=area, defaults={"valid_from": DEMO_SINCE})
        result.append((user, " / ".join([a.name for a in Area.objects.get_ancestors(area)[1:]] + [area.name])))
    from .testing import testing_accounts_create

    result += testing_accounts_create(DEMO_PASSWORD, community)
    from .control import control_accounts_create

    result += control_accounts_create(DEMO_PASSWORD, community, grid)
    admin, _ = User.objects.update_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True})
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    result.append((admin, "Django admin"))
    return result


@transaction.atomic
def demo_activity_create() -> None:
    """A running door-to-door campaign over the demo street, with a few visits, and a guide sent to its
    grids, so that the pages show work in progress. Done once."""
    import datetime

    from django.utils import timezone

    from frontline.areas.models import Household
    from frontline.grid.models import ScreeningCampaign
    from frontline.grid.questions import STANDARD_QUESTIONS
    from frontline.grid.services import grid_message_publish, household_visit_record, screening_campaign_create

    if ScreeningCampaign.objects.exists():
        return
    secretary = User.objects.get(username="secretary")
    grid_worker = User.objects.get(username="grid")
    today = timezone.localdate()
    campaign = screening_campaign_create(actor=secretary, name="敲门行动(第一轮)", areas=[secretary.area],
                                         starts_on=today - datetime.timedelta(days=1),
                                         ends_on=today + datetime.timedelta(days=6), form=STANDARD_QUESTIONS)
    households = Household.objects.filter(building__area=grid_worker.area).order_by("id")[:8]
    for i, household in enumerate(households):
        if i % 4 == 3:
            household_visit_record(actor=grid_worker, campaign=campaign, household=household, outcome="nobody_home")
            continue
        answers = {r.person_id: {"present": "1", "temperature": "36.5", "vaccination_doses": "3"}
                   for r in household.residents.filter(moved_out__isnull=True)}
        household_visit_record(actor=grid_worker, campaign=campaign, household=household, outcome="visited", answers=answers)
    grid_message_publish(actor=secretary, kind="guide", title="疫情防控明白卡",
                         body="一、出门佩戴口罩,保持一米距离。\n二、配合查验健康码、行程码和体温。\n三、按通知有序参加核酸检测。",
                         areas=[secretary.area])
    from .duty import demo_duty_create
    from .mobilization import demo_mobilization_create
    from .notices import demo_notices_create
    from .partyorgs import demo_partyorgs_create
    from .stationing import demo_stationing_create

    demo_mobilization_create()
    demo_notices_create()
    demo_stationing_create()
    demo_partyorgs_create()
    demo_duty_create()
    from .testing import demo_testing_create

    demo_testing_create()
    from .control_cases import demo_cases_create
    from .control_gate import demo_gate_create
    from .control_isolation import demo_isolation_create
    from .control_store import demo_store_create
    from .control_zones import demo_zones_create

    demo_store_create()
    demo_zones_create()
    demo_gate_create()
    demo_cases_create()
    demo_isolation_create()
    from .care import demo_care_create

    demo_care_create()
    from .command import demo_briefs_create

    demo_briefs_create()
