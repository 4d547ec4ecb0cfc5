"""The audit log's new actions (failed logins, unlocks, password changes, views, searches, comments), and what
deleting an account or a person does to its entries (refused; kept). No SQL on either database: choices and
on_delete live in Python only, so the append-only trigger is untouched."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0007_export_request'),
        ('people', '0002_fk_indexes_covered_by_composites'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='apitoken',
            options={'verbose_name': 'API token', 'verbose_name_plural': 'API tokens'},
        ),
        migrations.AlterField(
            model_name='auditlog',
            name='action',
            field=models.CharField(choices=[('create', 'created'), ('update', 'changed'), ('delete', 'deleted'), ('reveal', 'revealed'), ('export', 'exported'), ('login', 'logged in'), ('login_failed', 'login failed'), ('unlock', 'unlocked login'), ('password', 'changed password'), ('view', 'viewed'), ('search', 'searched'), ('comment', 'commented')], max_length=16, verbose_name='action'),
        ),
        migrations.AlterField(
            model_name='auditlog',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='auditlog',
            name='person',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='people.person'),
        ),
    ]
