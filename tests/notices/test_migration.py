"""The grid's messages become notices: the migration copies every GridMessage with its attachments and
deliveries under the same ids, then the grid's tables go."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("grid", "0003_transfer_request"), ("notices", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_grid_messages_attachments_and_deliveries_are_copied_into_notices_under_the_same_ids(live_city):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Area, User = old.get_model("areas", "Area"), old.get_model("core", "User")
    GridMessage = old.get_model("grid", "GridMessage")
    grid, sibling = Area.objects.filter(level="grid").order_by("path")[:2]
    community = Area.objects.get(path=grid.path[:-4])
    author = User.objects.create(username="old-secretary")
    message = GridMessage.objects.create(id=700001, kind="guide", title="疫情防控明白卡", body="戴口罩", published_by=author)
    GridMessage.objects.filter(pk=message.pk).update(published_at="2022-04-02T08:00:00Z")
    message.grids.set([grid, sibling])
    old.get_model("grid", "GridMessageAttachment").objects.create(id=700002, message=message, file="messages/2022/04/k.txt",
                                                                  name="明白卡.txt", size=9)
    old.get_model("grid", "MessageDelivery").objects.create(id=700003, message=message, grid=grid, delivered_by=author,
                                                            delivered_at="2022-04-02T09:00:00Z", channel="小区微信群")
    alone = GridMessage.objects.create(id=700004, kind="message", title="通知", body="今晚核酸")
    alone.grids.set([sibling])

    executor = MigrationExecutor(connection)
    executor.migrate(latest)

    from frontline.notices.models import Notice, NoticeAttachment, NoticeDelivery

    notice = Notice.objects.get(pk=700001)
    assert (notice.kind, notice.title, notice.body, notice.issued_by.username) == ("guide", "疫情防控明白卡", "戴口罩",
                                                                                  "old-secretary")
    assert notice.issued_at.isoformat().startswith("2022-04-02T08:00")
    assert set(notice.grids.values_list("pk", flat=True)) == {grid.pk, sibling.pk}
    assert notice.area_id == community.pk and list(notice.targets.values_list("pk", flat=True)) == [community.pk]
    assert not notice.receipts.exists()
    attachment = NoticeAttachment.objects.get(pk=700002)
    assert (attachment.notice_id, attachment.file.name, attachment.name, attachment.size) == (
        700001, "messages/2022/04/k.txt", "明白卡.txt", 9)
    delivery = NoticeDelivery.objects.get(pk=700003)
    assert (delivery.notice_id, delivery.grid_id, delivery.channel) == (700001, grid.pk, "小区微信群")
    single = Notice.objects.get(pk=700004)
    assert single.area_id == sibling.pk and list(single.grids.values_list("pk", flat=True)) == [sibling.pk]
    # the sequences moved past the copied ids: a new notice gets a fresh one
    assert Notice.objects.create(kind="notice", title="新通知").pk > 700004
    assert "grid_gridmessage" not in connection.introspection.table_names()
