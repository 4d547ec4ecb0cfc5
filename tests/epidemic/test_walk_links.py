"""Walking a round's pages: each leads back to the round, and the round's page leads to coverage, custody,
results, the results held for review (for the desk) and the positives; the positives to their work orders."""

from frontline.demo.testing import demo_testing_create
from frontline.epidemic import models as epidemic


def test_the_round_s_pages_link_to_each_other(city, client_for):
    demo_testing_create()
    testing_round = epidemic.TestingRound.objects.get(staff__user=city.users["collector"])
    base = f"/testing/rounds/{testing_round.pk}/"
    secretary = client_for("secretary")
    detail = secretary.get(base).content.decode()
    for part in ("coverage/", "bags/", "results/", "results/reviews/", "positives/"):
        assert f'href="{base}{part}"' in detail
        assert secretary.get(base + part).status_code == 200
    assert "科员及以下" not in detail and "采样员与转运员" in detail
    grid = city.users["grid"].area
    for page in ("coverage/", "bags/", "results/", "positives/", f"grids/{grid.pk}/untested/"):
        text = secretary.get(base + page).content.decode()
        assert f'href="{base}"' in text, page
    lab = client_for("lab").get(base).content.decode()
    assert f'href="{base}results/reviews/"' not in lab  # the desk's, not the laboratory's


def test_a_positive_tube_leads_to_its_path(city, client_for):
    demo_testing_create()
    testing_round = epidemic.TestingRound.objects.get(staff__user=city.users["collector"])
    positive = epidemic.Tube.objects.get(round=testing_round, result="positive")
    seen = []
    for username in city.users:
        client = client_for(username)
        page = client.get(f"/testing/rounds/{testing_round.pk}/positives/")
        if page.status_code == 200 and f'href="/testing/tubes/{positive.pk}/"' in page.content.decode():
            seen.append(username)
            assert client.get(f"/testing/tubes/{positive.pk}/").status_code == 200, username  # never a dead link
    assert {"secretary", "lab", "commander", "street"} <= set(seen)
