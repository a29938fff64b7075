"""Issue 15: the admin and every message that names a model use Japanese names, not
Django's made-up English plurals ("Ebpm analysiss")."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

PROJECT_APPS = {name.split(".")[0] for name in settings.INSTALLED_APPS if not name.startswith(("django", "allauth", "rest_framework", "drf_", "csp", "django_"))}


def test_every_project_model_has_a_japanese_name_and_plural():
    """A new model gets its names in core/model_names.py (or its own Meta.verbose_name)."""
    with translation.override("ja"):
        english = [
            f"{m._meta.label}: {m._meta.verbose_name} / {m._meta.verbose_name_plural}"
            for m in apps.get_models()
            if m._meta.app_label in PROJECT_APPS
            and (str(m._meta.verbose_name).isascii() or str(m._meta.verbose_name_plural).isascii())
        ]
    assert not english, english


def test_the_names_the_issue_found():
    with translation.override("ja"):
        assert str(apps.get_model("analytics", "EbpmAnalysis")._meta.verbose_name_plural) == "EBPM分析"
        assert str(apps.get_model("companies", "Challenge")._meta.verbose_name) == "経営課題"
    with translation.override("en"):
        assert str(apps.get_model("analytics", "EbpmAnalysis")._meta.verbose_name_plural) == "EBPM analyses"


@pytest.mark.django_db
def test_the_admin_groups_models_under_japanese_app_names(client):
    """The admin index named the apps "Analytics", "Applications", … and itself "Django 管理サイト"."""
    from tests.factories import agency_staff, mfa_login

    staff = agency_staff()
    staff.is_staff = staff.is_superuser = True
    staff.save()
    mfa_login(client, staff)
    html = client.get("/agency-admin/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "ミラサポ管理画面" in html and "Django" not in html.split("<body", 1)[1]
    for app_label in ("analytics", "applications", "consent", "core", "linkage", "programs"):
        name = str(apps.get_app_config(app_label).verbose_name)
        assert name in html and not name.isascii(), app_label
    assert "Authenticators" not in html and "Analytics" not in html
