"""Accounts and their assignments, managed in Frontline by whoever may manage an area (not only in the
Django admin): create an account with its first assignment, grant and end assignments, reset a password
(shown once: government intranets often have no e-mail or SMS), unlock a login, deactivate. Each service
asks the policy (MANAGE_ACCOUNTS where the assignment applies, and only roles the actor may give), and is
audited. An assignment that ends takes its access with it; the work orders given to the account there go
back to its role at that place."""

import datetime
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import policy
from .audit import audit_create, audit_record, audit_update, snapshot
from .models import ACTIVE_STATUSES, Assignment, AuditAction, User, WorkOrder
from .roles import APP_ROLES, Role, role_codes

# Which roles each role may give: never more than its own (a secretary does not make commanders).
GRANTABLE = {
    Role.COMMANDER: None,  # every role, the apps' included
    Role.STREET_OFFICER: {Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY, Role.GRID_WORKER, Role.CADRE, Role.VOLUNTEER},
    Role.COMMUNITY_SECRETARY: {Role.GRID_WORKER, Role.CADRE, Role.VOLUNTEER},
}


def grantable_roles(actor) -> list[str]:
    every = role_codes()
    if actor.is_superuser:
        return every
    roles = set()
    for assignment in policy.assignments(actor):
        if policy.scope_of(assignment.role, policy.MANAGE_ACCOUNTS):
            given = GRANTABLE.get(assignment.role, set())
            roles |= set(every) if given is None else given
            roles |= {code for code, (_label, by) in APP_ROLES.items() if assignment.role in by}
    return [r for r in every if r in roles]


def _may_grant(actor, role: str, area) -> None:
    policy.require(actor, policy.MANAGE_ACCOUNTS, area)
    if actor is not None and role not in grantable_roles(actor):
        raise PermissionDenied


def _one_time_password() -> str:
    """Readable on a phone and typed once: 12 characters without look-alikes."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


@transaction.atomic
def account_create(*, actor, username: str, role: str, area, valid_from: datetime.date | None = None,
                   valid_until: datetime.date | None = None, name: str = "") -> tuple[User, str]:
    """A new account with its first assignment; returns it with its first password, to be shown once."""
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Choose a user name.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("The user name %(name)s is taken.") % {"name": username}})
    _may_grant(actor, role, area)
    password = _one_time_password()
    user = User(username=username, first_name=(name or "").strip()[:150], role=role, area=area)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_create(actor, user)
    assignment_grant(actor=actor, user=user, role=role, area=area, valid_from=valid_from, valid_until=valid_until)
    return user, password


@transaction.atomic
def assignment_grant(*, actor, user: User, role: str, area, valid_from: datetime.date | None = None,
                     valid_until: datetime.date | None = None) -> Assignment:
    _may_grant(actor, role, area)
    assignment = Assignment(user=user, role=role, area=area, valid_from=valid_from or timezone.localdate(),
                            valid_until=valid_until, created_by=actor)
    assignment.full_clean()
    assignment.save()
    audit_create(actor, assignment)
    policy.forget(user)
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment: Assignment, on: datetime.date | None = None) -> Assignment:
    """The assignment ends on `on` (today by default): the access goes with it, and the account's open
    work orders at that place go back to its role there."""
    _may_grant(actor, assignment.role, assignment.area)
    on = on or timezone.localdate()
    before = snapshot(assignment)
    assignment.valid_until = max(assignment.valid_from, on)
    assignment.full_clean()
    assignment.save(update_fields=["valid_until"])
    audit_update(actor, assignment, before)
    if assignment.area_id:
        _give_work_back(actor, assignment)
    policy.forget(assignment.user)
    return assignment


def assignment_stop(*, actor, assignment: Assignment) -> Assignment:
    """End at once an assignment an app gave with a staffing or a duty, when that ends (the app has checked who
    may end it): it ends today, or, not yet begun, it never starts (yesterday)."""
    today = timezone.localdate()
    before = snapshot(assignment)
    if assignment.valid_from > today:
        assignment.valid_from = assignment.valid_until = today - datetime.timedelta(days=1)
    else:
        assignment.valid_until = today
    assignment.save(update_fields=["valid_from", "valid_until"])
    audit_update(actor, assignment, before)
    policy.forget(assignment.user)
    return assignment


def _give_work_back(actor, assignment: Assignment) -> int:
    """The account's open work orders at the assignment's place go back to its role there (audited)."""
    returned = 0
    for order in WorkOrder.objects.filter(assignee=assignment.user, status__in=ACTIVE_STATUSES,
                                          area__path__startswith=assignment.area.path):
        before = snapshot(order)
        order.assignee, order.assignee_role = None, assignment.role
        order.save(update_fields=["assignee", "assignee_role"])
        audit_update(actor, order, before)
        returned += 1
    return returned


def account_manageable(actor, user: User) -> None:
    """An account is the actor's to manage when one of its assignments lies where the actor manages accounts."""
    if actor.is_superuser:
        return
    if not user.assignments.filter(policy.scope_q(Assignment, actor, policy.MANAGE_ACCOUNTS)).exists():  # one query
        raise PermissionDenied


@transaction.atomic
def account_password_reset(*, actor, user: User) -> str:
    """A new one-time password for the account, shown once to the actor; the old one stops working."""
    account_manageable(actor, user)
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied
    password = _one_time_password()
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action=AuditAction.PASSWORD, obj=user, note="reset by a manager")
    return password


@transaction.atomic
def account_unlock(*, actor, user: User) -> int:
    """Lift the login locks of the account (django-axes), audited."""
    from .login import login_unlock

    return login_unlock(actor=actor, user=user)


@transaction.atomic
def account_deactivate(*, actor, user: User) -> User:
    """Accounts are deactivated, never deleted: the audit log keeps their name."""
    account_manageable(actor, user)
    if user == actor:
        raise ValidationError(_("You cannot deactivate your own account."))
    before = snapshot(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_update(actor, user, before)
    return user


def accounts_managed(*, actor):
    """Accounts with an assignment where the actor manages accounts (a superuser: all)."""
    users = User.objects.filter(is_superuser=False).order_by("username")
    if actor.is_superuser:
        return users
    q = policy.scope_q(Assignment, actor, policy.MANAGE_ACCOUNTS)
    return users.filter(pk__in=Assignment.objects.filter(q).values("user"))


LAPSE_LOOKBACK_DAYS = 7


@transaction.atomic
def assignments_lapse(*, today: datetime.date | None = None) -> int:
    """Assignments that ended by their own date give the account's open work orders at that place back to
    its role there, as an ended one does (a scheduled task; idempotent: a returned order has no assignee).
    Looks back LAPSE_LOOKBACK_DAYS, so a stopped scheduler catches up without walking all history.
    Returns the orders returned."""
    today = today or timezone.localdate()
    returned = 0
    since = today - datetime.timedelta(days=LAPSE_LOOKBACK_DAYS)
    for assignment in (Assignment.objects.filter(valid_until__lt=today, valid_until__gte=since, area__isnull=False)
                       .select_related("area", "user")):
        still = Assignment.objects.current(today).filter(user=assignment.user, area__path__in=[
            assignment.area.path[:i] for i in range(4, len(assignment.area.path) + 1, 4)])
        if still.exists():
            continue  # another assignment in force still covers the place
        returned += _give_work_back(None, assignment)
    return returned
