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
    assert "不在您可发通知的范围内" in response.content.decode()
    assert Notice.objects.count() == before


def test_a_notice_to_a_place_outside_the_issuers_scope_is_refused(city, client_for):
    sibling_grid = Area.objects.filter(level="grid", path__startswith=city.sibling_community.path).order_by("path").first()
    before = Notice.objects.count()
    for target in (city.sibling_community, sibling_grid, city.other_district):
        response = client_for("secretary").post("/notices/new/", _data(target))
        assert response.status_code == 400
        assert f"所选区域（{target.pk}）不在您可发通知的范围内" in response.content.decode()
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


def test_attachments_go_up_through_the_page_one_or_several_and_come_back_to_recipients(city, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("secretary")
    one = client.post("/notices/new/", _data(city.community, title="一个附件",
                                             files=SimpleUploadedFile("明白卡.txt", "一米线".encode())))
    assert one.status_code == 302
    assert [a.name for a in Notice.objects.get(title="一个附件").attachments.all()] == ["明白卡.txt"]
    long_name = "很长的文件名" * 60 + ".pdf"
    several = client.post("/notices/new/", _data(city.community, title="两个附件", files=[
        SimpleUploadedFile(long_name, b"%PDF-1.4"),
        SimpleUploadedFile("<img src=x onerror=alert(1)>.html", b"<script>alert(1)</script>", content_type="text/html")]))
    assert several.status_code == 302
    notice = Notice.objects.get(title="两个附件")
    names = sorted(a.name for a in notice.attachments.all())
    assert len(names) == 2 and names[1].endswith(".pdf") and len(names[1]) == 255
    page = client_for("grid").get(f"/notices/{notice.pk}/").content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.html" in page
    html = notice.attachments.get(name__endswith=".html")
    download = client_for("grid").get(f"/notices/{notice.pk}/files/{html.pk}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


def test_a_grid_message_takes_its_attachment_through_the_page(city, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = Notice.objects.count()
    from django.urls import reverse

    response = client_for("secretary").post(reverse("grid_message_new"), {
        "kind": "message", "title": "宣讲", "body": "请转告居民", "areas": [city.community.pk],
        "files": SimpleUploadedFile("明白卡.txt", "一米线".encode())})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Notice.objects.count() == before + 1
    assert Notice.objects.latest("pk").attachments.count() == 1
