"""The business's own view of everything the portal holds on it ("my data"): the
record, the items inside its applications (each under its own class) and the support
records institutions keep, with who may use each class now.

Apart from companies/selectors.py because it reads across apps (applications' form
labels, institutions' records, consent's projection): applications import companies'
selectors, so companies' selectors must not import applications (no import circle).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from applications.forms import (
    RECORD_FORM_FIELDS,
    ExpenseLineForm,
    JizokukaForm,
    ProcedureForm,
)
from consent import registry
from consent.access import (
    ALL_PURPOSES,
    ALL_RECIPIENTS,
    PURPOSE_APPLICANT_RECORDS,
    ConsentContext,
    condition_note,
    decide_business_level,
)
from consent.projection import project
from consent.selectors import policy_view
from core import formatting

from .models import Business
from .record import field_label
from .selectors import record_overview


@dataclass
class MyItem:
    label: str
    value: Any
    source: str
    at: Any
    procedure: bool = False


@dataclass
class MyClass:
    code: int
    name: str
    audience: list[str]
    items: list[MyItem] = field(default_factory=list)


def _audience(context: ConsentContext, business_id: int, data_class: int, policy) -> list[str]:
    """Who may use this class now: each recipient the table and the business's consent
    allow for at least one purpose, with the purposes and the condition that still applies."""
    lines = []
    for recipient in ALL_RECIPIENTS:
        purposes = [p for p in ALL_PURPOSES
                    if decide_business_level(business_id=business_id, purpose=p, data_class=data_class,
                                             recipient=recipient, context=context).allowed]
        if not purposes:
            continue
        separator = pgettext("list separator", ", ")
        line = _("%(recipient)s (for: %(purposes)s)") % {
            "recipient": policy.recipient_names.get(recipient, str(recipient)),
            "purposes": separator.join(policy.purpose_names.get(p, str(p)) for p in purposes),
        }
        note = condition_note(recipient)
        lines.append(f"{line} {note}".strip())
    return lines


def _form_field(name: str) -> Any:
    if name in RECORD_FORM_FIELDS:
        return RECORD_FORM_FIELDS[name]()
    for form in (JizokukaForm, ProcedureForm, ExpenseLineForm):
        if name in form.base_fields:
            return form.base_fields[name]
    return None


def content_item_label(path: str) -> str:
    """The form's label of an item of an application's content ("expenses[0].amount" →
    "Expenses 1: Amount (yen)")."""
    def label_of(name: str) -> str:
        field = _form_field(name)
        return str(field.label) if field is not None and field.label else name

    if path.startswith("expenses["):
        index, _dot, name = path[len("expenses["):].partition("].")
        return _("Expense %(n)s: %(item)s") % {"n": int(index) + 1, "item": label_of(name)}
    return label_of(path)


AMOUNT_MAX = 10**13  # applications.forms.amount_field: an amount in yen


def content_item_value(path: str, value: Any) -> Any:
    """An item of an application's content as people read it: the name of a code (都道府県,
    業種, a choice), yen with separators, dates as Japanese forms write them, はい/いいえ."""
    name = path.rpartition(".")[2] if path.startswith("expenses[") else path
    field = _form_field(name)
    if value in (None, "") or field is None:
        return value
    if isinstance(value, bool):
        return formatting.yes_no(value)
    if name == "prefecture":
        return formatting.prefecture_name(value)
    if name == "industry_jsic":
        return formatting.industry_name(value)
    if isinstance(field, forms.ChoiceField):
        return str(dict(list(field.choices)).get(str(value), value))  # type: ignore[arg-type]
    if isinstance(field, forms.DateField):
        return formatting.japanese_date(value)
    if name.endswith("year"):
        return value  # 1998, not 1,998
    if isinstance(field, forms.IntegerField | forms.DecimalField) and not isinstance(value, dict | list):
        return formatting.yen(value) if getattr(field, "max_value", None) == AMOUNT_MAX else formatting.number(value)
    return value


def my_data(*, viewer, business: Business) -> list[MyClass]:
    """Every item the portal holds on the business - the record, the items inside its
    applications (each under its own class) and the support records institutions keep -
    with its class, source and date, and who may use that class now. The business's own
    view (recipient 7, purpose 3), through the same projection as every other release."""
    policy = policy_view()
    context = ConsentContext([business.pk])
    sections = {c: MyClass(c, policy.class_names.get(c, str(c)), _audience(context, business.pk, c, policy))
                for c in registry.ALL_DATA_CLASSES}
    for part in record_overview(viewer=viewer, business=business):
        for rows in part.rows:
            for row in rows:
                if row.value in (None, ""):
                    continue
                sections[part.data_class].items.append(
                    MyItem(f"{part.label}: {row.label}", row.display, row.source, row.recorded_at))
    Application = apps.get_model("applications", "Application")
    for application in Application.objects.filter(business=business).order_by("-created_at"):
        released = project(application, viewer=viewer, purpose=PURPOSE_APPLICANT_RECORDS, context=context)
        source = _("Application %(id)s") % {"id": application.receipt_number or application.pk}
        procedure = application.is_procedure
        declared = registry.classified_models()["applications.application"]
        for name, value in released.data.items():
            if name in ("content", "snapshot", "prefill") or value in (None, "", [], {}):
                continue
            if registry.json_schema_of(application, name) is not None:
                continue
            label = field_label(type(application), name)
            sections[declared[name]].items.append(MyItem(label, value, source, application.updated_at, procedure))
        content = released.data.get("content", {})
        for path, data_class, _origin in registry.items_of(registry.APPLICATION_CONTENT_DOC, content):
            if data_class is None:
                continue
            value = content
            for key in path.replace("[", ".").replace("]", "").split("."):
                value = value[int(key)] if isinstance(value, list) else value.get(key)
            if value in (None, "", [], {}):
                continue
            sections[data_class].items.append(MyItem(content_item_label(path), content_item_value(path, value), source,
                                                     application.updated_at, procedure))
    SupportRecord = apps.get_model("institutions", "SupportRecord")
    for record in SupportRecord.objects.filter(business=business).select_related("institution").order_by("-supported_on"):
        released = project(record, viewer=viewer, purpose=PURPOSE_APPLICANT_RECORDS, context=context)
        for name, value in released.data.items():
            label = field_label(type(record), name)
            sections[registry.SUPPORT_RECORD].items.append(MyItem(label, value, record.institution.name, record.supported_on))
    return [sections[c] for c in registry.ALL_DATA_CLASSES]
