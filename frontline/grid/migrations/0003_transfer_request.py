# Transfer requests of the roster import (frontline.grid.transfers)

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('areas', '0004_kept_figures'),
        ('core', '0005_import_record'),
        ('grid', '0002_roster_imports_to_core'),
        ('people', '0002_fk_indexes_covered_by_composites'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='TransferRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('relation', models.CharField(choices=[('head', 'Head of household'), ('spouse', 'Spouse'), ('child', 'Child'), ('parent', 'Parent'), ('grandchild', 'Grandchild'), ('other', 'Other')], default='other', max_length=16, verbose_name='relation')),
                ('moved_in', models.DateField(verbose_name='moving in on')),
                ('name_given', models.CharField(max_length=50, verbose_name='name in the file')),
                ('status', models.CharField(choices=[('pending', 'Waiting for the answer'), ('confirmed', 'Confirmed: moved in'), ('refused', 'Refused')], default='pending', max_length=16, verbose_name='status')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('requested_at', models.DateTimeField(auto_now_add=True, verbose_name='asked')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='answered')),
                ('area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='areas.area', verbose_name='asking grid')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='areas.household', verbose_name='requested home')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transfer_requests', to='people.person', verbose_name='person')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('work_order', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.workorder')),
            ],
            options={
                'verbose_name': 'transfer request',
                'verbose_name_plural': 'transfer requests',
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('person', 'area'), name='transfer_request_one_pending_per_person_and_grid'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'refused'), _negated=True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='transfer_request_refusal_has_reason')],
            },
        ),
    ]
