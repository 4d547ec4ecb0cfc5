"""Accounts from a spreadsheet, through the import framework: one row per account and its first
assignment (用户名, 姓名, 角色, 区划代码, 起始日期, 截止日期). The dry run lists every problem by row and
column; the import creates the accounts through `account_create` (the policy, the audit) without a usable
password: the manager gives each person theirs, once, from the account's page, since a file of passwords
would travel by chat."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from . import accounts, policy
from .imports import Column, Importer, ImportRun, row_values
from .models import Assignment, User
from .roles import Role, role_choices, role_codes
from .tabular import Problem, parse_date
from .validators import clean_text

Area = Assignment._meta.get_field("area").related_model
COLUMNS = {
    "username": Column("用户名", ("账号", "登录名")),
    "name": Column("姓名", ("名字",)),
    "role": Column("角色", ("职责", "岗位")),
    "area_code": Column("区划代码", ("网格编码", "区域编码", "社区编码")),
    "valid_from": Column("起始日期", ("开始日期",)),
    "valid_until": Column("截止日期", ("结束日期",)),
}
ROLE_NAMES = {**{str(label): code for code, label in Role.choices},  # and the apps' roles by label, at lookup
              "指挥部": Role.COMMANDER, "街道干部": Role.STREET_OFFICER, "社区书记": Role.COMMUNITY_SECRETARY,
              "网格员": Role.GRID_WORKER, "红色网格员": Role.GRID_WORKER, "下沉干部": Role.CADRE, "志愿者": Role.VOLUNTEER,
              "督导组": Role.INSPECTOR, "企业联络员": Role.ENTERPRISE_LIAISON, "快递小哥": Role.COURIER}


class AccountChecker:
    def __init__(self, run: ImportRun):
        self.run = run
        self.mapping = run.mapping
        self.grantable = set(accounts.grantable_roles(run.actor)) if run.actor else set(role_codes())
        self.seen: dict[str, int] = {}
        self.areas: dict[str, object] = {}  # code → the area where the actor manages accounts under the run's, or None

    def area(self, code: str):
        """One query per code, not per row (a file names the same few places again and again)."""
        if code not in self.areas:
            areas = Area.objects.restrict(self.run.actor, policy.MANAGE_ACCOUNTS) if self.run.actor else Area.objects
            self.areas[code] = areas.filter(code=code, path__startswith=self.run.area.path).first()
        return self.areas[code]

    def check(self, number: int, cells: list[str]):
        raw = row_values(COLUMNS, self.mapping, cells)
        if not any(raw.values()):
            return None, []
        problems = []

        def problem(key, message):
            problems.append(Problem(number, COLUMNS[key].label, message))

        for key in ("username", "name"):
            try:
                raw[key] = clean_text(raw[key], max_length=150, field_label=COLUMNS[key].label)
            except ValidationError as e:
                problem(key, e.messages[0])
        username = raw["username"]
        if not username:
            problem("username", _("missing"))
        elif username.lower() in self.seen:
            problem("username", _("repeats row %(row)d") % {"row": self.seen[username.lower()]})
        elif User.objects.filter(username__iexact=username).exists():
            problem("username", _("The user name %(name)s is taken.") % {"name": username})
        else:
            self.seen[username.lower()] = number
        role = (ROLE_NAMES.get(raw["role"]) or {str(label): code for code, label in role_choices()}.get(raw["role"])
                or (raw["role"] if raw["role"] in role_codes() else None))
        if role is None:
            problem("role", _("%(value)s is not one of %(choices)s.") % {
                "value": raw["role"], "choices": "、".join(str(label) for _c, label in role_choices())})
        elif role not in self.grantable:
            problem("role", _("You may not give the role %(role)s.") % {"role": raw["role"]})
        area = self.area(raw["area_code"]) if raw["area_code"] else None
        if area is None:
            problem("area_code", _("No area with code %(code)s where you manage accounts.") % {"code": raw["area_code"]})
        dates = {}
        for key in ("valid_from", "valid_until"):
            if raw[key]:
                try:
                    dates[key] = parse_date(raw[key])
                except ValueError as e:
                    problem(key, str(e))
        if dates.get("valid_from") and dates.get("valid_until") and dates["valid_until"] < dates["valid_from"]:
            problem("valid_until", _("%(value)s is impossible for this person.") % {"value": raw["valid_until"]})
        if problems:
            return None, problems
        return (username, raw["name"], role, area, dates.get("valid_from"), dates.get("valid_until")), []


class AccountImporter(Importer):
    code = "accounts"
    label = gettext_lazy("Accounts")
    description = gettext_lazy("One row per account and its first assignment; each person's first password is "
                               "given on the account's page.")
    columns = COLUMNS
    required = ("username", "role", "area_code")
    counts = {"accounts_created": pgettext_lazy("import count", "accounts added")}
    chunk_size = 500
    order = 90  # after the rosters, which a community imports far more often

    def checker(self, run: ImportRun) -> AccountChecker:
        return AccountChecker(run)

    def write_chunk(self, run: ImportRun, chunk: list) -> None:
        for username, name, role, area, valid_from, valid_until in chunk:
            try:
                user, _password = accounts.account_create(actor=run.actor, username=username, name=name, role=role,
                                                          area=area, valid_from=valid_from, valid_until=valid_until)
            except PermissionDenied:
                raise ValidationError(_("You may not give the role %(role)s.") % {"role": role}) from None
            user.set_unusable_password()  # given once, from the account's page
            user.save(update_fields=["password"])
            run.counts["accounts_created"] += 1
