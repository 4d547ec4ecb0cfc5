"""What the core adds to the platform: the general work-order kind, the inbox and work-order pages, the
audit log, accounts (pages and their importer), export approvals, the work-order API, and its schedule
(escalation, purging import files, lapsing assignments, expiring export approvals)."""

import datetime

from django.utils.translation import gettext_lazy as _

from . import plugins, policy
from .account_import import AccountImporter
from .roles import can_approve_any_export, can_read_audit
from .work_order_api import router as work_order_router

plugins.work_order_kinds.register(plugins.WorkOrderKindSpec("general", _("General task"), app="core"))
plugins.scheduled_tasks.register(plugins.ScheduledTask(
    "escalate-overdue-work-orders", "frontline.core.tasks.escalate_overdue_work_orders", datetime.timedelta(minutes=10)))
plugins.scheduled_tasks.register(plugins.ScheduledTask(
    "purge-import-files", "frontline.core.tasks.purge_import_files", datetime.timedelta(hours=1)))
plugins.navigation.register(plugins.NavEntry("inbox", _("Inbox"), "inbox", order=10,
                                             allowed=lambda user: policy.allows(user, policy.VIEW_WORK)))
plugins.navigation.register(plugins.NavEntry(
    "work_orders", _("Work orders"), "work_order_list", order=50,
    allowed=lambda user: policy.allows(user, policy.MANAGE_WORK)))
plugins.navigation.register(plugins.NavEntry("audit", _("Audit log"), "audit_list", order=90, allowed=can_read_audit))
plugins.scheduled_tasks.register(plugins.ScheduledTask(
    "lapse-assignments", "frontline.core.tasks.lapse_assignments", datetime.timedelta(hours=1)))
plugins.scheduled_tasks.register(plugins.ScheduledTask(
    "expire-export-requests", "frontline.core.tasks.expire_export_requests", datetime.timedelta(hours=1)))
plugins.importers.register(AccountImporter())
plugins.navigation.register(plugins.NavEntry("accounts", _("Accounts"), "account_list", order=95,
                                             allowed=lambda user: policy.allows(user, policy.MANAGE_ACCOUNTS)))
plugins.navigation.register(plugins.NavEntry("exports", _("Export approvals"), "export_request_list", order=85,
                                             allowed=can_approve_any_export))
plugins.api_routers.register(plugins.ApiRouter("work_orders", work_order_router))

# The commanders' dashboards: work overdue under an area (frontline.core.alerts).
from .alerts import overdue_work  # noqa: E402

plugins.alert_sources.register(plugins.AlertSource("overdue_work", _("Overdue work orders"), "core", overdue_work,
                                                   order=10))
