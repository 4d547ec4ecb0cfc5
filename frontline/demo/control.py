"""The demo's entrance checks and epidemic control: a checkpoint at the gate of the demo grid's compound with
its staff ("gate"), an epidemiologist over the street ("epi"), and an isolation site with rooms."""

from frontline.areas.models import Area, Site, SiteKind
from frontline.core.models import Assignment, User

ISOLATION_ROOMS = 12


def control_accounts_create(password: str, community: Area, grid: Area) -> list[tuple[User, str]]:
    """The checkpoint, the isolation site and the two accounts (reset)."""
    from frontline.epidemic.checkpoints import checkpoint_post_add
    from frontline.epidemic.models import CheckpointPost, IsolationRoom

    from .accounts import DEMO_SINCE

    street = Area.objects.get_parent(community)
    gate = (Site.objects.filter(kind=SiteKind.CHECKPOINT, area=grid).order_by("id").first()
            or Site.objects.create(kind=SiteKind.CHECKPOINT, name=f"{grid.name}小区东门卡口", area=grid))
    isolation = (Site.objects.filter(kind=SiteKind.ISOLATION, area__path__startswith=street.path).order_by("id").first()
                 or Site.objects.create(kind=SiteKind.ISOLATION, name=f"{street.name}集中隔离点", area=street))
    IsolationRoom.objects.bulk_create([IsolationRoom(site=isolation, number=f"{101 + i}", beds=1 if i % 3 else 2)
                                       for i in range(ISOLATION_ROOMS)], ignore_conflicts=True)
    result = []
    for username, role, area in [("gate", "checkpoint_staff", community), ("epi", "epidemiologist", street)]:
        user, _ = User.objects.update_or_create(username=username, defaults={
            "role": role, "area": area, "is_staff": False, "is_superuser": False, "is_active": True})
        user.set_password(password)
        user.save()
        if role == "epidemiologist":
            Assignment.objects.filter(user=user).exclude(role=role, area=area).delete()
            Assignment.objects.get_or_create(user=user, role=role, area=area, defaults={"valid_from": DEMO_SINCE})
            result.append((user, street.name))
        else:
            if not CheckpointPost.objects.filter(user=user, site=gate, ended_at__isnull=True).exists():
                checkpoint_post_add(actor=None, site=gate, user=user, valid_from=DEMO_SINCE)
            result.append((user, gate.name))
    return result
