"""The record parts and the pre-fill table name a data class beside each field; the one
source of truth is each model's DATA_CLASSES, read by consent.registry. These tests fail
if the two ever disagree."""

from __future__ import annotations

from applications.prefill import PREFILL_FIELDS
from companies.record import PARTS
from consent.registry import data_class_of


def test_every_record_part_field_has_the_part_class_in_the_registry():
    mismatched = [
        (part.key, field, data_class_of(part.model, field), part.data_class)
        for part in PARTS.values()
        for field in part.fields
        if data_class_of(part.model, field) != part.data_class
    ]
    assert mismatched == []


def test_every_prefill_field_has_its_registry_class():
    mismatched = []
    for prefill in PREFILL_FIELDS:
        part = PARTS.get(prefill.part)
        if part is None or not prefill.field:  # derived values (joint list, certifications)
            continue
        registry_class = data_class_of(part.model, prefill.field)
        if registry_class != prefill.data_class:
            mismatched.append((prefill.name, registry_class, prefill.data_class))
    assert mismatched == []
    # The table covers the record: at least one pre-filled field per part it draws on.
    assert {p.part for p in PREFILL_FIELDS} >= {"identity", "profile", "contact", "financials", "plan"}
