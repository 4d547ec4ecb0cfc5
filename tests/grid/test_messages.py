import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from frontline.areas.models import Area
from frontline.grid.selectors import message_coverage
from frontline.grid.services import grid_message_deliver, grid_message_publish
from frontline.notices.models import Notice as GridMessage
from frontline.notices.models import NoticeDelivery as MessageDelivery
from tests.access import assert_access, assert_listed


@pytest.fixture
def message(city):
    return grid_message_publish(actor=city.users["secretary"], kind="guide", title="疫情防控明白卡", body="戴口罩、勤洗手",
                                areas=[city.community], files=[SimpleUploadedFile("明白卡.txt", "一米线".encode())])


def test_a_message_goes_to_every_grid_of_the_chosen_area(city, message):
    assert set(message.grids.all()) == set(Area.objects.filter(level="grid", path__startswith=city.community.path))


def test_message_pages_follow_the_access_matrix(city, client_for, message):
    sees = ["grid", "grid2", "secretary", "street", "commander"]
    assert_access(client_for, f"/messages/{message.pk}/", sees=sees, hidden=["secretary2", "district2"])
    attachment = message.attachments.get()
    assert_access(client_for, f"/messages/{message.pk}/files/{attachment.pk}/", sees=sees, hidden=["secretary2"])
    assert_listed(client_for, "/messages/", f'href="/messages/{message.pk}/"', sees=sees, hidden=["secretary2"])


def test_a_grid_marks_it_passed_on_once_and_coverage_moves(city, client_for, message):
    before, _ = message_coverage(message=message, area=city.community)
    assert before.visited == 0 and before.households >= 2
    client = client_for("grid")
    for _ in range(2):
        client.post(f"/messages/{message.pk}/deliver/", {"grid": city.grid.pk, "channel": "小区微信群"})
    assert MessageDelivery.objects.filter(notice=message).count() == 1
    after, by_child = message_coverage(message=message, area=city.community)
    assert after.visited == 1 and by_child[city.grid.path].visited == 1
    page = client_for("secretary").get(f"/messages/{message.pk}/").content.decode()
    assert f'data-testid="message-coverage">1 / {before.households}<' in page


def test_only_target_grids_can_mark_delivery(city):
    only_mine = grid_message_publish(actor=city.users["secretary"], kind="message", title="通知", body="今晚核酸",
                                     areas=[city.grid])
    with pytest.raises(ValidationError):  # in the secretary's scope, but the message did not go there
        grid_message_deliver(actor=city.users["secretary"], message=only_mine, grid=city.sibling_grid)


def test_roles_that_do_not_pass_messages_on_are_refused_and_nothing_is_written(city, client_for, message):
    """Found by probing: volunteers and inspectors could mark a message passed on."""
    for username in ["volunteer", "inspector", "courier", "cadre", "commander"]:
        with pytest.raises(PermissionDenied):
            grid_message_deliver(actor=city.users[username], message=message, grid=city.grid)
        assert client_for(username).post(f"/messages/{message.pk}/deliver/", {"grid": city.grid.pk}).status_code == 403
    assert not MessageDelivery.objects.filter(notice=message).exists()


def test_publishing_reaches_only_grids_in_scope(city, client_for):
    with pytest.raises(ValidationError):
        grid_message_publish(actor=city.users["secretary"], kind="message", title="x", body="y", areas=[city.sibling_community])
    assert client_for("grid").get("/messages/new/").status_code == 403
    response = client_for("secretary").post("/messages/new/", {"kind": "message", "title": "通知", "body": "今晚核酸",
                                                              "areas": [city.community.pk]})
    assert response.status_code == 302 and GridMessage.objects.filter(title="通知").exists()


def test_an_oversized_attachment_refuses_the_message_and_stores_no_file(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.FRONTLINE_ATTACHMENT_MAX_BYTES = 2**20
    files = [SimpleUploadedFile("明白卡.txt", "一米线".encode()), SimpleUploadedFile("视频.mp4", b"0" * (2**20 + 1))]
    with pytest.raises(ValidationError, match="视频.mp4"):
        grid_message_publish(actor=city.users["secretary"], kind="guide", title="大文件", body="", areas=[city.community],
                             files=files)
    assert not GridMessage.objects.filter(title="大文件").exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
