"""Supply-order pages for the desks, grid workers and hotline staff: an area's orders with filters and counts, an
order's page (lines, why urgent, timeline, masked phone with an audited reveal, confirm and cancel), a grid's
dispatch page (confirm page orders, pick buildings, give them to a volunteer or a team), and taking an order for
a household found by building, unit and room (never a list of residents)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontline.areas.models import Area, AreaLevel, Building, Household
from frontline.areas.selectors import area_breadcrumb
from frontline.core import policy
from frontline.core.models import User
from frontline.core.roles import Role
from frontline.core.validators import mask_phone

from . import order_services
from .models import Channel, OrderPriority, OrderStatus, SupplyItem
from .order_selectors import (
    OrderFilter,
    dispatch_waiting,
    order_counts,
    order_get_for,
    order_list_rows,
    order_timeline,
    order_work_orders,
    orders_of_area,
    orders_unverified,
    priority_labels,
)
from .orders import LineIn, order_place
from .policy import DISPATCH_ORDERS, TAKE_ORDERS, VIEW_ORDERS
from .view_helpers import area_asked

FREE_LINES = 3  # free-text lines on the take form


def _styled(form):
    for f in form.fields.values():
        f.widget.attrs.setdefault("class", "form-select" if isinstance(f.widget, forms.Select) else "form-control")
    return form


def _area(request, action: str = VIEW_ORDERS) -> Area:
    return area_asked(request, action, from_post=True)


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", gettext_lazy("All"))] + list(OrderStatus.choices))
    priority = forms.TypedChoiceField(label=gettext_lazy("Priority"), required=False, coerce=int, empty_value=None,
                                      choices=[("", gettext_lazy("All"))] + list(OrderPriority.choices))
    building = forms.TypedChoiceField(label=gettext_lazy("Building"), required=False, coerce=int, empty_value=None)
    day = forms.DateField(label=gettext_lazy("Day placed"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, buildings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = [("", gettext_lazy("All"))] + [(b.pk, b.name) for b in buildings]
        if not buildings:
            del self.fields["building"]


@policy.requires(VIEW_ORDERS)
def order_list(request):
    """The orders of an area (the account's own by default), filtered, with counts by status."""
    area = _area(request, VIEW_ORDERS)
    buildings = list(Building.objects.filter(area=area).order_by("name")) if area.level == AreaLevel.GRID else []
    form = _styled(OrderFilterForm(request.GET or None, buildings=buildings))
    where = OrderFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        where = OrderFilter(status=data.get("status") or "", priority=data.get("priority"),
                            building=data.get("building"), day=data.get("day"))
    rows = orders_of_area(actor=request.user, area=area, where=where)
    page = Paginator(order_list_rows(rows), settings.FRONTLINE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "care/orders/order_list.html", {
        "area": area, "form": form, "page": page, "counts": order_counts(rows), "query": query.urlencode(),
        "breadcrumb": area_breadcrumb(actor=request.user, area=area), "active": "orders",
        "may_take": policy.allows(request.user, TAKE_ORDERS),
        "may_dispatch": area.level == AreaLevel.GRID and policy.allows_in(request.user, DISPATCH_ORDERS, area),
        "children": Area.objects.get_children(area).restrict(request.user, VIEW_ORDERS).order_by("code")
        if area.level != AreaLevel.GRID else []})


@policy.requires(VIEW_ORDERS)
def order_detail(request, pk):
    order = order_get_for(request.user, pk)
    return render(request, "care/orders/order_detail.html", {
        "order": order, "lines": list(order.lines.all()), "reasons": priority_labels(order),
        "timeline": order_timeline(order), "works": order_work_orders(order, request.user),
        "phone": mask_phone(order.contact_phone), "active": "orders",
        "breadcrumb": area_breadcrumb(actor=request.user, area=order.area),
        "may_reveal": policy.allows(request.user, policy.REVEAL, order),
        "may_confirm": not order.verified and order.status == OrderStatus.PLACED
        and policy.allows(request.user, DISPATCH_ORDERS, order),
        "may_cancel": order.status in (OrderStatus.PLACED, OrderStatus.ASSIGNED)
        and policy.allows(request.user, TAKE_ORDERS, order)})


@policy.requires(policy.REVEAL)
def order_reveal(request, pk):
    """The contact phone in full, once, written into the audit log (an htmx fragment: a tel: link)."""
    if request.method != "POST":
        return redirect("order_detail", pk=pk)
    order = order_get_for(request.user, pk)
    phone = order_services.order_phone_reveal(actor=request.user, order=order)
    return render(request, "care/orders/partials/phone.html", {"phone": phone})


@policy.requires(DISPATCH_ORDERS)
def order_confirm(request, pk):
    order = order_get_for(request.user, pk)
    if not policy.allows(request.user, DISPATCH_ORDERS, order):
        raise PermissionDenied
    if request.method == "POST":
        try:
            order_services.order_confirm(actor=request.user, order=order)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("Order %(receipt)s confirmed with the household.")
                             % {"receipt": order.receipt_display})
    back = request.POST.get("next")
    return redirect("order_dispatch", area_pk=order.area_id) if back == "dispatch" else redirect("order_detail", pk=pk)


@policy.requires(TAKE_ORDERS)
def order_cancel(request, pk):
    order = order_get_for(request.user, pk)
    if not policy.allows(request.user, TAKE_ORDERS, order):
        raise PermissionDenied
    if request.method == "POST":
        try:
            order_services.order_cancel(actor=request.user, order=order, reason=request.POST.get("reason", ""))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("Order %(receipt)s cancelled.") % {"receipt": order.receipt_display})
    return redirect("order_detail", pk=pk)


def _ids(values) -> list[int]:
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError):
        return []


@policy.requires(DISPATCH_ORDERS)
def order_dispatch(request, area_pk):
    """A grid's confirmed orders waiting, by building (with urgent ones marked), the page orders to confirm, and
    the form giving the chosen buildings to a volunteer or a team."""
    try:
        area = Area.objects.restrict(request.user, VIEW_ORDERS).get(pk=area_pk, level=AreaLevel.GRID)
    except Area.DoesNotExist:
        raise Http404 from None
    if not policy.allows(request.user, DISPATCH_ORDERS, area):
        raise PermissionDenied
    volunteers = list(order_services.delivery_accounts(area))
    teams = order_services.delivery_teams(area)
    if request.method == "POST":
        building_ids = _ids(request.POST.getlist("buildings"))
        who = request.POST.get("assignee", "")
        try:
            if not building_ids:
                raise ValidationError(_("Choose at least one building."))
            if who.startswith("team:"):
                batches = order_services.orders_assign_team(actor=request.user, area=area, building_ids=building_ids,
                                                            team_key=who.removeprefix("team:"))
            else:
                assignee = User.objects.filter(pk__in=_ids([who.removeprefix("user:")])).first()
                batches = [order_services.orders_assign_to(actor=request.user, area=area, building_ids=building_ids,
                                                           assignee=assignee)]
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            count = sum(b.orders.count() for b in batches)
            messages.success(request, _("%(n)d orders given to %(who)s.") % {
                "n": count, "who": batches[0].team_label or batches[0].assignee.username})
            return redirect("order_dispatch", area_pk=area.pk)
    return render(request, "care/orders/order_dispatch.html", {
        "area": area, "waiting": dispatch_waiting(area), "unverified": list(orders_unverified(area)),
        "volunteers": volunteers, "teams": teams, "active": "orders",
        "breadcrumb": area_breadcrumb(actor=request.user, area=area)})


class TakeForm(forms.Form):
    building = forms.TypedChoiceField(label=gettext_lazy("Building"), coerce=int)
    unit = forms.CharField(label=gettext_lazy("Unit"), required=False, max_length=10)
    room = forms.CharField(label=gettext_lazy("Room"), max_length=10)
    contact_phone = forms.CharField(label=gettext_lazy("Contact phone"), max_length=20,
                                    widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)

    def __init__(self, *args, buildings=(), items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = [(b.pk, b.name) for b in buildings]
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=f"{item.name}（{item.unit}）", required=False, min_value=0, max_value=item.max_per_order,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "0"}))
        for n in range(FREE_LINES):
            self.fields[f"text_{n}"] = forms.CharField(label=gettext_lazy("Something else"), required=False,
                                                       max_length=100)
            self.fields[f"quantity_{n}"] = forms.IntegerField(label=gettext_lazy("How many"), required=False,
                                                              min_value=1, max_value=1000,
                                                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
        self.item_fields = [self[f"item_{item.pk}"] for item in items]
        self.free_fields = [(self[f"text_{n}"], self[f"quantity_{n}"]) for n in range(FREE_LINES)]


def _channel_of(user) -> str:
    roles = {a.role for a in policy.assignments(user)}
    if "hotline" in roles:
        return Channel.HOTLINE
    if Role.GRID_WORKER in roles:
        return Channel.GRID
    return Channel.PLATFORM


@policy.requires(TAKE_ORDERS)
def order_take(request):
    """Take an order over the phone or at the door: the grid (if the account covers more than one), then the home
    by building, unit and room, what is needed and a phone to call."""
    grids = Area.objects.restrict(request.user, TAKE_ORDERS).filter(level=AreaLevel.GRID).order_by("path")
    grid_id = request.POST.get("grid") or request.GET.get("grid")
    grid = None
    if grid_id:
        grid = grids.filter(pk__in=_ids([grid_id])).first()
        if grid is None:
            raise Http404
    else:
        first_two = list(grids[:2])
        grid = first_two[0] if len(first_two) == 1 else None
    if grid is None:
        return render(request, "care/orders/order_take_grid.html", {"grids": grids, "active": "orders"})
    buildings = list(Building.objects.filter(area=grid).order_by("name"))
    items = list(SupplyItem.objects.filter(orderable=True, active=True).order_by("category", "name"))
    form = _styled(TakeForm(request.POST or None, buildings=buildings, items=items))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit, room = (data.get("unit") or "").strip(), data["room"].strip()
        household = (Household.objects.restrict(request.user, TAKE_ORDERS).select_related("building")
                     .filter(building_id=data["building"], building__area=grid, unit=unit, room=room).first())
        lines = [LineIn(item_id=item.pk, quantity=data[f"item_{item.pk}"]) for item in items
                 if data.get(f"item_{item.pk}")]
        lines += [LineIn(text=data[f"text_{n}"], quantity=data.get(f"quantity_{n}") or 1) for n in range(FREE_LINES)
                  if (data.get(f"text_{n}") or "").strip()]
        if household is None:
            building = next((b.name for b in buildings if b.pk == data["building"]), "")
            form.add_error(None, _("There is no household at %(building)s, unit %(unit)s, room %(room)s in %(grid)s: "
                                   "check the unit and room.")
                           % {"building": building, "unit": unit or "—", "room": room, "grid": grid.name})
        else:
            try:
                order = order_place(actor=request.user, household=household, channel=_channel_of(request.user),
                                    contact_phone=data["contact_phone"], lines=lines, note=data.get("note") or "")
            except ValidationError as e:
                form.add_error(None, e.messages)
            else:
                messages.success(request, _("Order %(receipt)s taken for %(home)s.")
                                 % {"receipt": order.receipt_display, "home": household})
                return redirect("order_detail", pk=order.pk)
    return render(request, "care/orders/order_take.html", {
        "form": form, "grid": grid, "more_grids": grids.exclude(pk=grid.pk).exists(), "active": "orders",
        "breadcrumb": area_breadcrumb(actor=request.user, area=grid)})
