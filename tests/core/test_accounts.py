import pytest
from django.db import IntegrityError, transaction

from frontline.core.models import User


def test_an_account_with_a_role_must_have_an_area(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="lost", role="grid_worker")


def test_an_account_without_an_area_sees_nothing(db, client_for):
    from frontline.people.models import Person

    user = User.objects.create(username="nobody")
    assert Person.objects.visible_to(user).count() == 0
    page = client_for("nobody").get("/").content.decode()
    assert "没有生效的职责" in page


def test_a_deactivated_account_sees_nothing(city):
    from frontline.areas.models import Household

    commander = city.users["commander"]
    commander.is_active = False
    assert Household.objects.visible_to(commander).count() == 0


def test_the_administrator_lands_on_a_way_to_the_admin_site(city, client_for):
    User.objects.filter(username="admin").update(area=None)
    page = client_for("admin").get("/").content.decode()
    assert 'href="/admin/"' in page and "管理后台" in page
    assert "尚未分配管辖区域" not in page
    User.objects.create(username="nobody")
    assert 'href="/admin/"' not in client_for("nobody").get("/").content.decode()
