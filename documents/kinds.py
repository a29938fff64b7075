"""What the vault accepts and what each kind of document is, as data in one place.

Document types are the fixed list of api.md (section Documents). Each type carries the
data class of what it holds (seed 003 §17, the policy's data classes), so that consent
governs who may open a file exactly as it governs the values inside it: a 決算書 is
financial information (6), a 様式4 事業支援計画書 is the plan of the subsidised project (7).
A file is released only when its own class is allowed — never because of the
application it is attached to.

Accepted content is decided by the bytes, never the name: `filetype` reads the file's
signature (magic numbers, and the inner parts of an OOXML zip).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    FINANCIAL_STATEMENTS = "financial_statements", _("Financial statements (決算書)")
    TAX_RETURN = "tax_return", _("Tax return (確定申告書)")
    QUOTATION = "quotation", _("Quotation (見積書)")
    REGISTRY_CERTIFICATE = "registry_certificate", _("Certificate of registered matters (登記事項証明書)")
    PHOTO = "photo", _("Photo (写真)")
    RECEIPT = "receipt", _("Receipt (領収書)")
    SUPPORT_PLAN = "support_plan", _("Business support plan, form 4 (様式4 事業支援計画書)")
    OTHER = "other", _("Other")


# Data class of each type (consent.registry's codes). "other" is of unknown content: it
# is treated as business information (3, which includes trade secrets), shared no more
# widely than the business's own operating data.
DATA_CLASS_OF_TYPE: dict[str, int] = {
    DocumentType.FINANCIAL_STATEMENTS: 6,
    DocumentType.TAX_RETURN: 6,
    DocumentType.QUOTATION: 8,
    DocumentType.REGISTRY_CERTIFICATE: 1,
    DocumentType.PHOTO: 8,
    DocumentType.RECEIPT: 8,
    DocumentType.SUPPORT_PLAN: 7,
    DocumentType.OTHER: 3,
}

# MIME type (as filetype names it) → the short name shown to people and the extension
# the file is served with. Anything else is refused, whatever its name says.
ACCEPTED_CONTENT: dict[str, tuple[str, str]] = {
    "application/pdf": ("PDF", "pdf"),
    "image/jpeg": ("JPEG", "jpg"),
    "image/png": ("PNG", "png"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("Excel (XLSX)", "xlsx"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("Word (DOCX)", "docx"),
}
ACCEPTED_LABEL = "PDF, JPEG, PNG, XLSX, DOCX"
