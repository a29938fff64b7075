"""Why a field of an application form was not pre-filled, where consent is the cause.

Apart from prefill.py because it reads the form's labels and the program's field list:
forms and services import prefill, so prefill imports neither (no import circle).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .forms import RECORD_FORM_FIELDS
from .models import Application, Program
from .prefill import DATA_CLASS_NAMES, PREFILL_BY_NAME, offered_classes
from .services import prefill_names


@dataclass(frozen=True)
class PrefillGap:
    field: str
    label: str
    reason: str
    consent_link: bool


def prefill_gaps(*, application, viewer) -> list[PrefillGap]:
    """Why each record field of this form was not pre-filled, where consent is the cause:
    the applicant declined the class, the business's consent or the policy does not let
    the agency reuse it (purpose 4), or it comes from a procedure whose checklist opt-in
    was not given (seed 003 §17). A field the record simply lacks is not listed."""
    names = [n for n in prefill_names(application.program) if n not in application.prefill]
    if not names:
        return []
    offered = offered_classes(viewer=viewer, business_id=application.business_id, field_names=names)
    declined = set(application.declined_classes)
    gaps = []
    for name in names:
        spec = PREFILL_BY_NAME[name]
        label = str(RECORD_FORM_FIELDS[name]().label) if name in RECORD_FORM_FIELDS else name
        info = offered.get(spec.data_class)
        class_name = str(DATA_CLASS_NAMES.get(spec.data_class, spec.data_class))
        if spec.data_class in declined:
            gaps.append(PrefillGap(name, label, _("You chose not to use %(class)s for this application.") % {"class": class_name}, False))
        elif info is not None and not info["allowed"]:
            gaps.append(PrefillGap(name, label, info["reason"], True))
        elif spec.part == "procedures":
            certified = (Application.objects.filter(business_id=application.business_id, program=Program.KEIEIRYOKU_KOJO,
                                                    status="certified", certified_on__isnull=False)
                         .order_by("-certified_on").first())
            if certified is not None and not certified.data_use_consent:
                gaps.append(PrefillGap(name, label, _(
                    "The certified plan was submitted without the checklist's consent to data use, so its data serves "
                    "only your own records."), True))
    return gaps
