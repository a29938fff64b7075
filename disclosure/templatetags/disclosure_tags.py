"""Template helpers of the disclosure app, and the マイページ panel.

Include the panel in any page of a signed-in business user with
`{% load disclosure_tags %}{% disclosure_mypage_panel %}`.
"""

from __future__ import annotations

from django import template

from ..labels import class_names, purpose_name
from ..selectors import business_reader, mypage_panel

register = template.Library()


@register.filter
def class_labels(codes) -> str:
    return ", ".join(class_names(codes or []))


@register.filter
def purpose_label(code) -> str:
    return purpose_name(code)


@register.inclusion_tag("disclosure/_mypage_panel.html", takes_context=True)
def disclosure_mypage_panel(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or business_reader(user) is None:
        return {"panel": None, "hidden": True}
    return {"panel": mypage_panel(viewer=user)}
