"""The subsidy panel of an application page (after adoption): the award's status, the
timeline of every step with what is still due (overdue marked) and the link to the
subsidy page. Included with `{% award_panel application %}`, so applications need not
import this app."""

from __future__ import annotations

from django import template

from .. import lifecycle, selectors

register = template.Library()


@register.filter
def lifecycle_label(application) -> str:
    """The status the applicant sees (awards.lifecycle): the award's step once there is one."""
    return lifecycle.lifecycle_label(application)


@register.inclusion_tag("awards/_panel.html", takes_context=True)
def award_panel(context, application, agency=False):
    award = None
    if application.status in ("adopted", "completed"):
        request = context["request"]
        award = (selectors.award_for_agency(viewer=request.user, application=application) if agency
                 else selectors.award_of(application=application))
    return {
        "application": application, "award": award, "agency": agency,
        "can_request": not agency and award is None and application.status in ("adopted", "completed"),
        "steps": selectors.timeline(application=application, award=award) if award else [],
    }
