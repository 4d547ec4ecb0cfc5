"""Reads for notices: what an account may open (its place's notices and those addressed to it), what waits
for it, and receipt rates by unit."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef
from django.http import Http404

from frontline.areas.models import Area
from frontline.core import policy

from .models import Notice, NoticeReceipt


def notices_for(actor):
    """The notices of the actor's place (the policy's scope) and those addressed to the actor."""
    scope = policy.scope_q(Notice, actor, policy.VIEW)
    if not scope:  # the empty Q: everything (a superuser); `Q() | x` would be x alone
        return Notice.objects.all()
    mine = NoticeReceipt.objects.filter(notice=OuterRef("pk"), user_id=getattr(actor, "pk", None))
    return Notice.objects.filter(scope | Exists(mine))


def notice_get_for(actor, pk) -> Notice:
    """One notice the actor may open, or 404 alike for "missing" and "not yours"."""
    try:
        return notices_for(actor).select_related("issued_by", "area").get(pk=pk)
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def notice_visible(actor, notice: Notice) -> bool:
    return notices_for(actor).filter(pk=notice.pk).exists()


def receipts_waiting(*, actor):
    """The actor's notices not yet acknowledged, reminded ones (催办) first."""
    return (NoticeReceipt.objects.filter(user_id=getattr(actor, "pk", None), acknowledged_at__isnull=True)
            .select_related("notice").order_by("-reminded_at", "-notice__issued_at"))


@dataclass
class Rate:
    recipients: int = 0
    acknowledged: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.acknowledged / self.recipients) if self.recipients else 0

    def add(self, n: int, ack: int) -> None:
        self.recipients += n
        self.acknowledged += ack


def receipt_rates(*, actor, notice: Notice, area: Area) -> tuple[Rate, Rate, list[tuple[Area, Rate]]]:
    """Recipients and acknowledgements under `area`: in total, at the area itself, and under each child
    the actor may see (two queries, however many units and recipients)."""
    counts = (NoticeReceipt.objects.filter(notice=notice, area__path__prefix=area.path)
              .values_list("area__path").annotate(n=Count("id"), ack=Count("acknowledged_at")))
    total, here, by_child = Rate(), Rate(), {}
    length = len(area.path) + Area.steplen
    for path, n, ack in counts:
        total.add(n, ack)
        (here if len(path) < length else by_child.setdefault(path[:length], Rate())).add(n, ack)
    children = Area.objects.get_children(area).visible_to(actor) if area.level != "grid" else []
    return total, here, [(c, by_child[c.path]) for c in children if c.path in by_child]


def laggards(*, notice: Notice, area: Area, limit: int = 200):
    """Who has not acknowledged yet under `area` (one query)."""
    return (NoticeReceipt.objects.filter(notice=notice, area__path__prefix=area.path, acknowledged_at__isnull=True)
            .select_related("user", "area").order_by("area__path", "user__username")[:limit])
