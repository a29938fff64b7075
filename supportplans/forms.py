"""Input forms of the 様式4 flow (types and lengths; the services decide the rest)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.input import CharField

from .services import MAX_COMMENT, MAX_FINDINGS, OPTIONAL_CLASSES, REQUIRED_CLASSES

DATE_MESSAGES = {"invalid": _("Enter a date as YYYY-MM-DD.")}


class RequestForm(forms.Form):
    institution = forms.TypedChoiceField(label=_("商工会 or 商工会議所"), coerce=int, choices=(),
                                         error_messages={"required": _("Choose a 商工会 or 商工会議所 of your business's area."),
                                                         "invalid_choice": _("Choose a 商工会 or 商工会議所 of your business's area.")})
    data_classes = forms.TypedMultipleChoiceField(label=_("Data the institution may see"), coerce=int, choices=(),
                                                  widget=forms.CheckboxSelectMultiple, required=False)
    valid_until = forms.DateField(label=_("The institution may see them until"), error_messages=DATE_MESSAGES,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    message = CharField(label=_("Message to the advisor"), required=False, max_length=MAX_COMMENT,
                        widget=forms.Textarea(attrs={"rows": 3}))
    approve = forms.BooleanField(label=_("I approve that this institution sees the data ticked above, for the consultation on "
                                         "this application (purpose 6), until the date above."),
                                 error_messages={"required": _("Approve the disclosure to send the request.")})

    def __init__(self, *args, institutions, class_names: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [("", "---------"), *[(i.pk, f"{i.name}（{i.get_kind_display()}）") for i in institutions]]
        self.fields["data_classes"].choices = [(c, class_names.get(c, str(c))) for c in sorted(REQUIRED_CLASSES + OPTIONAL_CLASSES)]
        self.required_classes = REQUIRED_CLASSES


class CommentForm(forms.Form):
    body = CharField(label=_("Comment"), max_length=MAX_COMMENT, widget=forms.Textarea(attrs={"rows": 3}),
                     error_messages={"required": _("Write the comment.")})
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    field = CharField(required=False, max_length=60, widget=forms.HiddenInput)


class Form4Form(forms.Form):
    advisor_name = CharField(label=_("Advisor in charge"), max_length=100, required=False)
    region_findings = CharField(label=_("1. The region's economy and its small businesses"), max_length=MAX_FINDINGS,
                                required=False, widget=forms.Textarea(attrs={"rows": 4}))
    plan_findings = CharField(label=_("2. Findings on the management plan and the subsidised project"), max_length=MAX_FINDINGS,
                              required=False, widget=forms.Textarea(attrs={"rows": 5}))
    support_content = CharField(label=_("3. Support during and after the project"), max_length=MAX_FINDINGS,
                                required=False, widget=forms.Textarea(attrs={"rows": 4}))


class DeclineForm(forms.Form):
    decline_reason = CharField(label=_("Reason for declining"), max_length=MAX_COMMENT, widget=forms.Textarea(attrs={"rows": 3}))
