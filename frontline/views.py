"""The home page, assembled at the project level: the inbox, the figures of the user's area, and
what the apps add to it (panels)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from frontline.areas.figures import figure_table
from frontline.core import policy
from frontline.core.selectors import inbox

HOME_FIGURES = ["households", "residents", "party_members"]


@login_required
def home(request):
    """What the account is for, by the policy: the inbox for those with work orders, the figures of the
    first place they may look at, search for those who may search; a word for roles whose app is coming."""
    user = request.user
    places = [a.area for a in policy.assignments(user) if a.area_id and policy.scope_of(a.role, policy.VIEW)]
    area = places[0] if places else None
    context = {"area": area, "can_search": policy.allows(user, policy.SEARCH_PEOPLE),
               "has_work": policy.allows(user, policy.VIEW_WORK), "assignments": policy.assignments(user)}
    if area is not None:
        table = figure_table(actor=user, area=area, codes=HOME_FIGURES)
        context["figures"] = [(f, table.total.get(f.code, 0)) for f in table.figures]
    if context["has_work"]:
        now = timezone.now()
        waiting = inbox(actor=user, now=now)
        context["inbox_count"] = waiting.count()
        context["overdue_count"] = waiting.filter(due_at__lt=now).count()
    return render(request, "home.html", context)
