"""Demo partner system: the demo 商工会's カルテ system with a key for both record kinds,
two API batches and one CSV import, leaving some records in the review queue.

Everything goes through the real services (the same code paths the API and the upload
page use), so the demo shows real batches, items, provenance and audit rows.
"""

from __future__ import annotations

from companies.models import Business
from core.demo import DemoContext

from .services import partner_batch_submit, partner_client_issue, records_import

THEMES = ["販路開拓", "資金繰り", "事業承継", "IT導入", "補助金申請", "記帳指導", "人材確保"]


def seed(ctx: DemoContext) -> None:
    institution_id = ctx.extra.get("shokokai_id")
    if institution_id is None:
        return
    rng = ctx.rng
    client, key = partner_client_issue(institution_id=institution_id, scopes=["financials", "support_records"],
                                       name="商工会 経営カルテシステム (demo)")
    ctx.extra["partner_client_id"] = client.pk
    ctx.say(f"  partner key of the demo 商工会 (scopes financials, support_records): {key}")

    businesses = list(Business.objects.filter(pk__in=ctx.business_ids).order_by("pk")[:60])
    corporations = [b for b in businesses if b.corporate_number][:20]
    sole = [b for b in businesses if not b.corporate_number]

    # Batch 1: financials of fiscal year 2025 by 法人番号, and one for 2024 that the
    # business already holds (kept, not overwritten).
    records = []
    for i, b in enumerate(corporations[:12]):
        records.append({"kind": "financials", "record_id": f"K-2025-{i + 1:04d}", "corporate_number": b.corporate_number,
                        "fiscal_year": 2025, "sales": rng.randrange(20_000_000, 300_000_000, 1000),
                        "ordinary_profit": rng.randrange(-2_000_000, 12_000_000, 1000), "employees": b.employees})
    if corporations:
        records.append({"kind": "financials", "record_id": "K-2024-0001", "corporate_number": corporations[0].corporate_number,
                        "fiscal_year": 2024, "sales": 1})
    if records:
        partner_batch_submit(client=client, records=records, idempotency_key="demo-batch-1")

    # Batch 2: consultations, by 法人番号 and, for sole proprietors, by name and address.
    records = []
    for i, b in enumerate(corporations[12:20]):
        records.append({"kind": "support_records", "record_id": f"S-{i + 1:04d}", "corporate_number": b.corporate_number,
                        "supported_on": f"2025-{rng.randint(4, 12):02d}-{rng.randint(1, 28):02d}",
                        "theme": rng.choice(THEMES), "summary": "経営指導員による巡回相談"})
    for i, b in enumerate(sole[:6]):
        # Half are sent with the full address (they link); half with the town only (review).
        address = b.address if i % 2 == 0 else ""
        records.append({"kind": "support_records", "record_id": f"S-SOLE-{i + 1:04d}", "name": b.name,
                        "prefecture": b.prefecture, "municipality": b.municipality, "address": address,
                        "supported_on": f"2025-{rng.randint(4, 12):02d}-{rng.randint(1, 28):02d}",
                        "theme": rng.choice(THEMES), "summary": "窓口相談"})
    if records:
        partner_batch_submit(client=client, records=records, idempotency_key="demo-batch-2")

    # A CSV file as a 商工会 exports it (Shift_JIS, era dates, full-width digits), uploaded by the analyst.
    analyst = ctx.users.get("analyst@agency.demo.mirasapo.jp")
    lines = ["管理番号,法人番号,事業者名,支援日,支援内容,概要"]
    for i, b in enumerate(corporations[:5]):
        lines.append(f"C-{i + 1:04d},{b.corporate_number},{b.name},令和7年{rng.randint(4, 12)}月{rng.randint(1, 28)}日,"
                     f"{rng.choice(THEMES)},CSV取込のデモ")
    if len(lines) > 1:
        records_import(data=("\n".join(lines) + "\n").encode("cp932"), filename="karte_r7.csv",
                       institution_id=institution_id, actor=analyst)
