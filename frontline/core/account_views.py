"""Pages for managing accounts and assignments where one may (frontline.core.accounts)."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import accounts, policy
from .models import Assignment, User
from .roles import role_choices

Area = Assignment._meta.get_field("area").related_model  # core does not import the areas app


class AssignmentForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"))
    area_code = forms.CharField(label=gettext_lazy("Division code of the place"), max_length=15,
                                widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    valid_from = forms.DateField(label=gettext_lazy("valid from"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=gettext_lazy("valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        labels = dict(role_choices())
        self.fields["role"].choices = [(r, labels[r]) for r in accounts.grantable_roles(actor)]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field, forms.ChoiceField)
                                          else "form-control")

    def clean_area_code(self):
        code = self.cleaned_data["area_code"].strip()
        area = Area.objects.restrict(self.actor, policy.MANAGE_ACCOUNTS).filter(code=code).first()
        if area is None:
            raise ValidationError(_("No area with code %(code)s where you manage accounts.") % {"code": code})
        return area


class AccountForm(AssignmentForm):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    name = forms.CharField(label=gettext_lazy("Full name"), max_length=150, required=False)
    field_order = ["username", "name", "role", "area_code", "valid_from", "valid_until"]


def _account_for(request, pk) -> User:
    """An account the actor manages, or 404 alike for "missing" and "not yours"."""
    user = accounts.accounts_managed(actor=request.user).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


@policy.requires(policy.MANAGE_ACCOUNTS)
def account_list(request):
    """The accounts of the places one manages, and a new one (its first password shown once)."""
    form = AccountForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user, password = accounts.account_create(actor=request.user, username=d["username"], name=d["name"],
                                                     role=d["role"], area=d["area_code"], valid_from=d["valid_from"],
                                                     valid_until=d["valid_until"])
        except ValidationError as e:
            form.add_error(None, e)
        else:
            return _account_page(request, user, password=password)
    users = accounts.accounts_managed(actor=request.user).prefetch_related("assignments__area")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "core/account_list.html", {"page": page, "form": form, "active": "accounts"},
                  status=400 if form.errors else 200)


def _account_page(request, user, *, password: str = "", form=None, status=200):
    today = datetime.date.today()
    return render(request, "core/account_detail.html", {
        "account": user, "password": password, "today": today, "active": "accounts",
        "assignments": user.assignments.select_related("area").order_by("-valid_from", "-id"),
        "form": form or AssignmentForm(actor=request.user)}, status=status)


@policy.requires(policy.MANAGE_ACCOUNTS)
def account_detail(request, pk):
    user = _account_for(request, pk)
    form = AssignmentForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        accounts.assignment_grant(actor=request.user, user=user, role=d["role"], area=d["area_code"],
                                  valid_from=d["valid_from"], valid_until=d["valid_until"])
        messages.success(request, _("Assignment given."))
        return redirect("account_detail", pk=user.pk)
    return _account_page(request, user, form=form, status=400 if form.errors else 200)


@policy.requires(policy.MANAGE_ACCOUNTS)
@require_POST
def assignment_end_view(request, pk, assignment_pk):
    user = _account_for(request, pk)
    assignment = user.assignments.select_related("area").filter(pk=assignment_pk).first()
    if assignment is None:
        raise Http404
    accounts.assignment_end(actor=request.user, assignment=assignment)
    messages.success(request, _("Assignment ended: its access ends with it."))
    return redirect("account_detail", pk=user.pk)


ACCOUNT_ACTIONS = {
    "password": accounts.account_password_reset,
    "unlock": accounts.account_unlock,
    "deactivate": accounts.account_deactivate,
}


@policy.requires(policy.MANAGE_ACCOUNTS)
@require_POST
def account_act(request, pk, action):
    user = _account_for(request, pk)
    if action not in ACCOUNT_ACTIONS:
        raise PermissionDenied
    try:
        result = ACCOUNT_ACTIONS[action](actor=request.user, user=user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("account_detail", pk=user.pk)
    if action == "password":
        return _account_page(request, user, password=result)  # shown once, never stored in the clear
    messages.success(request, _("Done."))
    return redirect("account_detail", pk=user.pk)
