"""Screening forms as data: each campaign carries its own list of questions; this module knows the
question types, a library of standard questions, and how to check an answer."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .models import SpecialNeedKind

TYPES = ("boolean", "integer", "decimal", "choice", "multi", "text", "special_needs")

STANDARD_QUESTIONS = [
    {"key": "present", "label": "在家", "type": "boolean"},
    {"key": "temperature", "label": "体温(℃)", "type": "decimal", "min": 34, "max": 43},
    {"key": "symptoms", "label": "症状", "type": "multi", "choices": ["发热", "干咳", "乏力", "咽痛", "嗅觉味觉减退", "腹泻"]},
    {"key": "travel_14d", "label": "14天内离开本市(去向)", "type": "text"},
    {"key": "vaccination_doses", "label": "新冠疫苗接种剂次", "type": "integer", "min": 0, "max": 5, "carry": True},
    {"key": "special_needs", "label": "特殊需求", "type": "special_needs", "carry": True},
    {"key": "notes", "label": "备注", "type": "text"},
]


def standard_question(key: str) -> dict:
    return next(q for q in STANDARD_QUESTIONS if q["key"] == key)


def parse_custom_questions(text: str) -> list[dict]:
    """Extra questions, one a line: `label|type|choice 1,choice 2` (type: boolean, integer, decimal,
    choice, multi, text). Raises ValueError naming the line."""
    questions = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        label, qtype = parts[0], (parts[1] if len(parts) > 1 and parts[1] else "text")
        if not label or qtype not in TYPES[:-1]:
            raise ValueError(_("Line %(n)d: write “label|type|choices” with a type among %(types)s.")
                             % {"n": number, "types": ", ".join(TYPES[:-1])})
        question = {"key": f"q{number}", "label": label, "type": qtype}
        if qtype in ("choice", "multi"):
            choices = [c.strip() for c in (parts[2] if len(parts) > 2 else "").replace("，", ",").split(",") if c.strip()]
            if not choices:
                raise ValueError(_("Line %(n)d: a choice question needs its choices after a second “|”.") % {"n": number})
            question["choices"] = choices
        questions.append(question)
    return questions


def clean_answer(question: dict, raw):
    """The answer in its stored form, or raise ValueError with a message for the person typing."""
    qtype = question["type"]
    if qtype in ("multi", "special_needs"):
        values = raw if isinstance(raw, list) else ([raw] if raw else [])
        allowed = question.get("choices") or [k for k, _label in SpecialNeedKind.choices]
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise ValueError(_("%(value)s is not one of the choices.") % {"value": "、".join(unknown)})
        return values
    raw = (raw or "").strip() if isinstance(raw, str) else raw
    if raw in ("", None):
        return None
    if qtype == "boolean":
        return raw in (True, "1", "true", "on", "yes")
    if qtype in ("integer", "decimal"):
        try:
            number = int(str(raw)) if qtype == "integer" else Decimal(str(raw).replace("，", "."))
        except (ValueError, InvalidOperation):
            raise ValueError(_("%(value)s is not a number.") % {"value": raw}) from None
        low, high = question.get("min"), question.get("max")
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValueError(_("%(value)s is outside %(min)s–%(max)s.") % {"value": raw, "min": low, "max": high})
        return number if qtype == "integer" else str(number)
    if qtype == "choice":
        if raw not in question["choices"]:
            raise ValueError(_("%(value)s is not one of the choices.") % {"value": raw})
        return raw
    return str(raw)[:500]
