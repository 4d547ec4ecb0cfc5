"""API lists are bounded: a page has a maximum size, huge limits and offsets answer 422 with the allowed
range, and the OpenAPI schema documents every refusal an operation gives."""

import pytest
from django.conf import settings

from frontline.core.api import api_with_routers
from frontline.core.pagination import MAX_OFFSET
from tests.access import api_client


def test_a_page_larger_than_the_maximum_is_refused_with_the_allowed_range(city):
    client = api_client("commander")
    response = client.get("/api/v1/households?limit=1000000")
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "limit"] and error["ctx"] == {"le": settings.FRONTLINE_API_MAX_LIMIT}
    assert str(settings.FRONTLINE_API_MAX_LIMIT) in error["msg"]
    page = client.get(f"/api/v1/households?limit={settings.FRONTLINE_API_MAX_LIMIT}")
    assert page.status_code == 200 and len(page.json()["items"]) == settings.FRONTLINE_API_MAX_LIMIT


@pytest.mark.parametrize("query", ["limit=9223372036854775808", "offset=9223372036854775808", "offset=-1", "limit=0",
                                   f"offset={MAX_OFFSET + 1}"])
@pytest.mark.parametrize("path", ["/api/v1/households", "/api/v1/areas", "/api/v1/work-orders", "/api/v1/persons?q=zh",
                                  "/api/v1/campaigns", "/api/v1/inbox"])
def test_huge_or_negative_paging_answers_422_not_500(city, path, query):
    response = api_client("commander").get(f"{path}{'&' if '?' in path else '?'}{query}")
    assert response.status_code == 422, response.content
    assert [e["loc"][-1] for e in response.json()["detail"]] == [query.partition("=")[0]]


def test_the_largest_offset_allowed_answers_an_empty_page(city):
    response = api_client("commander").get(f"/api/v1/households?offset={MAX_OFFSET}")
    assert response.status_code == 200 and response.json()["items"] == []


def test_the_default_page_is_the_configured_size(city):
    assert len(api_client("commander").get("/api/v1/households").json()["items"]) == settings.FRONTLINE_API_PAGE_SIZE


def test_every_operation_documents_its_refusals_in_one_shared_schema(db):
    schema = api_with_routers().get_openapi_schema()
    assert schema["components"]["schemas"]["Error"]["properties"]["detail"]
    error_ref = {"$ref": "#/components/schemas/Error"}
    operations = [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]
    assert len(operations) > 10
    for path, method, op in operations:
        answers = op["responses"]
        assert {401, 403} <= set(answers), (method, path)
        if "{" in path:
            assert 404 in answers and 422 in answers, (method, path)
        if op.get("parameters") or op.get("requestBody"):
            assert 422 in answers, (method, path)
        for status in (401, 403, 404, 422):
            if status in answers:
                assert answers[status]["content"]["application/json"]["schema"] == error_ref
    households = schema["paths"]["/api/v1/households"]["get"]
    assert 404 in households["responses"]  # ?area= names an area that may be missing or not the caller's
    limit = next(p for p in households["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == settings.FRONTLINE_API_MAX_LIMIT


def test_the_documented_refusals_have_the_documented_shape(city, client):
    assert set(client.get("/api/v1/households").json()) == {"detail"}  # 401
    missing = api_client("commander").get("/api/v1/households/999999999", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert missing.status_code == 404 and missing.json() == {"detail": "不存在（或不在您的权限范围内）。"}
