"""The demo's residents' requests, in the demo community over the last days: fifteen across categories and
channels; some resolved and called back with their ratings (one unsatisfied, so reopened), one urgent medical
request overdue at the community, a duplicate merged into the first report of the same matter, and one from the
resident page not yet confirmed with the household."""

import datetime

from django.db import transaction
from django.utils import timezone

from frontline.areas.models import Area, Household
from frontline.core.models import User

# hours ago, grid (0: the demo grid, 1: the next), channel, kind, category, urgency, text, then what happened:
# "resolved" (hours after), rating (None: not called back yet), "merge" into the row of that index, "unverified"
STORY = [
    (70, 0, "hotline", "appeal", "medicine", "urgent", "家中老人降压药只剩一天的量，需要代购", 3, 5),
    (66, 0, "grid", "appeal", "supplies", "normal", "独居老人家中缺米缺油，希望送一次生活物资", 10, 4),
    (60, 1, "secretary_hotline", "appeal", "isolation", "normal", "居家隔离期满，何时可以解除？", 20, 5),
    (55, 0, "visit", "suggestion", "other", "normal", "建议在小区门口设置快递集中存放点", 30, 4),
    (50, 1, "platform", "appeal", "mental_health", "normal", "封控在家情绪焦虑，希望有人聊一聊", 8, 5),
    (48, 0, "hotline", "appeal", "complaint", "normal", "楼道垃圾两天没有清运", 12, 2),
    (40, 1, "grid", "appeal", "medicine", "normal", "孩子需要布洛芬，药店无法前往", 6, None),
    (36, 0, "hotline", "suggestion", "supplies", "normal", "蔬菜包希望增加品种", 20, None),
    (30, 0, "secretary_hotline", "appeal", "medical", "normal", "透析病人需要按时去医院透析，请协调车辆", 4, 5),
    (26, 1, "visit", "suggestion", "complaint", "normal", "核酸检测排队时间太长，建议分楼栋错峰", None, None),
    (20, 0, "hotline", "appeal", "supplies", "normal", "婴儿奶粉快吃完了", None, None),
    (18, 1, "platform", "appeal", "other", "normal", "希望开通线上缴纳物业费", None, None),
    (6, 0, "hotline", "appeal", "medical", "urgent", "老人发烧38.5度，需要就医", None, None),  # overdue (2 hours)
    (5, 0, "grid", "appeal", "complaint", "normal", "楼道垃圾又没有清运", None, "merge:5"),
    (1, 0, "page", "appeal", "supplies", "normal", "家里卫生纸用完了，能否代买", None, "unverified"),
]


@transaction.atomic
def demo_requests_create(now: datetime.datetime | None = None) -> None:
    from frontline.care.models import ResidentRequest
    from frontline.care.request_services import request_call_back, request_merge, request_resolve
    from frontline.care.requests import request_submit

    now = now or timezone.now()
    grid_worker, hotline = User.objects.get(username="grid"), User.objects.get(username="hotline")
    secretary = User.objects.get(username="secretary")
    grid = grid_worker.area
    community = secretary.area
    if ResidentRequest.objects.filter(area__path__startswith=community.path).exists():
        return
    next_grid = (Area.objects.filter(level="grid", path__startswith=community.path).exclude(pk=grid.pk)
                 .order_by("path").first()) or grid
    # The last households of each grid (the tests and other demos take the first ones).
    homes = {g: list(Household.objects.filter(building__area=g).select_related("building").order_by("-id")[:10])
             for g in (grid, next_grid)}
    street = User.objects.get(username="street")
    made = []
    for i, (ago, which, channel, kind, category, urgency, text, resolved_after, then) in enumerate(STORY):
        g = grid if which == 0 else next_grid
        household = homes[g][i % len(homes[g])] if homes[g] else None
        at = now - datetime.timedelta(hours=ago)
        taker = None if channel == "page" else {"hotline": hotline, "secretary_hotline": secretary}.get(channel, street)
        if channel == "grid" and g == grid:
            taker = grid_worker
        req = request_submit(actor=taker, grid=g, household=household, kind=kind, channel=channel, category=category,
                             urgency=urgency, text=text, contact_phone=f"1390000{i:04d}", now=at)
        made.append(req)
        if resolved_after is not None:
            req = request_resolve(actor=street, request=req, resolution="已联系居民并办结：" + text[:20],
                                  now=at + datetime.timedelta(hours=resolved_after))
            if isinstance(then, int):
                request_call_back(actor=hotline, request=req, rating=then, resolved=then >= 3,
                                  now=at + datetime.timedelta(hours=resolved_after + 2))
        elif isinstance(then, str) and then.startswith("merge:"):
            request_merge(actor=street, duplicate=req, original=made[int(then.split(":")[1])])
