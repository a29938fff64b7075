"""The vault's filesystem storage: like Django's, but without URLs. Files of the vault are
reached only through documents.views (the viewer and consent checked, the read audited),
so a storage that could hand out a /media/ link is the wrong tool."""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    def url(self, name):
        raise NotImplementedError("Vault files have no URL; serve them through documents.views.")
