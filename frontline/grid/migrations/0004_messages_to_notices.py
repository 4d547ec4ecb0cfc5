"""Messages to grids are notices now (frontline.notices, whose migration copied them under the same ids)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("grid", "0003_transfer_request"),
        ("notices", "0002_from_grid_messages"),
    ]

    operations = [
        migrations.DeleteModel(name="MessageDelivery"),
        migrations.DeleteModel(name="GridMessageAttachment"),
        migrations.DeleteModel(name="GridMessage"),
    ]
