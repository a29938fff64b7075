"""Display names of the policy's data classes and purposes, translated (gettext).

The codes are the policy table's (consent.access); only their names live here, for pages
and e-mails that render in the reader's language.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

DATA_CLASS_NAMES = {
    1: _("Applicant identity and attributes"),
    2: _("Joint applicants"),
    3: _("Business and sales information"),
    4: _("Succession"),
    5: _("Contact person"),
    6: _("Financials"),
    7: _("Business plan"),
    8: _("Application content"),
    9: _("Review information"),
    10: _("Program usage"),
    11: _("Challenges"),
    12: _("Support institution information"),
    13: _("Support records"),
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
