"""404, 403 and 500 answer in Chinese, in the site's layout, with a way back; the 500 page needs no database."""

from django.test import RequestFactory
from django.views.defaults import server_error


def test_a_missing_page_answers_in_chinese_with_a_way_back(city, client_for):
    response = client_for("grid").get("/people/999999999/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and 'href="/"' in page and "返回首页" in page
    assert 'data-testid="whoami"' in page  # the site's layout, with the user's navigation


def test_a_refusal_answers_in_chinese_with_a_way_back(city, client_for):
    from frontline.people.models import Resident

    person = Resident.objects.filter(household__building__area=city.grid, person__phone__gt="").first().person
    response = client_for("volunteer").post(f"/people/{person.pk}/reveal/phone/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in page and "返回首页" in page


def test_the_server_error_page_is_chinese_and_needs_no_database():
    # No `db` fixture: any query here would fail the test.
    response = server_error(RequestFactory().get("/anything/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in page and 'href="/"' in page and "vendor/bootstrap.min.css" in page
