"""Walking custody in the demo: with one laboratory in the city, the sealing and pickup screens name it
already, so the bag reaches the laboratory whose staff scans its arrival (a bag sealed and picked up with the
laboratory left at "—" was invisible to the laboratory: "不存在，或不由您交接")."""

import re

import pytest
from django.urls import reverse

from frontline.epidemic.models import Bag, Laboratory

from .routes_custody import demo_round, tubes_make


@pytest.fixture
def demo(city):
    return demo_round(city)


def _scan(client, demo, code="", **data):
    response = client.post(reverse("bag_scan"), {"round": demo.round.pk, "code": code, **data}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response


def _selected_lab(response) -> str | None:
    found = re.search(r'<option value="(\d+)"[^>]*selected', response.content.decode())
    return found and found.group(1)


def test_the_only_laboratory_is_chosen_already_and_receives_the_bag(demo, client_for):
    assert Laboratory.objects.count() == 1
    tubes_make(demo.round, demo.site, ["WK0001", "WK0002"])
    collector = client_for("collector")
    bag = _scan(collector, demo, "BAG-WK").context["bag"].pk
    filled = _scan(collector, demo, "WK0001", bag=bag)
    filled = _scan(collector, demo, "WK0002", bag=bag)
    assert _selected_lab(filled) == str(demo.lab.pk)
    _scan(collector, demo, bag=bag, action="seal", laboratory=_selected_lab(filled))
    assert Bag.objects.get(pk=bag).laboratory == demo.lab
    transporter = client_for("transporter")
    _scan(transporter, demo, "BAG-WK")
    _scan(transporter, demo, action="confirm", bag=bag, scanned=["WK0001", "WK0002"])
    lab = client_for("lab")
    arrived = _scan(lab, demo, "BAG-WK")
    assert arrived.context["bag"] is not None and arrived.context["stage"] == "delivered"


def test_with_two_laboratories_none_is_chosen_for_the_collector(demo, client_for):
    Laboratory.objects.create(name="市第二检测中心", area=demo.lab.area)
    tubes_make(demo.round, demo.site, ["WK0003"])
    collector = client_for("collector")
    bag = _scan(collector, demo, "BAG-WK2").context["bag"].pk
    assert _selected_lab(_scan(collector, demo, "WK0003", bag=bag)) is None
