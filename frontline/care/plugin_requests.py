"""What residents' requests add: their pages' navigation entry, the API router, the audit notes of their
services, and the figures (听取意见建议X条，解决X件).

Figures (definitions):
- `requests_received` (flow on `received_at`): requests and suggestions taken in, by any channel, duplicates
  included (each was heard), counted in the grid they are about.
- `suggestions_received` (flow): of those, the suggestions.
- `requests_resolved` (flow on `resolved_at`): requests resolved (then closed or waiting for their call-back); a
  reopened request leaves the count until it is resolved again.
- `requests_open` (stock, now only): requests being handled (confirmed or not, reopened ones included).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontline.areas import figures
from frontline.core import plugins, policy

from .policy import VIEW_REQUESTS
from .requests_api import router
from .requests_selectors import (
    requests_open_rows,
    requests_received_rows,
    requests_resolved_rows,
    suggestions_received_rows,
)

plugins.navigation.register(plugins.NavEntry("requests", _("Requests"), "request_list", order=52,
                                             allowed=lambda user: policy.allows(user, VIEW_REQUESTS)))
plugins.api_routers.register(plugins.ApiRouter("care_requests", router))
for note, label in [("request confirmed", _("request confirmed with the household")),
                    ("request resolved", _("request resolved")), ("request called back", _("request called back")),
                    ("request reopened", _("request reopened")), ("request merged", _("request merged as a duplicate")),
                    ("request contact phone", _("a request's contact phone revealed"))]:
    plugins.audit_notes.register(plugins.AuditNote(note, label))

REQUESTS = pgettext_lazy("figure unit", "requests")
figures.register(figures.Figure(
    "requests_received", _("Requests and suggestions heard"), REQUESTS, app="care", kind=figures.FLOW,
    rows=requests_received_rows, when="received_at", day="day", area="area", building="household__building",
    order=160))
figures.register(figures.Figure(
    "suggestions_received", _("Suggestions heard"), REQUESTS, app="care", kind=figures.FLOW,
    rows=suggestions_received_rows, when="received_at", day="day", area="area", building="household__building",
    order=161))
figures.register(figures.Figure(
    "requests_resolved", _("Requests resolved"), REQUESTS, app="care", kind=figures.FLOW,
    rows=requests_resolved_rows, when="resolved_at", area="area", building="household__building", order=162))
figures.register(figures.Figure(
    "requests_open", _("Requests being handled"), REQUESTS, app="care", rows=requests_open_rows, area="area",
    building="household__building", history=False, watch=(("care.ResidentRequest", "area"),), order=163))
