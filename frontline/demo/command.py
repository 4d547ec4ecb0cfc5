"""The demo's command centre: yesterday's daily brief in the demo commander's inbox, as the scheduled task places it
each morning (once: running it again places nothing)."""

import datetime

from django.utils import timezone

from frontline.core.models import User


def demo_briefs_create() -> None:
    from frontline.command.brief_services import brief_place

    commander = User.objects.filter(username="commander").select_related("area").first()
    if commander is None or commander.area is None:
        return
    brief_place(area=commander.area, day=timezone.localdate() - datetime.timedelta(days=1))
