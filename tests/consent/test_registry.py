"""Every field of the business record and of applications belongs to exactly one data
class, declared beside the model (DATA_CLASSES) and read through consent.registry."""

from __future__ import annotations

import pytest
from django.apps import apps

from consent import registry

# Bookkeeping that is not the business's data: keys, timestamps, provenance, who typed it.
META_FIELDS = {"id", "created_at", "updated_at", "business", "source", "source_detail", "recorded_at",
               "created_by", "submitted_by", "institution", "partner_record_id", "is_active"}
BUSINESS_DATA_MODELS = ["companies.Business", "companies.JointApplicant", "companies.BusinessProfile",
                        "companies.Succession", "companies.ContactPerson", "companies.FinancialYear",
                        "companies.BusinessPlan", "companies.Challenge", "applications.Application",
                        "institutions.Institution", "institutions.SupportRecord"]


@pytest.mark.parametrize("label", BUSINESS_DATA_MODELS)
def test_every_field_has_exactly_one_valid_class(label):
    model = apps.get_model(label)
    concrete = {f.name for f in model._meta.get_fields() if f.concrete and not f.auto_created}
    declared = registry.classified_models()[model._meta.label_lower]
    assert concrete - META_FIELDS - set(declared) == set(), "unclassified fields"
    assert set(declared) <= concrete, "classes declared for fields that do not exist"
    assert set(declared.values()) <= set(registry.ALL_DATA_CLASSES)


def test_lookups():
    business = apps.get_model("companies.Business")
    financial_year = apps.get_model("companies.FinancialYear")
    assert registry.data_class_of(business, "corporate_number") == registry.IDENTITY
    assert registry.data_class_of(financial_year, "sales") == registry.FINANCIALS
    assert "sales" in registry.fields_of_class(financial_year, registry.FINANCIALS)
    with pytest.raises(KeyError):
        registry.data_class_of(business, "id")


@pytest.mark.django_db
def test_footnote_item_lists_stay_inside_what_the_table_gives_their_recipients():
    from consent.access import policy_table

    table = policy_table()
    ebpm = {c for _f, c in registry.RESEARCH_EXTRACT_COLUMNS}
    published = {c for _f, c in registry.OPEN_DATA_COLUMNS}
    assert ebpm <= table.purposes[1][0] == {1, 6, 9, 10}  # ※5: purpose 1, recipient 4
    assert published <= table.purposes[9][0] == {1, 8, 10, 12}  # ※6: purpose 9, recipient 8
