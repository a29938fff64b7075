"""Install a policy version from its JSON form (consent/data/policy-*.json).

Used by the data migration that installs the current version; a later version is added
by a new JSON file and one more migration (or `manage.py install_policy FILE`), no code.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

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


def install_policy(apps, filename: str, *, version: str, effective_from: dt.date, title: str, text: str) -> None:
    PolicyVersion = apps.get_model("consent", "PolicyVersion")
    DataClass = apps.get_model("consent", "DataClass")
    Recipient = apps.get_model("consent", "Recipient")
    Purpose = apps.get_model("consent", "Purpose")
    spec = json.loads((DATA_DIR / filename).read_text(encoding="utf-8"))
    policy = PolicyVersion.objects.create(
        version=version, effective_from=effective_from, title=title, text=text, source=spec.get("source", "")
    )
    DataClass.objects.bulk_create(
        DataClass(policy=policy, code=d["code"], slug=d["slug"], name_ja=d["ja"], name_en=_EN_DATA_CLASSES.get(d["code"], d["slug"]),
                  definition_ja=d.get("definition_ja", ""), examples_ja=d.get("examples_ja", ""))
        for d in spec["data_classes"]
    )
    Recipient.objects.bulk_create(
        Recipient(policy=policy, code=r["code"], slug=r["slug"], name_ja=r["ja"], name_en=_EN_RECIPIENTS.get(r["code"], r["slug"]),
                  note_ja=r.get("note_ja", ""))
        for r in spec["recipients"]
    )
    Purpose.objects.bulk_create(
        Purpose(policy=policy, code=p["code"], slug=p["slug"], name_ja=p["ja"], name_en=_EN_PURPOSES.get(p["code"], p["slug"]),
                plain_ja=p.get("plain_ja", ""), data_classes=p["data_classes"], recipients=p["recipients"])
        for p in spec["purposes"]
    )
