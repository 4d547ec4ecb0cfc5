"""The audit log as a person reads it: each change under its field's name (the model's verbose name, in the
reader's language), choices by their label, times in local time, related objects by what they are (loaded
for a whole page at once), never a secret or a hash (those are not logged: `audit.SECRET_FIELDS`)."""

import datetime
import json
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .audit import SECRET_FIELDS

EMPTY = "—"
# What some notes say, as words (the note holds a code for them).
NOTE_LABELS = {"admin": _("in the administration site")}
_GENERIC_REPR = re.compile(r"^\w+ object \((\d+)\)$")  # what Django calls an object without a __str__


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Row:
    entry: models.Model
    object_label: str
    changes: list[Change]
    note: str


def _fields(model) -> dict:
    if model is None:
        return {}
    fields = {f.attname: f for f in model._meta.concrete_fields}
    fields.update({f.name: f for f in model._meta.many_to_many})
    return fields


def _time(value: str) -> str | None:
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if len(value) <= 10:  # a date
        return None
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return formats.date_format(parsed, "Y-m-d H:i:s")


def _value(field, value, related: dict) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if field is not None and field.many_to_one and field.related_model is not None:
        obj = related.get((field.related_model, value))
        return str(obj) if obj is not None else f"#{value}"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, str) and (shown := _time(value)):
        return shown
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 120 else text[:119] + "…"
    return str(value)


def audit_rows(entries) -> list[Row]:
    """The entries of one page, readable; related objects named in their changes are fetched per model in
    one query each, however many entries."""
    entries = list(entries)
    wanted: dict = defaultdict(set)
    for entry in entries:
        fields = _fields(entry.content_type.model_class() if entry.content_type_id else None)
        for key, pair in (entry.changes or {}).items():
            field = fields.get(key)
            if field is not None and field.many_to_one and field.related_model is not None:
                wanted[field.related_model].update(v for v in pair if v not in (None, ""))
    related = {}
    for model, pks in wanted.items():
        for pk, obj in model._base_manager.in_bulk(list(pks)).items():
            related[(model, pk)] = obj
    rows = []
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        fields = _fields(model)
        changes = []
        for key, pair in (entry.changes or {}).items():
            if key in SECRET_FIELDS:
                continue
            field = fields.get(key)
            before, after = (list(pair) + [None, None])[:2] if isinstance(pair, (list, tuple)) else (None, pair)
            changes.append(Change(str(field.verbose_name) if field is not None else key,
                                  _value(field, before, related), _value(field, after, related)))
        object_label = entry.object_repr
        if model is not None and (generic := _GENERIC_REPR.match(object_label or "")):
            object_label = f"{model._meta.verbose_name} #{generic.group(1)}"
        note_field = fields.get(entry.note) if entry.action == "reveal" else None
        note = str(note_field.verbose_name) if note_field is not None else str(NOTE_LABELS.get(entry.note, entry.note))
        rows.append(Row(entry, object_label, changes, note))
    return rows
