"""The collector's screen and its upload (frontline.epidemic.collect_views): a collector lands on the site of
their staffing, the page's JSON upload answers each record by its client id (a retried upload counts once),
needs the CSRF token, refuses another site's collector and a volunteer; and the residents' QR sheets, masked,
audited, 404 outside one's place."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frontline.areas.models import Household, Site
from frontline.core.models import AuditLog, User
from frontline.epidemic import rounds
from frontline.epidemic.models import RoundSite, Sample, Tube
from frontline.epidemic.registration import mask_name, person_qr_token
from frontline.people.models import Resident

from .conftest import record


@pytest.fixture
def under_way(testing):
    """The demo round under way now, whatever the hour the tests run at."""
    now = timezone.now()
    type(testing.round).objects.filter(pk=testing.round.pk).update(starts_at=now - datetime.timedelta(hours=3),
                                                                  ends_at=now + datetime.timedelta(days=1))
    testing.round.refresh_from_db()
    testing.round_site = RoundSite.objects.get(round=testing.round, site=testing.site)
    return testing


def upload(client, round_site, records, **extra):
    return client.post(reverse("collect_records", args=[round_site.pk]), json.dumps({"records": records}),
                       content_type="application/json", **extra)


def test_a_collector_lands_on_the_site_of_their_staffing(under_way, client_for):
    client = client_for("collector")
    response = client.get("/testing/collect/")
    assert response.status_code == 302 and response["Location"] == f"/testing/collect/{under_way.round_site.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert under_way.site.name in text and 'data-testid="scan"' in text and "autofocus" in text
    assert 'id="collect-config" type="application/json"' in text  # the script's settings: data, not code
    assert "vendor/zxing-browser.min.js" in text and "frontline/collect.js" in text
    assert "采样登记" in client.get("/").content.decode()  # the navigation entry


def test_a_desk_picks_among_the_sites_it_may_register_at(under_way, client_for, city):
    start = under_way.round.starts_at
    second = Site.objects.create(kind="testing", name="第二采样点", area=city.community)
    rounds.round_site_add(actor=None, testing_round=under_way.round, site=second, opens_at=start,
                          closes_at=start + datetime.timedelta(days=1))
    page = client_for("secretary").get("/testing/collect/")
    assert page.status_code == 200
    text = page.content.decode()
    assert under_way.site.name in text and "第二采样点" in text
    # The collector still sees only the site of their staffing; another site of the round is not theirs.
    assert client_for("collector").get("/testing/collect/").status_code == 302
    other = RoundSite.objects.get(round=under_way.round, site=second)
    assert client_for("collector").get(f"/testing/collect/{other.pk}/").status_code == 404


def test_a_volunteer_or_a_visitor_has_no_screen_and_no_upload(under_way, client_for):
    volunteer = client_for("volunteer")
    assert volunteer.get("/testing/collect/").status_code == 403
    assert upload(volunteer, under_way.round_site, [record(under_way.people[0], "VOL000001")]).status_code == 403
    anonymous = upload(Client(), under_way.round_site, [record(under_way.people[0], "VOL000001")])
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert not Tube.objects.filter(code="VOL000001").exists()


def test_the_upload_answers_each_record_and_a_retry_counts_once(under_way, client_for):
    client = client_for("collector")
    people = under_way.people
    batch = [record(p, "PAGE00001") for p in people[:3]] + [record(None, "PAGE00001", id_number="110101199003071234")]
    response = upload(client, under_way.round_site, batch)
    assert response.status_code == 200
    outcomes = response.json()["outcomes"]
    assert [o["client_id"] for o in outcomes] == [r["client_id"] for r in batch]
    assert [o["status"] for o in outcomes] == ["accepted"] * 3 + ["rejected"]
    assert outcomes[0]["masked_name"] == mask_name(people[0].name) and people[0].name not in response.content.decode()
    assert outcomes[2]["tube_count"] == 3 and outcomes[2]["pool_size"] == 10
    assert outcomes[3]["reason"] and outcomes[3]["field"]
    again = upload(client, under_way.round_site, batch).json()["outcomes"]  # the answer was lost: sent again
    assert [o["status"] for o in again[:3]] == ["duplicate"] * 3
    assert Sample.objects.filter(tube__code="PAGE00001").count() == 3
    assert Tube.objects.get(round=under_way.round, code="PAGE00001").samples_count == 3


def test_a_wholly_wrong_upload_is_refused_with_a_reason(under_way, client_for):
    client = client_for("collector")
    url = reverse("collect_records", args=[under_way.round_site.pk])
    assert client.post(url, "not json", content_type="application/json").status_code == 400
    empty = upload(client, under_way.round_site, [])
    assert empty.status_code == 400 and empty.json()["error"]
    assert client.get(url).status_code == 405


def test_the_upload_needs_the_csrf_token(under_way):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="collector"))
    batch = [record(under_way.people[0], "CSRF00001")]
    assert upload(client, under_way.round_site, batch).status_code == 403
    assert not Sample.objects.filter(client_id=batch[0]["client_id"]).exists()
    page = client.get(f"/testing/collect/{under_way.round_site.pk}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = upload(client, under_way.round_site, batch, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200 and response.json()["outcomes"][0]["status"] == "accepted"


def test_a_collector_of_another_site_is_refused(under_way, client_for, city):
    start = under_way.round.starts_at
    other_site = Site.objects.create(kind="testing", name="另一采样点", area=city.community)
    rounds.round_site_add(actor=None, testing_round=under_way.round, site=other_site, opens_at=start,
                          closes_at=start + datetime.timedelta(days=1))
    other = RoundSite.objects.get(round=under_way.round, site=other_site)
    response = upload(client_for("collector"), other, [record(under_way.people[0], "OTHER0001")])
    assert response.status_code == 404 and response.json()["error"]
    assert not Tube.objects.filter(code="OTHER0001").exists()
    # The secretary of the community may register at either site.
    ok = upload(client_for("secretary"), other, [record(under_way.people[0], "OTHER0001")])
    assert ok.json()["outcomes"][0]["status"] == "accepted"


def _household(city):
    return (Household.objects.filter(building__area=city.grid, residents__moved_out__isnull=True).distinct()
            .order_by("id").first())


def test_a_households_qr_sheet_is_masked_and_audited(city, client_for):
    household = _household(city)
    residents = list(Resident.objects.filter(household=household, moved_out__isnull=True).select_related("person"))
    response = client_for("secretary").get(f"/households/{household.pk}/testing-qr/")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('data-testid="qr-card"') == len(residents) == text.count("<svg")
    for r in residents:
        assert mask_name(r.person.name) in text
        assert r.person.name not in text.split("<main", 1)[1] or len(r.person.name) < 2
        assert r.person.id_number not in text and person_qr_token(r.person_id) not in text  # only the picture
    assert household.room in text
    entry = AuditLog.objects.filter(action="view", note="testing QR sheet", object_id=str(household.pk)).get()
    assert entry.actor_id == User.objects.get(username="secretary").pk


def test_a_buildings_qr_sheet_has_every_household_and_is_audited(city, client_for):
    household = _household(city)
    building = household.building
    count = Resident.objects.filter(household__building=building, moved_out__isnull=True).count()
    response = client_for("grid").get(f"/buildings/{building.pk}/testing-qr/")
    assert response.status_code == 200 and response.content.decode().count('data-testid="qr-card"') == count
    assert AuditLog.objects.filter(note="testing QR sheet", object_id=str(building.pk)).count() == 1


def test_the_qr_sheets_are_404_outside_ones_place_and_403_without_people(city, client_for):
    household = _household(city)
    assert client_for("secretary2").get(f"/households/{household.pk}/testing-qr/").status_code == 404
    assert client_for("district2").get(f"/buildings/{household.building_id}/testing-qr/").status_code == 404
    assert client_for("volunteer").get(f"/households/{household.pk}/testing-qr/").status_code == 403
    assert client_for("collector").get(f"/households/{household.pk}/testing-qr/").status_code == 403
    assert not AuditLog.objects.filter(note="testing QR sheet").exists()


def test_the_household_page_leads_to_its_qr_sheet(city, client_for):
    household = _household(city)
    text = client_for("secretary").get(f"/households/{household.pk}/").content.decode()
    assert f"/households/{household.pk}/testing-qr/" in text and f"/buildings/{household.building_id}/testing-qr/" in text


def test_a_scanned_tube_shows_what_is_in_it_already_and_why_it_cannot_take_more(under_way, client_for, city):
    client = client_for("collector")
    url = reverse("collect_tube", args=[under_way.round_site.pk])
    assert client.get(url, {"code": "FRESH0001"}).json() == {"code": "FRESH0001", "count": 0, "pool_size": 10, "new": True}
    upload(client, under_way.round_site, [record(p, "HALF00001") for p in under_way.people[:3]])
    half = client.get(url, {"code": "half00001"}).json()  # typed in lower case
    assert half["count"] == 3 and half["pool_size"] == 10 and not half["reason"]
    assert under_way.people[0].name not in client.get(url, {"code": "HALF00001"}).content.decode()
    # A tube of another site of the round: not usable here, its count not told.
    start = under_way.round.starts_at
    elsewhere = Site.objects.create(kind="testing", name="别处采样点", area=city.community)
    rounds.round_site_add(actor=None, testing_round=under_way.round, site=elsewhere, opens_at=start,
                          closes_at=start + datetime.timedelta(days=1))
    upload(client_for("secretary"), RoundSite.objects.get(round=under_way.round, site=elsewhere),
           [record(under_way.people[5], "ELSE00001")])
    other = client.get(url, {"code": "ELSE00001"}).json()
    assert other["count"] == 0 and "ELSE00001" in other["reason"]
    assert client.get(url, {"code": "bad code!"}).status_code == 400
    assert client_for("volunteer").get(url, {"code": "HALF00001"}).status_code == 403
