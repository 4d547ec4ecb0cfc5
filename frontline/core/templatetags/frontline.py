from django import template

from frontline.core.validators import age_on, mask_id_number, mask_phone

register = template.Library()

register.filter("mask_id", mask_id_number)
register.filter("mask_phone", mask_phone)


@register.filter
def age(birth_date, on=None):
    """Completed years: what a page shows instead of a birth date (the full date only by a reveal)."""
    years = age_on(birth_date, on)
    return "" if years is None else years


@register.simple_tag(takes_context=True)
def panels(context, page: str, obj=None):
    """What the apps add to this page (frontline.core.plugins.Panel), in their order."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from frontline.core.plugins import panels_for

    request = context["request"]
    html = []
    for panel in panels_for(page):
        extra = panel.context(request, obj)
        if extra is not None:
            html.append(render_to_string(panel.template, {**extra, "panel_obj": obj}, request=request))
    return mark_safe("".join(html))


@register.filter
def get(mapping, key):
    """mapping[key] in a template (0 where a figure has no value)."""
    return mapping.get(key, 0) if mapping else 0
