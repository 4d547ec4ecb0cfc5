"""The access matrix, generated: every URL pattern (Django's resolver, the admin included) and every API
operation (the OpenAPI schema) must have an entry below, or the suite fails. Each entry is probed for every
demo role, a visitor without a login and the superuser, with an object inside the role's place and one in
another district, and the answer must be what the policy (`frontline.core.policy`) says: the page or
operation where it allows, 403 where the role has no use for it at all (or may see the object but not do
this), 404 where the object is not theirs ("missing" and "not yours" alike), the login page or 401 for a
visitor. A refused write leaves the database as it was; an allowed one is rolled back after its probe."""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from frontline.areas.models import Area, Building, Household
from frontline.core import accounts, policy
from frontline.core.api import api_with_routers
from frontline.core.export_requests import export_request_create, export_request_get_for
from frontline.core.models import (
    ApiToken,
    Assignment,
    AuditLog,
    ExportRequest,
    ImportRecord,
    User,
    WorkOrder,
    WorkOrderEvent,
)
from frontline.core.roles import can_approve_export
from frontline.core.services import can_act, work_order_create
from frontline.grid.models import HouseholdVisit
from frontline.grid.questions import STANDARD_QUESTIONS
from frontline.grid.services import grid_message_publish, screening_campaign_create
from frontline.mobilization.duty import CheckIn, DutyShift
from frontline.mobilization.funds import FundAllocation
from frontline.mobilization.models import Deployment, DeploymentGroup, ResponsibilityChain, Team
from frontline.notices.models import Notice, NoticeReceipt
from frontline.notices.models import Notice as GridMessage
from frontline.notices.models import NoticeDelivery as MessageDelivery
from frontline.notices.selectors import notice_visible
from frontline.notices.services import may_manage, notice_issue, notice_publish
from frontline.people.models import Cadre, Person, Resident

USERS = ["commander", "street", "secretary", "grid", "grid2", "cadre", "volunteer", "inspector", "enterprise", "courier",
         "collector", "transporter", "lab", "gate", "epi", "hotline", "district2", "admin",
         None]  # None: a visitor without a login
ALLOWED = {200, 201, 204, 302, 400, 422}  # the operation ran (400/422: it refused the data, not the caller)
PUBLIC, LOGGED_IN = "public", "logged_in"


@dataclass
class Route:
    action: str  # the policy action it needs; PUBLIC for anyone, LOGGED_IN for any account
    kwargs: Callable = lambda o, where, user: {}  # URL arguments for an object inside or outside
    target: Callable | None = None  # the object whose place decides (None: the page has none)
    method: str = "get"
    data: Callable = lambda o, where: {}
    query: str = ""
    may: Callable | None = None  # beyond the policy's action on the object (e.g. acting on a work order)
    visible: Callable | None = None  # who may find the object at all, where it is not a scoped model
    api: bool = False
    outside: bool = True  # has an object in another district to probe with


def _by_pk(attr):
    return lambda o, where, user: {"pk": getattr(o[where], attr).pk}


def _obj(attr):
    return lambda o, where: getattr(o[where], attr)


def _manages(user, account) -> bool:
    return accounts.accounts_managed(actor=user).filter(pk=account.pk).exists()


PAGES: dict[str, Route] = {
    "home": Route(LOGGED_IN, outside=False),
    "login": Route(PUBLIC, outside=False),
    "logout": Route(PUBLIC, method="post", outside=False),
    "password_change": Route(LOGGED_IN, outside=False),  # one's own password, whatever one's role
    "set_language": Route(PUBLIC, method="post", data=lambda o, w: {"language": "en"}, outside=False),
    "access_policy": Route(LOGGED_IN, outside=False),
    "token_list": Route(LOGGED_IN, outside=False),
    "token_revoke": Route(LOGGED_IN, method="post", kwargs=lambda o, where, user: {"pk": o.token_rows[user].pk},
                          outside=False),
    "area_root": Route(policy.VIEW, outside=False),
    "area_detail": Route(policy.VIEW, _by_pk("grid"), _obj("grid")),
    "building_detail": Route(policy.VIEW_PEOPLE, _by_pk("building"), _obj("building")),
    "household_detail": Route(policy.VIEW_PEOPLE, _by_pk("household"), _obj("household")),
    "person_search": Route(policy.SEARCH_PEOPLE, query="?q=zhang", outside=False),
    "person_detail": Route(policy.VIEW_PEOPLE, _by_pk("person"), _obj("person")),
    "person_reveal": Route(policy.REVEAL, lambda o, where, user: {"pk": o[where].person.pk, "field": "phone"},
                           _obj("person"), method="post"),
    "audit_list": Route(policy.READ_AUDIT, outside=False),
    "inbox": Route(policy.VIEW_WORK, outside=False),
    "work_order_list": Route(policy.MANAGE_WORK, outside=False),
    "work_order_detail": Route(policy.VIEW_WORK, _by_pk("order"), _obj("order")),
    "work_order_act": Route(policy.VIEW_WORK, lambda o, where, user: {"pk": o[where].order.pk, "action": "comment"},
                            _obj("order"), method="post", data=lambda o, w: {"note": "已联系"},
                            may=lambda user, order: can_act(user, order)),
    "import_new": Route(policy.IMPORT, _by_pk("grid"), _obj("grid")),
    "import_detail": Route(policy.IMPORT, _by_pk("record"), _obj("record")),
    "import_remap": Route(policy.IMPORT, _by_pk("record"), _obj("record"), method="post"),
    "import_apply": Route(policy.IMPORT, _by_pk("record"), _obj("record"), method="post"),
    "import_restart": Route(policy.IMPORT, _by_pk("record"), _obj("record"), method="post"),
    "grid_chain": Route(policy.VIEW_PEOPLE, _by_pk("grid"), _obj("grid")),
    "grid_role_assign": Route("manage_grid", _by_pk("grid"), _obj("grid"), method="post",
                              data=lambda o, w: {"kind": "grid_member"}),
    "contacts_propose": Route("manage_grid", _by_pk("grid"), _obj("grid")),
    "contacts_assign": Route("manage_grid", _by_pk("grid"), _obj("grid"), method="post",
                             data=lambda o, w: {"max_per_member": 10}),
    "campaign_list": Route(policy.VIEW, outside=False),
    "campaign_create": Route("manage_grid", outside=False),
    "campaign_detail": Route(policy.VIEW, _by_pk("campaign"), _obj("campaign")),
    "campaign_todo": Route("record_visit", _by_pk("campaign"), _obj("campaign")),
    "campaign_revisit_orders": Route("manage_grid", _by_pk("campaign"), _obj("campaign"), method="post"),
    "visit_form": Route("record_visit", lambda o, where, user: {"pk": o.campaign.pk, "household_pk": o[where].household.pk},
                        _obj("household"), method="post", data=lambda o, w: {"outcome": "nobody_home"}),
    "special_needs": Route(policy.VIEW_PEOPLE, _by_pk("grid"), _obj("grid")),
    "roster_export": Route(policy.EXPORT, _by_pk("grid"), _obj("grid")),
    # Exports with full identifiers (frontline.core.export_requests): asked for at an area, seen by the one who
    # asked and those who may decide, decided by another who may approve there, downloaded by the one who asked.
    "export_request_new": Route(policy.EXPORT_FULL, lambda o, where, user: {"pk": o[where].grid.pk, "kind": "roster"},
                                _obj("grid"), method="post", data=lambda o, w: {"reason": "核对密接身份"}),
    "export_request_list": Route(policy.EXPORT_FULL, outside=False),
    "export_request_detail": Route(policy.EXPORT_FULL, _by_pk("export_request"), _obj("export_request"),
                                   visible=lambda user, asked: _sees_export_request(user, asked)),
    "export_request_approve": Route(policy.APPROVE_EXPORT, _by_pk("export_request"), _obj("export_request"),
                                    method="post", visible=lambda user, asked: _sees_export_request(user, asked),
                                    may=lambda user, asked: _decides(user, asked)),
    "export_request_refuse": Route(policy.APPROVE_EXPORT, _by_pk("export_request"), _obj("export_request"),
                                   method="post", visible=lambda user, asked: _sees_export_request(user, asked),
                                   may=lambda user, asked: _decides(user, asked)),
    "export_request_download": Route(policy.EXPORT_FULL, _by_pk("export_request"), _obj("export_request"),
                                     method="post", visible=lambda user, asked: _sees_export_request(user, asked),
                                     may=lambda user, asked: asked.requester_id == user.pk),
    "grid_message_list": Route(policy.VIEW, outside=False),
    "grid_message_new": Route("manage_grid", outside=False),
    "grid_message": Route(policy.VIEW, _by_pk("message"), _obj("message")),
    "grid_message_deliver": Route("deliver_message", _by_pk("message"), _obj("message"), method="post",
                                  data=lambda o, w: {"grid": o[w].grid.pk}),
    "account_list": Route(policy.MANAGE_ACCOUNTS, outside=False),
    "account_detail": Route(policy.MANAGE_ACCOUNTS, _by_pk("account"), _obj("account"), visible=_manages),
    "assignment_end": Route(policy.MANAGE_ACCOUNTS, lambda o, where, user: {
        "pk": o[where].account.pk, "assignment_pk": o[where].account.assignments.first().pk}, _obj("account"),
        method="post", visible=_manages,
        may=lambda user, account: account.assignments.first().role in accounts.grantable_roles(user)),
    "account_act": Route(policy.MANAGE_ACCOUNTS, lambda o, where, user: {"pk": o[where].account.pk, "action": "unlock"},
                         _obj("account"), method="post", visible=_manages),
    "area_deployments": Route("deploy_cadres", _by_pk("community"), _obj("community")),
    "deployment_group_create": Route("deploy_cadres", _by_pk("community"), _obj("community"), method="post",
                                     data=lambda o, w: {"name": "一组"}),
    "area_teams": Route("deploy_cadres", _by_pk("community"), _obj("community")),
    "area_chain": Route(policy.VIEW, _by_pk("grid"), _obj("grid")),
    "deployment_end": Route("deploy_cadres", _by_pk("deployment"), _obj("deployment"), method="post"),
    "grid_message_file": Route(policy.VIEW, lambda o, where, user: {"pk": o[where].message.pk,
                                                                     "attachment_pk": o[where].attachment.pk},
                               _obj("message")),
    # Transfer requests (frontline.grid.transfers): the answering side through the request's work order, the
    # asking side's list by who may import there.
    "transfer_list": Route(policy.IMPORT, outside=False),
    "transfer_detail": Route(policy.VIEW_WORK, _by_pk("transfer_order"), _obj("transfer_order")),
    "transfer_act": Route(policy.VIEW_WORK, lambda o, where, user: {"pk": o[where].transfer_order.pk, "action": "refuse"},
                          _obj("transfer_order"), method="post", data=lambda o, w: {"reason": "本人未迁出"},
                          may=lambda user, order: can_act(user, order)),
    # Party-fee allocations (frontline.mobilization): requested and paid by who may allocate, decided by another.
    "fund_list": Route("allocate_funds", outside=False),
    "fund_new": Route("allocate_funds", outside=False),
    "fund_detail": Route("allocate_funds", _by_pk("fund"), _obj("fund")),
    "fund_act": Route("approve_funds", lambda o, where, user: {"pk": o[where].fund.pk, "action": "approve"},
                      _obj("fund"), method="post"),
    # Notices (frontline.notices): opened by who may see them at their place or holds a receipt; acknowledged by
    # the recipient only; receipts, reminders and publishing by the issuer and who may issue where it was issued.
    "notice_list": Route("read_notices", outside=False),
    "notice_new": Route("issue_notices", outside=False),
    "notice": Route("read_notices", _by_pk("notice"), _obj("notice"), visible=lambda u, n: _sees_notice(u, n)),
    "notice_acknowledge": Route("read_notices", _by_pk("notice"), _obj("notice"), method="post",
                                visible=lambda u, n: _sees_notice(u, n),
                                may=lambda u, n: n.receipts.filter(user=u).exists()),
    "notice_receipts": Route("issue_notices", _by_pk("notice"), _obj("notice"), visible=lambda u, n: _sees_notice(u, n),
                             may=lambda u, n: _manages_notice(u, n)),
    "notice_remind": Route("issue_notices", _by_pk("notice"), _obj("notice"), method="post",
                           visible=lambda u, n: _sees_notice(u, n), may=lambda u, n: _manages_notice(u, n)),
    "notice_publish": Route("issue_notices", _by_pk("notice"), _obj("notice"), method="post",
                            visible=lambda u, n: _sees_notice(u, n), may=lambda u, n: _manages_notice(u, n)),
    "notice_file": Route("read_notices", lambda o, where, user: {"pk": o[where].notice.pk,
                                                                  "attachment_pk": o[where].notice.attachments.get().pk},
                         _obj("notice"), visible=lambda u, n: _sees_notice(u, n)),
    "notice_public": Route(PUBLIC, lambda o, where, user: {"slug": o.letter.public_slug}, outside=False),
    # Duty around the clock (frontline.mobilization.duty): rosters, scheduling and attendance for the desk over the
    # place; 签到 / 签退 for the shift's own person only (another's shift is not found).
    "my_duty": Route("check_in", outside=False),
    "duty_check": Route("check_in", lambda o, where, user: {"pk": o[where].shift.pk, "action": "in"}, _obj("shift"),
                        method="post", visible=lambda user, shift: _holds(user, shift)),
    "area_duty": Route("manage_duty", _by_pk("community"), _obj("community")),
    "duty_shift_new": Route("manage_duty", _by_pk("community"), _obj("community"), method="post",
                            data=lambda o, w: {"place": f"g{o[w].grid.pk}", "person": o[w].shift.person_id,
                                               "starts_at": "2022-04-10T08:00", "ends_at": "2022-04-10T16:00"}),
    "area_duty_attendance": Route("manage_duty", _by_pk("community"), _obj("community")),
    "duty_shift_cancel": Route("manage_duty", _by_pk("shift"), _obj("shift"), method="post"),
}

# Monthly stationing (frontline.mobilization.stationing): a cadre's own page and log, the community's
# confirmations (by the area), the organization department's compliance, export and work orders.
PAGES.update({
    "stationing": Route("log_stationing", outside=False),
    "stationing_log": Route("log_stationing", method="post", outside=False, data=lambda o, w: {"note": "驻守"}),
    "area_stationing": Route("confirm_stationing", _by_pk("community"), _obj("community")),
    "area_stationing_decide": Route("confirm_stationing", _by_pk("community"), _obj("community"), method="post",
                                    data=lambda o, w: {"action": "confirm"}),
    "stationing_compliance": Route("view_stationing", outside=False),
    "stationing_compliance_export": Route("view_stationing", outside=False),
    "stationing_orders_create": Route("view_stationing", method="post", outside=False),
})


# Responsibility zones, pioneer posts, temporary party organizations (frontline.mobilization.partyorg_views): the
# desk of the place.
PAGES.update({
    "area_party_posts": Route("manage_party_posts", _by_pk("community"), _obj("community")),
    "responsibility_zone_detail": Route("manage_party_posts", _by_pk("zone"), _obj("zone"), method="post",
                                        data=lambda o, w: {"remove": o[w].person.pk}),
    "pioneer_post_detail": Route("manage_party_posts", _by_pk("pioneer_post"), _obj("pioneer_post")),
    "area_temporary_orgs": Route("form_temporary_orgs", _by_pk("community"), _obj("community")),
    "site_temporary_org_new": Route("form_temporary_orgs", _by_pk("site"), _obj("site")),
    "team_temporary_org_new": Route("form_temporary_orgs", _by_pk("team"), _obj("team"), method="post",
                                    data=lambda o, w: {"kind": "branch", "secretary": o[w].person.pk}),
    "team_detail": Route("deploy_cadres", _by_pk("team"), _obj("team"), method="post",
                         data=lambda o, w: {"leave": o[w].person.pk}),
})

API: dict[tuple[str, str], Route] = {
    ("get", "/api/v1/inbox"): Route(policy.VIEW_WORK, outside=False),
    ("get", "/api/v1/work-orders"): Route(policy.MANAGE_WORK, outside=False),
    ("get", "/api/v1/work-orders/{order_id}"): Route(policy.VIEW_WORK, lambda o, w, u: {"order_id": o[w].order.pk},
                                                     _obj("order")),
    ("post", "/api/v1/work-orders/{order_id}/{action}"): Route(
        policy.VIEW_WORK, lambda o, w, u: {"order_id": o[w].order.pk, "action": "comment"}, _obj("order"),
        method="post", data=lambda o, w: {"note": "已联系"}, may=lambda user, order: can_act(user, order)),
    ("get", "/api/v1/areas"): Route(policy.VIEW, outside=False),
    ("get", "/api/v1/areas/{area_id}"): Route(policy.VIEW, lambda o, w, u: {"area_id": o[w].grid.pk}, _obj("grid")),
    ("get", "/api/v1/households"): Route(policy.VIEW_PEOPLE, outside=False),
    ("get", "/api/v1/figures"): Route(policy.VIEW, outside=False),
    ("get", "/api/v1/areas/{area_id}/figures"): Route(policy.VIEW, lambda o, w, u: {"area_id": o[w].grid.pk},
                                                      _obj("grid")),
    ("get", "/api/v1/sites/{site_id}/figures"): Route(policy.VIEW, lambda o, w, u: {"site_id": o[w].site.pk},
                                                      _obj("site"), query="?codes=households"),
    ("get", "/api/v1/areas/{area_id}/figures/{code}/series"): Route(
        policy.VIEW, lambda o, w, u: {"area_id": o[w].grid.pk, "code": "households_visited"}, _obj("grid"),
        query="?start=2022-04-01&end=2022-04-02"),
    ("get", "/api/v1/persons"): Route(policy.SEARCH_PEOPLE, query="?q=zhang", outside=False),
    ("get", "/api/v1/persons/{person_id}"): Route(policy.VIEW_PEOPLE, lambda o, w, u: {"person_id": o[w].person.pk},
                                                  _obj("person")),
    ("get", "/api/v1/households/{household_id}"): Route(
        policy.VIEW_PEOPLE, lambda o, w, u: {"household_id": o[w].household.pk}, _obj("household")),
    ("get", "/api/v1/campaigns"): Route(policy.VIEW, outside=False),
    ("get", "/api/v1/campaigns/{campaign_id}"): Route(policy.VIEW, lambda o, w, u: {"campaign_id": o[w].campaign.pk},
                                                      _obj("campaign")),
    ("get", "/api/v1/campaigns/{campaign_id}/to-visit"): Route(
        "record_visit", lambda o, w, u: {"campaign_id": o[w].campaign.pk}, _obj("campaign")),
    ("get", "/api/v1/campaigns/{campaign_id}/households/{household_id}/visit"): Route(
        "record_visit", lambda o, w, u: {"campaign_id": o.campaign.pk, "household_id": o[w].household.pk},
        _obj("household")),
    ("post", "/api/v1/campaigns/{campaign_id}/households/{household_id}/visits"): Route(
        "record_visit", lambda o, w, u: {"campaign_id": o.campaign.pk, "household_id": o[w].household.pk},
        _obj("household"), method="post", data=lambda o, w: {"outcome": "nobody_home"}),
}

# Apps keep their entries beside their tests: each `tests/<app>/routes*.py` has `entries(matrix)` returning its
# pages and API operations like the above (`matrix` is this module: `matrix.Route`, `matrix._obj`...), and may
# have `place(o, city)` adding its probe objects to `o.inside` / `o.outside`, and `fingerprint()`, what a refused
# write of theirs must not change.
def _extensions():
    import importlib
    import pathlib
    import sys

    here = pathlib.Path(__file__).parent
    modules = [importlib.import_module(f"tests.{path.parent.name}.{path.stem}") for path in sorted(here.glob("*/routes*.py"))]
    for module in modules:
        pages, api = module.entries(sys.modules[__name__])
        assert not (set(pages) & set(PAGES) or set(api) & set(API)), f"{module.__name__} repeats an entry"
        PAGES.update(pages)
        API.update(api)
    return modules


EXTENSIONS = _extensions()

API_DOCS = {"openapi-json", "openapi-view", "api-root"}  # the schema and its page: public, as published


def url_patterns(patterns=None, prefix=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name
        elif isinstance(p, URLResolver):
            yield from url_patterns(p.url_patterns, prefix + str(p.pattern))


def api_operations():
    for path, operations in api_with_routers().get_openapi_schema()["paths"].items():
        for method in operations:
            yield method, path


def test_every_route_and_api_operation_has_an_entry():
    missing = [f"{path} ({name})" for path, name in url_patterns()
               if not path.startswith(("admin/", "api/v1/")) and name not in PAGES]
    missing += [f"{method.upper()} {path}" for method, path in api_operations() if (method, path) not in API]
    assert not missing, "routes without an entry in the access matrix:\n" + "\n".join(missing)
    assert not set(PAGES) - {name for _path, name in url_patterns()}, "entries for routes that are gone"


@pytest.fixture
def o(city):
    """One of each object in the probe grid, and one in another district."""
    def place(grid):
        community = Area.objects.get_parent(grid)
        cadre = Cadre.objects.filter(unit_area__path__startswith=Area.objects.get_parent(community).path[:8]).first()
        deployment = Deployment.objects.create(cadre=cadre, area=community, starts_on=datetime.date(2022, 4, 1))
        building = Building.objects.filter(area=grid).order_by("id").first()
        household = Household.objects.filter(building=building, residents__moved_out__isnull=True).order_by("id").first()
        person = Resident.objects.filter(household=household, moved_out__isnull=True).order_by("id").first().person
        message = grid_message_publish(actor=city.users["commander"], kind="message", title="通知", body="请配合",
                                       areas=[grid], files=[SimpleUploadedFile("明白卡.txt", "一米线".encode())])
        order = work_order_create(actor=city.users["commander"], kind="revisit", title="复访", area=grid,
                                  subject=household, assignee_role="grid_worker")
        record = ImportRecord.objects.create(kind="roster", area=grid, uploaded_by=city.users["commander"],
                                             filename="花名册.csv", sha256="0" * 64, status="failed")
        site = grid.sites.first() or grid.sites.create(kind="testing", name="采样点")
        account = User.objects.filter(assignments__area=grid, assignments__role="grid_worker").order_by("pk").first()
        if account is None:
            account = User.objects.create(username=f"worker-{grid.code}", role="grid_worker", area=grid)
            Assignment.objects.create(user=account, role="grid_worker", area=grid, valid_from=datetime.date(2022, 3, 1))
        notice = notice_issue(actor=city.users["commander" if grid == city.grid else "district2"], kind="letter",
                              title="致居民的一封信", body="请配合", targets=[grid], roles=["grid_worker"],
                              files=[SimpleUploadedFile("倡议.txt", "一米线".encode())])
        return SimpleNamespace(community=community, deployment=deployment, notice=notice,
                               account=account, grid=grid, building=building, household=household, person=person, message=message,
                               attachment=message.attachments.get(), order=order, record=record, site=site)

    far_grid = Area.objects.filter(level="grid", path__startswith=city.other_district.path).order_by("path").first()
    today = timezone.localdate()
    campaign = screening_campaign_create(actor=city.users["commander"], name="敲门", areas=[city.city],
                                         starts_on=today, ends_on=today + datetime.timedelta(days=3),
                                         form=STANDARD_QUESTIONS)
    far_campaign = screening_campaign_create(actor=city.users["commander"], name="敲门（外区）",
                                             areas=[city.other_district], starts_on=today, ends_on=today,
                                             form=STANDARD_QUESTIONS)
    inside, outside = place(city.grid), place(far_grid)
    inside.export_request = export_request_create(actor=city.users["secretary"], kind="roster", area=city.grid,
                                                  reason="核对密接身份")
    outside.export_request = export_request_create(actor=city.users["district2"], kind="roster", area=far_grid,
                                                   reason="核对密接身份")
    inside.campaign, outside.campaign = campaign, far_campaign
    from frontline.mobilization.fund_services import fund_allocation_create
    from frontline.people.models import PartyOrg

    for here, author, district in ((inside, "commander", city.district), (outside, "district2", city.other_district)):
        org = PartyOrg.objects.filter(area__path__startswith=district.path).order_by("path").first()
        here.fund = fund_allocation_create(actor=city.users[author], purpose="hardship", amount="1000.00",
                                           source="代市委管理党费", area=here.grid, recipients=[(org, None)])
    from frontline.grid.transfers import Asked, transfer_requests_file

    for here, there in ((inside, outside), (outside, inside)):  # asked by the other place, answered here
        (transfer,) = transfer_requests_file(actor=None, asked=[Asked(here.person.pk, there.household.pk, there.grid.pk,
                                                                      "other", today, here.person.name)])
        here.transfer_order = transfer.work_order
    from frontline.mobilization.partyorg_services import pioneer_post_create, responsibility_zone_create

    for here, author in ((inside, "commander"), (outside, "district2")):
        here.team = Team.objects.create(kind="commando", name="突击队", area=here.community, formed_on=today)
        here.team.members.create(person=here.person, joined_on=today)
        here.zone = responsibility_zone_create(actor=city.users[author], area=here.community, name="责任区",
                                               members=[here.person])
        here.pioneer_post = pioneer_post_create(actor=city.users[author], area=here.community, name="先锋岗")
    now = timezone.now()
    for here in (inside, outside):  # a shift under way at each probe grid; the inside one is the demo cadre's
        person = (Resident.objects.filter(household__building__area=here.grid, moved_out__isnull=True,
                                          person__accounts__isnull=True).order_by("id").first().person)
        here.shift = DutyShift.objects.create(grid=here.grid, area=here.grid, person=person,
                                              starts_at=now - datetime.timedelta(hours=1),
                                              ends_at=now + datetime.timedelta(hours=7))
    User.objects.filter(username="cadre").update(person=inside.shift.person)
    issued = {u.username: ApiToken.issue(user=u, name="probe") for u in User.objects.all()}
    # A machine token of each purpose, issued by the city's commander: only the purpose's actions.
    for code in policy.PURPOSES:
        issued[f"purpose:{code}"] = ApiToken.issue(user=city.users["commander"], name=code, purpose=code)
    letter = notice_publish(actor=city.users["commander"], notice=notice_issue(
        actor=city.users["commander"], kind="letter", title="公开信", body="致全市居民", targets=[city.grid],
        roles=["grid_worker"]))
    objects = Objects(inside=inside, outside=outside, campaign=campaign, letter=letter,
                      token_rows={**{name: row for name, (row, _plain) in issued.items()}, None: issued["commander"][0]},
                      tokens={name: plain for name, (_row, plain) in issued.items()})
    for extension in EXTENSIONS:
        if hasattr(extension, "place"):
            extension.place(objects, city)
    return objects


class Objects(SimpleNamespace):
    def __getitem__(self, where):
        return getattr(self, where)


def fingerprint():
    """What a refused write must not change."""
    return (Person.objects.count(), Resident.objects.count(), Household.objects.count(), Building.objects.count(),
            WorkOrder.objects.count(), HouseholdVisit.objects.count(), GridMessage.objects.count(),
            MessageDelivery.objects.count(), ImportRecord.objects.filter(status="failed").count(),
            ApiToken.objects.filter(revoked=True).count(), WorkOrderEvent.objects.count(),
            tuple(WorkOrder.objects.values_list("status").annotate(n=Count("id")).order_by("status")),
            AuditLog.objects.filter(action="reveal").count(),
            tuple(ExportRequest.objects.values_list("status").annotate(n=Count("id")).order_by("status")),
            tuple(FundAllocation.objects.values_list("status").annotate(n=Count("id")).order_by("status")),
            tuple(Deployment.objects.values_list("pk", "ends_on").order_by("pk")), DeploymentGroup.objects.count(),
            ResponsibilityChain.objects.count(), Team.objects.count(),
            NoticeReceipt.objects.filter(acknowledged_at__isnull=False).count(),
            NoticeReceipt.objects.filter(reminded_count__gt=0).count(), Notice.objects.filter(public_slug__isnull=False).count(),
            DutyShift.objects.count(), CheckIn.objects.count(), *_partyorgs_fingerprint())


def _sees_notice(user, notice) -> bool:
    return notice_visible(user, notice)


def _manages_notice(user, notice) -> bool:
    return may_manage(user, notice)


def _partyorgs_fingerprint():
    from frontline.mobilization.models import TeamMember
    from frontline.mobilization.partyorgs import PostHolder, TemporaryOrg, ZoneMember
    from frontline.people.models import PartyOrg

    return (TemporaryOrg.objects.count(), PartyOrg.objects.count(), TeamMember.objects.filter(left_on__isnull=True).count(),
            ZoneMember.objects.filter(left_on__isnull=True).count(), PostHolder.objects.count())


def _sees_export_request(user, asked) -> bool:
    try:
        return export_request_get_for(user, asked.pk) is not None
    except Http404:
        return False


def _holds(user, shift) -> bool:
    return DutyShift.objects.restrict(user, "check_in").filter(pk=shift.pk).exists()


def _decides(user, asked) -> bool:
    return user.pk != asked.requester_id and can_approve_export(user, asked.area)


def expected(route: Route, user, target) -> str:
    """What the policy says: "ok", 403, 404, or the login page / 401 for a visitor."""
    if route.action == PUBLIC:
        return "ok"
    if user is None:
        return "login"
    if route.action == LOGGED_IN:
        return "ok"
    if not policy.allows(user, route.action):
        return 403
    if target is None:
        return "ok"
    if route.visible is not None:
        if not route.visible(user, target):
            return 404
    elif not type(target).objects.visible_to(user).filter(pk=target.pk).exists():
        return 404
    elif not policy.allows(user, route.action, target):
        return 403
    if route.may and not route.may(user, target):
        return 403
    return "ok"


def probe(route: Route, url: str, username, o, where, *, api: bool):
    purpose = username.removeprefix("purpose:") if username and username.startswith("purpose:") else ""
    user = User.objects.get(username="commander" if purpose else username) if username else None
    target = route.target(o, where) if route.target else None
    want = expected(route, user, target)
    if purpose and route.action not in policy.PURPOSES[purpose][1] and route.action not in (PUBLIC, LOGGED_IN):
        want = 403  # a machine token does its purpose and nothing else
    if api:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {o.tokens[username]}") if username else Client()
    else:
        client = Client()
        if user is not None:
            client.force_login(user)
    before = fingerprint()
    with transaction.atomic():
        data = route.data(o, where)
        if route.method == "post" and api:
            response = client.post(url + route.query, json.dumps(data), content_type="application/json")
        else:
            response = getattr(client, route.method)(url + route.query, data)
        changed = fingerprint() != before
        transaction.set_rollback(True)
    got = response.status_code
    who = f"{username or 'visitor'} {route.method.upper()} {url} ({where})"
    if want == "ok":
        assert got in ALLOWED, f"{who}: {got}, but the policy allows it"
    elif want == "login":
        assert got == 401 if api else (got == 302 and "/login/" in response["Location"]), f"{who}: {got}, not the login"
    else:
        assert got == want, f"{who}: {got}, the policy says {want}"
        assert not changed, f"{who}: refused, but the database changed"


def _reverse(name, kwargs):
    from django.urls import reverse

    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_page_answers_every_role_as_the_policy_says(city, o, name):
    route = PAGES[name]
    for where in ["inside", "outside"] if route.outside else ["inside"]:
        for username in USERS:
            url = _reverse(name, route.kwargs(o, where, username))
            probe(route, url, username, o, where, api=False)


@pytest.mark.parametrize("operation", sorted(API), ids=lambda op: f"{op[0]} {op[1]}")
def test_every_api_operation_answers_every_role_as_the_policy_says(city, o, operation):
    method, path = operation
    route = API[operation]
    for where in ["inside", "outside"] if route.outside else ["inside"]:
        for username in [*USERS, *(f"purpose:{code}" for code in policy.PURPOSES)]:
            url = path.format(**route.kwargs(o, where, username))
            probe(route, url, username, o, where, api=True)


def test_the_admin_is_for_superusers_only(city):
    """Every admin page without an object, and each model's change page, for every account."""
    names = [name for path, name in url_patterns() if path.startswith("admin/") and name and "<" not in path
             and name not in ("login", "logout")]  # the admin's own door is open, and shows nothing
    assert len(names) > 10
    for username in USERS:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        for name in names:
            response = client.get(_reverse(f"admin:{name}", {}))
            if username == "admin":  # 403 where the admin itself forbids a page to everyone (adding audit rows)
                assert response.status_code in (200, 302, 403), name
            else:
                assert response.status_code == 302 and "/admin/login/" in response["Location"], (username, name)


_fingerprint_before_stationing = fingerprint


def fingerprint():  # noqa: F811 — the same, with the stationing rows
    from frontline.mobilization.stationing import StationingDay, StationingShortfall

    return (_fingerprint_before_stationing(), StationingShortfall.objects.count(),
            tuple(StationingDay.objects.values_list("status").annotate(n=Count("id")).order_by("status")),
            *(extension.fingerprint() for extension in EXTENSIONS if hasattr(extension, "fingerprint")))
