"""Serving residents' fixtures: a catalogue, and households of the demo grids."""

from types import SimpleNamespace

import pytest

from frontline.areas.models import Household
from frontline.care.models import ItemCategory, SupplyItem


@pytest.fixture
def catalogue(db):
    rows = [("大米 5kg", ItemCategory.FOOD, "袋", 2), ("蔬菜包", ItemCategory.FOOD, "份", 3),
            ("布洛芬缓释胶囊", ItemCategory.MEDICINE, "盒", 2), ("卫生纸", ItemCategory.DAILY, "提", 2)]
    items = {name: SupplyItem.objects.get_or_create(name=name, defaults={
        "category": category, "unit": unit, "orderable": True, "max_per_order": most})[0]
        for name, category, unit, most in rows}
    return SimpleNamespace(rice=items["大米 5kg"], vegetables=items["蔬菜包"], medicine=items["布洛芬缓释胶囊"],
                           paper=items["卫生纸"])


@pytest.fixture
def homes(city):
    """Two households of the demo grid and one of its sibling grid."""
    here = list(Household.objects.filter(building__area=city.grid).select_related("building").order_by("id")[:2])
    there = Household.objects.filter(building__area=city.sibling_grid).select_related("building").order_by("id").first()
    return SimpleNamespace(one=here[0], two=here[1], other_grid=there)
