"""Writes of the vault: upload (with optional attachment), attach, detach, and the
audited opening of a file.

An upload is checked completely before anything is written: type, size, content (by its
bytes), dates and — when it is attached in the same step — the application's total.
The file is written to storage inside the service's transaction and removed again if
the transaction does not commit, so a failed upload leaves neither a row nor a file nor
a half-made attachment. The same bytes again (same business) are the existing document;
two uploads of the same bytes at once meet at the unique constraint and resolve to one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from consent.access import (
    APPLICANT,
    PURPOSE_APPLICANT_RECORDS,
    PURPOSE_CONSULTATION,
    PURPOSE_SHARING,
    SME_AGENCY,
    SUPPORT_INSTITUTIONS,
    ConsentContext,
)
from core.audit import (
    audit_document_attached,
    audit_document_detached,
    audit_document_read,
    audit_document_uploaded,
)
from core.errors import ApplicationError

from .kinds import ACCEPTED_CONTENT, ACCEPTED_LABEL, DATA_CLASS_OF_TYPE, DocumentType
from .models import Attachment, Document, document_storage
from .uploads import inspect

# Applications whose attachments the applicant may still change.
ATTACHABLE_STATUSES = frozenset({Application.Status.DRAFT, Application.Status.RETURNED})
MAX_NAME = 255


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g}"


def may_upload(user) -> bool:
    m = user.membership_or_none if getattr(user, "is_authenticated", False) else None
    return m is not None and (m.account_type == "prime" or (m.account_type == "member" and (m.can_draft_applications or m.can_edit_record)))


def _business_id_for_writer(actor) -> int:
    if not getattr(actor, "is_authenticated", False) or actor.membership_or_none is None:
        raise PermissionDenied(_("Only the business's own users may upload documents."))
    if not may_upload(actor):
        raise PermissionDenied(_("Your account may not add documents. Ask the gBizID Prime holder for the permission."))
    return actor.membership_or_none.business_id


def clean_name(name: str) -> str:
    """The file name as shown and served: no path, no control characters, NFC, bounded."""
    name = unicodedata.normalize("NFC", os.path.basename((name or "").replace("\\", "/")))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    name = re.sub(r"\s+", " ", name)
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:MAX_NAME]
    return name or "document"


@dataclass(frozen=True)
class UploadResult:
    document: Document
    created: bool
    attached: bool = False


def _validate(*, uploaded_file, document_type, issued_on, valid_until) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if document_type not in DocumentType.values:
        errors["document_type"] = [_("Choose the type of document.")]
    today = timezone.localdate()
    if issued_on is not None and issued_on > today:
        errors["issued_on"] = [_("The issue date cannot be in the future.")]
    if valid_until is not None and issued_on is not None and valid_until < issued_on:
        errors["valid_until"] = [_("The end of validity cannot be before the issue date.")]
    if uploaded_file is None:
        errors["file"] = [_("Choose a file to upload.")]
        return errors
    limit = settings.DOCUMENT_MAX_FILE_BYTES
    size = uploaded_file.size or 0
    if size == 0:
        errors["file"] = [_("The file is empty (0 bytes). Choose the file again.")]
    elif getattr(uploaded_file, "over_limit", False) or size > limit:
        errors["file"] = [_("The file is larger than %(limit)s MB. Reduce its size (for example, scan at a lower resolution) and upload it again.")
                          % {"limit": megabytes(limit)}]
    return errors


def _application_for_attach(*, business_id: int, application_id: int) -> Application:
    application = Application.objects.select_for_update().filter(pk=application_id, business_id=business_id).first()
    if application is None:
        raise Http404
    if application.status not in ATTACHABLE_STATUSES:
        raise ApplicationError(errors={"application": [_("Documents can no longer be changed on this application.")]})
    return application


def _check_application_total(application: Application, *, adding: int) -> None:
    limit = settings.DOCUMENT_MAX_APPLICATION_BYTES
    attached = Attachment.objects.filter(application=application).aggregate(total=Sum("document__size"))["total"] or 0
    if attached + adding > limit:
        raise ApplicationError(errors={"file": [
            _("The documents of one application may total at most %(limit)s MB; %(used)s MB are attached already.")
            % {"limit": megabytes(limit), "used": f"{attached / (1024 * 1024):.1f}"}]})


def _attach(*, actor, application: Application, document: Document) -> bool:
    if Attachment.objects.filter(application=application, document=document).exists():
        return False
    _check_application_total(application, adding=document.size)
    Attachment.objects.create(application=application, document=document, attached_by=actor)
    audit_document_attached(actor=actor, business_id=application.business_id, document=document,
                            application_id=application.pk, data_class=document.data_class)
    return True


def document_upload(*, actor, uploaded_file, document_type: str, issued_on: dt.date | None = None,
                    valid_until: dt.date | None = None, attach_to: int | None = None) -> UploadResult:
    """Store a file in the business's vault (and attach it to one of its applications)."""
    business_id = _business_id_for_writer(actor)
    errors = _validate(uploaded_file=uploaded_file, document_type=document_type, issued_on=issued_on, valid_until=valid_until)
    if errors:
        raise ApplicationError(errors=errors)
    facts = inspect(uploaded_file)
    if facts.size == 0:
        raise ApplicationError(errors={"file": [_("The file is empty (0 bytes). Choose the file again.")]})
    if facts.content_type is None:
        raise ApplicationError(errors={"file": [
            _("This file is not one of the accepted kinds (%(kinds)s). The content is checked, not the name: a renamed file is refused.")
            % {"kinds": ACCEPTED_LABEL}]})
    storage = document_storage()
    stored: list[str] = []
    try:
        # A failure inside removes the file below. Should an enclosing transaction (the
        # Idempotency-Key's) roll back after this block, the file is left without its row;
        # tasks.documents_sweep_orphans removes such files.
        with transaction.atomic():
            application = _application_for_attach(business_id=business_id, application_id=attach_to) if attach_to else None
            existing = Document.objects.filter(business_id=business_id, sha256=facts.sha256).first()
            if existing is not None:
                attached = _attach(actor=actor, application=application, document=existing) if application else False
                return UploadResult(existing, created=False, attached=attached)
            if application is not None:
                _check_application_total(application, adding=facts.size)
            extension = ACCEPTED_CONTENT[facts.content_type][1]
            stored.append(storage.save(f"{business_id}/{facts.sha256[:2]}/{facts.sha256}.{extension}", uploaded_file))
            try:
                with transaction.atomic():
                    document = Document.objects.create(
                        business_id=business_id, document_type=document_type, data_class=DATA_CLASS_OF_TYPE[document_type],
                        name=clean_name(uploaded_file.name), storage_name=stored[0], size=facts.size, sha256=facts.sha256,
                        content_type=facts.content_type, issued_on=issued_on, valid_until=valid_until, uploaded_by=actor,
                    )
            except IntegrityError:
                # The same bytes arrived at the same moment and the other upload won.
                winner = Document.objects.get(business_id=business_id, sha256=facts.sha256)
                storage.delete(stored.pop())
                attached = _attach(actor=actor, application=application, document=winner) if application else False
                return UploadResult(winner, created=False, attached=attached)
            audit_document_uploaded(actor=actor, business_id=business_id, document=document,
                                    document_type=document_type, data_class=document.data_class, size=facts.size,
                                    sha256=facts.sha256)
            attached = _attach(actor=actor, application=application, document=document) if application else False
            return UploadResult(document, created=True, attached=attached)
    except BaseException:
        for name in stored:
            storage.delete(name)
        raise


def document_store_issued(*, actor, business_id: int, application_id: int, document_type: str, name: str,
                          content: bytes, issued_on: dt.date) -> Document:
    """A document a support institution issues for the business (the 様式4 of
    supportplans): stored in the business's vault and attached to its application, inside
    the caller's transaction (the caller has authorised the actor for this application).
    Should the caller's transaction roll back, the file is left without its row and
    documents_sweep_orphans removes it."""
    import hashlib

    from django.core.files.base import ContentFile

    if not content:
        raise ApplicationError(errors={"file": [_("The file is empty (0 bytes). Choose the file again.")]})
    application = _application_for_attach(business_id=business_id, application_id=application_id)
    sha256 = hashlib.sha256(content).hexdigest()
    document = Document.objects.filter(business_id=business_id, sha256=sha256).first()
    if document is None:
        storage = document_storage()
        stored = storage.save(f"{business_id}/{sha256[:2]}/{sha256}.pdf", ContentFile(content))
        try:
            document = Document.objects.create(
                business_id=business_id, document_type=document_type, data_class=DATA_CLASS_OF_TYPE[document_type],
                name=clean_name(name), storage_name=stored, size=len(content), sha256=sha256,
                content_type="application/pdf", issued_on=issued_on, uploaded_by=actor,
            )
        except BaseException:
            storage.delete(stored)
            raise
        audit_document_uploaded(actor=actor, business_id=business_id, document=document, document_type=document_type,
                                data_class=document.data_class, size=len(content), sha256=sha256)
    _attach(actor=actor, application=application, document=document)
    return document


@transaction.atomic
def document_attach(*, actor, application_id: int, document_id: int) -> bool:
    business_id = _business_id_for_writer(actor)
    application = _application_for_attach(business_id=business_id, application_id=application_id)
    document = Document.objects.filter(pk=document_id, business_id=business_id).first()
    if document is None:
        raise ApplicationError(errors={"document": [_("This document is not in your business's vault.")]})
    return _attach(actor=actor, application=application, document=document)


def document_attach_evidence(*, actor, application: Application, document: Document) -> bool:
    """After adoption: a receipt or other evidence of the project (awards' expense ledger)
    attached to the application, whose attachments are otherwise closed, in the caller's
    transaction, so the agency may read it at 確定検査 (see _reading_as)."""
    if document.business_id != application.business_id or application.status in ATTACHABLE_STATUSES:
        raise Http404
    return _attach(actor=actor, application=application, document=document)


@transaction.atomic
def document_detach(*, actor, application_id: int, document_id: int) -> None:
    business_id = _business_id_for_writer(actor)
    application = _application_for_attach(business_id=business_id, application_id=application_id)
    deleted, _rows = Attachment.objects.filter(application=application, document_id=document_id).delete()
    if not deleted:
        raise Http404
    audit_document_detached(actor=actor, business_id=business_id, application_id=application.pk,
                            document_id=document_id)


def _reading_as(viewer, document: Document) -> tuple[int, int]:
    """(purpose, recipient) under which this viewer may ask for this document at all;
    404 for anyone else, the same as for a document that does not exist."""
    if not getattr(viewer, "is_authenticated", False):
        raise Http404
    membership = viewer.membership_or_none
    if membership is not None:
        if membership.business_id == document.business_id and (
                membership.account_type == "prime" or (membership.account_type == "member" and membership.can_view_records)):
            return PURPOSE_APPLICANT_RECORDS, APPLICANT
        raise Http404
    if viewer.is_agency_staff:
        # The agency reviews what was submitted to it: documents attached to an
        # application that has left the draft.
        submitted = document.attachments.exclude(
            application__status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN]).exists()
        if submitted:
            return PURPOSE_SHARING, SME_AGENCY
        raise Http404
    if viewer.is_institution_staff:
        return PURPOSE_CONSULTATION, SUPPORT_INSTITUTIONS
    raise Http404


def document_readable(*, viewer, document: Document) -> bool:
    """Whether the viewer may see this document at all (its name and its file): the same
    decision as document_read, without reading it."""
    try:
        purpose, recipient = _reading_as(viewer, document)
    except Http404:
        return False
    institution_id = viewer.institution_id if recipient == SUPPORT_INSTITUTIONS else None
    context = ConsentContext([document.business_id], institution_id=institution_id)
    return context.decide(document.business_id, purpose=purpose, data_class=document.data_class, recipient=recipient,
                          viewer=viewer).allowed


@transaction.atomic
def document_read(*, viewer, document_id: int, channel: str) -> Document:
    """The document whose file the viewer is about to receive, after the consent decision
    for the document's own data class; every read is written to the audit log (and, for
    a support institution, to the business's access log) before the file is sent."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        raise Http404
    purpose, recipient = _reading_as(viewer, document)
    institution_id = viewer.institution_id if recipient == SUPPORT_INSTITUTIONS else None
    context = ConsentContext([document.business_id], institution_id=institution_id)
    decision = context.decide(document.business_id, purpose=purpose, data_class=document.data_class, recipient=recipient, viewer=viewer)
    if not decision.allowed:
        raise Http404
    event = audit_document_read(actor=viewer, business_id=document.business_id, document=document,
                                institution_id=institution_id, policy_version=decision.policy_version,
                                data_class=document.data_class, purpose=purpose, recipient=recipient, channel=channel)
    if recipient == SUPPORT_INSTITUTIONS:
        from disclosure.services import access_log_record

        access_log_record(viewer=viewer, business_id=document.business_id, purpose=purpose,
                          data_classes=[document.data_class], channel=channel, audit_event_id=event.pk)
    return document


ORPHAN_GRACE = dt.timedelta(hours=1)


def documents_sweep_orphans(*, older_than: dt.timedelta = ORPHAN_GRACE) -> int:
    """Delete stored files that no document names and that are older than the grace
    period (an upload in progress stores its file moments before its row commits)."""
    storage = document_storage()
    cutoff = timezone.now() - older_than
    removed = 0

    def walk(path: str):
        try:
            directories, files = storage.listdir(path)
        except FileNotFoundError:
            return
        for name in files:
            yield f"{path}/{name}" if path else name
        for directory in directories:
            yield from walk(f"{path}/{directory}" if path else directory)

    names = list(walk(""))
    known = set(Document.objects.filter(storage_name__in=names).values_list("storage_name", flat=True))
    for name in names:
        if name in known:
            continue
        try:
            modified = storage.get_modified_time(name)
        except (FileNotFoundError, NotImplementedError):
            continue
        if modified < cutoff:
            storage.delete(name)
            removed += 1
    return removed
