"""The period picker every command page shares (today, a day, a range), read from the query string and checked:
a period that ends before it starts, or lies in the future, gets a message saying so."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontline.areas.figures import Period

TODAY, DAY, RANGE = "today", "day", "range"
# Where an outbreak's figures start when the viewer asks for "all of it" (the report's default).
EPOCH = datetime.date(2022, 1, 1)


@dataclass(frozen=True)
class Picked:
    """What the viewer picked: the kind, the period it means, and the query string that asks for it again."""

    kind: str
    period: Period

    @property
    def query(self) -> str:
        if self.kind == TODAY:
            return ""
        if self.kind == DAY:
            return f"day={self.period.start.isoformat()}"
        return f"start={self.period.start.isoformat()}&end={self.period.end.isoformat()}"

    @property
    def day(self) -> datetime.date:
        """The day whose key figures are shown (the period's last)."""
        return self.period.end


def _date(value: str, field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(_("%(field)s: “%(value)s” is not a date (YYYY-MM-DD)."),
                              params={"field": field, "value": value[:20]}, code="date") from None


def period_check(start: datetime.date, end: datetime.date, today: datetime.date | None = None) -> Period:
    """A period of local dates, both included, that neither ends before it starts nor lies in the future."""
    today = today or timezone.localdate()
    if end < start:
        raise ValidationError(_("The period ends (%(end)s) before it starts (%(start)s)."),
                              params={"start": start, "end": end}, code="reversed")
    if end > today:
        raise ValidationError(_("The period lies in the future: it ends on %(end)s, today is %(today)s."),
                              params={"end": end, "today": today}, code="future")
    return Period(start, end)


def period_pick(params) -> Picked:
    """The period a query string asks for: `day=` one day, `start=`/`end=` a range (an end alone starts at the
    outbreak's beginning, a start alone ends today), nothing: today. Raises ValidationError with a message to show."""
    today = timezone.localdate()
    day, start, end = (params.get(k, "").strip() for k in ("day", "start", "end"))
    if day:
        d = _date(day, pgettext_lazy("period", "day"))
        return Picked(DAY, period_check(d, d, today))
    if start or end:
        first = _date(start, pgettext_lazy("period", "from")) if start else EPOCH
        last = _date(end, pgettext_lazy("period", "to")) if end else today
        return Picked(RANGE, period_check(first, last, today))
    return Picked(TODAY, Period(today, today))
