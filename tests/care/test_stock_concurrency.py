"""Two people withdrawing the last units of an item at once, on two connections: exactly one gets them, the stock
ends at 0 with one move, and the other is told what is left (PostgreSQL's row locks; SQLite takes one writer at a
time and has nothing to race)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from frontline.areas.models import Site, SiteKind
from frontline.care.models import ItemCategory, MoveKind, Stock, StockMove, SupplyItem
from frontline.care.stock import stock_issue, stock_receive, stock_send_out
from frontline.core.models import User


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: runs in the PostgreSQL phase of CI")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("withdraw", ["issue", "out"])
def test_two_people_taking_the_last_units_at_once_never_drive_the_stock_negative(live_city, withdraw):
    secretary = User.objects.get(username="secretary")
    centre = Site.objects.get(area=secretary.area, kind=SiteKind.SERVICE_CENTER)
    kit = SupplyItem.objects.create(name="并发礼包", category=ItemCategory.KIT, unit="份", stocked=True)
    stock_receive(actor=secretary, site=centre, item=kit, quantity=5)
    barrier, outcomes = threading.Barrier(2), []

    def take():
        try:
            actor = User.objects.get(username="secretary")
            with translation.override("zh-hans"):
                barrier.wait()
                if withdraw == "issue":
                    stock_issue(actor=actor, site=centre, item=kit, quantity=5, recipient_kind="resident", recipients=5)
                else:
                    stock_send_out(actor=actor, site=centre, item=kit, quantity=5)
            outcomes.append("ok")
        except ValidationError as e:
            outcomes.append(e.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=lambda o: o != "ok")[0] == "ok" and len(outcomes) == 2
    refusal = [o for o in outcomes if o != "ok"]
    assert len(refusal) == 1 and centre.name in refusal[0] and "并发礼包" in refusal[0] and "0" in refusal[0]
    assert Stock.objects.get(site=centre, item=kit).quantity == 0
    assert StockMove.objects.filter(site=centre, item=kit).exclude(kind=MoveKind.IN).count() == 1
