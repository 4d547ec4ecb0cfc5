"""Mobilization pages attacked as a hostile or careless user would: out-of-range ids, members from another
place, the same form sent twice, markup in names, a role without the action."""

import pytest
from django.utils import timezone
from django.utils.translation import override

from frontline.areas.models import Area
from frontline.mobilization.funds import FundAllocation
from frontline.mobilization.models import DeploymentGroup, Team
from frontline.mobilization.stationing import StationingDay
from frontline.people.models import PartyOrg, Resident

HUGE = "99999999999999999999999"
XSS = "<script>alert(1)</script>"


def _person_of(grid):
    return Resident.objects.filter(household__building__area=grid, moved_out__isnull=True).order_by("id").first().person


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_an_id_beyond_any_key_in_a_multiple_choice_is_an_invalid_choice_not_a_crash(city, client_for):
    client = client_for("commander")
    groups = DeploymentGroup.objects.count()
    response = client.post(f"/areas/{city.community.pk}/deployment-groups/", {"name": "一组", "grids": [HUGE]},
                           follow=True)
    assert response.status_code == 200
    assert DeploymentGroup.objects.count() == groups
    assert any("选择一个有效的选项" in m for m in _messages(response))
    allocations = FundAllocation.objects.count()
    response = client.post("/funds/new/", {"purpose": "hardship", "amount": "100.00", "source": "党费",
                                           "area": city.community.pk, "party_orgs": [HUGE]})
    assert response.status_code == 400
    assert FundAllocation.objects.count() == allocations


def test_an_id_beyond_any_key_among_the_stationing_days_is_not_found(city, client_for):
    before = list(StationingDay.objects.values_list("pk", "status"))
    response = client_for("secretary").post(f"/areas/{city.community.pk}/stationing/decide/",
                                            {"day": [HUGE], "action": "confirm"})
    assert response.status_code == 404
    assert list(StationingDay.objects.values_list("pk", "status")) == before


def test_a_team_member_the_actor_may_not_see_is_refused_not_left_out(city, client_for):
    far = Area.objects.filter(level="grid", path__startswith=city.sibling_community.path).order_by("path").first()
    stranger, mine = _person_of(far), _person_of(city.grid)
    teams = Team.objects.count()
    for lines in (stranger.id_number, stranger.name, f"{mine.id_number}\n{stranger.id_number}"):
        response = client_for("secretary").post(f"/areas/{city.community.pk}/teams/",
                                                {"kind": "commando", "name": "突击队", "members": lines})
        assert response.status_code == 400
        assert "本辖区查无此人" in response.content.decode()
    assert Team.objects.count() == teams


def test_the_same_allocation_sent_twice_is_requested_once(city, client_for):
    client = client_for("commander")
    org = PartyOrg.objects.filter(area__path__startswith=city.district.path).order_by("path").first()
    data = {"purpose": "hardship", "amount": "100.00", "source": "代市委管理党费", "area": city.community.pk,
            "party_orgs": [org.pk], "note": ""}
    before = FundAllocation.objects.count()
    assert client.post("/funds/new/", data).status_code == 302
    second = client.post("/funds/new/", data)
    assert second.status_code == 400
    assert "不再重复提交" in second.content.decode()
    assert FundAllocation.objects.count() == before + 1
    # Another amount is another request.
    assert client.post("/funds/new/", {**data, "amount": "200.00"}).status_code == 302
    assert FundAllocation.objects.count() == before + 2


def test_markup_in_names_renders_escaped(city, client_for):
    client = client_for("secretary")
    person = _person_of(city.grid)
    client.post(f"/areas/{city.community.pk}/teams/", {"kind": "commando", "name": XSS, "members": person.id_number})
    team = Team.objects.get(name=XSS)
    for url in (f"/areas/{city.community.pk}/teams/", f"/teams/{team.pk}/"):
        body = client.get(url).content.decode()
        assert XSS not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.parametrize("username", ["grid", "volunteer", "inspector", "enterprise", "courier", "cadre"])
def test_roles_without_the_action_write_nothing(city, client_for, username):
    client = client_for(username)
    person = _person_of(city.grid)
    org = PartyOrg.objects.filter(area__path__startswith=city.district.path).order_by("path").first()
    counts = (Team.objects.count(), DeploymentGroup.objects.count(), FundAllocation.objects.count())
    start = timezone.localtime().replace(hour=8, minute=0)
    for url, data in [
        (f"/areas/{city.community.pk}/teams/", {"kind": "commando", "name": "队", "members": person.id_number}),
        (f"/areas/{city.community.pk}/deployment-groups/", {"name": "组", "grids": [city.grid.pk]}),
        ("/funds/new/", {"purpose": "hardship", "amount": "1.00", "source": "党费", "area": city.community.pk,
                         "party_orgs": [org.pk]}),
        (f"/areas/{city.community.pk}/duty/shifts/", {"place": f"g{city.grid.pk}", "person": person.pk,
                                                      "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                                                      "ends_at": start.replace(hour=9).strftime("%Y-%m-%dT%H:%M")}),
        ("/stationing/compliance/orders/", {}),
    ]:
        assert client.post(url, data).status_code in (403, 404), url
    assert (Team.objects.count(), DeploymentGroup.objects.count(), FundAllocation.objects.count()) == counts


def test_the_untranslated_messages_have_their_chinese(city):
    from django.utils.translation import gettext

    with override("zh-hans"):
        assert gettext("No area with code %(code)s in %(area)s.") != "No area with code %(code)s in %(area)s."
        assert gettext("people on duty") == "值守人员"


def test_bad_amounts_are_refused_in_chinese_and_nothing_is_written(city, client_for):
    client = client_for("commander")
    org = PartyOrg.objects.filter(area__path__startswith=city.district.path).order_by("path").first()
    before = FundAllocation.objects.count()
    for amount in ("100.005", "-5", "0", "1e9", "1E3", "NaN", "Infinity", "abc", "", "9" * 19):
        response = client.post("/funds/new/", {"purpose": "hardship", "amount": amount, "source": "党费",
                                               "area": city.community.pk, "party_orgs": [org.pk]})
        assert response.status_code == 400, amount
        errors = " ".join(response.context["form"].errors["amount"])
        assert errors and not any("a" <= ch.lower() <= "z" for ch in errors), (amount, errors)
    assert FundAllocation.objects.count() == before


def test_an_allocation_is_not_approved_by_its_author(city, client_for):
    from frontline.mobilization.fund_services import fund_allocation_create

    org = PartyOrg.objects.filter(area__path__startswith=city.district.path).order_by("path").first()
    allocation = fund_allocation_create(actor=city.users["commander"], purpose="hardship", amount="10.00",
                                        source="党费", area=city.community, recipients=[(org, None)])
    response = client_for("commander").post(f"/funds/{allocation.pk}/approve/", follow=True)
    assert any("另" in m or "本人" in m or "自己" in m for m in _messages(response)), _messages(response)
    allocation.refresh_from_db()
    assert allocation.status == "requested" and allocation.approved_by is None


def test_ending_a_deployment_that_ended_already_does_not_bring_its_access_back(city, client_for):
    import datetime

    from frontline.core.models import Assignment
    from frontline.mobilization.models import Deployment
    from frontline.mobilization.services import cadre_deploy, deployment_end
    from frontline.people.models import Cadre

    today = timezone.localdate()
    from frontline.core.models import User

    cadre = Cadre.objects.filter(deployments__isnull=True, person__accounts__isnull=True).order_by("pk").first()
    User.objects.create(username="probe-cadre", role="cadre", area=city.community, person=cadre.person)
    deployment = cadre_deploy(actor=city.users["commander"], cadre=cadre, area=city.community,
                              starts_on=today - datetime.timedelta(days=30))
    deployment_end(actor=city.users["commander"], deployment=deployment, on=today - datetime.timedelta(days=10))
    ended = today - datetime.timedelta(days=10)
    client = client_for("commander")
    response = client.post(f"/deployments/{deployment.pk}/end/", follow=True)
    assert response.status_code == 200
    assert any("已于" in m and "结束" in m for m in _messages(response)), _messages(response)
    deployment = Deployment.objects.get(pk=deployment.pk)
    assert deployment.ends_on == ended
    assert Assignment.objects.get(pk=deployment.assignment_id).valid_until == ended
    # Ending a running deployment twice (a double tap) ends it once, today.
    running = cadre_deploy(actor=city.users["commander"], cadre=cadre, area=city.community, starts_on=today)
    assert client.post(f"/deployments/{running.pk}/end/").status_code == 302
    assert client.post(f"/deployments/{running.pk}/end/").status_code == 302
    assert Deployment.objects.get(pk=running.pk).ends_on == today


def test_the_same_group_sent_twice_is_formed_once_with_a_message_naming_it(city, client_for):
    client = client_for("commander")
    before = DeploymentGroup.objects.count()
    for _i in range(2):
        response = client.post(f"/areas/{city.community.pk}/deployment-groups/",
                               {"name": "第一组", "grids": [city.grid.pk]}, follow=True)
    assert DeploymentGroup.objects.count() == before + 1
    assert f"{city.community.name}已有名为第一组的下沉分组。" in _messages(response)


def test_bad_stationing_days_are_refused_in_chinese_and_logged_once(city, client_for):
    import datetime

    from frontline.core.models import Assignment, User
    from frontline.people.models import Cadre

    person = (Resident.objects.filter(household__building__area__path__startswith=city.community.path,
                                      moved_out__isnull=True, person__cadre__isnull=True, person__accounts__isnull=True)
              .order_by("id").first().person)
    cadre = Cadre.objects.create(person=person, home_unit="区卫健局", unit_area=city.district, rank="section")
    user = User.objects.create(username="probe-stationed", person=person, role="cadre", area=city.community)
    Assignment.objects.create(user=user, role="cadre", area=city.community, valid_from=datetime.date(2022, 3, 1))
    client = client_for("probe-stationed")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    for day in ("2022-02-30", "99999-01-01", "abc", tomorrow, "1999-01-01"):
        response = client.post("/stationing/log/", {"day": day, "note": "驻守"}, follow=True)
        (message,) = _messages(response)
        assert not any("a" <= ch.lower() <= "z" for ch in message), (day, message)
    assert StationingDay.objects.filter(cadre=cadre).count() == 0
    for _i in range(2):
        response = client.post("/stationing/log/", {"note": "x" * 10000}, follow=True)
    assert StationingDay.objects.filter(cadre=cadre).count() == 1
    assert "每天只能登记一次" in _messages(response)[0]


@pytest.mark.parametrize("year", ["0001", "0022", "9999"])
def test_a_mistyped_year_is_refused_for_a_shift_and_a_deployment(city, client_for, year):
    from frontline.mobilization.duty import DutyShift
    from frontline.mobilization.models import Deployment
    from frontline.mobilization.selectors import cadres_not_sent

    person = _person_of(city.grid)
    shifts = DutyShift.objects.filter(person=person).count()
    response = client_for("secretary").post(f"/areas/{city.community.pk}/duty/shifts/", {
        "place": f"g{city.grid.pk}", "person": person.pk, "starts_at": f"{year}-01-01T00:00",
        "ends_at": f"{year}-01-01T08:00"})
    assert response.status_code == 400
    assert f"{year}-01-01不是合理的日期，请检查年份。" in response.content.decode()
    assert DutyShift.objects.filter(person=person).count() == shifts
    cadre = cadres_not_sent(actor=city.users["commander"], limit=1)[0]
    response = client_for("commander").post(f"/areas/{city.community.pk}/deployments/",
                                            {"cadre": cadre.pk, "starts_on": f"{year}-04-01"})
    assert response.status_code == 400
    assert f"{year}-04-01不是合理的日期，请检查年份。" in response.content.decode()
    assert not Deployment.objects.filter(cadre=cadre).exists()


def test_shortfall_orders_go_out_only_for_a_past_month(city, client_for):
    import datetime

    from frontline.core.models import WorkOrder

    today = timezone.localdate()
    this_month, next_year = today.replace(day=1), today.replace(day=1, year=today.year + 1)
    before = WorkOrder.objects.count()
    for month, message in ((this_month, f"{this_month:%Y-%m}尚未结束：只对已过去的月份发出工作任务。"),
                           (next_year, f"{next_year:%Y-%m}尚未结束：只对已过去的月份发出工作任务。"),
                           (datetime.date(1, 1, 1), "不是合理的日期，请检查年份。")):
        response = client_for("commander").post("/stationing/compliance/orders/", {"month": f"{month:%Y-%m}"},
                                                follow=True)
        assert response.status_code == 200
        assert any(message in m for m in _messages(response)), _messages(response)
    assert WorkOrder.objects.count() == before


def test_the_compliance_page_offers_shortfall_orders_only_for_a_past_month(city, client_for):
    today = timezone.localdate()
    client = client_for("commander")
    assert 'data-testid="orders"' not in client.get("/stationing/compliance/", {"month": f"{today:%Y-%m}"}).content.decode()
    assert 'data-testid="orders"' in client.get("/stationing/compliance/").content.decode()  # the previous month


def test_formula_text_in_a_cadres_unit_and_name_reaches_the_export_as_text(city, client_for):
    import io

    from openpyxl import load_workbook

    from frontline.people.models import Cadre

    person = (Resident.objects.filter(household__building__area__path__startswith=city.community.path,
                                      moved_out__isnull=True, person__cadre__isnull=True)
              .order_by("id").first().person)
    person.name = '=HYPERLINK("http://evil.example","点我")'
    person.save(update_fields=["name"])
    Cadre.objects.create(person=person, home_unit="=1+1", unit_area=city.district, rank="section")
    response = client_for("commander").get("/stationing/compliance/export/", {"month": "2022-04"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value in ("=1+1", person.name)]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)


def test_a_cadre_row_whose_id_number_belongs_to_someone_else_is_refused(city, tmp_path):
    from frontline.core.imports import import_check, importer_for
    from frontline.people.models import Cadre

    other = (Resident.objects.filter(household__building__area=city.sibling_grid, moved_out__isnull=True,
                                     person__id_number__isnull=False, person__cadre__isnull=True)
             .order_by("id").first().person)
    path = tmp_path / "干部名册.csv"
    path.write_text("姓名,身份证号,工作单位,单位区划代码,职级\n"
                    f"错名字,{other.id_number},区卫健局,{city.district.code},乡科级\n"
                    f"{other.name},{other.id_number},区卫健局,{city.district.code},乡科级\n", encoding="utf-8")
    result, _t, _m = import_check(importer=importer_for("cadres"), actor=city.users["commander"], area=city.city,
                                  path=path, filename=path.name)
    errors = [(p.row, p.column, p.message) for p in result.problems if p.severity == "error"]
    assert (2, "身份证号", "该身份证号已登记在另一个姓名下：请核对身份证号和姓名。") in errors, errors
    assert not any(row == 3 and "另一个姓名" in message for row, _c, message in errors)  # the right name passes
    assert other.name not in " ".join(e[2] for e in errors)
    assert not Cadre.objects.filter(person=other).exists()


def test_the_same_deployment_sent_twice_is_made_once_with_a_chinese_message(city, client_for):
    from frontline.mobilization.models import Deployment
    from frontline.mobilization.selectors import cadres_not_sent

    cadre = cadres_not_sent(actor=city.users["commander"], limit=1)[0]
    client = client_for("commander")
    data = {"cadre": cadre.pk, "starts_on": timezone.localdate().isoformat()}
    assert client.post(f"/areas/{city.community.pk}/deployments/", data).status_code == 302
    second = client.post(f"/areas/{city.community.pk}/deployments/", data)
    assert Deployment.objects.filter(cadre=cadre).count() == 1
    assert second.status_code == 400
    assert f"{cadre.person.name}已派驻{city.community.name}" in second.content.decode()


def test_a_second_team_zone_or_post_of_the_same_name_is_refused_in_words(city, client_for):
    from frontline.mobilization.partyorgs import PioneerPost, ResponsibilityZone

    client, area, person = client_for("secretary"), city.community, _person_of(city.grid)
    for url, data, model, what in (
            (f"/areas/{area.pk}/teams/", {"kind": "commando", "name": "突击一队", "members": person.id_number}, Team, "队伍"),
            (f"/areas/{area.pk}/party-posts/", {"what": "zone", "zone-name": "一区", "zone-members": person.id_number},
             ResponsibilityZone, "党员责任区"),
            (f"/areas/{area.pk}/party-posts/", {"what": "post", "post-kind": "pioneer", "post-name": "一岗"},
             PioneerPost, "党员先锋岗")):
        before = model.objects.count()
        assert client.post(url, data).status_code == 302
        second = client.post(url, data)
        assert second.status_code == 400
        body = second.content.decode()
        assert f"{area.name}已有名为{data.get('name') or data.get('zone-name') or data.get('post-name')}的{what}。" in body
        assert "unique_active_name" not in body
        assert model.objects.count() == before + 1


def test_naming_the_same_accountable_secretary_twice_makes_one_entry(city, client_for):
    from frontline.mobilization.models import ResponsibilityChain

    client = client_for("commander")
    before = ResponsibilityChain.objects.filter(area=city.community).count()
    for _i in range(2):
        response = client.post(f"/areas/{city.community.pk}/secretaries/", {"username": "secretary", "title": "书记"})
        assert response.status_code == 302
    entries = ResponsibilityChain.objects.filter(area=city.community)
    assert entries.count() == before + 1
    assert entries.filter(valid_until__isnull=True).get().secretary == city.users["secretary"]


def test_a_temporary_branch_for_a_team_with_two_formal_members_is_refused_through_the_page(city, client_for):
    import datetime

    from frontline.mobilization.models import TeamMember
    from frontline.mobilization.partyorgs import TemporaryOrg
    from frontline.people.models import PartyMember, Person

    branch = PartyOrg.objects.get(area=city.grid, temporary=False)
    people = Person.objects.bulk_create([Person(name=f"探测党员{i}") for i in range(2)])
    PartyMember.objects.bulk_create([PartyMember(person=p, org=branch, status="formal") for p in people])
    team = Team.objects.create(kind="commando", name="两人突击队", area=city.community,
                               formed_on=timezone.localdate() - datetime.timedelta(days=3))
    TeamMember.objects.bulk_create([TeamMember(team=team, person=p, joined_on=team.formed_on) for p in people])
    for kind in ("branch", "committee"):
        response = client_for("secretary").post(f"/teams/{team.pk}/temporary-org/",
                                                {"kind": kind, "secretary": people[0].pk})
        assert response.status_code == 400
        errors = " ".join(response.context["form"].non_field_errors() + response.context["form"].errors.get("kind", []))
        assert "两人突击队" in errors and "2" in errors, errors
        assert not any("a" <= ch.lower() <= "z" for ch in errors.replace("两人突击队", "")), errors
    assert not TemporaryOrg.objects.filter(team=team).exists()
    assert PartyOrg.objects.filter(temporary=True, name__startswith="两人突击队").count() == 0


def test_a_place_or_recipient_of_another_district_in_a_form_is_refused_in_words(city, client_for):
    from frontline.mobilization.duty import DutyShift

    far_org = PartyOrg.objects.filter(area__path__startswith=city.district.path).order_by("path").first()
    before = FundAllocation.objects.count()
    response = client_for("district2").post("/funds/new/", {  # the other district's commander, at ours
        "purpose": "hardship", "amount": "10.00", "source": "党费", "area": city.district.pk,
        "party_orgs": [far_org.pk]})
    assert response.status_code == 400
    body = response.content.decode()
    assert "请选择本辖区内的区域" in body and f"所选党组织（{far_org.pk}）不在本辖区内。" in body
    assert FundAllocation.objects.count() == before
    sibling_grid = Area.objects.filter(level="grid", path__startswith=city.sibling_community.path).order_by("path").first()
    person = _person_of(city.grid)
    response = client_for("secretary").post(f"/areas/{city.community.pk}/duty/shifts/", {
        "place": f"g{sibling_grid.pk}", "person": person.pk, "starts_at": "2030-01-01T08:00",
        "ends_at": "2030-01-01T16:00"})
    assert response.status_code == 400 and "请选择本区域内由您排班的点位或网格。" in response.content.decode()
    assert not DutyShift.objects.filter(person=person, grid=sibling_grid).exists()
