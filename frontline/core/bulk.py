"""Inserting many rows at the speed of the database driver, for the generator and roster imports.

Django's `bulk_create` compiles SQL per row, and SQLite's 999-parameter limit cuts it into batches of
a hundred rows: at a million people that is most of the time spent. `bulk_insert` assigns primary
keys itself (from the PostgreSQL sequence, or past SQLite's highest id while the transaction holds
the write lock) and sends the rows with COPY on PostgreSQL and `executemany` on SQLite. It runs no
`save()`, signals or validation: callers pass rows their services have checked. `insert_rows` does the
same with plain tuples (no model instances at all), `select_by_keys` finds which of many keys exist in
one query, and `read_ahead` lets the next chunk of a file be checked while this one is written.
"""

import threading
from collections.abc import Iterable, Iterator, Sequence
from queue import Empty, Full, Queue

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import translation

SQLITE_MAX_VARIABLES = 32766  # SQLite ≥ 3.32


def _converter(field, connection):
    """How one field's value goes to the driver: plain values as they are, without a `get_db_prep_save`
    call per value through Django's connection proxy. Dates need nothing either: Django registers
    sqlite3's adapter for them."""
    if isinstance(field, (models.DateTimeField, models.DecimalField, models.JSONField, models.UUIDField)):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def allocate_ids(model, count: int) -> list[int]:
    """`count` fresh primary keys for `model`. Must run inside a transaction."""
    connection = _connection()
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence's name first: inside nextval(), pg_get_serial_sequence would run once per id.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [cursor.fetchone()[0], count])
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction (IMMEDIATE) holds the write lock, so no one else takes these ids;
        # AUTOINCREMENT tables remember their highest id in sqlite_sequence even after deletes.
        cursor.execute(f'SELECT MAX("{model._meta.pk.column}") FROM "{table}"')
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
        return list(range(start, start + count))


def _connection():
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        raise RuntimeError("bulk inserts must run inside transaction.atomic()")
    return connection


def insert_rows(model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert plain tuples whose values follow `attnames` (the primary key among them); the model's
    other fields get their defaults. Must run inside a transaction."""
    connection = _connection()
    given = [model._meta.get_field(name) for name in attnames]
    rest = [f for f in model._meta.concrete_fields if f.attname not in attnames]
    fields = given + rest
    constants = [f.get_db_prep_save(f.get_default(), connection) for f in rest]
    converters = [(i, c) for i, c in enumerate(_converter(f, connection) for f in given) if c is not None]

    def full(row):
        if converters:
            row = list(row)
            for i, convert in converters:
                row[i] = convert(row[i])
        return (*row, *constants)

    columns = ", ".join(f'"{f.column}"' for f in fields)
    table = model._meta.db_table
    raw = connection.connection
    with connection.wrap_database_errors:  # driver errors become Django's IntegrityError etc.
        if connection.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(full(row))
        else:
            marks = ", ".join("?" * len(fields))
            raw.cursor().executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', map(full, rows))


def bulk_insert(model: type[models.Model], objs: list[models.Model]) -> list[models.Model]:
    """Insert unsaved instances (all concrete fields), setting their primary keys. Must run inside a transaction."""
    if not objs:
        return objs
    for obj, pk in zip(objs, allocate_ids(model, len(objs))):
        obj.pk = pk
    attnames = [f.attname for f in model._meta.concrete_fields]
    insert_rows(model, attnames, ([obj.__dict__.get(name) for name in attnames] for obj in objs))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS
    return objs


def select_by_keys(model: type[models.Model], keys: Sequence[str], values: Iterable[tuple],
                   columns: Sequence[str] = ("id",), where: str = "") -> dict[tuple, tuple]:
    """Rows of `model` whose `keys` columns match one of `values`, as {key tuple: column tuple}, in one
    query that probes the unique index on those columns once per key: the keys as arrays (`unnest`) on
    PostgreSQL, as a `VALUES` list on SQLite. `where` (SQL on the table's columns, no parameters) is the
    condition of a partial unique index, e.g. `"moved_out" IS NULL` for a person's current home."""
    # Sorted, the probes walk the index in order; a NULL matches nothing in SQL, so it is left out.
    values = sorted({value for value in values if None not in value})
    if not values:
        return {}
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    fields = [model._meta.get_field(k) for k in keys]
    key_columns = ", ".join(f't."{f.column}"' for f in fields)
    wanted = ", ".join([key_columns, *(f't."{c}"' for c in columns)])
    table = model._meta.db_table
    names = [f"k{i}" for i in range(len(keys))]
    on = " AND ".join([*(f't."{f.column}" = k.{name}' for f, name in zip(fields, names)), *([where] if where else [])])
    if connection.vendor == "postgresql":
        # One index probe per key whatever the statistics say (mid-import they are stale, and the
        # planner would hash the whole table): LIMIT 1 keeps the lateral subquery a nested loop.
        # The driver's own cursor binds each array as one parameter (Django's binds on the client).
        types = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
        sql = (f'SELECT {wanted} FROM unnest({types}) AS k({", ".join(names)}) '
               f'CROSS JOIN LATERAL (SELECT * FROM "{table}" t WHERE {on} LIMIT 1) t')
        batches = [(sql, [list(column) for column in zip(*values)])]
    else:
        # SQLite: CROSS JOIN makes the keys the outer loop, one probe of the unique index each (with
        # `(a, b, c) IN (VALUES ...)` it scanned the whole table once the table was large).
        per_batch = SQLITE_MAX_VARIABLES // len(keys)
        batches = []
        for start in range(0, len(values), per_batch):
            batch = values[start:start + per_batch]
            marks = ", ".join(["(" + ", ".join("?" * len(keys)) + ")"] * len(batch))
            batches.append((f'WITH k({", ".join(names)}) AS (VALUES {marks}) '
                            f'SELECT {wanted} FROM k CROSS JOIN "{table}" t ON {on}',
                            [v for value in batch for v in value]))
    found = {}
    n = len(keys)
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()  # the driver's: the SQL above is written for it
        for sql, params in batches:
            cursor.execute(sql, params)
            found.update((tuple(row[:n]), tuple(row[n:])) for row in cursor.fetchall())
    return found


def read_ahead(items: Iterable, depth: int = 2) -> Iterator:
    """Iterate `items` in a background thread, `depth` items ahead of the caller, so that producing the
    next chunk (reading and checking a file) overlaps with the caller's wait for the database. The
    producer must not use the caller's database connection. Its exceptions are raised in the caller;
    closing this generator (a `break`, an exception, `closing()`) stops the producer and waits for it."""
    done = object()
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()
    language = translation.get_language()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                queue.put(entry, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce():
        try:
            with translation.override(language):
                for item in items:
                    if not put((item, None)):
                        return
            put((done, None))
        except BaseException as e:  # noqa: BLE001 — handed to the caller as it is
            put((done, e))
        finally:
            connections.close_all()  # any connection this thread opened, not the caller's

    thread = threading.Thread(target=produce, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, error = queue.get()
            if item is done:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                queue.get_nowait()
            except Empty:
                pass
            thread.join(0.05)
