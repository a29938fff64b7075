import ast
import inspect
import textwrap
from pathlib import Path

import pytest
from django.db import connection, transaction

from core import audit
from core.audit import audit_member_removed
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _event():
    with transaction.atomic():
        return audit_member_removed(actor=None, business_id=1, member=AuditEvent(pk=1))


def test_orm_refuses_update_and_delete():
    event = _event()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(kind="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_database_trigger_refuses_update_and_delete():
    event = _event()
    for sql in ("UPDATE core_auditevent SET kind = 'x' WHERE id = %s", "DELETE FROM core_auditevent WHERE id = %s"):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).kind == AuditEvent.Kind.MEMBER_REMOVED


@pytest.mark.django_db(transaction=True)
def test_audit_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit_member_removed(actor=None, business_id=1, member=AuditEvent(pk=1))


def _writers():
    return {name: fn for name, fn in inspect.getmembers(audit, inspect.isfunction)
            if name.startswith("audit_") and fn.__module__ == "core.audit"}


def _kinds_written_by(fn) -> set[str]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    return {node.attr for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Kind"}


def test_one_typed_function_per_kind_and_no_free_form_writer():
    writers: dict[str, list[str]] = {}
    for name, fn in _writers().items():
        for kind in _kinds_written_by(fn):
            writers.setdefault(kind, []).append(name)
    retired = {kind.name for kind in audit.RETIRED_KINDS}
    # Every kind in use has exactly one function; a retired kind has none (its old rows stay).
    assert {kind.name: sorted(writers.get(kind.name, [])) for kind in AuditEvent.Kind
            if len(writers.get(kind.name, [])) != (0 if kind.name in retired else 1)} == {}
    for name, fn in _writers().items():
        parameters = inspect.signature(fn).parameters
        assert "kind" not in parameters and "data" not in parameters, name
        assert all(p.kind == p.KEYWORD_ONLY for p in parameters.values()), name
    assert not hasattr(audit, "audit_event")


def test_no_module_writes_audit_rows_but_core_audit():
    root = Path(audit.__file__).resolve().parent.parent
    offenders = []
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if parts[0] in {".venv", "tests", "migrations"} or "migrations" in parts or path.name == "audit.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "AuditEvent.objects.create" in text or "audit._record" in text or "import _record" in text:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
