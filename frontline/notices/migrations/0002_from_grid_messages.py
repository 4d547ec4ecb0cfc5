"""Publicity through the grid becomes notices: every GridMessage, its attachments and its deliveries are
copied under the same ids (a grid worker's bookmark /messages/<id>/ keeps working); the grid's migration
that follows removes the old tables."""

from django.core.management.color import no_style
from django.db import migrations


def common_ancestor(Area, paths: list[str]):
    """The deepest area above (or at) all these paths."""
    prefix = paths[0]
    for path in paths[1:]:
        while not path.startswith(prefix):
            prefix = prefix[:-4]
    return Area.objects.filter(path=prefix).first() if prefix else None


def copy_grid_messages(apps, schema_editor):
    GridMessage = apps.get_model("grid", "GridMessage")
    GridMessageAttachment = apps.get_model("grid", "GridMessageAttachment")
    MessageDelivery = apps.get_model("grid", "MessageDelivery")
    Notice = apps.get_model("notices", "Notice")
    NoticeAttachment = apps.get_model("notices", "NoticeAttachment")
    NoticeDelivery = apps.get_model("notices", "NoticeDelivery")
    Area = apps.get_model("areas", "Area")
    for message in GridMessage.objects.order_by("pk").iterator():
        grids = list(message.grids.order_by("path"))
        top = common_ancestor(Area, [g.path for g in grids]) if grids else None
        notice = Notice.objects.create(id=message.pk, kind=message.kind, title=message.title, body=message.body,
                                       area=top, issued_by_id=message.published_by_id, issued_at=message.published_at)
        notice.grids.set(grids)
        if top is not None:
            notice.targets.set([top])
    NoticeAttachment.objects.bulk_create([
        NoticeAttachment(id=a.pk, notice_id=a.message_id, file=a.file.name, name=a.name, size=a.size)
        for a in GridMessageAttachment.objects.order_by("pk").iterator()], batch_size=1000)
    NoticeDelivery.objects.bulk_create([
        NoticeDelivery(id=d.pk, notice_id=d.message_id, grid_id=d.grid_id, delivered_by_id=d.delivered_by_id,
                       delivered_at=d.delivered_at, channel=d.channel)
        for d in MessageDelivery.objects.order_by("pk").iterator()], batch_size=1000)
    # Rows written with their ids leave PostgreSQL's sequences behind: move them past the copied ids.
    statements = schema_editor.connection.ops.sequence_reset_sql(no_style(), [Notice, NoticeAttachment, NoticeDelivery])
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_initial"),
        ("grid", "0003_transfer_request"),
    ]

    operations = [migrations.RunPython(copy_grid_messages, migrations.RunPython.noop)]
