"""One way to change a status: core.transitions, a map per model, a StatusChange row per
change, the status lint, and every `status` field with choices registered."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction

from core.errors import ApplicationError
from core.models import StatusChange
from core.transitions import history, machine_for, machines, transition, transition_many

ROOT = Path(__file__).resolve().parent.parent.parent


def _lint():
    spec = importlib.util.spec_from_file_location("lint_status", ROOT / "scripts" / "lint_status.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["lint_status"] = module
    spec.loader.exec_module(module)
    return module


def test_every_status_field_with_choices_has_a_registered_machine():
    registered = {model._meta.label for model in machines()}
    with_status = {
        model._meta.label for model in apps.get_models()
        if any(f.name == "status" and f.choices for f in model._meta.concrete_fields)
    }
    assert with_status, "the walk must find the project's lifecycles"
    assert with_status - registered == set()
    assert {"applications.Application", "disclosure.DisclosureRequest", "analytics.ResearchPledge",
            "notifications.OutboxMessage", "linkage.ReviewItem"} <= registered


def test_every_map_names_only_choices_of_its_field():
    for model, machine in machines().items():
        choices = {value for value, _ in model._meta.get_field(machine.field).choices}
        assert machine.statuses() <= choices, model


def test_the_repository_passes_the_status_lint():
    assert [str(f) for f in _lint().check()] == []


@pytest.mark.parametrize(("body", "codes"), [
    ("obj.status = 'x'\n", ["STA001"]),
    ("item.status, item.business_id = 'x', 1\n", ["STA001"]),
    ("self.status: str = 'x'\n", ["STA001"]),
    ("setattr(obj, 'status', 'x')\n", ["STA002"]),
    ("Model.objects.filter(pk=1).update(status='x')\n", ["STA003"]),
    ("qs.update(**{'status': 'x'}, note='')\n", ["STA003"]),
    # allowed: reading, filtering, creating, other fields
    ("if obj.status == 'x':\n    pass\nqs.filter(status='x')\nM.objects.create(status='x')\nobj.note = 1\n", []),
    ("qs.update(last_error='')\nresponse = Response(status=400)\n", []),
])
def test_status_lint_rules(tmp_path, body, codes):
    lint = _lint()
    path = tmp_path / "shop" / "services.py"
    path.parent.mkdir()
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    assert [f.code for f in lint.check(tmp_path)] == codes
    assert lint.main([str(tmp_path)]) == (1 if codes else 0)


@pytest.mark.django_db
class TestTransition:
    def _pledge(self):
        from analytics.models import ResearchPledge
        from tests.factories import researcher

        return ResearchPledge.objects.create(
            researcher=researcher(), affiliation="大学", research_purpose="EBPM", research_record="論文",
            information_management="施錠", accepted_terms=True,
        )

    def test_a_change_along_the_map_saves_and_records(self):
        from tests.factories import agency_staff

        pledge, staff = self._pledge(), agency_staff()
        with transaction.atomic():
            previous = transition(pledge, to="rejected", by=staff, reason="incomplete")
        pledge.refresh_from_db()
        assert (previous, pledge.status) == ("pending", "rejected")
        change = history(pledge).get()
        assert (change.model, change.from_status, change.to_status, change.actor, change.reason) == (
            "analytics.researchpledge", "pending", "rejected", staff, "incomplete")

    def test_an_edge_outside_the_map_is_refused_and_nothing_changes(self):
        pledge = self._pledge()
        with transaction.atomic():
            transition(pledge, to="rejected")
        with pytest.raises(ApplicationError) as refused, transaction.atomic():
            transition(pledge, to="approved")
        assert "non_field_errors" in refused.value.errors
        pledge.refresh_from_db()
        assert pledge.status == "rejected"
        assert history(pledge).count() == 1

    @pytest.mark.django_db(transaction=True)
    def test_outside_a_transaction_is_refused(self):
        pledge = self._pledge()
        with pytest.raises(RuntimeError):
            transition(pledge, to="rejected")
        pledge.refresh_from_db()
        assert pledge.status == "pending" and not StatusChange.objects.exists()

    def test_an_unregistered_model_has_no_machine(self):
        from institutions.models import Institution

        with pytest.raises(LookupError):
            machine_for(Institution)

    def test_bulk_changes_only_rows_the_map_allows_and_records_each(self):
        from notifications.models import OutboxMessage

        rows = [OutboxMessage.objects.create(idempotency_key=f"k{i}", to_email="a@example.jp", template="t", context={})
                for i in range(3)]
        OutboxMessage.objects.filter(pk=rows[2].pk).update(status="sent")  # lint: tests build states
        with transaction.atomic():
            changed = transition_many(OutboxMessage.objects.all(), to="cancelled", reason="unsubscribed",
                                      values={"last_error": "unsubscribed"})
        assert changed == 2
        assert sorted(OutboxMessage.objects.values_list("status", flat=True)) == ["cancelled", "cancelled", "sent"]
        assert StatusChange.objects.filter(model="notifications.outboxmessage", to_status="cancelled").count() == 2

    def test_the_history_is_append_only(self):
        pledge = self._pledge()
        with transaction.atomic():
            transition(pledge, to="rejected")
        change = history(pledge).get()
        with pytest.raises(PermissionError):
            change.save()
        with pytest.raises(PermissionError):
            StatusChange.objects.all().delete()
        from django.db import DatabaseError, connection

        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE core_statuschange SET to_status = 'approved'")
