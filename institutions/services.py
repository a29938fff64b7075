"""Writes of support institutions: the profile (class 12) and support records (class 13),
by the institution's own staff only."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError

from .models import Institution, SupportRecord

PROFILE_FIELDS = ("services", "qualifications", "specialties", "description", "municipality", "certification_id", "website")


def _require_staff(actor, institution_id: int) -> None:
    if not getattr(actor, "is_institution_staff", False) or actor.institution_id != institution_id:
        raise PermissionDenied


@transaction.atomic
def institution_profile_update(*, actor, institution: Institution, **changes) -> Institution:
    _require_staff(actor, institution.pk)
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ApplicationError(errors={f: [_("This field cannot be changed here.")] for f in sorted(unknown)})
    locked = Institution.objects.select_for_update().get(pk=institution.pk)
    for name, value in changes.items():
        setattr(locked, name, (value or "").strip())
    locked.save(update_fields=[*changes, "updated_at"])
    return locked


@transaction.atomic
def support_record_create(*, actor, business_id: int, supported_on: dt.date, theme: str, summary: str = "") -> SupportRecord:
    """Record a consultation the institution gave a business whose approval is in force."""
    from .selectors import supportable_businesses

    if not getattr(actor, "is_institution_staff", False):
        raise PermissionDenied
    if not supportable_businesses(viewer=actor).filter(pk=business_id).exists():
        raise ApplicationError(errors={"business": [_("Choose a company whose approval is in force.")]})
    if supported_on > timezone.localdate():
        raise ApplicationError(errors={"supported_on": [_("The date of support cannot be in the future.")]})
    if not theme.strip():
        raise ApplicationError(errors={"theme": [_("Enter the theme of the support.")]})
    name = supportable_businesses(viewer=actor).filter(pk=business_id).values_list("name", flat=True).first() or ""
    return SupportRecord.objects.create(institution_id=actor.institution_id, business_id=business_id,
                                        supported_on=supported_on, theme=theme.strip(), summary=summary.strip(),
                                        source=SupportRecord.Source.INSTITUTION, recorded_name=name)
