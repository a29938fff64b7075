"""Going around consent fails: the access lint over the whole repository, and no app
but consent imports consent.models. The lint's own rules are tested on small files so
that a broken lint cannot pass silently."""

from __future__ import annotations

import ast
import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _lint():
    spec = importlib.util.spec_from_file_location("lint_access", ROOT / "scripts" / "lint_access.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["lint_access"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_repository_passes_the_access_lint():
    findings = _lint().check()
    assert [str(f) for f in findings] == []


def test_no_app_but_consent_imports_consent_models():
    from django.conf import settings

    project_apps = [a for a in settings.INSTALLED_APPS if (ROOT / a).is_dir()]
    offenders = []
    for app in project_apps:
        if app == "consent":
            continue
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom):
                    base = node.module or ""
                    names = [base] + [f"{base}.{a.name}" for a in node.names]
                if any(n == "consent.models" or n.startswith("consent.models.") for n in names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


@pytest.mark.django_db
def test_the_lint_lists_every_model_holding_business_data():
    from django.apps import apps

    listed = {f"{module}.{name}" for module, names in _lint().BUSINESS_DATA_MODELS.items() for name in names}
    holding = set()
    for model in apps.get_models():
        fields = {f.name for f in model._meta.get_fields()}
        if getattr(model, "DATA_CLASSES", None) and (model._meta.label == "companies.Business" or "business" in fields):
            holding.add(f"{model.__module__}.{model.__name__}")
    assert holding - listed == set()
    assert {"companies.models.Business", "companies.models.FinancialYear", "applications.models.Application",
            "institutions.models.SupportRecord"} <= listed


def _write(root: Path, rel: str, body: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


@pytest.mark.parametrize(("rel", "body", "codes"), [
    ("shop/views.py", "from companies.models import Business\nBusiness.objects.all()\n", ["ACC002"]),
    ("shop/api.py", "from companies.models import FinancialYear as FY\nFY._default_manager.filter()\n", ["ACC002"]),
    ("shop/views/pages.py", "from companies import models as cm\ncm.Business.objects.get(pk=1)\n", ["ACC002"]),
    ("shop/api/v1.py", "import applications.models\napplications.models.Application.objects.count()\n", ["ACC002"]),
    ("shop/views.py", "from django.shortcuts import get_object_or_404\nfrom institutions.models import SupportRecord\n"
                      "get_object_or_404(SupportRecord, pk=1)\n", ["ACC002"]),
    ("companies/views.py", "from .models import Business\nBusiness.objects.first()\n", ["ACC002"]),
    ("shop/services.py", "from consent.models import Narrowing\n", ["ACC001"]),
    ("shop/selectors.py", "from consent import models\n", ["ACC001"]),
    ("shop/views.py", "import consent.models\n", ["ACC001"]),
    # allowed: selectors and services may query; views may use access; other managers are fine
    ("shop/selectors.py", "from companies.models import Business\nBusiness.objects.all()\n", []),
    ("shop/views.py", "from consent.access import decide\nfrom institutions.models import Institution\nInstitution.objects.all()\n", []),
    ("consent/views.py", "from consent.models import Narrowing\nNarrowing.objects.all()\n", []),
    ("shop/views.py", "from companies.models import Business\nBusiness.objects.all()  # lint-access: allow public count for the home page\n", []),
    ("shop/views.py", "from companies.models import Business\nBusiness.objects.all()  # lint-access: allow\n", ["ACC002"]),
    # documents and whole-row serialisers in views must go through consent.projection
    ("shop/views.py", "def v(request, application):\n    return application.content['fy_sales']\n", ["ACC003"]),
    ("shop/api.py", "def v(item):\n    return {'data': item.payload}\n", ["ACC003"]),
    ("shop/views.py", "def v(request, a):\n    return a.snapshot  # lint-access: allow the applicant's own\n", []),
    ("shop/views.py", "def v(response, released):\n    return response.content, released.snapshot\n", []),
    ("shop/api.py", "from rest_framework import serializers\nfrom applications.models import Application\n"
                    "class S(serializers.ModelSerializer):\n    class Meta:\n        model = Application\n", ["ACC004"]),
    ("shop/views.py", "from django.forms.models import model_to_dict\nmodel_to_dict(object())\n", ["ACC004"]),
    ("shop/selectors.py", "from consent.access import businesses_allowing\n", ["ACC005"]),
    ("shop/dashboard.py", "from consent import access\naccess.procedure_rule_q(purpose=1)\n", ["ACC005"]),
    ("shop/selectors.py", "from consent.projection import rows_released\n", []),
    ("consent/projection.py", "from .access import businesses_allowing\n", []),
])
def test_lint_rules(tmp_path, rel, body, codes):
    lint = _lint()
    path = _write(tmp_path, rel, body)
    assert [f.code for f in lint.check([path], tmp_path)] == codes


def test_lint_command_fails_on_a_finding(tmp_path, capsys):
    lint = _lint()
    _write(tmp_path, "shop/views.py", "from companies.models import Business\nBusiness.objects.all()\n")
    assert lint.main(["--root", str(tmp_path)]) == 1
    assert "ACC002" in capsys.readouterr().out
    assert lint.main(["--root", str(ROOT)]) == 0


def test_no_import_circle_between_modules_of_the_project():
    """Imports run one way (function-level imports count: they hide a circle, they do not
    remove it). Split shared helpers out instead (notifications.links / rendering;
    analytics.ebpm holds the parameters the model and the pages share)."""
    from core.imports import cycles, import_graph

    graph = import_graph()
    assert {"notifications.services", "analytics.ebpm_model", "core.transitions"} <= set(graph)
    assert "notifications.tasks" in graph["notifications.services"]  # the walk sees real edges
    assert cycles(graph) == []


def test_the_circle_check_finds_a_function_level_circle(tmp_path):
    from core.imports import cycles, import_graph

    _write(tmp_path, "shop/__init__.py", "")
    _write(tmp_path, "shop/services.py", "from .tasks import deliver\n")
    _write(tmp_path, "shop/tasks.py", "def deliver():\n    from .services import helper\n")
    _write(tmp_path, "shop/typing_only.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .services import x\n")
    _write(tmp_path, "shop/views.py", "from shop import services\nfrom shop.typing_only import y\n")
    graph = import_graph(tmp_path)
    assert graph["shop.views"] == {"shop.services", "shop.typing_only"}
    assert graph["shop.typing_only"] == set()
    assert cycles(graph) == [["shop.services", "shop.tasks"]]
