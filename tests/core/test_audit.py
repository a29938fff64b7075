import pytest
from django.db import connection, transaction

from core.audit import audit_event
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _event():
    with transaction.atomic():
        return audit_event(kind=AuditEvent.Kind.MEMBER_CHANGED, data={"action": "added"})


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
    assert AuditEvent.objects.get(pk=event.pk).kind == AuditEvent.Kind.MEMBER_CHANGED


@pytest.mark.django_db(transaction=True)
def test_audit_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit_event(kind=AuditEvent.Kind.MEMBER_CHANGED)
