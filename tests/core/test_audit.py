import pytest
from django.db import DatabaseError, connection, transaction

from frontline.core.models import AuditLog
from frontline.people.models import Resident


@pytest.fixture
def person(city):
    return Resident.objects.filter(household__building__area=city.grid, person__phone__gt="").first().person


def test_revealing_a_phone_shows_it_and_is_logged(city, client_for, person):
    response = client_for("grid").post(f"/people/{person.pk}/reveal/phone/", REMOTE_ADDR="10.1.2.3")
    assert person.phone in response.content.decode()
    entry = AuditLog.objects.get(action="reveal", person=person)
    assert (entry.actor, entry.note, entry.ip) == (city.users["grid"], "phone", "10.1.2.3")


def test_roles_that_do_not_need_identifiers_cannot_reveal(city, client_for, person):
    assert client_for("volunteer").post(f"/people/{person.pk}/reveal/phone/").status_code == 403
    assert not AuditLog.objects.filter(action="reveal", person=person).exists()
    page = client_for("volunteer").get(f"/people/{person.pk}/").content.decode()
    assert "/reveal/" not in page and person.phone not in page


def test_reveal_needs_post_and_a_known_field(city, client_for, person):
    assert client_for("grid").get(f"/people/{person.pk}/reveal/phone/").status_code == 405
    assert client_for("grid").post(f"/people/{person.pk}/reveal/name/").status_code == 404


def test_person_page_masks_by_default(city, client_for, person):
    page = client_for("secretary").get(f"/people/{person.pk}/").content.decode()
    assert person.phone not in page
    assert person.phone[:3] + "****" + person.phone[-4:] in page


def test_the_audit_log_cannot_be_changed_or_deleted_through_the_orm(city, person):
    entry = AuditLog.objects.create(action="reveal", actor_name="x", note="phone")
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).update(note="nothing happened")


def test_the_database_refuses_updates_to_the_audit_log(city):
    entry = AuditLog.objects.create(action="reveal", actor_name="x", note="phone")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditlog SET note = 'changed' WHERE id = %s", [entry.pk])
    assert AuditLog.objects.get(pk=entry.pk).note == "phone"


def test_commander_filters_the_audit_log_by_actor_person_and_date(city, client_for, person):
    client_for("grid").post(f"/people/{person.pk}/reveal/phone/")
    client_for("secretary").post(f"/people/{person.pk}/reveal/id_number/")
    commander = client_for("commander")
    by_actor = commander.get("/audit/?actor=secretary").content.decode()
    assert "<td>secretary</td>" in by_actor and "<td>grid</td>" not in by_actor
    by_person = commander.get(f"/audit/?person={person.pk}").content.decode()
    assert by_person.count("<tr><td>") == 2
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    assert "<td>grid</td>" in commander.get(f"/audit/?date_from={today}&date_to={today}").content.decode()
    assert "<td>grid</td>" not in commander.get("/audit/?date_to=2000-01-01").content.decode()


def test_logging_in_is_recorded(city):
    from django.test import Client

    from frontline.demo.accounts import DEMO_PASSWORD

    Client().post("/login/", {"username": "grid", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.9.8.7")
    entry = AuditLog.objects.filter(action="login").latest("id")
    assert (entry.actor_name, entry.ip) == ("grid", "10.9.8.7")


def test_audit_log_filters_by_app_and_model_as_the_api_names_subjects(city, client_for, person):
    client_for("grid").post(f"/people/{person.pk}/reveal/phone/")
    page = client_for("commander").get(f"/audit/?object_type=people.person&object_id={person.pk}").content.decode()
    assert "<td>grid</td>" in page
    other_app = client_for("commander").get(f"/audit/?object_type=areas.person&object_id={person.pk}").content.decode()
    assert "<td>grid</td>" not in other_app
