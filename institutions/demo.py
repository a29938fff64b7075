"""Demo support institutions (the disclosure issue extends this with more kinds and records)."""

from __future__ import annotations

from core.demo import DemoContext

from .models import Institution


def seed(ctx: DemoContext) -> None:
    institutions = Institution.objects.bulk_create([
        Institution(name="仙台商工会", kind=Institution.Kind.SHOKOKAI, prefecture="04", municipality="仙台市",
                    services="経営相談、記帳指導、補助金申請支援", specialties="販路開拓,補助金,記帳", description="地域の小規模事業者の経営を支援します。"),
        Institution(name="宮城県よろず支援拠点", kind=Institution.Kind.YOROZU, prefecture="04", municipality="仙台市",
                    services="無料の経営相談", specialties="IT活用,売上拡大,事業承継", description="中小企業庁が設置する無料の経営相談所です。"),
    ])
    ctx.institution_ids = [i.pk for i in institutions]
    ctx.extra["shokokai_id"], ctx.extra["yorozu_id"] = institutions[0].pk, institutions[1].pk
