"""{% audit_rows page as rows %}: a page of the audit log as people read it (frontline.core.audit_details)."""

from django import template

from frontline.core.audit_details import audit_rows as _audit_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_rows(context, entries):
    return _audit_rows(entries, actor=context["request"].user)
