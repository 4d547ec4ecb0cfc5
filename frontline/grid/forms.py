from django import forms
from django.utils.translation import gettext_lazy as _

from frontline.areas.models import Building

from .models import GridRoleKind
from .services import eligible_members


class GridRoleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Role"), choices=GridRoleKind.choices)
    member = forms.ModelChoiceField(label=_("Party member"), queryset=None)
    building = forms.ModelChoiceField(label=_("Building"), queryset=None, required=False,
                                      help_text=_("For a building head."))
    street_name = forms.CharField(label=_("Street or lane"), max_length=100, required=False,
                                  help_text=_("For a street head."))

    def __init__(self, *args, grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = eligible_members(grid).select_related("person").order_by("person__pinyin_full")
        self.fields["member"].label_from_instance = lambda m: m.person.name
        self.fields["building"].queryset = Building.objects.filter(area=grid).order_by("name")
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select" if isinstance(f.widget, forms.Select) else "form-control"

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == GridRoleKind.BUILDING_HEAD and not data.get("building"):
            self.add_error("building", _("Choose the building this head is for."))
        if kind == GridRoleKind.STREET_HEAD and not (data.get("street_name") or "").strip():
            self.add_error("street_name", _("Name the street or lane this head is for."))
        if kind != GridRoleKind.BUILDING_HEAD:
            data["building"] = None
        if kind != GridRoleKind.STREET_HEAD:
            data["street_name"] = ""
        return data


class ProposalForm(forms.Form):
    max_per_member = forms.IntegerField(label=_("At most per member"), min_value=1, max_value=100, initial=10)
