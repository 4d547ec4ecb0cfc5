"""Form fields hardened against hostile input.

Django's `ModelMultipleChoiceField` looks its values up with `pk__in`; an integer beyond the database's range
(e.g. 99999999999999999999999) then raises OverflowError on SQLite and DataError on PostgreSQL — a 500 instead
of "not a valid choice". `ModelMultipleChoiceField` here refuses such values the way Django refuses any other
unknown one."""

from django import forms
from django.core.exceptions import ValidationError

PK_MAX = 2**63 - 1  # the largest bigint: anything beyond is no row of ours


def pk_in_range(value) -> bool:
    """False for an integer-looking value no integer key can hold."""
    text = str(value).strip()
    if text.lstrip("+-").isdigit():
        return -PK_MAX <= int(text) <= PK_MAX
    return True


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple, set, frozenset)) else ():
            if not pk_in_range(pk):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                      params={"value": str(pk)[:30]})
        return super()._check_values(value)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input. Django's `FileField` cleans one file: given the list a `multiple` input
    sends, it answers "no file was submitted" even for one file. Cleans each; the value is a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files if f]
        if self.required and not cleaned:
            raise ValidationError(self.error_messages["required"], code="required")
        return cleaned
