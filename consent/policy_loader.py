"""Install a policy version from its JSON form (consent/data/policy-*.json).

Used by the data migration that installs the current version; a later version is added
by a new JSON file and one more migration (or `manage.py install_policy FILE`), no code.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps.registry import Apps
from django.db import models

if TYPE_CHECKING:
    from . import models as consent_models

DATA_DIR = Path(__file__).resolve().parent / "data"

_EN_DATA_CLASSES = {
    1: "Applicant identity and attributes", 2: "Joint applicants", 3: "Business and sales information",
    4: "Succession", 5: "Contact person", 6: "Financials", 7: "Business plan", 8: "Application content",
    9: "Review information", 10: "Program usage", 11: "Challenges", 12: "Support institution information",
    13: "Support records",
}
_EN_RECIPIENTS = {
    1: "Ministry of Economy, Trade and Industry (incl. external bureaus other than the SME Agency)",
    2: "SME Agency and its contractors", 3: "Independent administrative agencies (※1)",
    4: "Researchers at universities and research institutions (※2)", 5: "Support institutions (※3)",
    6: "SMEs and small businesses (※4)", 7: "The applicant", 8: "Websites and gBizINFO",
}
_EN_PURPOSES = {
    1: "Evidence-based policy making (EBPM) (※5)",
    2: "Sharing within government for effective policy, management support and efficiency",
    3: "The applicant's own storage and viewing of past applications",
    4: "Using application data to ease future applications (once-only)",
    5: "Introducing management support information (subsidies, supporters) to SMEs",
    6: "Supporters viewing an SME's information during a consultation",
    7: "Making support institutions' track records and expertise visible",
    8: "Providing and matching supporter information to businesses and institutions",
    9: "Open data of government-held information (※6)",
}


def _fields(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def _only_known(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Historical models in older migrations lack later fields (e.g. plain_en before 0003)."""
    known = _fields(model)
    return {k: v for k, v in values.items() if k in known}


def load_spec(path: str | Path) -> dict[str, Any]:
    """Read and check a policy file: 13 classes, 8 recipients, 9 purposes whose codes
    refer to them. ValueError with a readable message otherwise."""
    path = Path(path)
    if not path.is_absolute() and not path.exists():
        path = DATA_DIR / path
    spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for key in ("data_classes", "recipients", "purposes"):
        if not isinstance(spec.get(key), list) or not spec[key]:
            raise ValueError(f"The policy file has no {key!r} list.")
    class_codes = {d["code"] for d in spec["data_classes"]}
    recipient_codes = {r["code"] for r in spec["recipients"]}
    purpose_codes = [p["code"] for p in spec["purposes"]]
    if len(purpose_codes) != len(set(purpose_codes)):
        raise ValueError("Purpose codes must be unique.")
    for purpose in spec["purposes"]:
        unknown_classes = set(purpose["data_classes"]) - class_codes
        unknown_recipients = set(purpose["recipients"]) - recipient_codes
        if unknown_classes or unknown_recipients:
            raise ValueError(
                f"Purpose {purpose['code']} names unknown classes {sorted(unknown_classes)} "
                f"or recipients {sorted(unknown_recipients)}."
            )
    return spec


def _rows(spec: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    classes = [
        {"code": d["code"], "slug": d["slug"], "name_ja": d["ja"], "name_en": d.get("en") or _EN_DATA_CLASSES.get(d["code"], d["slug"]),
         "definition_ja": d.get("definition_ja", ""), "examples_ja": d.get("examples_ja", "")}
        for d in spec["data_classes"]
    ]
    recipients = [
        {"code": r["code"], "slug": r["slug"], "name_ja": r["ja"], "name_en": r.get("en") or _EN_RECIPIENTS.get(r["code"], r["slug"]),
         "note_ja": r.get("note_ja", "")}
        for r in spec["recipients"]
    ]
    purposes = [
        {"code": p["code"], "slug": p["slug"], "name_ja": p["ja"], "name_en": p.get("en") or _EN_PURPOSES.get(p["code"], p["slug"]),
         "plain_ja": p.get("plain_ja", ""), "plain_en": p.get("plain_en", ""),
         "data_classes": sorted(p["data_classes"]), "recipients": sorted(p["recipients"])}
        for p in spec["purposes"]
    ]
    return classes, recipients, purposes


def install_spec(apps: Apps, spec: dict[str, Any], *, version: str, effective_from: dt.date, title: str | None = None,
                 text: str | None = None) -> consent_models.PolicyVersion:
    """Install a new, immutable policy version. `apps` is a migration's app registry or
    django.apps.apps (the install_policy management command); from a migration the row
    returned is of the historical model, which has PolicyVersion's fields."""
    PolicyVersion = apps.get_model("consent", "PolicyVersion")
    DataClass = apps.get_model("consent", "DataClass")
    Recipient = apps.get_model("consent", "Recipient")
    Purpose = apps.get_model("consent", "Purpose")
    if PolicyVersion.objects.filter(version=version).exists():
        raise ValueError(f"Policy version {version} is already installed; versions are never overwritten.")
    policy: consent_models.PolicyVersion = PolicyVersion.objects.create(
        version=version, effective_from=effective_from, title=title or spec.get("title", ""),
        text=text or spec.get("text", ""), source=spec.get("source", ""),
    )
    classes, recipients, purposes = _rows(spec)
    DataClass.objects.bulk_create(DataClass(policy=policy, **_only_known(DataClass, row)) for row in classes)
    Recipient.objects.bulk_create(Recipient(policy=policy, **_only_known(Recipient, row)) for row in recipients)
    Purpose.objects.bulk_create(Purpose(policy=policy, **_only_known(Purpose, row)) for row in purposes)
    from .access import policy_cache_clear

    policy_cache_clear()
    return policy


def install_policy(apps: Apps, filename: str, *, version: str, effective_from: dt.date, title: str, text: str) -> None:
    """Install the file consent/data/<filename> as `version` (used by migration 0002)."""
    install_spec(apps, load_spec(DATA_DIR / filename), version=version, effective_from=effective_from, title=title, text=text)


def enrich_policy(apps: Apps, filename: str, *, version: str) -> None:
    """Fill the descriptive texts (definitions, examples, plain words, notes, the policy
    text) of an installed version from its file. The table itself (which classes and
    recipients each purpose allows) is never touched: a change there is a new version."""
    PolicyVersion = apps.get_model("consent", "PolicyVersion")
    DataClass = apps.get_model("consent", "DataClass")
    Recipient = apps.get_model("consent", "Recipient")
    Purpose = apps.get_model("consent", "Purpose")
    policy = PolicyVersion.objects.filter(version=version).first()
    if policy is None:
        return
    spec = load_spec(DATA_DIR / filename)
    if spec.get("text"):
        policy.text = spec["text"]
        policy.save(update_fields=["text"])
    classes, recipients, purposes = _rows(spec)
    for model, rows, texts in (
        (DataClass, classes, ("definition_ja", "examples_ja")),
        (Recipient, recipients, ("note_ja",)),
        (Purpose, purposes, ("plain_ja", "plain_en")),
    ):
        for row in rows:
            model.objects.filter(policy=policy, code=row["code"]).update(**_only_known(model, {k: row[k] for k in texts}))


# The versions shipped with the code, as their migrations install them.
@dataclass(frozen=True)
class ShippedVersion:
    filename: str
    version: str
    effective_from: dt.date


SHIPPED_VERSIONS = [ShippedVersion("policy-v1.json", "1.0", dt.date(2022, 4, 1))]


def ensure_policy_installed() -> bool:
    """Re-install the shipped versions when the policy tables are empty.

    Only tests need this: a transactional test (browser, Celery worker) ends with a
    flush that empties every table, the rows migration 0002 installed too. Returns
    whether anything was installed."""
    from django.apps import apps
    from django.db import transaction

    PolicyVersion = apps.get_model("consent", "PolicyVersion")
    if PolicyVersion.objects.exists():
        return False
    with transaction.atomic():
        for shipped in SHIPPED_VERSIONS:
            spec = load_spec(DATA_DIR / shipped.filename)
            install_spec(apps, spec, version=shipped.version, effective_from=shipped.effective_from)
    return True
