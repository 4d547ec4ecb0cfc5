"""Protective-supply pages: the catalogue (items, gift packs and their parts; adding and changing them), the stock of
an area's sites (site × item, low ones marked), a site's stock with its move forms and recent moves, and the issue
form a service station uses on a phone."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontline.areas.models import Area, AreaLevel, Site, SiteKind
from frontline.areas.selectors import area_breadcrumb
from frontline.core import policy

from . import stock
from .models import ItemCategory, KitPart, MoveKind, RecipientKind, Stock, StockMove, SupplyItem
from .policy import MANAGE_CATALOGUE, MOVE_STOCK, VIEW_STOCK
from .stock_api import site_for_stock
from .view_helpers import area_asked, form_errors

SITES_MAX = 200  # sites shown on an area's stock page (a district's stations and centres fit)
MOVES_SHOWN = 30
STOCK_SITE_KINDS = (SiteKind.SERVICE_STATION, SiteKind.SERVICE_CENTER, SiteKind.HQ)


def _qty(label, **attrs):
    return forms.CharField(label=label, max_length=12, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off", **attrs}))


class MoveForm(forms.Form):
    """One form for the desk's moves at a site; `kind` says which (its fields are checked by the service)."""

    KINDS = [("in", gettext_lazy("Receive")), ("out", gettext_lazy("Send out")),
             ("transfer", gettext_lazy("Move to another site")), ("adjust", gettext_lazy("Count (set the stock)")),
             ("assemble", gettext_lazy("Assemble gift packs")), ("low", gettext_lazy("Low-stock mark"))]
    kind = forms.ChoiceField(label=gettext_lazy("What"), choices=KINDS)
    item = forms.TypedChoiceField(label=gettext_lazy("Item"), coerce=int)
    quantity = _qty(gettext_lazy("Quantity"))
    to_site = forms.TypedChoiceField(label=gettext_lazy("To site (a move)"), coerce=int, required=False,
                                     empty_value=None)
    note = forms.CharField(label=gettext_lazy("Note (required for a count)"), required=False, max_length=200)

    def __init__(self, *args, items=(), sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i.pk, f"{i.name}({i.unit})") for i in items]
        self.fields["to_site"].choices = [("", "—")] + [(s.pk, s.name) for s in sites]


class IssueForm(forms.Form):
    item = forms.TypedChoiceField(label=gettext_lazy("Item"), coerce=int)
    quantity = _qty(gettext_lazy("Quantity"))
    recipient_kind = forms.ChoiceField(label=gettext_lazy("Issued to"), choices=RecipientKind.choices,
                                       widget=forms.RadioSelect, initial=RecipientKind.RESIDENT)
    recipients = _qty(gettext_lazy("How many people"))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=200)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i.pk, f"{i.name}({i.unit})") for i in items]


class SupplyItemForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=ItemCategory.choices)
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=10, initial="件")
    stocked = forms.BooleanField(label=gettext_lazy("Kept in stock at sites"), required=False, initial=True)
    orderable = forms.BooleanField(label=gettext_lazy("Residents may order it"), required=False)
    max_per_order = _qty(gettext_lazy("Most in one order"))
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def __init__(self, *args, part_items=(), parts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.part_items = list(part_items)
        for item in self.part_items:  # a gift pack's parts: how many of each (empty or 0: not in the pack)
            self.fields[f"part_{item.pk}"] = forms.CharField(
                label=_("%(item)s in one pack (%(unit)s)") % {"item": item.name, "unit": item.unit}, required=False,
                max_length=12, initial=(parts or {}).get(item.pk, ""),
                widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*"}))


def _styled(form):
    for f in form.fields.values():
        if isinstance(f.widget, forms.CheckboxInput):
            f.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(f.widget, forms.RadioSelect):
            continue
        else:
            f.widget.attrs.setdefault("class", "form-select form-select-lg" if isinstance(f.widget, forms.Select)
                                      else "form-control form-control-lg")
    return form


_errors = form_errors


def _stocked_items():
    return list(SupplyItem.objects.filter(stocked=True, active=True).order_by("category", "name"))


def _area(request) -> Area:
    return area_asked(request, VIEW_STOCK)


# --- the catalogue -----------------------------------------------------------------------------------------------

@policy.requires(VIEW_STOCK)
def stock_catalogue(request):
    """Items kept at sites, and gift packs with their parts."""
    items = list(SupplyItem.objects.filter(stocked=True).prefetch_related(
        Prefetch("parts", queryset=KitPart.objects.select_related("item").order_by("item__name")))
        .order_by("category", "name"))
    return render(request, "care/stock/catalogue.html", {
        "items": [i for i in items if i.category != ItemCategory.KIT],
        "kits": [i for i in items if i.category == ItemCategory.KIT],
        "may_manage": policy.allows(request.user, MANAGE_CATALOGUE)})


def _item_form(request, item: SupplyItem | None):
    part_items = [i for i in _stocked_items() if i.category != ItemCategory.KIT and (item is None or i.pk != item.pk)]
    parts = {p.item_id: p.quantity for p in KitPart.objects.filter(kit=item)} if item else {}
    initial = ({"name": item.name, "category": item.category, "unit": item.unit, "stocked": item.stocked,
                "orderable": item.orderable, "max_per_order": item.max_per_order, "active": item.active}
               if item else {"max_per_order": 10, "stocked": True, "active": True})
    form = _styled(SupplyItemForm(request.POST or None, initial=initial, part_items=part_items, parts=parts))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = []
        if data["category"] == ItemCategory.KIT:
            for part in part_items:
                raw = (data.get(f"part_{part.pk}") or "").strip()
                if raw not in ("", "0"):
                    chosen.append((part, raw))
        try:
            with transaction.atomic():  # the item and its parts, or neither
                saved = stock.supply_item_save(actor=request.user, item=item, name=data["name"],
                                               category=data["category"], unit=data["unit"],
                                               stocked=data["stocked"], orderable=data["orderable"],
                                               max_per_order=data["max_per_order"], active=data["active"])
                if saved.category == ItemCategory.KIT:
                    stock.kit_parts_set(actor=request.user, kit=saved, parts=chosen)
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, _("%(item)s saved.") % {"item": saved.name})
            return redirect("stock_catalogue")
    return render(request, "care/stock/item_form.html", {
        "form": form, "item": item, "part_fields": [form[f"part_{p.pk}"] for p in part_items],
        "title": _("Change %(item)s") % {"item": item.name} if item else _("Add an item")})


@policy.requires(MANAGE_CATALOGUE)
def supply_item_new(request):
    return _item_form(request, None)


@policy.requires(MANAGE_CATALOGUE)
def supply_item_edit(request, pk):
    item = SupplyItem.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    return _item_form(request, item)


# --- stock of an area's sites ------------------------------------------------------------------------------------

@policy.requires(VIEW_STOCK)
def stock_area(request):
    """The sites under an area (its own first), each item's stock, low ones marked."""
    area = _area(request)
    sites = list(Site.objects.restrict(request.user, VIEW_STOCK).filter(area__path__startswith=area.path)
                 .filter(kind__in=STOCK_SITE_KINDS).select_related("area").order_by("area__path", "kind", "name")
                 [:SITES_MAX + 1])
    more = len(sites) > SITES_MAX
    sites = sites[:SITES_MAX]
    rows = Stock.objects.filter(site__in=sites).select_related("item")
    by_site: dict[int, dict[int, Stock]] = {}
    items = {}
    for r in rows:
        by_site.setdefault(r.site_id, {})[r.item_id] = r
        items[r.item_id] = r.item
    items = sorted(items.values(), key=lambda i: (i.category, i.name))
    table = [(s, [by_site.get(s.pk, {}).get(i.pk) for i in items]) for s in sites]
    low = sum(1 for _s, cells in table if any(c is not None and c.low_at and c.quantity <= c.low_at for c in cells))
    return render(request, "care/stock/area.html", {
        "area": area, "items": items, "table": table, "more": more, "low": low,
        "breadcrumb": area_breadcrumb(actor=request.user, area=area),
        "children": Area.objects.get_children(area).restrict(request.user, VIEW_STOCK).order_by("code")
        if area.level not in (AreaLevel.GRID, AreaLevel.COMMUNITY) else []})


# --- a site ------------------------------------------------------------------------------------------------------

def _transfer_sites(actor, site: Site) -> list[Site]:
    """Where the actor may move supplies to from this site: stations, centres and headquarters of the site's
    district that the actor may move stock at."""
    district = site.area
    if site.area.level not in (AreaLevel.CITY, AreaLevel.DISTRICT):
        district = Area.objects.get_ancestors(site.area).filter(level=AreaLevel.DISTRICT).first() or site.area
    return list(Site.objects.restrict(actor, MOVE_STOCK).filter(area__path__startswith=district.path,
                                                                 kind__in=STOCK_SITE_KINDS)
                .exclude(pk=site.pk).order_by("area__path", "name")[:SITES_MAX])


def _site_context(request, site: Site, form=None) -> dict:
    may_move = policy.allows(request.user, MOVE_STOCK, site)
    rows = list(Stock.objects.filter(site=site).select_related("item").order_by("item__category", "item__name"))
    moves = list(StockMove.objects.filter(site=site).select_related("item", "other_site", "actor")
                 .order_by("-at", "-id")[:MOVES_SHOWN])
    if may_move and form is None:
        form = _styled(MoveForm(items=_stocked_items(), sites=_transfer_sites(request.user, site)))
    return {"site": site, "rows": rows, "moves": moves, "may_move": may_move, "form": form,
            "breadcrumb": area_breadcrumb(actor=request.user, area=site.area)}


@policy.requires(VIEW_STOCK)
def stock_site(request, pk):
    site = site_for_stock(request.user, pk)
    return render(request, "care/stock/site.html", _site_context(request, site))


def _site_to_move(request, pk) -> Site:
    site = site_for_stock(request.user, pk)
    if not policy.allows(request.user, MOVE_STOCK, site):
        raise PermissionDenied
    return site


@policy.requires(MOVE_STOCK)
def stock_move(request, pk):
    """A desk's move at the site (POST): receive, send out, move to another site, count, assemble packs, low mark."""
    site = _site_to_move(request, pk)
    if request.method != "POST":
        return redirect("stock_site", pk=site.pk)
    items = _stocked_items()
    sites = _transfer_sites(request.user, site)
    form = _styled(MoveForm(request.POST, items=items, sites=sites))
    if form.is_valid():
        data = form.cleaned_data
        item = next(i for i in items if i.pk == data["item"])
        common = {"actor": request.user, "site": site, "item": item}
        try:
            kind = data["kind"]
            if kind == MoveKind.IN:
                stock.stock_receive(**common, quantity=data["quantity"], note=data["note"])
            elif kind == MoveKind.OUT:
                stock.stock_send_out(**common, quantity=data["quantity"], note=data["note"])
            elif kind == MoveKind.TRANSFER:
                to_site = next((s for s in sites if s.pk == data.get("to_site")), None)
                stock.stock_transfer(**common, to_site=to_site, quantity=data["quantity"], note=data["note"])
            elif kind == MoveKind.ADJUST:
                stock.stock_adjust(**common, counted=data["quantity"], note=data["note"])
            elif kind == "assemble":
                stock.stock_assemble_kits(actor=request.user, site=site, kit=item, quantity=data["quantity"])
            else:
                stock.stock_low_set(**common, low_at=data["quantity"])
        except ValidationError as e:
            _errors(form, e)
        else:
            left = Stock.objects.filter(site=site, item=item).values_list("quantity", flat=True).first() or 0
            messages.success(request, _("Done: %(site)s now holds %(left)d %(unit)s of %(item)s.")
                             % {"site": site.name, "left": left, "unit": item.unit, "item": item.name})
            return redirect("stock_site", pk=site.pk)
    return render(request, "care/stock/site.html", _site_context(request, site, form), status=422)


@policy.requires(MOVE_STOCK)
def stock_issue(request, pk):
    """发放: the phone form at a service station: what, how many, to whom, how many people."""
    site = _site_to_move(request, pk)
    held = list(Stock.objects.filter(site=site, quantity__gt=0, item__active=True).select_related("item")
                .order_by("-item__category", "item__name"))
    kits_first = sorted(held, key=lambda r: (r.item.category != ItemCategory.KIT, r.item.name))
    items = [r.item for r in kits_first]
    form = _styled(IssueForm(request.POST or None, items=items, initial={"quantity": "1", "recipients": "1"}))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = next(i for i in items if i.pk == data["item"])
        try:
            stock.stock_issue(actor=request.user, site=site, item=item, quantity=data["quantity"],
                              recipient_kind=data["recipient_kind"], recipients=data["recipients"], note=data["note"])
        except ValidationError as e:
            _errors(form, e)
        else:
            left = Stock.objects.filter(site=site, item=item).values_list("quantity", flat=True).first() or 0
            messages.success(request, _("Issued %(n)s %(unit)s of %(item)s; %(left)d left.")
                             % {"n": data["quantity"], "unit": item.unit, "item": item.name, "left": left})
            return redirect("stock_issue", pk=site.pk)
    return render(request, "care/stock/issue.html", {
        "site": site, "form": form, "held": kits_first,
        "breadcrumb": area_breadcrumb(actor=request.user, area=site.area)},
        status=422 if request.method == "POST" else 200)
