from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core import input as inputs
from institutions.models import Institution

from .models import RecordKind

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class CsvUploadForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution the records come from"), queryset=Institution.objects.filter(is_active=True).order_by("name"),
    )
    kind = forms.ChoiceField(
        label=_("Kind of records"), required=False,
        choices=[("", _("Detect from the columns")), *RecordKind.choices],
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 (with or without BOM) or Shift_JIS. Japanese column names such as 法人番号, 事業者名, 決算年度, "
                    "売上高 and era dates such as 令和5年4月1日 are understood."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB. Split it into smaller files."))
        return upload


class ImportConfirmForm(forms.Form):
    token = inputs.CharField(widget=forms.HiddenInput)
    import_good_rows = forms.BooleanField(
        label=_("Import the good rows and leave out the bad ones"), required=False,
    )


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", _("Link to this business")), ("reject", _("No match: reject"))])
    business = inputs.IntegerField(required=False, widget=forms.HiddenInput)
