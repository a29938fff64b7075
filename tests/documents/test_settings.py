"""The vault's storage comes from the environment: the filesystem under var/ by default,
an S3-compatible bucket (django-storages) in production; never a public URL."""

from __future__ import annotations

from tests.core.test_production import PRODUCTION_ENV, _manage

SHOW = ("from django.core.files.storage import storages; s = storages['documents']; "
        "print(type(s).__module__, type(s).__name__, getattr(s, 'bucket_name', ''), getattr(s, 'default_acl', ''))")


def test_production_stores_documents_in_a_private_bucket():
    env = {**PRODUCTION_ENV, "DOCUMENTS_STORAGE": "s3", "DOCUMENTS_S3_BUCKET": "vault-test",
           "DOCUMENTS_S3_ENDPOINT_URL": "http://minio.invalid:9000"}
    result = _manage("shell", "-c", SHOW, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split()[:4] == ["storages.backends.s3", "S3Storage", "vault-test", "private"]


def test_s3_without_a_bucket_refuses_to_start():
    env = {**PRODUCTION_ENV, "DOCUMENTS_STORAGE": "s3"}
    result = _manage("check", env=env)
    assert result.returncode != 0 and "DOCUMENTS_S3_BUCKET" in result.stderr


def test_the_default_is_the_filesystem_under_var_without_a_url():
    result = _manage("shell", "-c", SHOW, env={"DJANGO_ENV": "development"})
    assert result.returncode == 0, result.stderr
    module, name, *rest = result.stdout.strip().splitlines()[-1].split()
    assert (module, name) == ("documents.storage", "PrivateFileSystemStorage")


def test_the_filesystem_storage_gives_no_url(tmp_path):
    import pytest

    from documents.storage import PrivateFileSystemStorage

    with pytest.raises(NotImplementedError):
        PrivateFileSystemStorage(location=str(tmp_path)).url("1/ab/abc.pdf")
