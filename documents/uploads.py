"""Uploads stream to a temporary file on disk; memory does not grow with the file.

settings.FILE_UPLOAD_HANDLERS names `CappedTemporaryFileUploadHandler` alone: every
uploaded file goes to a temporary file in chunks (never to memory), and once a file
passes UPLOAD_MAX_FILE_BYTES the rest of it is counted but not written, so an oversized
upload costs neither memory nor disk. The uploaded file then reports its true size and
`over_limit`, and the form or service that receives it refuses it with a message.

`inspect()` reads a stored upload once, in chunks: its SHA-256 and its content type
judged from the bytes by `filetype`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from .kinds import ACCEPTED_CONTENT

CHUNK = 64 * 1024
SNIFF_BYTES = 8192


class CappedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.limit = settings.UPLOAD_MAX_FILE_BYTES

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        room = self.limit + 1 - (self.received - len(raw_data))
        if room > 0:
            self.file.write(raw_data[:room])
        return None

    def file_complete(self, file_size):
        self.file.seek(0)
        self.file.size = self.received
        self.file.over_limit = self.received > self.limit  # type: ignore[attr-defined]  # our own flag on the file, read by the upload form
        return self.file


@dataclass(frozen=True)
class Inspection:
    sha256: str
    size: int
    content_type: str | None  # None: not one of the accepted kinds


def _detected_type(head: bytes) -> str | None:
    """The content type the bytes show (filetype tells XLSX from DOCX by the parts of the
    zip it finds near the start), only if ACCEPTED_CONTENT lists it."""
    kind = filetype.guess(head)
    if kind is None:
        return None
    return kind.mime if kind.mime in ACCEPTED_CONTENT else None


def inspect(uploaded) -> Inspection:
    digest = hashlib.sha256()
    size = 0
    head = b""
    uploaded.seek(0)
    while chunk := uploaded.read(CHUNK):
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        digest.update(chunk)
        size += len(chunk)
    uploaded.seek(0)
    return Inspection(sha256=digest.hexdigest(), size=size, content_type=_detected_type(head) if head else None)
