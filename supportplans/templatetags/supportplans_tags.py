"""The 様式4 panel of an application page (`{% application_form4_panel application %}`),
so that applications need not import this app's views."""

from __future__ import annotations

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("supportplans/_application_panel.html", takes_context=True)
def application_form4_panel(context, application):
    request = context["request"]
    if application.program != "jizokuka_general" or not getattr(request.user, "is_business_user", False):
        return {"show": False}
    rows = selectors.requests_of_application(viewer=request.user, application=application)
    current = next((r for r in rows if r.status not in ("declined", "withdrawn")), None)
    return {"show": True, "application": application, "current": current, "count": len(rows)}
