"""Inserting many rows at the speed of the database driver, for the generator and roster imports.

Django's `bulk_create` compiles SQL per row, and SQLite's 999-parameter limit cuts it into batches of
a hundred rows: at a million people that is most of the time spent. `bulk_insert` assigns primary
keys itself (from the PostgreSQL sequence, or past SQLite's highest id while the transaction holds
the write lock) and sends the rows with COPY on PostgreSQL and `executemany` on SQLite. It runs no
`save()`, signals or validation: callers pass rows their services have checked.
"""

import datetime

from django.db import DEFAULT_DB_ALIAS, connections, models


def _converter(field, connection):
    """How one field's value goes to the driver: plain values as they are (the per-value
    `get_db_prep_save` call through Django's connection proxy was a third of the time)."""
    if isinstance(field, (models.DateTimeField, models.DecimalField, models.JSONField, models.UUIDField)):
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, models.DateField) and connection.vendor == "sqlite":
        return lambda value: value.isoformat() if isinstance(value, datetime.date) else value
    return None


def _allocate_ids(model, count: int, connection) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, model._meta.pk.column, count])
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction (IMMEDIATE) holds the write lock, so no one else takes these ids;
        # AUTOINCREMENT tables remember their highest id in sqlite_sequence even after deletes.
        cursor.execute(f'SELECT MAX("{model._meta.pk.column}") FROM "{table}"')
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
        return list(range(start, start + count))


def bulk_insert(model: type[models.Model], objs: list[models.Model]) -> list[models.Model]:
    """Insert unsaved instances (all concrete fields), setting their primary keys. Must run inside a transaction."""
    if not objs:
        return objs
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        raise RuntimeError("bulk_insert must run inside transaction.atomic()")
    for obj, pk in zip(objs, _allocate_ids(model, len(objs), connection)):
        obj.pk = pk
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    attnames = [f.attname for f in fields]
    converters = [(i, c) for i, c in enumerate(_converter(f, connection) for f in fields) if c is not None]

    def row(obj):
        values = [obj.__dict__.get(name) for name in attnames]
        for i, convert in converters:
            values[i] = convert(values[i])
        return values

    rows = map(row, objs)
    raw = connection.connection
    table = model._meta.db_table
    with connection.wrap_database_errors:  # driver errors become Django's IntegrityError etc.
        if connection.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(fields))
            raw.cursor().executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs
