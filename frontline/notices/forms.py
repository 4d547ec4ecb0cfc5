from django import forms
from django.utils.translation import gettext_lazy as _

from frontline.areas.models import Area
from frontline.core import policy
from frontline.core.formfields import ModelMultipleChoiceField, MultipleFileField
from frontline.core.roles import Role

from .models import AUDIENCE_ROLES, NoticeKind
from .services import ISSUE_NOTICES


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k.value, k.label) for k in (
        NoticeKind.NOTICE, NoticeKind.PROPOSAL, NoticeKind.LETTER)])
    title = forms.CharField(label=_("Title"), max_length=150)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    targets = ModelMultipleChoiceField(label=_("To the areas"), queryset=None, error_messages={
        "invalid_choice": _("The area %(value)s is not one you may send notices to: choose places within your area.")})
    roles = forms.MultipleChoiceField(label=_("For these roles there and below"), required=False,
                                      choices=[(r, Role(r).label) for r in AUDIENCE_ROLES],
                                      widget=forms.CheckboxSelectMultiple)
    to_grids = forms.BooleanField(label=_("Also to every grid there, to pass on to residents"), required=False)
    files = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        area = policy.home_area(actor)
        self.fields["targets"].queryset = Area.objects.restrict(actor, ISSUE_NOTICES).filter(
            depth__lte=(area.depth + 2) if area else 3).order_by("path")
        self.fields["targets"].label_from_instance = lambda a: ("　" * (a.depth - 1)) + a.name
        for name, f in self.fields.items():
            if name in ("roles", "to_grids"):
                continue
            f.widget.attrs.setdefault("class", "form-select" if isinstance(f.widget, forms.Select) else "form-control")
