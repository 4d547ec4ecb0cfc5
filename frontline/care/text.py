"""Free text residents and staff write (an order's note, a request): trimmed, bounded, and refused when it holds
markup, with a message naming the field. (Pages escape what they show besides; the refusal tells a resident who
pasted a link's HTML why it was not taken, instead of storing what no one can read.)"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!]|javascript:|on[a-z]+\s*=", re.IGNORECASE)


def clean_text(value: str | None, *, max_length: int, field, required: bool = False) -> str:
    text = unicodedata.normalize("NFC", (value or "")).strip()
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    if required and not text:
        raise ValidationError(_("%(field)s: please write something.") % {"field": field})
    if len(text) > max_length:
        raise ValidationError(_("%(field)s: at most %(n)d characters (this has %(len)d).")
                              % {"field": field, "n": max_length, "len": len(text)})
    if MARKUP.search(text):
        raise ValidationError(_("%(field)s: web code such as <script> or HTML tags is not accepted; "
                                "please write plain text.") % {"field": field})
    return text
