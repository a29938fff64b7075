"""Reads of the vault, each for a viewer.

The business's own users see its documents for purpose 3 (recipient 7), limited to the
data classes the consent decision allows them; anyone else sees no list at all (a single
file may be released to them through services.document_read).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise

from applications.models import Application
from companies.selectors import may_view_record
from consent.access import APPLICANT, PURPOSE_APPLICANT_RECORDS, ConsentContext

from .kinds import DocumentType
from .models import Attachment, Document, DocumentRequirement


def _own_business_and_classes(viewer) -> tuple[int, list[int]]:
    if not may_view_record(viewer):
        raise Http404
    business_id = viewer.membership_or_none.business_id
    context = ConsentContext([business_id])
    classes = context.allowed_classes(business_id, purpose=PURPOSE_APPLICANT_RECORDS, recipient=APPLICANT, viewer=viewer)
    return business_id, classes


def document_list(*, viewer, filters: dict | None = None) -> QuerySet:
    """The viewer's business's documents, newest first (one query, no per-row work)."""
    business_id, classes = _own_business_and_classes(viewer)
    qs = Document.objects.filter(business_id=business_id, data_class__in=classes)
    document_type = (filters or {}).get("document_type")
    if document_type in DocumentType.values:
        qs = qs.filter(document_type=document_type)
    return qs.select_related("uploaded_by").order_by("-created_at", "-id")


def document_for_owner_or_404(*, viewer, document_id: int) -> Document:
    business_id, classes = _own_business_and_classes(viewer)
    document = Document.objects.filter(pk=document_id, business_id=business_id, data_class__in=classes).first()
    if document is None:
        raise Http404
    return document


def document_applications(*, document: Document) -> QuerySet:
    return Attachment.objects.filter(document=document).select_related("application").order_by("created_at")


@dataclass
class RequirementRow:
    document_type: str
    label: str | Promise
    required: bool
    note: str
    documents: list[Document] = field(default_factory=list)

    @property
    def current(self) -> list[Document]:
        """The attached documents still valid today (a certificate past its validity does
        not count towards a requirement)."""
        today = timezone.localdate()
        return [d for d in self.documents if d.valid_until is None or d.valid_until >= today]

    @property
    def missing(self) -> bool:
        return self.required and not self.current


@dataclass
class ApplicationDocuments:
    rows: list[RequirementRow]
    attachments: list[Attachment]
    total_size: int
    withheld: int = 0  # attached documents whose data class the viewer may not see

    @property
    def missing(self) -> list[RequirementRow]:
        return [r for r in self.rows if r.missing]


def requirements_for(application: Application, *, corporation: bool) -> list[DocumentRequirement]:
    frame = getattr(application, "frame", "") or ""
    applies = [DocumentRequirement.AppliesTo.ALL,
               DocumentRequirement.AppliesTo.CORPORATION if corporation else DocumentRequirement.AppliesTo.SOLE_PROPRIETOR]
    return list(DocumentRequirement.objects.filter(program=application.program, frame__in={"", frame}, applies_to__in=applies)
                .order_by("order", "id"))


def application_documents(*, application: Application, readable=None) -> ApplicationDocuments:
    """What is attached to an application the caller has already fetched for its viewer,
    against what its program (and frame) requires: two queries. `readable(document)`, for
    a viewer other than the business, keeps only the documents whose own data class that
    viewer may see: a document's name says what it is, so it is data of its class too."""
    attachments = list(Attachment.objects.filter(application=application).select_related("document").order_by("created_at", "id"))
    withheld = 0
    if readable is not None:
        shown = [a for a in attachments if readable(a.document)]
        withheld = len(attachments) - len(shown)
        attachments = shown
    by_type: dict[str, list[Document]] = {}
    for a in attachments:
        by_type.setdefault(a.document.document_type, []).append(a.document)
    rows = []
    seen = set()
    for r in requirements_for(application, corporation=application.business.is_corporation):
        if r.document_type in seen:
            continue
        seen.add(r.document_type)
        rows.append(RequirementRow(document_type=r.document_type, label=DocumentType(r.document_type).label,
                                   required=r.required, note=r.note, documents=by_type.get(r.document_type, [])))
    return ApplicationDocuments(rows=rows, attachments=attachments, total_size=sum(a.document.size for a in attachments),
                                withheld=withheld)
