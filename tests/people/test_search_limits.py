"""The phone-suffix search is no oracle: digits only from 4 on, only for roles that may reveal, a limited
number a minute per account, and every search audited with its query."""

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from frontline.core import ratelimit
from frontline.core.models import AuditLog
from frontline.core.ratelimit import RateLimited
from frontline.people.selectors import person_search
from tests.access import api_client

T0 = 1_700_000_000 // 60 * 60  # the start of a minute: the clock is the test's, not the wall's


@pytest.fixture
def clock(monkeypatch):
    now = {"t": float(T0)}
    monkeypatch.setattr(ratelimit, "_now", lambda: now["t"])
    cache.clear()
    yield now
    cache.clear()


@pytest.fixture
def phone(city):
    from frontline.people.models import Resident

    return Resident.objects.filter(household__building__area=city.grid).exclude(person__phone="").first().person.phone


def test_digits_need_at_least_four(city, clock, phone):
    grid = city.users["grid"]
    assert list(person_search(actor=grid, query=phone[-3:])) == []
    assert any(p.phone == phone for p in person_search(actor=grid, query=phone[-4:]))


def test_searching_by_digits_is_for_roles_that_may_reveal(city, clock, client_for, phone):
    with pytest.raises(PermissionDenied):
        list(person_search(actor=city.users["cadre"], query=phone[-5:]))
    response = client_for("cadre").get(f"/people/search/?q={phone[-5:]}")
    assert response.status_code == 403 and phone not in response.content.decode()
    assert "仅限有权查看完整号码的角色" in response.content.decode()
    refused = AuditLog.objects.filter(action="search", actor_name="cadre")
    assert refused.count() == 2 and all(e.note.startswith(phone[-5:]) for e in refused)
    # Names stay searchable for the roles that may search at all.
    assert client_for("cadre").get("/people/search/?q=zh").status_code == 200


def test_the_digit_oracle_is_limited_per_account_and_minute(city, clock, settings, client_for, phone):
    settings.FRONTLINE_DIGIT_SEARCH_PER_MINUTE = 5
    grid = city.users["grid"]
    unknown = phone[-5:]  # the attacker knows the last 4 and tries each digit before them
    guesses = [f"{d}{unknown[1:]}" for d in "0123456789"]
    found = []
    with pytest.raises(RateLimited):
        for guess in guesses:
            found += list(person_search(actor=grid, query=guess))
    assert len(AuditLog.objects.filter(action="search", actor_name="grid")) == 6  # 5 searches and the refusal
    # Another account is counted on its own; names are not limited.
    assert any(p.phone == phone for p in person_search(actor=city.users["secretary"], query=unknown))
    assert client_for("grid").get("/people/search/?q=zh").status_code == 200
    page = client_for("grid").get(f"/people/search/?q={unknown}")
    assert page.status_code == 429 and "请求过于频繁" in page.content.decode()
    api = api_client("grid").get(f"/api/v1/persons?q={unknown}")
    assert api.status_code == 429 and int(api["Retry-After"]) == 60
    clock["t"] += 60  # the next minute
    assert any(p.phone == phone for p in person_search(actor=grid, query=unknown))


def test_every_search_is_audited_with_its_query(city, clock, client_for, phone):
    client_for("grid").get("/people/search/?q=zsf")
    client_for("grid").get(f"/people/search/?q={phone[-4:]}")
    api_client("secretary").get("/api/v1/persons?q=zh")
    notes = list(AuditLog.objects.filter(action="search").order_by("id").values_list("actor_name", "note"))
    assert notes == [("grid", "zsf"), ("grid", phone[-4:]), ("secretary", "zh")]
