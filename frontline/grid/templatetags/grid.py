from django import template

from frontline.grid.models import SpecialNeedKind

register = template.Library()


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def question_choices(question):
    """(value, label) pairs of a multi-choice question; special needs use their kinds."""
    if question["type"] == "special_needs":
        return SpecialNeedKind.choices
    return [(c, c) for c in question.get("choices", [])]
