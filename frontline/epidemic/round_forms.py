"""Forms of the round pages: a new round, a site's hours, staff, an exemption. They parse input and say what
is wrong in Chinese; the rules are the services' (`rounds.py`)."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from frontline.areas.models import Area, Site, SiteKind
from frontline.core import policy
from frontline.core.formfields import ModelMultipleChoiceField
from frontline.core.validators import parse_id_number

from .models import POOL_SIZES, ExemptionKind, StaffRole
from .policy import MANAGE_TESTING

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
POOL_CHOICES = [(n, _("%(n)s in 1") % {"n": n} if n > 1 else _("single tube")) for n in POOL_SIZES]
AREA_DEPTH_OFFERED = 2  # the actor's place and two levels under it (a secretary: community and grids)


def _styled(form):
    for f in form.fields.values():
        if isinstance(f.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.HiddenInput)):
            continue
        f.widget.attrs.setdefault("class", "form-select" if isinstance(f.widget, forms.Select) else "form-control")


def _site_label(site: Site) -> str:
    return f"{site.name} · {site.area.name}"


def areas_offered(actor):
    """Areas under the actor's place where they run testing, down to AREA_DEPTH_OFFERED levels below it."""
    home = policy.home_area(actor)
    qs = Area.objects.restrict(actor, MANAGE_TESTING)
    if home is not None:
        qs = qs.filter(depth__lte=home.depth + AREA_DEPTH_OFFERED)
    return qs.order_by("path")


def _datetime_field(label, required=True):
    return forms.DateTimeField(label=label, widget=DATETIME, required=required, error_messages={
        "invalid": _("Enter a date and time."), "required": _("Enter a date and time.")})


class TestingRoundForm(forms.Form):
    name = forms.CharField(label=_("Name of the round"), max_length=100,
                           error_messages={"required": _("Give the round a name.")})
    areas = ModelMultipleChoiceField(
        label=_("Areas covered"), queryset=Area.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the areas the round covers."),
                        "invalid_choice": _("The area %(value)s is not within your area.")})
    starts_at = _datetime_field(_("Starts at"))
    ends_at = _datetime_field(_("Ends at"))
    pool_size = forms.TypedChoiceField(
        label=_("Pool size"), choices=POOL_CHOICES, coerce=int, initial=10, widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("A tube takes 1, 5, 10 or 20 samples, not %(value)s.")})
    sites = ModelMultipleChoiceField(
        label=_("Testing sites"), queryset=Site.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("The site %(value)s is not within your area.")})
    site_opens_at = _datetime_field(_("Sites open at (empty: when the round starts)"), required=False)
    site_closes_at = _datetime_field(_("Sites close at (empty: when the round ends)"), required=False)
    new_site_name = forms.CharField(label=_("Or a new testing site: its name"), max_length=100, required=False)
    new_site_area = forms.ModelChoiceField(
        label=_("The new site's area"), queryset=Area.objects.none(), required=False,
        error_messages={"invalid_choice": _("Choose an area within yours for the new site.")})
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=36)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        offered = areas_offered(actor)
        self.fields["areas"].queryset = offered
        self.fields["new_site_area"].queryset = offered
        # Any site of the actor's place is accepted here, so that a site of another kind gets its own answer
        # from the service; only testing sites are offered.
        self.fields["sites"].queryset = Site.objects.restrict(actor, MANAGE_TESTING).select_related("area")
        self.fields["sites"].widget.choices = [
            (s.pk, _site_label(s)) for s in Site.objects.restrict(actor, MANAGE_TESTING).filter(
                kind=SiteKind.TESTING, closed_on__isnull=True).select_related("area").order_by("area__path", "name")]
        self.fields["areas"].label_from_instance = lambda a: f"{a.get_level_display()} · {a.name}"
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4().hex)
        _styled(self)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The round must end after it starts."))
        opens, closes = data.get("site_opens_at") or starts, data.get("site_closes_at") or ends
        if opens and closes and closes <= opens:
            self.add_error("site_closes_at", _("A site must close after it opens."))
        if data.get("new_site_name") and not data.get("new_site_area"):
            self.add_error("new_site_area", _("Choose the area of the new testing site."))
        return data


class RoundSiteForm(forms.Form):
    """A site of the round and its hours: one already chosen (its hours change), another testing site of
    the round's areas, or a new one."""

    site = forms.ModelChoiceField(label=_("Testing site"), queryset=Site.objects.none(), required=False,
                                  error_messages={"invalid_choice": _("Choose a site within your area.")})
    new_site_name = forms.CharField(label=_("Or a new testing site: its name"), max_length=100, required=False)
    new_site_area = forms.ModelChoiceField(label=_("The new site's area"), queryset=Area.objects.none(),
                                           required=False, error_messages={
                                               "invalid_choice": _("Choose an area the round covers.")})
    opens_at = _datetime_field(_("Opens at"))
    closes_at = _datetime_field(_("Closes at"))

    def __init__(self, *args, actor, testing_round, areas, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.restrict(actor, MANAGE_TESTING).select_related("area")
        self.fields["site"].widget.choices = [("", "---------")] + [(s.pk, _site_label(s)) for s in sites]
        in_round = Area.objects.none()
        for a in areas:
            in_round |= Area.objects.filter(path__startswith=a.path)
        self.fields["new_site_area"].queryset = in_round.filter(depth__lte=max([a.depth for a in areas] or [0]) + 1)
        _styled(self)

    def clean(self):
        data = super().clean()
        if not data.get("site") and not data.get("new_site_name"):
            self.add_error("site", _("Choose a testing site, or name a new one."))
        if data.get("new_site_name") and not data.get("new_site_area"):
            self.add_error("new_site_area", _("Choose the area of the new testing site."))
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("A site must close after it opens."))
        return data


class RoundStaffForm(forms.Form):
    role = forms.ChoiceField(label=_("Works as"), choices=StaffRole.choices, initial=StaffRole.COLLECTOR,
                             widget=forms.RadioSelect,
                             error_messages={"invalid_choice": _("Staff a round with collectors and transporters.")})
    user = forms.ModelChoiceField(label=_("Account"), queryset=None, error_messages={
        "required": _("Choose the account."), "invalid_choice": _("Choose an account you manage.")})
    site = forms.ModelChoiceField(label=_("At the testing site (collectors)"), queryset=Site.objects.none(),
                                  required=False,
                                  error_messages={"invalid_choice": _("Choose one of the round's testing sites.")})
    area = forms.ModelChoiceField(label=_("Over the area (transporters)"), queryset=Area.objects.none(),
                                  required=False, error_messages={"invalid_choice": _("Choose an area of the round.")})

    def __init__(self, *args, candidates, sites, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates.order_by("username")
        self.fields["user"].label_from_instance = lambda u: f"{u.username} · {u.role_label}"
        self.fields["site"].queryset = Site.objects.filter(pk__in=[s.pk for s in sites]).select_related("area")
        self.fields["site"].label_from_instance = _site_label
        self.fields["area"].queryset = Area.objects.filter(pk__in=[a.pk for a in areas]).order_by("path")
        _styled(self)

    def clean(self):
        data = super().clean()
        if data.get("role") == StaffRole.COLLECTOR and not data.get("site"):
            self.add_error("site", _("A collector works at one of the round's testing sites."))
        if data.get("role") == StaffRole.TRANSPORTER and not data.get("area"):
            self.add_error("area", _("Choose the area the transporter covers."))
        return data


class RoundExemptionForm(forms.Form):
    """The resident by their ID number, or `person` from a household page's link."""

    person = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False,
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    kind = forms.ChoiceField(label=_("In this round"), choices=ExemptionKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("Choose how the resident is treated in this round."),
                                             "invalid_choice": _("Choose how the resident is treated in this round.")})
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean_id_number(self):
        raw = (self.cleaned_data.get("id_number") or "").strip().upper()
        if raw:
            try:
                return parse_id_number(raw).number
            except ValidationError as e:
                raise ValidationError(e.messages) from None
        return raw

    def clean(self):
        data = super().clean()
        if not data.get("person") and not data.get("id_number") and "id_number" not in self.errors:
            self.add_error("id_number", _("Enter the resident's ID number."))
        return data
