"""The home page, assembled at the project level: the inbox, the figures of the user's area, and
what the apps add to it (panels)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from frontline.areas.figures import figure_table
from frontline.core.selectors import inbox

HOME_FIGURES = ["households", "residents", "party_members"]


@login_required
def home(request):
    user = request.user
    context = {"area": user.area}
    if user.area_id:
        table = figure_table(actor=user, area=user.area, codes=HOME_FIGURES)
        context["figures"] = [(f, table.total.get(f.code, 0)) for f in table.figures]
    now = timezone.now()
    waiting = inbox(actor=user, now=now)
    context["inbox_count"] = waiting.count()
    context["overdue_count"] = waiting.filter(due_at__lt=now).count()
    return render(request, "home.html", context)
