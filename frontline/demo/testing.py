"""The demo's mass testing: a round under way over the demo community, its testing site, a laboratory, and
the accounts of a collector at that site, a transporter over the street and the laboratory's staff."""

import datetime

from django.utils import timezone

from frontline.areas.models import Area, Site, SiteKind
from frontline.core.models import User


def testing_accounts_create(password: str, community: Area) -> list[tuple[User, str]]:
    """The round (once: it starts at today's 07:00 and runs three days), and the three accounts (reset)."""
    from frontline.epidemic.models import Laboratory, RoundStaff, StaffRole, TestingRound
    from frontline.epidemic.rounds import round_staff_add, testing_round_create

    street = Area.objects.get_parent(community)
    site = (Site.objects.filter(kind=SiteKind.TESTING, area=community).order_by("id").first()
            or Site.objects.create(kind=SiteKind.TESTING, name=f"{community.name}核酸采样点", area=community))
    lab, _ = Laboratory.objects.get_or_create(name="市第一检测中心", defaults={"area": street})
    testing_round = TestingRound.objects.filter(round_areas__area=community).order_by("-id").first()
    if testing_round is None:
        start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(7)))
        testing_round = testing_round_create(
            actor=None, name=f"{community.name}全员核酸检测(第一轮)", areas=[community], starts_at=start,
            ends_at=start + datetime.timedelta(days=3), pool_size=10,
            sites=[(site, start, start + datetime.timedelta(days=3))])
        testing_round.status = "open"
        testing_round.save(update_fields=["status"])
    result = []
    for username, role, where in [("collector", StaffRole.COLLECTOR, site.name), ("transporter", StaffRole.TRANSPORTER,
                                                                                 street.name), ("lab", None, lab.name)]:
        user, _ = User.objects.update_or_create(username=username, defaults={
            "role": role or "lab_staff", "area": community if role == StaffRole.COLLECTOR else street,
            "is_staff": False, "is_superuser": False, "is_active": True})
        user.set_password(password)
        user.save()
        if role and not RoundStaff.objects.filter(round=testing_round, user=user).exists():
            round_staff_add(actor=None, testing_round=testing_round, user=user, role=role,
                            site=site if role == StaffRole.COLLECTOR else None, area=street)
        if role is None:
            from frontline.core.models import Assignment
            from frontline.demo.accounts import DEMO_SINCE

            Assignment.objects.get_or_create(user=user, role="lab_staff", area=street, defaults={"valid_from": DEMO_SINCE})
            lab.staff.add(user)
        result.append((user, where))
    return result



