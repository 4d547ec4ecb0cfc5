"""Model objects from a hand-written statement, for the few hot paths where building the ORM's query costs
more than the round trip it saves (the API token with its owner's assignments, a checkpoint with its area):
the columns a model's concrete fields have, under an alias, and the object made from them with the
converters Django itself would apply (SQLite's dates come as text)."""

from django.db import connection


def reader(model, alias: str) -> tuple[str, list]:
    """A model's concrete columns under `alias` for a SELECT, and each column's converters."""
    quote = connection.ops.quote_name
    columns, converters = [], []
    for f in model._meta.concrete_fields:
        columns.append(f"{alias}.{quote(f.column)}")
        converters.append(connection.ops.get_db_converters(f.get_col(alias)) + f.get_db_converters(connection))
    return ", ".join(columns), converters


def build(model, values, converters):
    """The object of a row's slice of `reader` columns; None for a LEFT JOIN that found nothing."""
    if values[0] is None:
        return None
    values = list(values)
    for k, chain in enumerate(converters):
        for convert in chain:
            values[k] = convert(values[k], None, connection)
    return model.from_db(connection.alias, None, values)
