import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from frontline.areas.models import Area
from frontline.core.models import Assignment, AuditLog, User
from frontline.notices.models import Notice, NoticeReceipt
from frontline.notices.selectors import receipt_rates
from frontline.notices.services import notice_acknowledge, notice_issue, notice_publish, notice_remind


def _holders(roles, area):
    return set(Assignment.objects.current().filter(role__in=roles, area__path__startswith=area.path)
               .values_list("user__username", flat=True))


@pytest.fixture
def notice(city):
    """The commander's notice to community secretaries and grid workers of the district."""
    return notice_issue(actor=city.users["commander"], kind="notice", title="关于做好核酸检测的通知", body="今晚八点开始",
                        targets=[city.district], roles=["community_secretary", "grid_worker"],
                        files=[SimpleUploadedFile("安排.txt", "一米线".encode())])


def test_issuing_down_the_tree_gives_one_receipt_to_each_holder_of_the_roles_there_and_none_outside(city, notice):
    got = set(notice.receipts.values_list("user__username", flat=True))
    assert got == _holders(["community_secretary", "grid_worker"], city.district)
    assert {"secretary", "grid", "grid2", "secretary2"} <= got
    assert not got & {"commander", "street", "cadre", "volunteer", "district2"}
    assert notice.area == city.city and list(notice.targets.all()) == [city.district]
    assert not notice.grids.exists()


def test_a_notice_to_an_area_outside_the_issuers_scope_is_refused_in_chinese_and_nothing_is_written(city):
    before = Notice.objects.count(), NoticeReceipt.objects.count()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        notice_issue(actor=city.users["secretary"], kind="notice", title="越权", body="x",
                     targets=[city.community, city.sibling_community], roles=["grid_worker"])
    assert city.sibling_community.name in " ".join(refused.value.messages)
    assert "管辖范围" in " ".join(refused.value.messages)
    assert (Notice.objects.count(), NoticeReceipt.objects.count()) == before
    response = Client()
    response.force_login(city.users["secretary"])
    page = response.post("/notices/new/", {"kind": "notice", "title": "越权", "body": "x", "roles": ["grid_worker"],
                                           "targets": [city.sibling_community.pk]}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 400 and not Notice.objects.filter(title="越权").exists()


def test_a_notice_needs_an_audience_and_roles_that_can_receive(city):
    with pytest.raises(ValidationError):
        notice_issue(actor=city.users["secretary"], kind="notice", title="x", body="y", targets=[city.community])
    with pytest.raises(ValidationError):
        notice_issue(actor=city.users["secretary"], kind="notice", title="x", body="y", targets=[city.community],
                     roles=["courier"])
    with pytest.raises(PermissionDenied):
        notice_issue(actor=city.users["grid"], kind="notice", title="x", body="y", targets=[city.grid], roles=["volunteer"])
    assert not Notice.objects.filter(title="x").exists()


def test_the_recipient_acknowledges_from_the_home_page_and_twice_is_harmless(city, client_for, notice):
    client = client_for("grid")
    home = client.get("/").content.decode()
    assert 'data-testid="home-notices"' in home and notice.title in home
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert 'data-testid="acknowledge"' in page
    assert client.post(f"/notices/{notice.pk}/acknowledge/").status_code == 302
    first = NoticeReceipt.objects.get(notice=notice, user=city.users["grid"]).acknowledged_at
    assert first is not None
    assert client.post(f"/notices/{notice.pk}/acknowledge/").status_code == 302
    assert NoticeReceipt.objects.get(notice=notice, user=city.users["grid"]).acknowledged_at == first
    assert 'data-testid="home-notices"' not in client.get("/").content.decode()
    assert 'data-testid="acknowledged"' in client.get(f"/notices/{notice.pk}/").content.decode()


def test_nobody_acknowledges_for_another(city, client_for, notice):
    for username in ["commander", "admin"]:  # see the notice, hold no receipt
        assert client_for(username).post(f"/notices/{notice.pk}/acknowledge/").status_code == 403
    for username in ["street", "cadre", "district2"]:  # neither addressed to them nor issued or aimed in their place
        assert client_for(username).post(f"/notices/{notice.pk}/acknowledge/").status_code == 404
    for username in ["commander", "street", "cadre", "admin"]:
        with pytest.raises(PermissionDenied):
            notice_acknowledge(actor=User.objects.get(username=username), notice=notice)
    assert not NoticeReceipt.objects.filter(notice=notice, acknowledged_at__isnull=False).exists()


def test_receipt_rates_by_unit(city, client_for, notice):
    notice_acknowledge(actor=city.users["grid"], notice=notice)
    total, here, children = receipt_rates(actor=city.users["commander"], notice=notice, area=city.community)
    by_name = {c.pk: r for c, r in children}
    assert (by_name[city.grid.pk].recipients, by_name[city.grid.pk].acknowledged) == (1, 1)
    assert (by_name[city.sibling_grid.pk].recipients, by_name[city.sibling_grid.pk].acknowledged) == (1, 0)
    assert (here.recipients, here.acknowledged) == (1, 0)  # the community's secretary
    assert (total.recipients, total.acknowledged, total.percent) == (3, 1, 33)
    district_total, _here, streets = receipt_rates(actor=city.users["commander"], notice=notice, area=city.district)
    assert district_total.recipients == notice.receipts.count()
    assert sum(r.recipients for _c, r in streets) == district_total.recipients
    page = client_for("commander").get(f"/notices/{notice.pk}/receipts/?area={city.community.pk}").content.decode()
    assert 'data-testid="receipt-total">1 / 3<' in page and "33%" in page


def test_only_the_issuer_and_who_may_issue_where_it_was_issued_see_the_rates(city, client_for, notice):
    assert client_for("commander").get(f"/notices/{notice.pk}/receipts/").status_code == 200
    # a recipient who may issue, but below the city where it was issued; a recipient who may not issue
    for username in ["secretary", "grid"]:
        assert client_for(username).get(f"/notices/{notice.pk}/receipts/").status_code == 403
    for username in ["street", "district2"]:  # not theirs at all
        assert client_for(username).get(f"/notices/{notice.pk}/receipts/").status_code == 404
    own = notice_issue(actor=city.users["secretary"], kind="notice", title="社区通知", body="x", targets=[city.community],
                       roles=["grid_worker"])
    assert client_for("secretary").get(f"/notices/{own.pk}/receipts/").status_code == 200
    assert client_for("street").get(f"/notices/{own.pk}/receipts/").status_code == 200  # may issue at the community
    assert client_for("secretary2").get(f"/notices/{own.pk}/receipts/").status_code == 404


def test_reminding_the_laggards_marks_them_urged_on_their_home_page_and_is_audited(city, client_for, notice):
    notice_acknowledge(actor=city.users["grid"], notice=notice)
    laggards = notice.receipts.filter(acknowledged_at__isnull=True).count()
    assert client_for("commander").post(f"/notices/{notice.pk}/remind/").status_code == 302
    assert notice_remind(actor=city.users["commander"], notice=notice) == laggards
    reminded = NoticeReceipt.objects.get(notice=notice, user=city.users["grid2"])
    assert reminded.reminded_count == 2 and reminded.reminded_at is not None
    done = NoticeReceipt.objects.get(notice=notice, user=city.users["grid"])
    assert done.reminded_count == 0 and done.reminded_at is None
    assert AuditLog.objects.filter(action="update", note="reminded", object_id=str(reminded.pk)).count() == 2
    assert 'data-testid="urged"' in client_for("grid2").get("/").content.decode()
    assert 'data-testid="urged"' not in client_for("grid").get("/").content.decode()
    with pytest.raises(PermissionDenied):
        notice_remind(actor=city.users["secretary"], notice=notice)


def test_an_open_letter_is_readable_without_login_and_shows_no_recipients(city, client_for):
    letter = notice_issue(actor=city.users["commander"], kind="letter", title="致全市居民的一封信",
                          body="坚持就是胜利", targets=[city.district], roles=["community_secretary", "grid_worker"])
    assert client_for("commander").post(f"/notices/{letter.pk}/publish/").status_code == 302
    letter.refresh_from_db()
    assert len(letter.public_slug) >= 24
    page = Client().get(f"/letters/{letter.public_slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    article = html[html.index('data-testid="letter"'):html.index("</article>")]
    assert "致全市居民的一封信" in article and "坚持就是胜利" in article and city.city.name in article
    for username in letter.receipts.values_list("user__username", flat=True):
        assert f">{username}<" not in html and f" {username} " not in html
    assert "secretary2" not in html
    assert Client().get("/letters/not-a-slug/").status_code == 404
    assert Client().get(f"/notices/{letter.pk}/").status_code == 302  # the notice itself needs a login


def test_only_open_letters_are_published(city, notice):
    with pytest.raises(ValidationError):
        notice_publish(actor=city.users["commander"], notice=notice)
    assert Notice.objects.get(pk=notice.pk).public_slug is None


def test_grid_messages_are_notices_to_grids(city, client_for):
    from frontline.grid.services import grid_message_publish

    message = grid_message_publish(actor=city.users["secretary"], kind="guide", title="明白卡", body="戴口罩",
                                   areas=[city.community])
    assert Notice.objects.get(pk=message.pk).kind == "guide" and not message.receipts.exists()
    listed = client_for("grid").get("/notices/").content.decode()
    assert f'href="/notices/{message.pk}/"' in listed
    page = client_for("grid").get(f"/notices/{message.pk}/").content.decode()
    assert f'href="/messages/{message.pk}/"' in page
    # a notice to roles only has no grid coverage: the grid's page hands over to it
    notice = notice_issue(actor=city.users["secretary"], kind="notice", title="通知", body="x", targets=[city.community],
                          roles=["grid_worker"])
    assert client_for("secretary").get(f"/messages/{notice.pk}/")["Location"] == f"/notices/{notice.pk}/"


def test_the_figure_of_messages_passed_on_keeps_its_code_and_counts_grid_deliveries(city):
    from frontline.areas import figures
    from frontline.grid.services import grid_message_deliver, grid_message_publish

    figure = next(f for f in figures.figure_list() if f.code == "messages_delivered")
    assert figure.app == "grid"
    before = figure.rows(None).count()
    message = grid_message_publish(actor=city.users["secretary"], kind="message", title="通知", body="请配合",
                                   areas=[city.community])
    grid_message_deliver(actor=city.users["grid"], message=message, grid=city.grid)
    assert figure.rows(None).count() == before + 1


def test_the_rates_page_asks_the_same_number_of_queries_however_many_recipients(city, client_for):
    grids = list(Area.objects.filter(level="grid", path__startswith=city.district.path).order_by("path")[:12])

    def issue(n):
        for i, grid in enumerate(grids[:n]):
            user = User.objects.create(username=f"worker-q{n}-{i}", role="grid_worker", area=grid)
            Assignment.objects.create(user=user, role="grid_worker", area=grid, valid_from=datetime.date(2022, 3, 1))
        notice = notice_issue(actor=city.users["commander"], kind="notice", title=f"通知{n}", body="x",
                              targets=[city.district], roles=["grid_worker"])
        NoticeReceipt.objects.filter(notice=notice, user__username__startswith=f"worker-q{n}-0").update(
            acknowledged_at=timezone.now())
        return notice

    client = client_for("commander")
    counts = []
    for n in (2, 12):
        notice = issue(n)
        client.get(f"/notices/{notice.pk}/receipts/")  # warm the session and figures
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/notices/{notice.pk}/receipts/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_demo_shows_a_notice_with_receipts_coming_in_and_a_published_letter(city, client_for):
    from frontline.demo.accounts import demo_activity_create

    demo_activity_create()
    notice = Notice.objects.get(title="关于开展新一轮全员核酸检测的通知")
    total, acknowledged = notice.receipts.count(), notice.receipts.filter(acknowledged_at__isnull=False).count()
    assert total >= 6 and 0.5 <= acknowledged / total <= 0.75
    assert not notice.receipts.filter(acknowledged_at__isnull=True, reminded_count=0).exists()
    assert 'data-testid="home-notice"' in client_for("grid").get("/").content.decode()
    letter = Notice.objects.get(kind="letter")
    assert Client().get(f"/letters/{letter.public_slug}/").status_code == 200
    assert Notice.objects.filter(kind="guide", grids__isnull=False).exists()  # the grid's guide, now a notice
