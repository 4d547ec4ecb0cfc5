"""The checkpoints' pages (frontline.epidemic.gate_views): the checkpoint staff land on the screen of their duty's
checkpoint, a check from it comes back as a verdict (passed, or stopped in large type with the reasons, masked
name and age), a double tap counts once, a stop alerts the person's grid; the desks see their checkpoints with
today's flow and stops, post and end staff, open a checkpoint; another community's checkpoint is 404."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from frontline.areas.models import Site
from frontline.core.models import AuditLog, User, WorkOrder
from frontline.epidemic.models import CheckpointPost, CheckpointScan
from frontline.epidemic.registration import mask_name
from frontline.people.models import Resident


@pytest.fixture
def gate(city):
    post = CheckpointPost.objects.select_related("site").get(user__username="gate", ended_at__isnull=True)
    residents = list(Resident.objects.filter(household__building__area=city.grid, moved_out__isnull=True,
                                             person__id_number__isnull=False).select_related("person").order_by("id")[:20])
    return post.site, [r.person for r in residents]


def check(client, site, person, colour="green", temperature="36.5", **extra):
    values = {"client_id": extra.pop("client_id", uuid.uuid4().hex), "person": person.id_number if person else "",
              "direction": "in", "code_colour": colour, "temperature": temperature, **extra}
    return client.post(reverse("gate_scan_record", args=[site.pk]), values, HTTP_ACCEPT="application/json")


def test_the_checkpoint_staff_land_on_the_screen_of_their_duty(city, gate, client_for):
    site, _people = gate
    client = client_for("gate")
    home = client.get("/").content.decode()
    assert 'data-testid="home-gate"' in home and "卡口查验" in home  # the big button and the navigation entry
    assert 'data-testid="home-coming"' not in home  # not told their part is still being built
    response = client.get("/checkpoints/scan/")
    assert response.status_code == 302 and response["Location"] == f"/checkpoints/{site.pk}/scan/"
    text = client.get(response["Location"]).content.decode()
    assert site.name in text and 'data-testid="person"' in text and "autofocus" in text
    assert 'id="gate-config" type="application/json"' in text and "frontline/gate.js" in text
    for colour in ("green", "yellow", "red"):  # the staff tap what they see: three buttons, none chosen for them
        assert f'data-testid="colour-{colour}"' in text
    assert 'inputmode="decimal"' in text  # the temperature on a numeric keypad


def test_a_check_answers_the_verdict_with_a_masked_name_and_a_retry_counts_once(city, gate, client_for):
    site, people = gate
    client = client_for("gate")
    person = people[0]
    answer = check(client, site, person, client_id="tap-1")
    assert answer.status_code == 200
    verdict = answer.json()["verdict"]
    assert verdict["passed"] is True and verdict["reasons"] == [] and not verdict["duplicate"]
    assert verdict["name"] == mask_name(person.name) and verdict["name"] != person.name
    assert person.id_number not in answer.content.decode()
    again = check(client, site, person, client_id="tap-1").json()["verdict"]  # a double tap, a resend
    assert again["duplicate"] is True and again["passed"] is True
    assert CheckpointScan.objects.filter(client_id="tap-1").count() == 1
    assert answer.json()["recent"][0]["name"] == mask_name(person.name)


def test_a_red_code_stops_the_person_and_alerts_their_grid(city, gate, client_for):
    site, people = gate
    person = people[1]
    verdict = check(client_for("gate"), site, person, colour="red").json()["verdict"]
    assert verdict["passed"] is False and verdict["reasons"] == ["健康码非绿码"]
    scan = CheckpointScan.objects.get(person=person)
    assert scan.passed is False and "code" in scan.reasons
    alert = WorkOrder.objects.get(kind="checkpoint_stop", subject_id=person.pk)
    assert alert.area == city.grid
    inbox = client_for("grid").get("/inbox/").content.decode()
    assert alert.title in inbox


@pytest.mark.parametrize("temperature, passed", [("37.2", True), ("37.3", False), ("373", False), ("372", True)])
def test_the_fever_line_is_37_3_typed_with_or_without_the_point(city, gate, client_for, temperature, passed):
    site, people = gate
    verdict = check(client_for("gate"), site, people[2], temperature=temperature).json()["verdict"]
    assert verdict["passed"] is passed


def test_a_bad_check_is_refused_naming_what_is_wrong_and_nothing_is_stored(city, gate, client_for):
    site, people = gate
    client = client_for("gate")
    answer = check(client, site, people[3], temperature="25")
    assert answer.status_code == 400 and "25" in answer.json()["error"]
    answer = check(client, site, None)
    assert answer.status_code == 400 and answer.json()["error"]
    assert not CheckpointScan.objects.filter(site=site).exists()


def test_without_the_script_the_page_is_drawn_again_with_the_verdict(city, gate, client_for):
    site, people = gate
    response = client_for("gate").post(reverse("gate_scan_record", args=[site.pk]), {
        "client_id": uuid.uuid4().hex, "person": people[4].id_number, "direction": "out", "code_colour": "yellow",
        "temperature": "36.6"})
    text = response.content.decode()
    assert response.status_code == 200 and "禁止通行" in text and mask_name(people[4].name) in text
    assert 'id="direction-out" value="out" checked' in text  # in/out kept between checks


def test_a_visitor_by_hand_is_checked(city, gate, client_for):
    site, _people = gate
    response = client_for("gate").post(reverse("gate_scan_record", args=[site.pk]), {
        "client_id": uuid.uuid4().hex, "manual": "1", "name": "访客甲", "id_number": "110101199003074477",
        "phone": "13800001111", "direction": "in", "code_colour": "green", "temperature": "36.4"},
        HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["verdict"]["name"] == mask_name("访客甲")


def test_another_checkpoint_is_404_for_the_staff_and_records_nothing(city, gate, client_for):
    site, people = gate
    far = Site.objects.create(kind="checkpoint", name="外社区卡口", area=city.sibling_community)
    client = client_for("gate")
    assert client.get(f"/checkpoints/{far.pk}/scan/").status_code == 404
    assert client.get(f"/checkpoints/{far.pk}/").status_code == 404
    assert check(client, far, people[0]).status_code == 404
    assert not CheckpointScan.objects.filter(site=far).exists()
    assert client_for("volunteer").get(f"/checkpoints/{site.pk}/scan/").status_code == 403


def test_the_desk_sees_todays_flow_and_stops_masked_and_audited(city, gate, client_for):
    site, people = gate
    staff = client_for("gate")
    check(staff, site, people[5])
    check(staff, site, people[6], direction="out")
    check(staff, site, people[7], colour="red")
    secretary = client_for("secretary")
    listing = secretary.get("/checkpoints/").content.decode()
    assert site.name in listing and "今日：放行进入 1 人，放行外出 1 人，劝阻 1 人" in listing
    page = secretary.get(f"/checkpoints/{site.pk}/")
    text = page.content.decode()
    assert mask_name(people[7].name) in text and people[7].name not in text and people[7].id_number not in text
    assert "gate" in text  # the staff on duty
    assert AuditLog.objects.filter(actor=city.users["secretary"], note="checkpoint stops", object_id=str(site.pk)).exists()
    assert client_for("secretary2").get(f"/checkpoints/{site.pk}/").status_code == 404


def test_the_desk_posts_and_ends_staff_and_access_follows(city, gate, client_for):
    site, _people = gate
    secretary = client_for("secretary")
    volunteer = User.objects.get(username="volunteer")
    response = secretary.post(f"/checkpoints/{site.pk}/posts/", {"user": volunteer.pk})
    assert response.status_code == 302
    post = CheckpointPost.objects.get(site=site, user=volunteer, ended_at__isnull=True)
    assert client_for("volunteer").get(f"/checkpoints/{site.pk}/scan/").status_code == 200
    assert secretary.post(f"/checkpoints/{site.pk}/posts/{post.pk}/end/").status_code == 302
    post.refresh_from_db()
    assert post.ended_at is not None
    assert client_for("volunteer").get(f"/checkpoints/{site.pk}/scan/").status_code == 404  # the site is no longer theirs
    # The staff cannot post anyone; an account the desk does not manage is refused by name.
    assert client_for("gate").post(f"/checkpoints/{site.pk}/posts/", {"user": volunteer.pk}).status_code == 403
    outsider = User.objects.get(username="district2")
    refused = secretary.post(f"/checkpoints/{site.pk}/posts/", {"user": outsider.pk})
    assert refused.status_code == 400 and not CheckpointPost.objects.filter(user=outsider).exists()


def test_a_community_without_a_checkpoint_opens_one(city, client_for):
    secretary = client_for("secretary")
    assert secretary.get("/checkpoints/new/").status_code == 200
    response = secretary.post("/checkpoints/new/", {"area": city.sibling_grid.pk, "kind": "checkpoint",
                                                    "name": "二号小区南门卡口"})
    site = Site.objects.get(name="二号小区南门卡口")
    assert response.status_code == 302 and response["Location"] == f"/checkpoints/{site.pk}/#staff"
    assert site.kind == "checkpoint" and site.opened_on == timezone.localdate()
    again = secretary.post("/checkpoints/new/", {"area": city.sibling_grid.pk, "kind": "checkpoint",
                                                 "name": "二号小区南门卡口"})
    assert again.status_code == 400 and Site.objects.filter(name="二号小区南门卡口").count() == 1
    far = secretary.post("/checkpoints/new/", {"area": city.other_district.pk, "kind": "checkpoint", "name": "外区"})
    assert far.status_code == 400 and not Site.objects.filter(name="外区").exists()
    assert client_for("gate").get("/checkpoints/new/").status_code == 403


def test_the_demo_gate_has_the_days_flow_and_two_stops_in_the_grid_workers_inbox(city, client_for):
    import datetime

    from frontline.demo.control_gate import demo_gate_create

    # Yesterday evening: a whole day of checks, whatever the hour the suite runs at (early in the morning today's
    # window holds too few for "a day's flow").
    now = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(0))) - datetime.timedelta(hours=4)
    site = CheckpointPost.objects.get(user__username="gate", ended_at__isnull=True).site
    stored = demo_gate_create(now=now)
    scans = CheckpointScan.objects.filter(site=site, day=timezone.localdate(now))
    assert stored == scans.count() > 100
    stops = scans.filter(passed=False)
    assert sorted(s.reasons for s in stops) == ["code", "fever"]
    assert demo_gate_create(now=now) == 0  # once a day
    inbox = client_for("grid").get("/inbox/").content.decode()
    alerts = WorkOrder.objects.filter(kind="checkpoint_stop", subject_id__in=[s.person_id for s in stops])
    assert alerts.count() == 2 and all(a.title in inbox for a in alerts)
