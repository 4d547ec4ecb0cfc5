"""Roster imports become core's generic import records (kind "roster"), keeping their ids, so that
`/imports/<id>/` still opens them; then the grid's own model goes."""

from django.core.management.color import no_style
from django.db import migrations


def _copy(source, target, schema_editor, **extra):
    fields = [f.attname for f in source._meta.concrete_fields]
    target.objects.bulk_create([target(**{name: getattr(row, name) for name in fields}, **extra)
                                for row in source.objects.all()])
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [target]):
            cursor.execute(sql)


def forwards(apps, schema_editor):
    _copy(apps.get_model("grid", "RosterImport"), apps.get_model("core", "ImportRecord"), schema_editor, kind="roster")


def backwards(apps, schema_editor):
    RosterImport, ImportRecord = apps.get_model("grid", "RosterImport"), apps.get_model("core", "ImportRecord")
    fields = [f.attname for f in RosterImport._meta.concrete_fields]
    RosterImport.objects.bulk_create([RosterImport(**{name: getattr(row, name) for name in fields})
                                      for row in ImportRecord.objects.filter(kind="roster")])


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0005_import_record"),
        ("grid", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="RosterImport"),
    ]
