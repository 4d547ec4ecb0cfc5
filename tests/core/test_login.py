"""Logging in: failures throttled per (account, address) and audited, an administrator unlocks, passwords
like the username refused, and each user changes their own password."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from frontline.core.login import login_unlock
from frontline.core.models import AuditLog, User
from frontline.demo.accounts import DEMO_PASSWORD


def _login(username, password, address):
    return Client().post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail(username, address, times):
    for _ in range(times):
        response = _login(username, "not-the-password", address)
        assert response.status_code in (200, 429)
    return response


def test_guessing_from_one_address_locks_that_address_out_not_the_commander(city, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert _fail("commander", "10.66.0.1", 4).status_code == 200  # wrong, not yet locked
    locked = _fail("commander", "10.66.0.1", 1)
    assert locked.status_code == 429 and "已被锁定" in locked.content.decode()
    # The right password from the guesser's address is refused too: guessing has stopped paying.
    refused = _login("commander", DEMO_PASSWORD, "10.66.0.1")
    assert refused.status_code == 429 and "_auth_user_id" not in refused.wsgi_request.session
    # The commander at their own desk logs in as always.
    at_desk = _login("commander", DEMO_PASSWORD, "10.20.30.40")
    assert at_desk.status_code == 302 and at_desk.wsgi_request.user.username == "commander"
    # And the guesser's address may still log in to other accounts.
    assert _login("grid", DEMO_PASSWORD, "10.66.0.1").status_code == 302


def test_a_success_clears_the_failures_of_its_pair(city):
    _fail("grid", "10.66.0.2", 4)
    assert _login("grid", DEMO_PASSWORD, "10.66.0.2").status_code == 302
    assert _fail("grid", "10.66.0.2", 4).status_code == 200
    assert _login("grid", DEMO_PASSWORD, "10.66.0.2").status_code == 302


def test_failed_logins_are_audited_where_the_accounts_commander_sees_them(city, client_for):
    _fail("secretary", "10.66.0.3", 5)
    entries = list(AuditLog.objects.filter(action="login_failed", actor_name="secretary").order_by("id"))
    assert len(entries) == 5 and {e.ip for e in entries} == {"10.66.0.3"}
    assert all(e.actor_id is None and e.actor_area_path == city.community.path for e in entries)
    assert entries[-1].note and not any(e.note for e in entries[:-1])  # the fifth locked the pair
    _fail("no-such-account", "10.66.0.4", 1)
    unknown = AuditLog.objects.get(action="login_failed", actor_name="no-such-account")
    assert unknown.actor_area_path == "" and unknown.content_type is None
    page = client_for("commander").get("/audit/?action=login_failed").content.decode()
    assert "secretary" in page and "no-such-account" in page
    assert "no-such-account" not in client_for("district2").get("/audit/?action=login_failed").content.decode()
    assert "not-the-password" not in str(list(AuditLog.objects.filter(action="login_failed").values()))


def test_an_administrator_unlocks_an_account_and_it_is_audited(city):
    _fail("street", "10.66.0.5", 5)
    assert _login("street", DEMO_PASSWORD, "10.66.0.5").status_code == 429
    for outsider in ("grid", "district2"):  # no one who does not manage the account's place
        with pytest.raises(PermissionDenied):
            login_unlock(actor=city.users[outsider], user=city.users["street"])
    assert login_unlock(actor=city.users["admin"], user=city.users["street"]) >= 1
    assert _login("street", DEMO_PASSWORD, "10.66.0.5").status_code == 302
    entry = AuditLog.objects.get(action="unlock")
    assert (entry.actor_name, entry.object_repr) == ("admin", "street")


def test_the_admin_unlocks_from_the_account_list(city, client_for):
    _fail("cadre", "10.66.0.6", 5)
    admin = client_for("admin")
    response = admin.post("/admin/core/user/", {"action": "unlock_logins", "_selected_action": [city.users["cadre"].pk]})
    assert response.status_code == 302
    assert _login("cadre", DEMO_PASSWORD, "10.66.0.6").status_code == 302
    assert AuditLog.objects.filter(action="unlock", object_repr="cadre", actor_name="admin").exists()


def test_passwords_like_the_username_and_other_weak_ones_are_refused(city):
    commander = city.users["commander"]
    for weak in ("commander1", "commander", "12345678", "password", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=commander)


def test_the_demo_password_passes_the_validators_for_every_demo_account(city):
    for user in User.objects.filter(username__in=["commander", "street", "secretary", "grid", "grid2", "cadre",
                                                  "volunteer", "inspector", "enterprise", "courier", "admin"]):
        validate_password(DEMO_PASSWORD, user=user)


def test_a_user_changes_their_own_password_in_chinese_and_it_is_audited(city, client_for):
    client = client_for("secretary")
    assert 'href="/password/"' in client.get("/").content.decode()  # linked from the layout
    page = client.get("/password/").content.decode()
    assert "修改密码" in page and 'name="old_password"' in page
    similar = client.post("/password/", {"old_password": DEMO_PASSWORD, "new_password1": "secretary1",
                                         "new_password2": "secretary1"})
    assert similar.status_code == 200 and "相似" in similar.content.decode()
    wrong_old = client.post("/password/", {"old_password": "nope", "new_password1": "Hq-7vf!plum",
                                           "new_password2": "Hq-7vf!plum"})
    assert wrong_old.status_code == 200
    assert not AuditLog.objects.filter(action="password").exists()
    done = client.post("/password/", {"old_password": DEMO_PASSWORD, "new_password1": "Hq-7vf!plum",
                                      "new_password2": "Hq-7vf!plum"}, follow=True)
    assert done.status_code == 200 and "密码已修改" in done.content.decode()
    assert _login("secretary", "Hq-7vf!plum", "10.66.0.7").status_code == 302
    entry = AuditLog.objects.get(action="password")
    assert (entry.actor_name, entry.object_repr, entry.changes) == ("secretary", "secretary", {})
    assert "pbkdf2" not in str(entry.changes) and "md5" not in str(list(AuditLog.objects.values("changes", "note")))


def test_the_password_page_needs_a_login(db):
    response = Client().get("/password/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
