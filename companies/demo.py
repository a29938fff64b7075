"""Demo businesses: realistic Japanese names, valid 法人番号, addresses, records and five
fiscal years of financials, bulk-inserted (10,000 companies in seconds: bench/seed.py)."""

from __future__ import annotations

import datetime as dt
import random

from core.bulk import copy_insert
from core.demo import DemoContext

from .models import (
    Business,
    BusinessPlan,
    BusinessProfile,
    Challenge,
    ContactPerson,
    FinancialYear,
    JointApplicant,
    Source,
    Succession,
)
from .reference import JSIC_MIDDLE, PREFECTURES
from .validators import make_corporate_number

CAPITALS = {
    "01": ["札幌市", "旭川市", "函館市"], "02": ["青森市", "八戸市"], "03": ["盛岡市", "一関市"], "04": ["仙台市", "石巻市"],
    "05": ["秋田市", "横手市"], "06": ["山形市", "鶴岡市"], "07": ["福島市", "郡山市", "いわき市"], "08": ["水戸市", "つくば市"],
    "09": ["宇都宮市", "小山市"], "10": ["前橋市", "高崎市"], "11": ["さいたま市", "川越市", "川口市"], "12": ["千葉市", "船橋市"],
    "13": ["千代田区", "新宿区", "大田区", "八王子市", "墨田区"], "14": ["横浜市", "川崎市", "相模原市"], "15": ["新潟市", "長岡市"],
    "16": ["富山市", "高岡市"], "17": ["金沢市", "小松市"], "18": ["福井市", "鯖江市"], "19": ["甲府市", "富士吉田市"],
    "20": ["長野市", "松本市"], "21": ["岐阜市", "大垣市"], "22": ["静岡市", "浜松市", "沼津市"], "23": ["名古屋市", "豊田市", "岡崎市"],
    "24": ["津市", "四日市市"], "25": ["大津市", "彦根市"], "26": ["京都市", "宇治市"], "27": ["大阪市", "堺市", "東大阪市"],
    "28": ["神戸市", "姫路市", "尼崎市"], "29": ["奈良市", "橿原市"], "30": ["和歌山市", "田辺市"], "31": ["鳥取市", "米子市"],
    "32": ["松江市", "出雲市"], "33": ["岡山市", "倉敷市"], "34": ["広島市", "福山市"], "35": ["山口市", "下関市"],
    "36": ["徳島市", "鳴門市"], "37": ["高松市", "丸亀市"], "38": ["松山市", "今治市"], "39": ["高知市", "四万十市"],
    "40": ["福岡市", "北九州市", "久留米市"], "41": ["佐賀市", "唐津市"], "42": ["長崎市", "佐世保市"], "43": ["熊本市", "八代市"],
    "44": ["大分市", "別府市"], "45": ["宮崎市", "都城市"], "46": ["鹿児島市", "霧島市"], "47": ["那覇市", "沖縄市"],
}
# Rough weights of where businesses are (Tokyo, Osaka, Aichi... have more).
PREF_WEIGHTS = {code: 1 for code in PREFECTURES} | {"13": 12, "27": 7, "23": 6, "14": 6, "11": 4, "28": 4, "40": 4, "12": 3, "01": 3, "22": 3}
NAME_STEMS = ["青葉", "富士", "北斗", "みどり", "丸和", "大和", "山田", "さくら", "東洋", "日の出", "旭", "若松", "瑞穂", "和光", "光陽",
              "中央", "三協", "共栄", "平和", "新星", "浜田", "松本", "鈴木", "高橋", "田中", "伊藤", "昭和", "栄光", "千代田", "白山",
              "ひかり", "こだま", "あさひ", "よつば", "はるか", "双葉", "一心", "誠和", "東邦", "西陣", "南海", "北陸", "湘南", "筑紫"]
BUSINESS_WORDS = {
    "09": ["食品", "製菓", "製麺"], "24": ["金属", "製作所", "鉄工所"], "26": ["精機", "機械"], "15": ["印刷"], "06": ["建設", "工務店"],
    "08": ["設備", "電設"], "39": ["システム", "情報技術"], "44": ["運輸", "物流"], "52": ["商事", "食品販売"], "58": ["商店", "青果"],
    "60": ["商会", "雑貨店"], "75": ["旅館", "ホテル"], "76": ["食堂", "ダイニング"], "78": ["美容室", "クリーニング"], "80": ["スポーツ", "アミューズメント"],
    "72": ["会計事務所", "デザイン事務所"], "83": ["歯科", "整骨院"], "85": ["ケアサービス"], "69": ["不動産"], "32": ["工芸", "製作所"],
}
INDUSTRY_WEIGHTS = {code: 1 for code in BUSINESS_WORDS} | {"76": 3, "58": 2, "06": 3, "24": 2, "60": 2, "78": 2}
FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "清水", "斎藤"]
GIVEN = ["太郎", "一郎", "健太", "翔", "大輔", "誠", "花子", "陽子", "美咲", "さくら", "恵", "直樹", "由美", "拓也", "亮", "真由美", "浩", "隆", "明美", "智子"]
FORMS = ["株式会社{}", "{}株式会社", "有限会社{}", "合同会社{}"]


def _weighted(rng, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    used_numbers: set[str] = set()
    businesses: list[Business] = []

    def new_number() -> str:
        while True:
            number = make_corporate_number(f"{rng.randrange(10**11, 10**12):012d}")
            if number not in used_numbers:
                used_numbers.add(number)
                return number

    # The demo accounts' businesses come first so that their ids are stable.
    owner = Business(
        corp_type=1, corporate_number=make_corporate_number("370001012345"), name="株式会社青葉精機", name_kana="カブシキガイシャアオバセイキ",
        prefecture="04", municipality="仙台市", address="宮城県仙台市青葉区中央二丁目1番1号", representative_name="青葉 一郎",
        representative_birth_date=__import__("datetime").date(1962, 5, 14), phone="022-000-1234", employees=4, capital=10_000_000,
        offices=1, founded_year=1998, industry_jsic="26",
    )
    used_numbers.add(owner.corporate_number or "")
    soloist = Business(
        corp_type=2, corporate_number=None, gbizid_management_number="9000000000001", name="はなこパン工房",
        name_kana="ハナコパンコウボウ", prefecture="20", municipality="松本市", address="長野県松本市中央一丁目2番3号",
        representative_name="鈴木 花子", representative_birth_date=__import__("datetime").date(1985, 9, 2), phone="0263-00-5678",
        employees=1, capital=None, offices=1, founded_year=2016, industry_jsic="58",
    )
    businesses += [owner, soloist]
    for i in range(ctx.companies - 2):
        pref = _weighted(rng, PREF_WEIGHTS)
        city = rng.choice(CAPITALS[pref])
        industry = _weighted(rng, INDUSTRY_WEIGHTS)
        is_corp = rng.random() < 0.75
        family, given = rng.choice(FAMILY), rng.choice(GIVEN)
        stem = rng.choice(NAME_STEMS)
        word = rng.choice(BUSINESS_WORDS[industry])
        employees = max(0, int(rng.lognormvariate(1.6, 0.9))) if is_corp else rng.choice([0, 0, 1, 1, 2, 3])
        if is_corp:
            name = rng.choice(FORMS).format(f"{stem}{word}")
        else:
            name = f"{family}{word}" if rng.random() < 0.6 else f"{stem}{word}"
        businesses.append(Business(
            corp_type=1 if is_corp else 2,
            corporate_number=new_number() if is_corp else None,
            gbizid_management_number=None if is_corp else f"9{i + 2:012d}",
            name=name, prefecture=pref, municipality=city,
            address=f"{PREFECTURES[pref]}{city}{rng.choice(['本町', '中央', '栄町', '緑町', '駅前', '港町'])}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号",
            representative_name=f"{family} {given}", phone=f"0{rng.randint(3, 99)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            employees=employees, capital=rng.choice([1, 3, 5, 10, 20, 30, 50]) * 1_000_000 if is_corp else None,
            offices=1 if employees < 10 else rng.randint(1, 3), founded_year=rng.randint(1955, 2022), industry_jsic=industry,
        ))
    extra_rng = random.Random(hash(ctx.rng.getstate()[1][:8]))
    for b in businesses:  # before the insert: a bulk_update of 10,000 rows is slow
        if b.representative_birth_date is None:
            b.representative_birth_date = dt.date(extra_rng.randint(1945, 1992), extra_rng.randint(1, 12), extra_rng.randint(1, 28))
    Business.objects.bulk_create(businesses, batch_size=2000)
    ctx.business_ids = [b.pk for b in businesses]
    ctx.owner_business_id, ctx.soloist_business_id = owner.pk, soloist.pk

    financials, profiles, plans, contacts, challenges = [], [], [], [], []
    themes = list(Challenge.Theme.values)
    for b in businesses:
        base_sales = int(max(3_000_000, (b.employees or 1) * rng.uniform(8_000_000, 20_000_000)))
        growth = rng.gauss(0.01, 0.04)
        for year in range(2019, 2025):
            sales = int(base_sales * (1 + growth) ** (year - 2019) * rng.uniform(0.95, 1.05))
            gross = int(sales * rng.uniform(0.25, 0.5))
            personnel = int(sales * rng.uniform(0.12, 0.3))
            depreciation = int(sales * rng.uniform(0.01, 0.04))
            operating = gross - personnel - int(sales * rng.uniform(0.05, 0.12))
            total_assets = int(sales * rng.uniform(0.6, 1.2))
            financials.append(dict(
                business_id=b.pk, fiscal_year=year, sales=sales, gross_profit=gross, operating_profit=operating,
                ordinary_profit=operating - int(sales * 0.005), net_income=int((operating - sales * 0.005) * 0.7),
                depreciation=depreciation, personnel_cost=personnel, total_assets=total_assets,
                net_assets=int(total_assets * rng.uniform(0.05, 0.5)), interest_bearing_debt=int(total_assets * rng.uniform(0.1, 0.6)),
                cash_and_deposits=int(total_assets * rng.uniform(0.05, 0.3)), receivables=int(sales / 12 * rng.uniform(0.8, 2.0)),
                inventory=int(sales / 12 * rng.uniform(0.2, 1.5)), payables=int(sales / 12 * rng.uniform(0.5, 1.5)),
                employees=b.employees, source=Source.DEMO, source_detail="",
            ))
        profiles.append(BusinessProfile(business=b, description=f"{JSIC_MIDDLE.get(b.industry_jsic, '')}を営む。地域の顧客に密着した事業を展開。",
                                        main_products=f"{b.name}の主力商品・サービス", consumption_tax_status=rng.choice(["taxable", "taxable", "exempt", "simplified"]),
                                        source=Source.DEMO))
        plans.append(BusinessPlan(business=b, overview=f"{b.name}は{b.founded_year}年創業。", market="地域需要は横ばい。インターネット経由の需要が増加。",
                                  strengths="熟練の技術と顧客との長年の信頼関係。", management_policy="新たな販路を開拓し、3年で売上高10%増を目指す。", source=Source.DEMO))
        contacts.append(ContactPerson(business=b, name=b.representative_name, department="総務", phone=b.phone, source=Source.DEMO))
        for theme in rng.sample(themes, k=rng.randint(1, 3)):
            challenges.append(Challenge(business=b, theme=theme, source=Source.DEMO))
    _seed_partners_and_succession(ctx, businesses, extra_rng)
    copy_insert(FinancialYear, financials)
    BusinessProfile.objects.bulk_create(profiles, batch_size=5000)
    BusinessPlan.objects.bulk_create(plans, batch_size=5000)
    ContactPerson.objects.bulk_create(contacts, batch_size=5000)
    Challenge.objects.bulk_create(challenges, batch_size=5000)
    ctx.say(f"  {len(businesses)} businesses, {len(financials)} financial years")


PARTNER_NAMES = ["協同組合{}会", "{}商店街振興組合", "{}工業団地協同組合", "株式会社{}物産"]
SUCCESSION_FORMS = ["親族内承継", "従業員承継", "第三者承継（M&A）"]
SUCCESSION_STATUS = ["後継者候補あり・準備中", "承継済み", "後継者未定"]


def _seed_partners_and_succession(ctx: DemoContext, businesses: list[Business], rng: random.Random) -> None:
    """Joint applicants (class 2) and succession (class 4).

    Drawn, like the representatives' birth dates, from a generator derived from (not
    advancing) the shared one, so what the other seeders draw stays as it was.
    """
    partners, successions = [], []
    for b in businesses:
        if rng.random() < 0.06:
            partners.append(JointApplicant(business=b, name=rng.choice(PARTNER_NAMES).format(rng.choice(NAME_STEMS)),
                                           relationship=rng.choice(["加入組織", "連携先"]), source=Source.DEMO))
        born = b.representative_birth_date
        if born is not None and born.year <= 1965 and rng.random() < 0.5 or b.pk == ctx.owner_business_id:
            family = b.representative_name.split(" ")[0] if b.representative_name else rng.choice(FAMILY)
            successions.append(Succession(business=b, form=rng.choice(SUCCESSION_FORMS), status=rng.choice(SUCCESSION_STATUS),
                                          successor_name=f"{family} {rng.choice(GIVEN)}", successor_relationship=rng.choice(["長男", "長女", "従業員", "第三者"]),
                                          source=Source.DEMO))
    JointApplicant.objects.bulk_create(partners, batch_size=5000)
    Succession.objects.bulk_create(successions, batch_size=5000)
