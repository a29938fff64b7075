from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def vault_storage(settings, tmp_path):
    """Each test stores its files in a directory of its own (the real FileSystemStorage)."""
    root = tmp_path / "vault"
    settings.STORAGES = {**settings.STORAGES, "documents": {
        "BACKEND": "documents.storage.PrivateFileSystemStorage", "OPTIONS": {"location": str(root)}}}
    return root


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
