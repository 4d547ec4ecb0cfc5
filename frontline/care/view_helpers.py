"""What the care pages share: the area a page is asked for, within the actor's scope for its action, and a
service's refusal shown on the form it came from."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404

from frontline.areas.models import Area
from frontline.core import policy


def area_asked(request, action: str, *, from_post: bool = False) -> Area:
    """The area asked for (`?area=`, or a posted `area`) within the actor's scope for the action, else where the
    account works; 404 alike for missing and out of scope."""
    area_id = request.GET.get("area") or (request.POST.get("area") if from_post else None)
    if area_id not in (None, ""):
        try:
            return Area.objects.restrict(request.user, action).get(pk=area_id)
        except (Area.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
    area = policy.home_area(request.user)
    if area is None or not policy.allows_in(request.user, action, area):
        raise Http404
    return area


def form_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the form: each field's message beside the field, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)
