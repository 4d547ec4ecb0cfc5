from frontline.areas.models import Household
from frontline.core.models import ApiToken
from tests.access import api_client


def test_openapi_document_is_published(db):
    from django.test import Client

    doc = Client().get("/api/v1/openapi.json").json()
    assert doc["info"]["title"] == "Frontline API"
    assert {"/api/v1/areas", "/api/v1/households/{household_id}", "/api/v1/persons"} <= set(doc["paths"])


def test_tokens_are_stored_hashed_and_can_be_revoked(city):
    token_row, token = ApiToken.issue(user=city.users["grid"], name="scanner")
    assert token not in token_row.digest and token_row.prefix == token[:8]
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/areas").status_code == 200
    token_row.revoked = True
    token_row.save()
    assert client.get("/api/v1/areas").status_code == 401


def test_a_token_reads_its_owner_and_their_assignments_afresh_in_one_statement(city):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from frontline.core.models import Assignment

    user = city.users["grid"]
    _row, token = ApiToken.issue(user=user, name="scanner")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/areas").status_code == 200  # the first use writes last_used_at
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/areas").status_code == 200
    assert not any('"core_assignment"' in q["sql"] for q in queries.captured_queries)  # read with the token
    Assignment.objects.filter(user=user).delete()  # the duty ended: no access at the very next request
    assert client.get("/api/v1/areas").status_code == 403
    user.is_active = False
    user.save()
    assert client.get("/api/v1/areas").status_code == 401


def test_household_detail_lists_current_residents_masked(city):
    household = Household.objects.filter(building__area=city.grid, residents__moved_out__isnull=True,
                                         residents__person__id_number__isnull=False).first()
    data = api_client("grid").get(f"/api/v1/households/{household.pk}").json()
    assert data["resident_count"] == len(data["residents"]) == household.residents.filter(moved_out__isnull=True).count()
    masked = [r["person"]["id_number_masked"] for r in data["residents"] if r["person"]["id_number_masked"]]
    assert masked and all("*" in m for m in masked)  # at least one ID number, and every one masked


def test_area_detail_carries_counts(city):
    data = api_client("secretary").get(f"/api/v1/areas/{city.grid.pk}").json()
    assert data["level"] == "grid" and data["parent_id"] == city.community.pk
    assert data["counts"]["households"] == Household.objects.filter(building__area=city.grid).count()


def test_api_list_query_count_does_not_grow_with_rows(city, django_assert_max_num_queries):
    client = api_client("commander")
    for limit in (5, 100):
        with django_assert_max_num_queries(6):
            assert len(client.get(f"/api/v1/households?limit={limit}").json()["items"]) == limit
        with django_assert_max_num_queries(6):
            response = client.get(f"/api/v1/areas?limit={limit}")
            assert response.status_code == 200 and response.json()["items"]


def test_session_login_also_works_for_the_browser(city, client_for):
    assert client_for("grid").get(f"/api/v1/areas/{city.grid.pk}").status_code == 200


def test_api_docs_page_uses_no_cdn(city, client_for):
    page = client_for("grid").get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "cdn." not in page and "jsdelivr" not in page


def test_viewing_a_person_or_a_household_through_the_api_is_audited_like_the_pages(city):
    from frontline.core.models import AuditLog
    from frontline.people.models import Resident
    from tests.access import api_client

    resident = Resident.objects.filter(household__building__area=city.grid, moved_out__isnull=True).first()
    client = api_client("grid")
    assert client.get(f"/api/v1/persons/{resident.person_id}").status_code == 200
    assert client.get(f"/api/v1/households/{resident.household_id}").status_code == 200
    viewed = set(AuditLog.objects.filter(action="view", actor_name="grid").values_list("content_type__model", "object_id"))
    assert {("person", str(resident.person_id)), ("household", str(resident.household_id))} <= viewed
