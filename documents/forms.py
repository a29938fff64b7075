"""Input only: the upload form (the service checks size, content and the application's
total, so that the page and the API refuse alike)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import ACCEPTED_LABEL, DocumentType

DATE_MESSAGES = {"invalid": _("Enter a date as YYYY-MM-DD.")}


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.xlsx,.docx"}))
    document_type = forms.ChoiceField(label=_("Type of document"), choices=[("", "---------"), *DocumentType.choices],
                                      error_messages={"required": _("Choose the type of document."),
                                                      "invalid_choice": _("Choose the type of document.")})
    issued_on = forms.DateField(label=_("Issue date"), required=False, error_messages=DATE_MESSAGES,
                                widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), required=False, error_messages=DATE_MESSAGES,
                                  widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("For a certificate with a period of validity (e.g. a registry certificate)."))

    def __init__(self, *args, limit_mb: str = "10", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("%(kinds)s, at most %(limit)s MB. The content is checked, not the file name.") % {
            "kinds": ACCEPTED_LABEL, "limit": limit_mb}


class AttachForm(forms.Form):
    document = forms.TypedChoiceField(label=_("Document from your vault"), coerce=int,
                                      error_messages={"required": _("Choose a document."),
                                                      "invalid_choice": _("Choose a document.")})

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["document"]).choices = [("", "---------")] + [
            (d.pk, f"{d.get_document_type_display()} — {d.name}") for d in documents]
