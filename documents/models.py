"""The business's document vault: a file uploaded once, attached to any of its applications.

A Document is content-addressed within its business (unique business + SHA-256): the
same bytes uploaded again are the same document. Its `data_class` is stored with the row
(derived from the type, kinds.DATA_CLASS_OF_TYPE) because the class belongs to the value:
the metadata and the file of a 決算書 are class 6 wherever they are attached, and lists
filter on it in SQL.

Files live in the `documents` storage (settings.STORAGES): never under MEDIA_URL, never
with a public URL; documents.views streams them after the viewer and the consent decision
are checked.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.models import Program
from core.models import TimeStampedModel

from .kinds import DocumentType


def document_storage():
    """The configured storage (filesystem under var/ or an S3-compatible bucket), looked
    up when used so that settings are never read at import time."""
    return storages["documents"]


class Document(TimeStampedModel):
    business = models.ForeignKey("companies.Business", on_delete=models.PROTECT, related_name="documents")
    document_type = models.CharField(_("document type"), max_length=30, choices=DocumentType.choices)
    data_class = models.PositiveSmallIntegerField(_("data class"), editable=False)
    name = models.CharField(_("file name"), max_length=255)
    # The file's name in the `documents` storage (never a URL): opened with open_file().
    storage_name = models.CharField(_("stored as"), max_length=300, editable=False)
    size = models.BigIntegerField(_("size (bytes)"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    content_type = models.CharField(pgettext_lazy("file", "content type"), max_length=100, editable=False)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    # Every item of a document is of the row's own class (`data_class`, from its type):
    # see DATA_CLASS_FIELD. The access lint lists this model as business data.
    DATA_CLASS_FIELD = "data_class"

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["business", "sha256"], name="document_unique_bytes_per_business"),
            models.CheckConstraint(condition=Q(size__gt=0), name="document_not_empty"),
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(issued_on__isnull=True) | Q(valid_until__gte=models.F("issued_on")),
                                   name="document_valid_after_issue"),
        ]
        indexes = [models.Index(fields=["business", "-created_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} {self.name}"

    def open_file(self):
        return document_storage().open(self.storage_name, "rb")


class Attachment(TimeStampedModel):
    """A document attached to one of its business's applications (the same document may
    be attached to many)."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="attachments")
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "document"], name="attachment_once")]

    def __str__(self) -> str:
        return f"{self.application_id} ← {self.document_id}"


class DocumentRequirement(models.Model):
    """Which document types a program (and frame) requires or accepts, as data: the
    application page lists what is still missing from it."""

    class AppliesTo(models.TextChoices):
        ALL = "all", _("Every business")
        CORPORATION = "corporation", _("Corporations")
        SOLE_PROPRIETOR = "sole_proprietor", _("Sole proprietors")

    program = models.CharField(_("program"), max_length=30, choices=Program.choices)
    # "" = every frame of the program (rules adds frames per round as data).
    frame = models.CharField(_("frame"), max_length=40, blank=True, default="")
    document_type = models.CharField(_("document type"), max_length=30, choices=DocumentType.choices)
    applies_to = models.CharField(_("applies to"), max_length=20, choices=AppliesTo.choices, default=AppliesTo.ALL)
    required = models.BooleanField(_("required"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["program", "frame", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "frame", "document_type", "applies_to"], name="document_requirement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_program_display()} {self.frame or '*'}: {self.get_document_type_display()}"
