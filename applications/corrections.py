"""The fields a reviewer may name when returning an application for correction (差戻し),
with their labels: every field of the application's form, its expense lines and its
documents."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Application


def correctable_fields(application: Application) -> dict[str, str]:
    from .forms import JizokukaForm, ProcedureForm

    form_class = ProcedureForm if application.is_procedure else JizokukaForm
    form = form_class(None, initial={}, prefill={}, subsidy_round=application.subsidy_round, can_write_back=False)
    fields = {name: str(field.label) for name, field in form.fields.items()
              if not name.startswith("wb_") and name not in ("confirm_all",)}
    if not application.is_procedure:
        fields["expenses"] = _("Expense lines")
    fields["documents"] = _("Attached documents")
    fields["general"] = _("The application as a whole")
    return fields
