"""Notices attacked as a hostile or careless user would: out-of-range and foreign area ids, the same notice
sent twice, markup in the title, GET on what only a POST may do."""

from frontline.areas.models import Area
from frontline.notices.models import Notice
from frontline.notices.services import notice_issue

HUGE = "99999999999999999999999"
XSS = "<script>alert(1)</script>"


def _data(area, **more):
    return {"kind": "notice", "title": "关于做好值守的通知", "body": "请各社区落实", "targets": [area.pk],
            "roles": ["grid_worker"], **more}


def test_an_area_id_beyond_any_key_is_an_invalid_choice_not_a_crash(city, client_for):
    before = Notice.objects.count()
    response = client_for("secretary").post("/notices/new/", _data(city.community, targets=[HUGE]))
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert Notice.objects.count() == before


def test_a_notice_to_a_place_outside_the_issuers_scope_is_refused(city, client_for):
    sibling_grid = Area.objects.filter(level="grid", path__startswith=city.sibling_community.path).order_by("path").first()
    before = Notice.objects.count()
    for target in (city.sibling_community, sibling_grid, city.other_district):
        response = client_for("secretary").post("/notices/new/", _data(target))
        assert response.status_code == 400
        assert "选择一个有效的选项" in response.content.decode()
    assert Notice.objects.count() == before


def test_the_same_notice_sent_twice_is_issued_once(city, client_for):
    client = client_for("secretary")
    before = Notice.objects.count()
    assert client.post("/notices/new/", _data(city.community)).status_code == 302
    second = client.post("/notices/new/", _data(city.community))
    assert second.status_code == 400
    assert "不再重复发出" in second.content.decode()
    assert Notice.objects.count() == before + 1
    # The same text to other areas, or another text, is another notice.
    assert client.post("/notices/new/", _data(city.grid)).status_code == 302
    assert client.post("/notices/new/", _data(city.community, title="第二份通知")).status_code == 302
    assert Notice.objects.count() == before + 3


def test_markup_in_a_title_renders_escaped(city, client_for):
    notice = notice_issue(actor=city.users["secretary"], kind="letter", title=XSS, body=XSS, targets=[city.grid],
                          roles=["grid_worker"])
    for username, url in (("secretary", f"/notices/{notice.pk}/"), ("secretary", "/notices/"),
                          ("secretary", f"/notices/{notice.pk}/receipts/"), ("grid", "/")):
        body = client_for(username).get(url).content.decode()
        assert XSS not in body, url


def test_a_non_numeric_or_huge_area_in_the_receipts_page_is_not_found(city, client_for):
    notice = notice_issue(actor=city.users["secretary"], kind="notice", title="通知", body="请配合",
                          targets=[city.grid], roles=["grid_worker"])
    client = client_for("secretary")
    for area in ("abc", HUGE, str(city.sibling_community.pk)):
        assert client.get(f"/notices/{notice.pk}/receipts/", {"area": area}).status_code == 404


def test_writes_answer_only_a_post(city, client_for):
    notice = notice_issue(actor=city.users["secretary"], kind="letter", title="通知", body="请配合",
                          targets=[city.grid], roles=["grid_worker"])
    client = client_for("secretary")
    for action in ("acknowledge", "remind", "publish"):
        assert client.get(f"/notices/{notice.pk}/{action}/").status_code == 405
    notice.refresh_from_db()
    assert not notice.public_slug
