"""Pages for party members at the front: an area's responsibility zones and pioneer posts (with their
members), and its temporary party organizations — which sites and teams need one, and setting one up."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontline.areas.models import AreaLevel, Building, Site
from frontline.areas.selectors import area_breadcrumb, area_get_for
from frontline.core import policy
from frontline.core.formfields import ModelMultipleChoiceField
from frontline.core.scoping import get_for
from frontline.people.models import Person

from .models import Team
from .partyorg_services import (
    FORM_TEMPORARY_ORGS,
    MANAGE_PARTY_POSTS,
    SITE,
    TEAM,
    TEMPORARY_KIND_LABELS,
    anchor_get_for,
    formal_members_by_anchor,
    kind_for,
    pioneer_post_create,
    post_holder_remove,
    post_holders_add,
    responsibility_zone_create,
    team_dissolve,
    team_member_leave,
    temporary_org_create,
    temporary_org_needs,
    zone_member_remove,
    zone_members_add,
)
from .partyorgs import PioneerPost, PioneerPostKind, ResponsibilityZone, TemporaryOrg
from .services import DEPLOY_CADRES

MEMBERS_HELP = gettext_lazy("Members (ID numbers or names, one a line)")


def _styled(form):
    for field in form.fields.values():
        if isinstance(field.widget, forms.RadioSelect):
            continue
        field.widget.attrs.setdefault("class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control")
    return form


def _people(actor, text: str) -> tuple[list[Person], list[str]]:
    """People the actor may see, by ID number or name, one a line; and the lines that found nobody."""
    lines = list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))
    found = list(Person.objects.visible_to(actor).filter(Q(id_number__in=lines) | Q(name__in=lines)).order_by("pk"))
    known = {p.id_number for p in found} | {p.name for p in found}
    return found, [line for line in lines if line not in known]


class ZoneForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=100)
    description = forms.CharField(label=gettext_lazy("what it covers"), max_length=200, required=False)
    buildings = ModelMultipleChoiceField(label=gettext_lazy("buildings"), queryset=Building.objects.none(),
                                               required=False)
    members = forms.CharField(label=MEMBERS_HELP, widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        if area.level == AreaLevel.GRID:
            self.fields["buildings"].queryset = Building.objects.filter(area=area).order_by("name")
        else:
            del self.fields["buildings"]


class PostForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=PioneerPostKind.choices)
    name = forms.CharField(label=gettext_lazy("name"), max_length=100)
    site = forms.ModelChoiceField(label=gettext_lazy("site"), queryset=Site.objects.none(), required=False)
    members = forms.CharField(label=gettext_lazy("Holders (party members: ID numbers or names, one a line)"),
                              widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = (Site.objects.filter(area__path__startswith=area.path, closed_on__isnull=True)
                                        .order_by("name"))


@policy.requires(MANAGE_PARTY_POSTS)
def area_party_posts(request, pk):
    """党员责任区 and 党员先锋岗 of an area, and new ones."""
    area = area_get_for(request.user, pk)
    policy.require(request.user, MANAGE_PARTY_POSTS, area)
    what = request.POST.get("what") if request.method == "POST" else None
    zone_form = _styled(ZoneForm(request.POST if what == "zone" else None, area=area, prefix="zone"))
    post_form = _styled(PostForm(request.POST if what == "post" else None, area=area, prefix="post"))
    form = zone_form if what == "zone" else post_form if what == "post" else None
    if form is not None and form.is_valid():
        d = form.cleaned_data
        people, unknown = _people(request.user, d["members"])
        try:
            if unknown:
                raise ValidationError(_("Nobody of your area by these ID numbers or names: %(lines)s") % {
                    "lines": "、".join(unknown)})
            if what == "zone":
                responsibility_zone_create(actor=request.user, area=area, name=d["name"], description=d["description"],
                                           buildings=d.get("buildings") or (), members=people)
            else:
                pioneer_post_create(actor=request.user, area=area, kind=d["kind"], name=d["name"], site=d["site"],
                                    members=people)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("%(name)s is set up.") % {"name": d["name"]})
            return redirect("area_party_posts", pk=area.pk)
    current = Count("members", filter=Q(members__left_on__isnull=True))
    zones = (ResponsibilityZone.objects.visible_to(request.user)
             .filter(area__path__startswith=area.path, ended_on__isnull=True)
             .select_related("area").annotate(size=current).order_by("area__path", "name"))
    posts = (PioneerPost.objects.visible_to(request.user).filter(area__path__startswith=area.path, ended_on__isnull=True)
             .select_related("area", "site").annotate(size=current).order_by("area__path", "name"))
    return render(request, "mobilization/area_party_posts.html", {
        "area": area, "zones": zones, "posts": posts, "zone_form": zone_form, "post_form": post_form,
        "breadcrumb": area_breadcrumb(actor=request.user, area=area)},
        status=400 if form is not None and form.errors else 200)


def _holder_page(request, holder, *, add, remove, url_name):
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                person = get_for(Person, request.user, request.POST["remove"])
                remove(actor=request.user, person=person)
                messages.success(request, _("%(person)s no longer belongs to %(what)s.") % {
                    "person": person.name, "what": holder.name})
            else:
                people, unknown = _people(request.user, request.POST.get("members", ""))
                if unknown:
                    raise ValidationError(_("Nobody of your area by these ID numbers or names: %(lines)s") % {
                        "lines": "、".join(unknown)})
                added = add(actor=request.user, people=people)
                messages.success(request, _("%(n)s added.") % {"n": len(added)})
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            status = 400
        else:
            return redirect(url_name, pk=holder.pk)
    else:
        status = 200
    members = holder.members.filter(left_on__isnull=True).select_related("person").order_by("joined_on", "pk")
    return render(request, "mobilization/party_post_detail.html", {
        "holder": holder, "members": members, "area": holder.area, "what": holder._meta.verbose_name,
        "breadcrumb": area_breadcrumb(actor=request.user, area=holder.area)}, status=status)


@policy.requires(MANAGE_PARTY_POSTS)
def responsibility_zone_detail(request, pk):
    zone = get_for(ResponsibilityZone.objects.restrict(request.user, MANAGE_PARTY_POSTS).select_related("area"),
                   request.user, pk)
    return _holder_page(request, zone, url_name="responsibility_zone_detail",
                        add=lambda **kw: zone_members_add(zone=zone, **kw),
                        remove=lambda **kw: zone_member_remove(zone=zone, **kw))


@policy.requires(MANAGE_PARTY_POSTS)
def pioneer_post_detail(request, pk):
    post = get_for(PioneerPost.objects.restrict(request.user, MANAGE_PARTY_POSTS).select_related("area", "site"),
                   request.user, pk)
    return _holder_page(request, post, url_name="pioneer_post_detail",
                        add=lambda **kw: post_holders_add(post=post, **kw),
                        remove=lambda **kw: post_holder_remove(post=post, **kw))


@policy.requires(FORM_TEMPORARY_ORGS)
def area_temporary_orgs(request, pk):
    """Which sites and teams of the area need a temporary party organization (or have outgrown theirs), and the
    temporary organizations there with their members now."""
    area = area_get_for(request.user, pk)
    policy.require(request.user, FORM_TEMPORARY_ORGS, area)
    needs, total, existing = temporary_org_needs(actor=request.user, area=area)
    return render(request, "mobilization/area_temporary_orgs.html", {
        "area": area, "needs": needs, "total": total, "existing": existing,
        "breadcrumb": area_breadcrumb(actor=request.user, area=area)})


class TemporaryOrgForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=list(TEMPORARY_KIND_LABELS.items()))
    secretary = forms.TypedChoiceField(label=gettext_lazy("secretary"), coerce=int, widget=forms.RadioSelect)
    name = forms.CharField(label=gettext_lazy("name (optional)"), max_length=150, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretary"].choices = [(p.pk, p.name) for p in people]


@policy.requires(FORM_TEMPORARY_ORGS)
def temporary_org_new(request, pk, anchor):
    """Set up the temporary organization of a site or team in one step: its kind and its secretary, chosen
    from the formal party members assigned there."""
    kind, obj = anchor_get_for(request.user, f"{anchor}:{pk}")
    key = (kind, obj.pk)
    member_ids = formal_members_by_anchor(obj.area, timezone.localdate(), anchor=key).get(key, set())
    people = list(Person.objects.filter(pk__in=member_ids).order_by("name", "pk"))
    needed = kind_for(len(people))
    form = _styled(TemporaryOrgForm(request.POST or None, people=people, initial={"kind": needed}))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            temporary = temporary_org_create(
                actor=request.user, kind=d["kind"], name=d["name"], secretary=next(p for p in people if p.pk == d["secretary"]),
                site=obj if kind == SITE else None, team=obj if kind == TEAM else None)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("%(org)s is set up.") % {"org": temporary.org.name})
            return redirect("area_temporary_orgs", pk=obj.area_id)
    current = TemporaryOrg.objects.filter(dissolved_on__isnull=True, **{kind: obj}).select_related("org").first()
    return render(request, "mobilization/temporary_org_form.html", {
        "obj": obj, "anchor": kind, "area": obj.area, "form": form, "count": len(people), "current": current,
        "needed": TEMPORARY_KIND_LABELS.get(needed, "—"),
        "breadcrumb": area_breadcrumb(actor=request.user, area=obj.area)}, status=400 if form.errors else 200)


@policy.requires(DEPLOY_CADRES)
def team_detail(request, pk):
    """A team's members now; a member leaving, or the team dissolved (its temporary organization with it)."""
    team = get_for(Team.objects.restrict(request.user, DEPLOY_CADRES).select_related("area", "site", "leader"),
                   request.user, pk)
    if request.method == "POST":
        try:
            if request.POST.get("leave"):
                person = get_for(Person, request.user, request.POST["leave"])
                team_member_leave(actor=request.user, team=team, person=person)
                messages.success(request, _("%(person)s no longer belongs to %(what)s.") % {
                    "person": person.name, "what": team.name})
            elif request.POST.get("dissolve") and team.dissolved_on is None:
                team_dissolve(actor=request.user, team=team)
                messages.success(request, _("%(team)s is dissolved.") % {"team": team.name})
                return redirect("area_teams", pk=team.area_id)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        return redirect("team_detail", pk=team.pk)
    members = team.members.filter(left_on__isnull=True).select_related("person").order_by("joined_on", "pk")
    temporary = TemporaryOrg.objects.filter(team=team, dissolved_on__isnull=True).select_related("org", "secretary").first()
    return render(request, "mobilization/team_detail.html", {
        "team": team, "members": members, "temporary": temporary, "area": team.area,
        "breadcrumb": area_breadcrumb(actor=request.user, area=team.area)})
