"""Display names of the policy's data classes and purposes, translated (gettext).

The codes are the policy table's (consent.access); only their names live here, for pages
and e-mails that render in the reader's language.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DATA_CLASS_NAMES = {
    1: pgettext_lazy("data class", "Applicant identity and attributes"),
    2: pgettext_lazy("data class", "Joint applicants"),
    3: pgettext_lazy("data class", "Business and sales information"),
    4: pgettext_lazy("data class", "Succession"),
    5: pgettext_lazy("data class", "Contact person"),
    6: pgettext_lazy("data class", "Financials"),
    7: pgettext_lazy("data class", "Business plan"),
    8: pgettext_lazy("data class", "Application content"),
    9: pgettext_lazy("data class", "Review information"),
    10: pgettext_lazy("data class", "Program usage"),
    11: pgettext_lazy("data class", "Challenges"),
    12: pgettext_lazy("data class", "Support institution information"),
    13: pgettext_lazy("data class", "Support records"),
}

PURPOSE_NAMES = {
    1: _("Evidence-based policy making (EBPM)"),
    2: _("Sharing within government"),
    3: _("The applicant's own records"),
    4: _("Easing future applications (once-only)"),
    5: _("Introducing management support information"),
    6: _("Supporters viewing an SME's information during a consultation"),
    7: _("Making support institutions' track records visible"),
    8: _("Matching supporters with businesses"),
    9: _("Open data of government-held information"),
}


def class_name(code: int) -> str:
    return str(DATA_CLASS_NAMES.get(int(code), code))


def purpose_name(code: int) -> str:
    return str(PURPOSE_NAMES.get(int(code), code))


def class_names(codes) -> list[str]:
    return [class_name(c) for c in codes]
