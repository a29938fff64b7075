from __future__ import annotations

from documents import services

from .files import pdf_bytes, upload


def uploaded_document(user, *, tag: str = "", document_type: str = "financial_statements", attach_to=None, **kwargs):
    """A document stored through the real service."""
    return services.document_upload(actor=user, uploaded_file=upload(pdf_bytes(tag)), document_type=document_type,
                                    attach_to=attach_to, **kwargs).document
