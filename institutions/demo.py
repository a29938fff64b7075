"""Demo support institutions of every kind in ※3, across regions, with staff accounts and
support records (class 13) for demo businesses. The two institutions of the demo advisors
of api.md come first; their ids are in ctx.extra["shokokai_id"] and ["yorozu_id"]."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress

from accounts.demo import activate_demo_totp
from companies.models import Business
from core.demo import DemoContext

from .models import Institution, SupportRecord

K = Institution.Kind
INSTITUTIONS = [
    # (name, kind, prefecture, municipality, services, specialties, qualifications, staff e-mail)
    ("仙台商工会", K.SHOKOKAI, "04", "仙台市", "経営相談、記帳指導、補助金申請支援", "販路開拓,補助金,記帳", "経営指導員", None),
    ("宮城県よろず支援拠点", K.YOROZU, "04", "仙台市", "無料の経営相談", "IT活用,売上拡大,事業承継", "中小企業診断士", None),
    ("日本政策金融公庫 仙台支店", K.SPECIAL_CORPORATION, "04", "仙台市", "創業融資、設備資金・運転資金の融資", "資金調達,創業,事業再生", "", "staff@jfc.demo.mirasapo.jp"),
    ("仙台商工会議所", K.CHAMBER, "04", "仙台市", "経営相談、セミナー、商談会", "販路開拓,事業承継,経営計画", "経営指導員", "staff@sendai-cci.demo.mirasapo.jp"),
    ("東京商工会議所 千代田支部", K.CHAMBER, "13", "千代田区", "経営相談、ビジネス交流、検定", "海外展開,IT活用,人材", "経営指導員", "staff@tokyo-cci.demo.mirasapo.jp"),
    ("大阪府よろず支援拠点", K.YOROZU, "27", "大阪市", "無料の経営相談、専門家派遣", "売上拡大,商品開発,デザイン", "中小企業診断士", "staff@osaka-yorozu.demo.mirasapo.jp"),
    ("税理士法人みらい会計", K.CERTIFIED_SUPPORTER, "13", "新宿区", "経営改善計画の策定支援、補助金の事業計画支援", "財務,補助金,経営改善", "税理士、認定経営革新等支援機関", "staff@mirai-tax.demo.mirasapo.jp"),
    ("北海道中小企業診断士事務所", K.CERTIFIED_SUPPORTER, "01", "札幌市", "事業計画策定、生産性向上の支援", "生産性向上,事業計画,IT活用", "中小企業診断士、認定経営革新等支援機関", "staff@hokkaido-smeca.demo.mirasapo.jp"),
    ("中小企業119 専門家 山田デザイン研究所", K.EXPERT_119, "23", "名古屋市", "ブランド・パッケージデザインの専門家派遣", "デザイン,ブランディング,販路開拓", "デザイナー", "staff@yamada-design.demo.mirasapo.jp"),
    ("福岡県商工会連合会", K.SHOKOKAI, "40", "福岡市", "小規模事業者の経営支援、補助金申請支援", "補助金,事業承継,災害対策", "経営指導員", "staff@fukuoka-shokokai.demo.mirasapo.jp"),
]
THEMES = ["販路開拓", "補助金申請", "資金繰り", "事業承継", "IT導入", "創業", "経営計画", "人材確保", "災害対策", "価格転嫁"]


def seed(ctx: DemoContext) -> None:
    from django.contrib.auth.hashers import make_password

    from accounts.models import User

    rng = ctx.rng
    # Every demo account shares the demo password: hash it once (the accounts seeder reads
    # the same ctx.extra key).
    if "password_hash" not in ctx.extra:
        ctx.extra["password_hash"] = make_password(ctx.password)
    institutions = [
        Institution(name=name, kind=kind, prefecture=pref, municipality=city, services=services, specialties=specialties,
                    qualifications=qualifications, description=f"{city}を中心に、{specialties.replace(',', '・')}の相談に応じます。",
                    certification_id=f"1{pref}{i:09d}" if kind == K.CERTIFIED_SUPPORTER else "")
        for i, (name, kind, pref, city, services, specialties, qualifications, _email) in enumerate(INSTITUTIONS)
    ]
    for institution in institutions:
        institution.refresh_search_tokens()
    Institution.objects.bulk_create(institutions)
    ctx.institution_ids = [i.pk for i in institutions]
    ctx.extra["shokokai_id"], ctx.extra["yorozu_id"] = institutions[0].pk, institutions[1].pk
    for institution, row in zip(institutions, INSTITUTIONS, strict=True):
        email = row[-1]
        if email:
            user = User.objects.create(email=email, password=ctx.extra["password_hash"], full_name=f"{institution.name} 担当",
                                       kind=User.Kind.INSTITUTION_STAFF, institution=institution)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            activate_demo_totp(ctx, user)  # institution staff need two-factor authentication
            ctx.users[email] = user

    records = []
    names = dict(Business.objects.filter(pk__in=ctx.business_ids).values_list("pk", "name"))
    others = [b for b in ctx.business_ids if b not in (ctx.owner_business_id, ctx.soloist_business_id)]
    today = dt.date.today()
    for institution in institutions:
        for business_id in rng.sample(others, k=min(len(others), rng.randint(3, 12))):
            for _n in range(rng.randint(1, 3)):
                records.append(SupportRecord(
                    institution=institution, business_id=business_id, recorded_name=names.get(business_id, ""),
                    supported_on=today - dt.timedelta(days=rng.randint(10, 900)), theme=rng.choice(THEMES),
                    summary="相談内容を記録(デモデータ)", source=SupportRecord.Source.DEMO,
                ))
    for theme, days in (("補助金申請", 400), ("販路開拓", 120)):
        records.append(SupportRecord(institution=institutions[0], business_id=ctx.owner_business_id,
                                     recorded_name=names.get(ctx.owner_business_id, ""),
                                     supported_on=today - dt.timedelta(days=days), theme=theme,
                                     summary="持続化補助金の事業計画について助言(デモデータ)", source=SupportRecord.Source.DEMO))
    SupportRecord.objects.bulk_create(records, batch_size=2000)
    ctx.say(f"  {len(institutions)} support institutions, {len(records)} support records")
