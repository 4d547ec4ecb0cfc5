"""STUB: removed at merge. A stand-in for the dashboard part's `command_dashboard` page, so that the map part can
be tried and tested on its own branch: the area and the dashboard's panels (`plugins.panels_for("dashboard")`), in
the real page's context keys (`area`, `panels` as a list of (panel, context))."""

from django.http import HttpResponse
from django.template import engines

from frontline.areas.selectors import area_get_for
from frontline.core import plugins, policy

from .policy import VIEW_DASHBOARD

PAGE = engines["django"].from_string("""{% extends "base.html" %}{% block content %}
<h1 class="h4" data-testid="dashboard-title">{{ area.name }}</h1>
{% for panel, ctx in panels %}{% include panel.template with ctx=ctx %}{% endfor %}
{% endblock %}""")


@policy.requires(VIEW_DASHBOARD)
def command_dashboard(request, pk):
    area = area_get_for(request.user, pk)
    if not policy.allows_in(request.user, VIEW_DASHBOARD, area):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    panels = [(p, ctx) for p in plugins.panels_for("dashboard") if (ctx := p.context(request, area)) is not None]
    return HttpResponse(PAGE.render({"area": area, "panels": panels}, request))
