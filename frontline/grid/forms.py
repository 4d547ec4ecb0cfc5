from django import forms
from django.utils.translation import gettext_lazy as _

from frontline.areas.models import Area, Building
from frontline.core import policy
from frontline.core.formfields import ModelMultipleChoiceField, MultipleFileField
from frontline.notices.models import NoticeKind

from .models import GridRoleKind
from .questions import STANDARD_QUESTIONS, parse_custom_questions, standard_question
from .selectors import eligible_members


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


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    areas = ModelMultipleChoiceField(label=_("Areas"), queryset=None)
    questions = forms.MultipleChoiceField(label=_("Standard questions"), widget=forms.CheckboxSelectMultiple,
                                          choices=[(q["key"], q["label"]) for q in STANDARD_QUESTIONS],
                                          initial=[q["key"] for q in STANDARD_QUESTIONS], required=False)
    custom = forms.CharField(label=_("More questions"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("One a line: label|type|choices, e.g. “核酸检测结果|choice|阴性,阳性,未检测”. "
                                         "Types: boolean, integer, decimal, choice, multi, text."))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        area = policy.home_area(actor)
        choices = Area.objects.visible_to(actor).filter(depth__lte=(area.depth + 2) if area else 3).exclude(level="grid")
        self.fields["areas"].queryset = choices.order_by("path")
        self.fields["areas"].label_from_instance = lambda a: ("　" * (a.depth - 1)) + a.name
        self.fields["areas"].widget.attrs["size"] = 8
        for f in self.fields.values():
            if not isinstance(f.widget, forms.CheckboxSelectMultiple):
                f.widget.attrs["class"] = "form-select" if isinstance(f.widget, forms.SelectMultiple) else "form-control"

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The campaign ends before it starts."))
        try:
            custom = parse_custom_questions(data.get("custom", ""))
        except ValueError as e:
            self.add_error("custom", str(e))
            custom = []
        data["form"] = [standard_question(k) for k in data.get("questions", [])] + custom
        if not data["form"]:
            self.add_error("questions", _("A screening form needs at least one question."))
        return data


class GridMessageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k.value, k.label) for k in (NoticeKind.MESSAGE, NoticeKind.GUIDE)])
    title = forms.CharField(label=_("Title"), max_length=150)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    areas = ModelMultipleChoiceField(label=_("To the grids of"), queryset=None)
    files = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        area = policy.home_area(actor)
        self.fields["areas"].queryset = Area.objects.visible_to(actor).filter(
            depth__lte=(area.depth + 2) if area else 3).order_by("path")
        self.fields["areas"].label_from_instance = lambda a: ("　" * (a.depth - 1)) + a.name
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-select" if isinstance(f.widget, forms.Select) else "form-control")
