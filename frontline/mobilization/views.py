"""Pages of mobilization: a community's (or street's) cadres sent down, their groups and gaps; deploying a
cadre, forming a group, ending a deployment."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from frontline.areas.models import Area
from frontline.areas.selectors import area_breadcrumb, area_get_for
from frontline.core import policy
from frontline.core.formfields import ModelMultipleChoiceField
from frontline.core.models import User
from frontline.core.scoping import get_for
from frontline.people.models import Cadre, Person

from .models import Deployment, DeploymentGroup, DeploymentKind, FrontlineRole, Team, TeamKind
from .selectors import (
    cadres_not_sent,
    community_deployments,
    deployed_by_rank_and_unit,
    deployments_under,
    responsibility_chain,
)
from .services import (
    DEPLOY_CADRES,
    cadre_deploy,
    chain_secretary_name,
    deployment_end,
    deployment_group_create,
    team_form,
)


class _CadreField(forms.ModelChoiceField):
    """Offers the cadres sent nowhere today, and takes any cadre the actor may see: one sent already (the form
    sent twice, or another deployment) then meets the service's rule and its message naming where they are,
    not "not one of the choices"."""

    taken = None  # the queryset a value may come from

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            if self.taken is None:
                raise
            try:
                return self.taken.get(pk=value)
            except (ValueError, TypeError, Cadre.DoesNotExist):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class DeployForm(forms.Form):
    cadre = _CadreField(label=gettext_lazy("cadre"), queryset=Cadre.objects.none())
    starts_on = forms.DateField(label=gettext_lazy("from"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=gettext_lazy("until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ModelChoiceField(label=gettext_lazy("group"), queryset=DeploymentGroup.objects.none(), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=DeploymentKind.choices, initial=DeploymentKind.SENT_DOWN)
    frontline_role = forms.ChoiceField(label=gettext_lazy("frontline role"), required=False,
                                       choices=[("", "—"), *FrontlineRole.choices])

    def __init__(self, *args, actor, area, **kwargs):
        super().__init__(*args, **kwargs)
        if not area.is_village:  # first secretaries and work teams are for villages only
            del self.fields["kind"], self.fields["frontline_role"]
        self.fields["cadre"].queryset = cadres_not_sent(actor=actor, limit=None)
        self.fields["cadre"].taken = Cadre.objects.visible_to(actor).select_related("person")
        self.fields["cadre"].label_from_instance = lambda c: f"{c.person.name} · {c.home_unit} · {c.get_rank_display()}"
        self.fields["group"].queryset = DeploymentGroup.objects.filter(community=area)


class GroupForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=100)
    grids = ModelMultipleChoiceField(label=gettext_lazy("grids"), queryset=Area.objects.none())
    leader = forms.ModelChoiceField(label=gettext_lazy("leader"), queryset=Cadre.objects.none(), required=False)

    def __init__(self, *args, area, deployments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grids"].queryset = Area.objects.get_children(area)
        self.fields["leader"].queryset = Cadre.objects.filter(pk__in=[d.cadre_id for d in deployments]).select_related("person")
        self.fields["leader"].label_from_instance = lambda c: c.person.name


def _styled(form):
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control")
    return form


@policy.requires(DEPLOY_CADRES)
def area_deployments(request, pk):
    area = area_get_for(request.user, pk)
    policy.require(request.user, DEPLOY_CADRES, area)
    view = community_deployments(actor=request.user, area=area)
    deploy = _styled(DeployForm(request.POST or None, actor=request.user, area=area))
    group_form = _styled(GroupForm(area=area, deployments=view.deployments)) if area.level == "community" else None
    if request.method == "POST" and deploy.is_valid():
        d = deploy.cleaned_data
        try:
            cadre_deploy(actor=request.user, cadre=d["cadre"], area=area, starts_on=d["starts_on"], ends_on=d["ends_on"],
                         group=d["group"], kind=d.get("kind") or DeploymentKind.SENT_DOWN,
                         frontline_role=d.get("frontline_role", ""))
        except ValidationError as e:
            deploy.add_error(None, e)
        else:
            messages.success(request, _("%(cadre)s is sent to %(area)s.") % {"cadre": d["cadre"].person.name,
                                                                             "area": area.name})
            return redirect("area_deployments", pk=area.pk)
    return render(request, "mobilization/area_deployments.html", {
        "area": area, "view": view, "deploy": deploy, "group_form": group_form,
        "not_sent": cadres_not_sent(actor=request.user, limit=50),
        "by": deployed_by_rank_and_unit(actor=request.user, area=area),
        "breadcrumb": area_breadcrumb(actor=request.user, area=area)}, status=400 if deploy.errors else 200)


@policy.requires(DEPLOY_CADRES)
@require_POST
def group_create(request, pk):
    area = area_get_for(request.user, pk)
    form = GroupForm(request.POST, area=area, deployments=deployments_under(actor=request.user, area=area))
    if form.is_valid():
        d = form.cleaned_data
        try:
            deployment_group_create(actor=request.user, community=area, name=d["name"], grids=list(d["grids"]),
                                    leader=d["leader"])
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
    else:
        messages.error(request, " ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("area_deployments", pk=area.pk)


@policy.requires(DEPLOY_CADRES)
@require_POST
def deployment_end_view(request, pk):
    deployment = get_for(Deployment.objects.select_related("area", "cadre__person", "assignment"), request.user, pk)
    try:
        deployment_end(actor=request.user, deployment=deployment)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The deployment ends today, and the access it gave."))
    return redirect("area_deployments", pk=deployment.area_id)


@policy.requires(policy.VIEW)
def area_chain(request, pk):
    """五级书记抓防疫: the accountable secretary at each level above and at the area, the gaps below; naming
    one for those who manage accounts there."""
    area = area_get_for(request.user, pk)
    if request.method == "POST":
        secretary = User.objects.filter(username=request.POST.get("username", "").strip(), is_active=True).first()
        try:
            chain_secretary_name(actor=request.user, area=area, secretary=secretary, title=request.POST.get("title", ""))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("%(user)s is accountable for %(area)s.") % {"user": secretary, "area": area.name})
        return redirect("area_chain", pk=area.pk)
    levels, gaps, gap_count = responsibility_chain(actor=request.user, area=area)
    return render(request, "mobilization/area_chain.html", {
        "area": area, "levels": levels, "gaps": gaps, "gap_count": gap_count,
        "can_name": policy.allows(request.user, policy.MANAGE_ACCOUNTS, area),
        "breadcrumb": area_breadcrumb(actor=request.user, area=area)})


class TeamForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=TeamKind.choices)
    name = forms.CharField(label=gettext_lazy("name"), max_length=100)
    members = forms.CharField(label=gettext_lazy("Members (ID numbers or names of party members here, one a line)"),
                              widget=forms.Textarea(attrs={"rows": 3}), required=False)


@policy.requires(DEPLOY_CADRES)
def area_teams(request, pk):
    """The teams formed at an area (先锋队、突击队、志愿服务队), and a new one."""
    area = area_get_for(request.user, pk)
    policy.require(request.user, DEPLOY_CADRES, area)
    form = _styled(TeamForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        lines = list(dict.fromkeys(line.strip() for line in d["members"].splitlines() if line.strip()))
        people = list(Person.objects.visible_to(request.user).filter(Q(id_number__in=lines) | Q(name__in=lines)))
        line_of = {line: i for i, line in enumerate(lines)}  # the first line names the leader
        people.sort(key=lambda p: min(line_of.get(p.id_number, len(lines)), line_of.get(p.name, len(lines))))
        known = {p.id_number for p in people} | {p.name for p in people}
        unknown = [line for line in lines if line not in known]
        try:
            if unknown:  # a member asked for but not found is refused, not silently left out
                raise ValidationError(_("Nobody of your area by these ID numbers or names: %(lines)s") % {
                    "lines": "、".join(line[:30] for line in unknown[:20])})
            team_form(actor=request.user, kind=d["kind"], name=d["name"], area=area, members=people,
                      leader=people[0] if people else None)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Team formed."))
            return redirect("area_teams", pk=area.pk)
    teams = (Team.objects.visible_to(request.user).filter(area__path__startswith=area.path, dissolved_on__isnull=True)
             .select_related("leader", "area").annotate(size=Count("members", filter=Q(members__left_on__isnull=True)))
             .order_by("kind", "name"))
    return render(request, "mobilization/area_teams.html", {
        "area": area, "teams": teams, "form": form, "breadcrumb": area_breadcrumb(actor=request.user, area=area)},
        status=400 if form.errors else 200)
