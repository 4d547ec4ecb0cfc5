"""Placing the daily brief in the commanders' inboxes (once an area and day), and reading it (its work order done)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from frontline.areas.models import Area
from frontline.core.models import Assignment, WorkOrder
from frontline.core.roles import Role
from frontline.core.services import work_order_complete, work_order_create

from .brief import brief_title
from .models import DailyBrief

DAILY_BRIEF = "daily_brief"  # the work-order kind (plugin_brief.py)
BRIEF_HOUR_DEFAULT = 7


def brief_hour() -> int:
    """The local hour from which yesterday's brief is placed (FRONTLINE_BRIEF_HOUR, 0–23)."""
    hour = int(getattr(settings, "FRONTLINE_BRIEF_HOUR", BRIEF_HOUR_DEFAULT))
    if not 0 <= hour <= 23:
        raise ValueError(f"FRONTLINE_BRIEF_HOUR must be 0–23, got {hour}")
    return hour


def brief_place(*, area: Area, day: datetime.date) -> DailyBrief | None:
    """The brief of an area for a day, and its work order for the area's commanders: made once (the database
    holds it: one brief an area and day); None when it was placed already."""
    if DailyBrief.objects.filter(area=area, day=day).exists():
        return None
    try:
        with transaction.atomic():
            brief = DailyBrief.objects.create(area=area, day=day)
            order = work_order_create(actor=None, kind=DAILY_BRIEF, title=brief_title(area, day)[:200], area=area,
                                      assignee_role=Role.COMMANDER)
            brief.work_order = order
            brief.save(update_fields=["work_order"])
    except IntegrityError:  # placed meanwhile by a concurrent run
        return None
    return brief


def briefs_place(*, now: datetime.datetime | None = None) -> int:
    """Once the local hour reaches FRONTLINE_BRIEF_HOUR, yesterday's brief for each area where a commander holds
    an assignment in force, in that area's commanders' inbox; returns how many were placed. Run every hour:
    idempotent and safe to retry."""
    local = timezone.localtime(now or timezone.now())
    if local.hour < brief_hour():
        return 0
    today = local.date()
    day = today - datetime.timedelta(days=1)
    area_ids = set(Assignment.objects.current(today).filter(role=Role.COMMANDER, area__isnull=False,
                                                            user__is_active=True).values_list("area_id", flat=True))
    area_ids -= set(DailyBrief.objects.filter(day=day, area_id__in=area_ids).values_list("area_id", flat=True))
    placed = 0
    for area in Area.objects.filter(pk__in=area_ids).order_by("path"):
        if brief_place(area=area, day=day) is not None:
            placed += 1
    return placed


def brief_of_order(order: WorkOrder) -> DailyBrief | None:
    return DailyBrief.objects.filter(work_order=order).select_related("area").first()


@transaction.atomic
def brief_read(*, actor, order: WorkOrder) -> WorkOrder:
    """已阅: the brief's work order done by a commander who may act on it (core's services refuse anyone else)."""
    if order.kind != DAILY_BRIEF:
        raise ValidationError(_("This work order is not a daily brief."))
    return work_order_complete(actor=actor, order=order, note=pgettext("brief", "Read"), by_kind=True)
