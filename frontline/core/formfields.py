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
