"""Accounts and assignments managed in Frontline by whoever manages the place: created with a password shown
once, given and ended assignments (the access goes with them), passwords reset, logins unlocked, accounts
deactivated; never beyond the manager's place or above the manager's role."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from frontline.core import accounts, policy
from frontline.core.models import Assignment, AuditLog, User, WorkOrder
from frontline.core.services import work_order_create
from frontline.people.models import Resident


def can_log_in(username: str, password: str) -> bool:
    """Through the login page, as a person does (django-axes watches it)."""
    response = Client().post("/login/", {"username": username, "password": password})
    return response.status_code == 302 and "/login/" not in response["Location"]


def _created(response) -> tuple[User, str]:
    page = response.content.decode()
    password = re.search(r'data-testid="one-time-password">[^<]*<code class="fs-5">([^<]+)</code>', page).group(1)
    return User.objects.get(username="newgrid"), password


def test_a_secretary_creates_a_grid_worker_who_can_log_in_once_told_the_password(city, client_for):
    response = client_for("secretary").post("/accounts/", {"username": "newgrid", "name": "王网格", "role": "grid_worker",
                                                           "area_code": city.grid.code})
    assert response.status_code == 200
    user, password = _created(response)
    assert [(a.role, a.area) for a in user.assignments.all()] == [("grid_worker", city.grid)]
    assert can_log_in("newgrid", password)
    assert AuditLog.objects.filter(content_type__model="assignment", action="create", actor_name="secretary").exists()
    person = Resident.objects.filter(household__building__area=city.grid, moved_out__isnull=True).first().person
    assert policy.allows(user, policy.VIEW_PEOPLE, person)
    # Shown once: the account's page does not show it again.
    assert password not in client_for("secretary").get(f"/accounts/{user.pk}/").content.decode()


def test_no_one_gives_a_role_above_their_own_or_a_place_outside_their_own(city, client_for):
    refused = client_for("secretary").post("/accounts/", {"username": "boss", "role": "commander",
                                                          "area_code": city.community.code})
    assert refused.status_code == 400 and not User.objects.filter(username="boss").exists()
    elsewhere = client_for("secretary").post("/accounts/", {"username": "far", "role": "grid_worker",
                                                            "area_code": city.sibling_community.code})
    assert elsewhere.status_code == 400 and not User.objects.filter(username="far").exists()
    with pytest.raises(PermissionDenied):
        accounts.account_create(actor=city.users["secretary"], username="boss", role="commander", area=city.community)
    with pytest.raises(PermissionDenied):
        accounts.account_create(actor=city.users["grid"], username="x", role="volunteer", area=city.grid)
    assert client_for("grid").get("/accounts/").status_code == 403


def test_an_ended_assignment_takes_its_access_and_gives_back_its_work(city):
    user, _password = accounts.account_create(actor=city.users["secretary"], username="temp", role="grid_worker",
                                              area=city.grid, valid_from=datetime.date(2022, 4, 1))
    household = Resident.objects.filter(household__building__area=city.grid).first().household
    order = work_order_create(actor=city.users["secretary"], kind="revisit", title="复访", area=city.grid,
                              subject=household, assignee=user)
    assert policy.allows(user, policy.VIEW_PEOPLE, household)
    accounts.assignment_end(actor=city.users["secretary"], assignment=user.assignments.get(),
                            on=timezone.localdate() - datetime.timedelta(days=1))
    assert not policy.allows(user, policy.VIEW_PEOPLE, household)
    order.refresh_from_db()
    assert (order.assignee, order.assignee_role) == (None, "grid_worker")
    assert WorkOrder.objects.get(pk=order.pk) in WorkOrder.objects.restrict(city.users["grid"], policy.VIEW_WORK)


def test_a_reset_password_replaces_the_old_one_and_is_audited(city, client_for):
    user, first = accounts.account_create(actor=city.users["secretary"], username="forgot", role="volunteer",
                                          area=city.grid)
    response = client_for("secretary").post(f"/accounts/{user.pk}/password/")
    second = re.search(r'<code class="fs-5">([^<]+)</code>', response.content.decode()).group(1)
    assert second != first and can_log_in("forgot", second)
    assert not can_log_in("forgot", first)
    assert AuditLog.objects.filter(action="password", object_id=str(user.pk), actor_name="secretary").exists()
    assert client_for("secretary2").post(f"/accounts/{user.pk}/password/").status_code == 404


def test_a_manager_unlocks_and_deactivates_within_their_place(city, client_for):
    user = city.users["grid"]
    assert client_for("secretary").post(f"/accounts/{user.pk}/unlock/").status_code == 302
    assert AuditLog.objects.filter(action="unlock", object_id=str(user.pk)).exists()
    assert client_for("secretary").post(f"/accounts/{user.pk}/deactivate/").status_code == 302
    user.refresh_from_db()
    assert not user.is_active and User.objects.filter(pk=user.pk).exists()
    assert not Assignment.objects.filter(user=user).current().filter(user__is_active=True).exists()


def test_accounts_come_from_a_spreadsheet_with_every_problem_by_row(city, tmp_path):
    from frontline.core.imports import import_apply, import_check, importer_for

    path = tmp_path / "账号.csv"
    path.write_text("用户名,姓名,角色,区划代码,起始日期\n"
                    f"wang1,王一,网格员,{city.grid.code},2022-04-01\n"
                    f"wang2,王二,志愿者,{city.grid.code},\n"
                    f"wang1,王三,网格员,{city.grid.code},\n"
                    f"boss,李四,指挥部,{city.grid.code},\n"
                    f"far,赵五,网格员,{city.sibling_community.code},\n"
                    "grid,钱六,网格员,{city.grid.code},\n".replace("{city.grid.code}", city.grid.code),
                    encoding="utf-8")
    importer, secretary = importer_for("accounts"), city.users["secretary"]
    result, _table, _mapping = import_check(importer=importer, actor=secretary, area=city.community, path=path,
                                            filename=path.name)
    errors = {(p.row, p.column) for p in result.problems if p.severity == "error"}
    assert errors == {(4, "用户名"), (5, "角色"), (6, "区划代码"), (7, "用户名")}
    path.write_text("用户名,姓名,角色,区划代码\n"
                    f"wang1,王一,网格员,{city.grid.code}\nwang2,王二,志愿者,{city.grid.code}\n", encoding="utf-8")
    counts, _result = import_apply(importer=importer, actor=secretary, area=city.community, path=path,
                                   filename=path.name)
    assert counts["accounts_created"] == 2
    user = User.objects.get(username="wang2")
    assert [(a.role, a.area) for a in user.assignments.all()] == [("volunteer", city.grid)]
    assert not user.has_usable_password()  # given once, from the account's page
    with pytest.raises(PermissionDenied):
        import_check(importer=importer, actor=city.users["grid"], area=city.grid, path=path, filename=path.name)


def test_an_assignment_that_ends_by_its_date_gives_its_work_back(city):
    user, _password = accounts.account_create(actor=city.users["secretary"], username="lapsing", role="grid_worker",
                                              area=city.grid, valid_from=datetime.date(2022, 4, 1),
                                              valid_until=timezone.localdate() - datetime.timedelta(days=1))
    household = Resident.objects.filter(household__building__area=city.grid).first().household
    order = work_order_create(actor=city.users["secretary"], kind="revisit", title="复访", area=city.grid,
                              subject=household, assignee=user)
    assert accounts.assignments_lapse() == 1
    order.refresh_from_db()
    assert (order.assignee, order.assignee_role) == (None, "grid_worker")
    assert accounts.assignments_lapse() == 0  # nothing twice
