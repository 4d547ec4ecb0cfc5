"""Pages of testing rounds (核酸检测): the list of rounds the viewer may see, leading collectors, transporters and
laboratories straight to their work; a new round; one round with its areas, sites and hours, staff, status and
exemptions, and the way to the other parts' pages. The rules are the services' (`rounds.py`)."""

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.areas.selectors import area_breadcrumb
from frontline.core import policy
from frontline.core.validators import mask_id_number
from frontline.people.models import Person

from .models import Result, RoundExemption, RoundSite, RoundStaff, RoundStatus, StaffRole, TestingRound, Tube
from .policy import HANDOVER_BAGS, LOAD_RESULTS, MANAGE_TESTING, REGISTER_SAMPLES, VIEW_TESTING
from .round_forms import RoundExemptionForm, RoundSiteForm, RoundStaffForm, TestingRoundForm
from .rounds import (
    NEXT_STATUS,
    round_areas_of,
    round_exemption_add,
    round_exemption_remove,
    round_exemptions,
    round_may_manage,
    round_site_add,
    round_staff_add,
    round_staff_end,
    staff_candidates,
    testing_round_create,
    testing_round_get_for,
    testing_round_status_set,
    testing_rounds_for,
    testing_site_create,
    testing_sites_for,
)

# The other parts' pages, by path (each part brings its own URL names).
COLLECT_PATH = "/testing/collect/"
BAGS_PATH = "/testing/bags/"
RESULTS_PATH = "/testing/rounds/{pk}/results/"  # a laboratory's results go to one round


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def _my_work(user, testing_round=None) -> list[tuple[str, str, str]]:
    """The viewer's own testing work: (path, label, test id), in the order the work goes. Results are loaded
    into a round: this one, or on the list the one round not closed the viewer sees (with more, each round's
    page has the way)."""
    work = []
    if policy.allows(user, REGISTER_SAMPLES):
        work.append((COLLECT_PATH, _("Register samples"), "work-collect"))
    if policy.allows(user, HANDOVER_BAGS):
        work.append((BAGS_PATH, _("Bags and hand-overs"), "work-bags"))
    if policy.allows(user, LOAD_RESULTS):
        if testing_round is None:
            running = list(testing_rounds_for(actor=user).exclude(status=RoundStatus.CLOSED).values_list("pk", flat=True)[:2])
            testing_round = TestingRound(pk=running[0]) if len(running) == 1 else None
        if testing_round is not None:
            work.append((RESULTS_PATH.format(pk=testing_round.pk), _("Load results"), "work-results"))
    return work


@policy.requires(VIEW_TESTING)
def testing_round_list(request):
    user = request.user
    staffing = (RoundStaff.objects.filter(user=user, ended_at__isnull=True).exclude(round__status=RoundStatus.CLOSED)
                .select_related("round", "site").order_by("round__starts_at"))
    hours = {(rs.round_id, rs.site_id): rs for rs in RoundSite.objects.filter(
        round__in={s.round_id for s in staffing}, site__in={s.site_id for s in staffing if s.site_id})}
    return render(request, "epidemic/rounds/round_list.html", {
        "rounds": testing_rounds_for(actor=user)[:200],
        "can_create": policy.allows(user, MANAGE_TESTING),
        "frontline": not policy.allows(user, MANAGE_TESTING),
        "work": _my_work(user),
        "staffing": [(s, hours.get((s.round_id, s.site_id))) for s in staffing],
        "active": "testing",
    })


@policy.requires(MANAGE_TESTING)
def testing_round_new(request):
    form = TestingRoundForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token = data.get("form_token") or None
        made = TestingRound.objects.filter(form_token=token, created_by=request.user).first() if token else None
        if made is not None:  # the same form sent again (a double tap, a reload): one round
            flash.info(request, _("This form was sent before: the round was created once."))
            return redirect("testing_round_detail", pk=made.pk)
        try:
            with transaction.atomic():
                sites = list(data["sites"])
                if data.get("new_site_name"):
                    sites.append(testing_site_create(actor=request.user, area=data["new_site_area"],
                                                     name=data["new_site_name"]))
                opens = data.get("site_opens_at") or data["starts_at"]
                closes = data.get("site_closes_at") or data["ends_at"]
                testing_round = testing_round_create(
                    actor=request.user, name=data["name"], areas=list(data["areas"]), starts_at=data["starts_at"],
                    ends_at=data["ends_at"], pool_size=data["pool_size"], sites=[(s, opens, closes) for s in sites],
                    form_token=token)
        except ValidationError as e:
            _errors_to_form(form, e)
        else:
            flash.success(request, _("Round created."))
            return redirect("testing_round_detail", pk=testing_round.pk)
    return render(request, "epidemic/rounds/round_form.html", {"form": form, "active": "testing"},
                  status=400 if form.errors else 200)


def _detail_context(request, testing_round, **forms) -> dict:
    user = request.user
    can_manage = policy.allows(user, MANAGE_TESTING) and round_may_manage(user, testing_round)
    areas = round_areas_of(testing_round)
    round_sites = list(RoundSite.objects.restrict(user, VIEW_TESTING).filter(round=testing_round)
                       .select_related("site__area").order_by("opens_at", "site__name"))
    tally = Tube.objects.restrict(user, VIEW_TESTING).filter(round=testing_round).aggregate(
        tubes=Count("id"), samples=Sum("samples_count"), reported=Count("id", filter=~Q(result="")),
        positive=Count("id", filter=Q(result=Result.POSITIVE)))  # counts of the tubes the viewer may see, no names
    context = {"round": testing_round, "areas": areas, "round_sites": round_sites, "can_manage": can_manage,
               "tally": tally,
               "work": _my_work(user, testing_round), "active": "testing",
               "breadcrumb": area_breadcrumb(actor=user, area=testing_round.area),
               "coverage_path": f"/testing/rounds/{testing_round.pk}/coverage/",
               "bags_path": f"/testing/rounds/{testing_round.pk}/bags/",
               "results_path": f"/testing/rounds/{testing_round.pk}/results/",
               "positives_path": f"/testing/rounds/{testing_round.pk}/positives/"}
    if not can_manage:
        return context
    open_round = testing_round.status != RoundStatus.CLOSED
    site_choices = list(testing_sites_for(actor=user, areas=areas))
    staff = list(testing_round.staff.select_related("user", "site", "area").order_by("ended_at", "role", "pk"))
    context.update({
        "open_round": open_round,
        "next_statuses": [(s, RoundStatus(s).label) for s in NEXT_STATUS[RoundStatus(testing_round.status)]],
        "staff": staff,
        "site_form": forms.get("site_form") or RoundSiteForm(actor=user, testing_round=testing_round, areas=areas,
                                                             sites=site_choices),
        "staff_form": forms.get("staff_form") or RoundStaffForm(
            candidates=staff_candidates(actor=user, testing_round=testing_round),
            sites=[rs.site for rs in round_sites], areas=[testing_round.area, *areas]),
        "exemptions": [(e, mask_id_number(e.person.id_number))
                       for e in round_exemptions(actor=user, testing_round=testing_round)],
    })
    return context


@policy.requires(VIEW_TESTING)
def testing_round_detail(request, pk):
    testing_round = testing_round_get_for(request.user, pk)
    return render(request, "epidemic/rounds/round_detail.html", _detail_context(request, testing_round))


def _managed_round(request, pk):
    """The round, if the viewer may see it (404 otherwise) and runs it (403 otherwise)."""
    testing_round = testing_round_get_for(request.user, pk)
    if not round_may_manage(request.user, testing_round):
        raise PermissionDenied
    return testing_round


@policy.requires(MANAGE_TESTING)
@require_POST
def testing_round_status(request, pk):
    testing_round = _managed_round(request, pk)
    try:
        testing_round = testing_round_status_set(actor=request.user, testing_round=testing_round,
                                                 status=request.POST.get("status", ""))
    except ValidationError as e:
        flash.error(request, " ".join(e.messages))
    else:
        flash.success(request, _("The round is now %(status)s.") % {"status": testing_round.get_status_display()})
    return redirect("testing_round_detail", pk=testing_round.pk)


@policy.requires(MANAGE_TESTING)
@require_POST
def round_site_save(request, pk):
    """Add a site to the round (an existing testing site, or a new one) or change a site's hours."""
    testing_round = _managed_round(request, pk)
    areas = round_areas_of(testing_round)
    form = RoundSiteForm(request.POST, actor=request.user, testing_round=testing_round, areas=areas,
                         sites=list(testing_sites_for(actor=request.user, areas=areas)))
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                site = data.get("site") or testing_site_create(actor=request.user, area=data["new_site_area"],
                                                               name=data["new_site_name"])
                round_site_add(actor=request.user, testing_round=testing_round, site=site,
                               opens_at=data["opens_at"], closes_at=data["closes_at"])
        except ValidationError as e:
            _errors_to_form(form, e)
        else:
            flash.success(request, _("Hours of %(site)s saved.") % {"site": site.name})
            return redirect(reverse("testing_round_detail", args=[testing_round.pk]) + "#sites")
    return render(request, "epidemic/rounds/round_detail.html",
                  _detail_context(request, testing_round, site_form=form), status=400)


@policy.requires(MANAGE_TESTING)
@require_POST
def round_staff_new(request, pk):
    testing_round = _managed_round(request, pk)
    areas = round_areas_of(testing_round)
    form = RoundStaffForm(request.POST, candidates=staff_candidates(actor=request.user, testing_round=testing_round),
                          sites=[rs.site for rs in testing_round.round_sites.select_related("site")],
                          areas=[testing_round.area, *areas])
    if form.is_valid():
        data = form.cleaned_data
        try:
            collector = data["role"] == StaffRole.COLLECTOR
            staff = round_staff_add(actor=request.user, testing_round=testing_round, user=data["user"],
                                    role=data["role"], site=data["site"] if collector else None,
                                    area=None if collector else data["area"])
        except ValidationError as e:
            _errors_to_form(form, e)
        else:
            flash.success(request, _("%(name)s works in the round as %(role)s until %(until)s.") % {
                "name": staff.user.username, "role": staff.get_role_display(),
                "until": staff.assignment.valid_until.isoformat()})
            return redirect(reverse("testing_round_detail", args=[testing_round.pk]) + "#staff")
    return render(request, "epidemic/rounds/round_detail.html",
                  _detail_context(request, testing_round, staff_form=form), status=400)


@policy.requires(MANAGE_TESTING)
@require_POST
def round_staff_end_view(request, pk, staff_pk):
    testing_round = _managed_round(request, pk)
    staff = RoundStaff.objects.filter(round=testing_round, pk=staff_pk).select_related("round", "user").first()
    if staff is None:
        raise Http404
    try:
        round_staff_end(actor=request.user, staff=staff)
    except ValidationError as e:
        flash.error(request, " ".join(e.messages))
    else:
        flash.success(request, _("%(name)s no longer works in this round.") % {"name": staff.user.username})
    return redirect(reverse("testing_round_detail", args=[testing_round.pk]) + "#staff")


def _exemption_person(actor, data):
    """The resident named by the form: by the household page's link, or by ID number (within the actor's place)."""
    people = Person.objects.restrict(actor, policy.VIEW_PEOPLE)
    if data.get("person"):
        person = people.filter(pk=data["person"]).first()
        if person is None:
            raise ValidationError({"id_number": _("That resident is not one of your area.")})
        return person
    person = people.filter(id_number=data["id_number"]).first()
    if person is None:
        raise ValidationError({"id_number": _("No resident of your area has the ID number %(id)s.")
                               % {"id": mask_id_number(data["id_number"])}})
    return person


@policy.requires(MANAGE_TESTING)
def round_exemption_new(request, pk):
    testing_round = _managed_round(request, pk)
    initial = {}
    chosen = None
    raw = request.POST.get("person") or request.GET.get("person")
    if raw and str(raw).isdigit() and len(str(raw)) < 19:
        chosen = Person.objects.restrict(request.user, policy.VIEW_PEOPLE).filter(pk=int(raw)).first()
        if chosen is not None:
            initial["person"] = chosen.pk
    form = RoundExemptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = _exemption_person(request.user, form.cleaned_data)
            exemption = round_exemption_add(actor=request.user, testing_round=testing_round, person=person,
                                            kind=form.cleaned_data["kind"], note=form.cleaned_data["note"])
        except ValidationError as e:
            if hasattr(e, "error_dict") and "person" in e.error_dict:  # the person is no field to show it at
                e = ValidationError({None: e.error_dict.pop("person"), **e.error_dict})
            _errors_to_form(form, e)
        else:
            flash.success(request, _("%(name)s: %(kind)s.") % {"name": person.name, "kind": exemption.get_kind_display()})
            return redirect(reverse("testing_round_detail", args=[testing_round.pk]) + "#exemptions")
    if form.errors:  # an ID number is not shown back in full, even to the one who typed it
        form.data = form.data.copy()
        form.data["id_number"] = ""
    return render(request, "epidemic/rounds/exemption_form.html", {
        "round": testing_round, "form": form, "active": "testing",
        "chosen": chosen, "chosen_id": mask_id_number(chosen.id_number) if chosen else ""},
        status=400 if form.errors else 200)


@policy.requires(MANAGE_TESTING)
@require_POST
def round_exemption_remove_view(request, pk, exemption_pk):
    testing_round = _managed_round(request, pk)
    exemption = (RoundExemption.objects.restrict(request.user, policy.VIEW_PEOPLE)
                 .filter(round=testing_round, pk=exemption_pk).select_related("person", "round").first())
    if exemption is None:
        raise Http404
    try:
        round_exemption_remove(actor=request.user, exemption=exemption)
    except ValidationError as e:
        flash.error(request, " ".join(e.messages))
    else:
        flash.success(request, _("%(name)s is back in the round's target.") % {"name": exemption.person.name})
    return redirect(reverse("testing_round_detail", args=[testing_round.pk]) + "#exemptions")
