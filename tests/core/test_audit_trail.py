"""What the audit log holds and who reads it: the administrator's and the system's entries reach the city's
commander, the Django admin writes entries like a service, comments and views of personal data are entries,
and accounts are deactivated, never deleted (the audit keeps its actor)."""

import pytest
from django.contrib.auth.models import Group
from django.db.models import ProtectedError

from frontline.areas.models import Household
from frontline.core.audit import audit_record
from frontline.core.models import ApiToken, AuditAction, AuditLog, User
from frontline.core.services import work_order_comment, work_order_create
from frontline.people.models import Resident


def test_the_citys_commander_sees_the_administrators_and_the_systems_entries(city, client_for):
    audit_record(actor=city.users["admin"], action=AuditAction.EXPORT, note="city-wide roster")
    audit_record(actor=None, action=AuditAction.UPDATE, note="escalation")
    page = client_for("commander").get("/audit/?actor=admin").content.decode()
    assert "city-wide roster" in page
    assert "escalation" in client_for("commander").get("/audit/?actor=system").content.decode()
    district = client_for("district2").get("/audit/?actor=admin").content.decode()  # a district's commander does not
    assert "city-wide roster" not in district


def test_an_edit_in_the_django_admin_is_audited_with_its_changes(city, client_for):
    admin = client_for("admin")
    user = city.users["volunteer"]
    page = admin.get(f"/admin/core/user/{user.pk}/change/")
    assert page.status_code == 200
    form = {key: value for key, value in page.context["adminform"].form.initial.items() if value is not None}
    form.update({"username": user.username, "first_name": "小红", "last_name": "", "email": "", "role": user.role,
                 "area": user.area_id, "person": user.person_id or "", "is_active": "on",
                 "date_joined_0": user.date_joined.strftime("%Y-%m-%d"), "date_joined_1": "00:00:00",
                 "last_login_0": "", "last_login_1": "", "groups": [], "user_permissions": []})
    response = admin.post(f"/admin/core/user/{user.pk}/change/", {k: v for k, v in form.items() if k != "password"})
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditLog.objects.get(action="update", object_id=str(user.pk), actor_name="admin")
    assert entry.changes["first_name"] == ["", "小红"] and entry.note == "admin"
    assert "password" not in entry.changes


def test_additions_and_deletions_in_the_admin_are_audited(city, client_for):
    admin = client_for("admin")
    assert admin.post("/admin/auth/group/add/", {"name": "督导组", "permissions": []}).status_code == 302
    group = Group.objects.get(name="督导组")
    created = AuditLog.objects.get(action="create", object_id=str(group.pk), content_type__model="group")
    assert created.changes["name"] == [None, "督导组"]
    assert admin.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"}).status_code == 302
    deleted = AuditLog.objects.get(action="delete", object_id=str(group.pk), content_type__model="group")
    assert deleted.changes["name"] == ["督导组", None] and deleted.actor_name == "admin"


def test_a_person_changed_in_the_admin_is_audited_once_with_masked_values(city, client_for):
    person = Resident.objects.filter(household__building__area=city.grid).first().person
    admin = client_for("admin")
    response = admin.post(f"/admin/people/person/{person.pk}/change/", {"name": person.name + "某"})
    assert response.status_code == 302
    entries = AuditLog.objects.filter(object_id=str(person.pk), content_type__model="person", action="update")
    assert entries.count() == 1  # the service audited it; the admin does not log it twice
    assert entries.get().changes["name"] == [person.name, person.name + "某"]


def test_accounts_are_deactivated_never_deleted_and_the_audit_keeps_its_actor(city, client_for):
    volunteer = city.users["volunteer"]
    audit_record(actor=volunteer, action=AuditAction.VIEW, obj=volunteer, note="seen")
    admin = client_for("admin")
    assert admin.get(f"/admin/core/user/{volunteer.pk}/delete/").status_code == 403
    assert admin.post(f"/admin/core/user/{volunteer.pk}/delete/", {"post": "yes"}).status_code == 403
    listing = admin.get("/admin/core/user/").content.decode()
    assert "delete_selected" not in listing and "deactivate" in listing
    response = admin.post("/admin/core/user/", {"action": "deactivate", "_selected_action": [volunteer.pk]})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert not volunteer.is_active
    assert AuditLog.objects.get(action="update", object_id=str(volunteer.pk), note="admin").changes["is_active"] == [True, False]
    assert AuditLog.objects.get(note="seen").actor == volunteer  # kept
    with pytest.raises(ProtectedError):  # nor can code delete an account with entries
        volunteer.delete()


def test_setting_a_password_in_the_admin_is_audited_without_it(city, client_for):
    user = city.users["courier"]
    response = client_for("admin").post(f"/admin/core/user/{user.pk}/password/",
                                        {"password1": "Kx9-plum-rain", "password2": "Kx9-plum-rain"})
    assert response.status_code == 302
    entry = AuditLog.objects.get(action="password", object_id=str(user.pk))
    assert entry.actor_name == "admin" and "Kx9" not in str(entry.changes) + entry.note


def test_work_order_comments_are_audited(city):
    household = Household.objects.filter(building__area=city.grid).first()
    order = work_order_create(actor=city.users["secretary"], kind="revisit", title="复访", area=city.grid,
                              subject=household, assignee_role="grid_worker")
    work_order_comment(actor=city.users["secretary"], order=order, note="下午再去一次")
    entry = AuditLog.objects.get(action="comment", object_id=str(order.pk))
    assert (entry.actor_name, entry.note) == ("secretary", "下午再去一次")


def test_viewing_a_person_or_a_household_is_audited_once_per_view(city, client_for):
    resident = Resident.objects.filter(household__building__area=city.grid).select_related("person").first()
    client = client_for("grid")
    assert client.get(f"/people/{resident.person_id}/").status_code == 200
    assert client.get(f"/households/{resident.household_id}/").status_code == 200
    viewed = AuditLog.objects.filter(action="view", actor_name="grid")
    assert viewed.filter(person=resident.person).count() == 1
    assert viewed.filter(content_type__model="household", object_id=str(resident.household_id)).count() == 1
    client.get(f"/people/{resident.person_id}/")
    assert viewed.filter(person=resident.person).count() == 2


def test_an_api_token_is_logged_readably_without_its_digest(city):
    from frontline.core.services import api_token_issue

    token_row, token = api_token_issue(actor=city.users["grid"], name="扫码枪")
    entry = AuditLog.objects.get(action="create", content_type__model="apitoken", object_id=str(token_row.pk))
    assert entry.object_repr == f"扫码枪 ({token_row.prefix}…)" and "object (" not in entry.object_repr
    assert token_row.digest not in str(entry.changes) and "digest" not in entry.changes and token not in str(entry.changes)
    assert str(ApiToken.objects.get(pk=token_row.pk)) == entry.object_repr
    assert User.objects.get(username="grid")  # (the account is untouched)
