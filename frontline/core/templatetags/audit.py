"""{% audit_rows page as rows %}: a page of the audit log as people read it (frontline.core.audit_details)."""

from django import template

from frontline.core.audit_details import audit_rows as _audit_rows

register = template.Library()


@register.simple_tag
def audit_rows(entries):
    return _audit_rows(entries)
