"""One's own API tokens: issued once, used by a phone app, revoked; nobody else's are reachable."""

from django.test import Client

from frontline.core.models import ApiToken, AuditLog
from frontline.core.services import MAX_ACTIVE_TOKENS, api_token_issue


def test_a_token_issued_on_the_page_is_shown_once_and_works_for_the_api(city, client_for):
    page = client_for("grid").post("/tokens/", {"name": "网格员手机"})
    token = page.context["issued"]
    assert page.status_code == 200 and token in page.content.decode()
    row = ApiToken.objects.get(user=city.users["grid"], name="网格员手机")
    assert row.digest == ApiToken.hash(token) and token not in client_for("grid").get("/tokens/").content.decode()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/inbox").status_code == 200
    assert AuditLog.objects.filter(action="create", content_type__model="apitoken", object_id=str(row.pk)).exists()


def test_revoking_stops_the_token_and_only_the_owner_can(city, client_for):
    row, token = api_token_issue(actor=city.users["grid"], name="扫码枪")
    assert client_for("grid2").post(f"/tokens/{row.pk}/revoke/").status_code == 404
    assert f"revoke-{row.pk}" not in client_for("grid2").get("/tokens/").content.decode()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/inbox").status_code == 200
    assert client_for("grid").post(f"/tokens/{row.pk}/revoke/").status_code == 302
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/inbox").status_code == 401


def test_a_nameless_token_or_one_too_many_is_refused_with_a_reason(city, client_for):
    client = client_for("grid")
    response = client.post("/tokens/", {"name": "  "})
    assert response.status_code == 400 and "请说明" in response.content.decode()
    for i in range(MAX_ACTIVE_TOKENS):
        api_token_issue(actor=city.users["grid"], name=f"设备{i}")
    response = client.post("/tokens/", {"name": "再来一个"})
    assert response.status_code == 400 and not ApiToken.objects.filter(name="再来一个").exists()


def test_a_machine_token_does_its_purpose_and_nothing_else(city, client_for):
    """A wall screen's token reads figures; it cannot list people although its owner can."""
    page = client_for("commander").post("/tokens/", {"name": "指挥大屏", "purpose": "figures:read"}).content.decode()
    import re

    token = re.search(r'data-testid="token">([^<]+)<', page).group(1)
    from django.test import Client

    machine = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert machine.get(f"/api/v1/areas/{city.city.pk}/figures").status_code == 200
    assert machine.get("/api/v1/persons?q=zhang").status_code == 403
    assert machine.get("/api/v1/inbox").status_code == 403
    refused = client_for("volunteer").post("/tokens/", {"name": "x", "purpose": "figures:read"})
    assert refused.status_code == 400  # a volunteer may not read figures, so may not give a machine that right
