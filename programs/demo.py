"""Demo catalogue: 230+ support programs and 520 case studies in Japanese, generated
deterministically from templates with ctx.rng (national flagships, prefectural and
municipal programs across every theme; case studies across industries and regions).
Dates are relative to the day of seeding so that some calls are open, some closed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from companies.reference import JSIC_MIDDLE, PREFECTURES
from core.demo import DemoContext

from .models import CaseStudy, SupportProgram, size_band_of

THEME_WORDS = {
    "sales": ["販路開拓", "展示会出展", "ECサイト構築", "新市場開拓", "ブランド化"],
    "productivity": ["生産性向上", "IT導入", "DX推進", "省力化設備", "業務効率化"],
    "finance": ["資金繰り", "運転資金", "経営改善", "借換", "財務体質強化"],
    "hr": ["人材確保", "人材育成", "働き方改革", "賃上げ", "女性活躍"],
    "succession": ["事業承継", "M&A", "後継者育成", "経営者交代"],
    "overseas": ["海外展開", "輸出", "越境EC", "海外見本市"],
    "disaster": ["BCP策定", "防災・減災", "事業継続力強化", "自家発電設備"],
    "innovation": ["新商品開発", "研究開発", "新事業進出", "創業", "産学連携"],
}
SALES_UPLIFT = {"sales": (0.03, 0.07), "productivity": (0.01, 0.03), "finance": (0.0, 0.01), "hr": (0.01, 0.02),
                "succession": (0.0, 0.02), "overseas": (0.03, 0.08), "disaster": (0.0, 0.005), "innovation": (0.03, 0.08)}
COST_SAVING = {"productivity": (0.01, 0.04), "finance": (0.005, 0.015), "hr": (0.0, 0.01), "disaster": (0.0, 0.005)}

FLAGSHIPS = [
    ("小規模事業者持続化補助金＜一般型＞", "中小企業庁・日本商工会議所・全国商工会連合会", "subsidy", ["sales"], 500_000, "2/3", 0, 20,
     "jizokuka_general", "小規模事業者が商工会・商工会議所の支援を受けて経営計画を作成し、チラシ作成や店舗改装、ECサイト構築など販路開拓の取組を行う経費の一部を補助します。", ["販路開拓", "小規模事業者", "商工会"]),
    ("ものづくり・商業・サービス生産性向上促進補助金", "中小企業庁・中小企業基盤整備機構", "subsidy", ["productivity", "innovation"], 12_500_000, "1/2", None, None,
     "monodukuri", "革新的な製品・サービスの開発や生産プロセスの改善に必要な設備投資を支援します。付加価値額年率3%以上の向上を目指す事業計画が必要です。", ["設備投資", "生産性向上", "革新的サービス"]),
    ("IT導入補助金（通常枠）", "中小企業庁・独立行政法人中小企業基盤整備機構", "subsidy", ["productivity"], 4_500_000, "1/2", None, None,
     "it_donyu", "会計・受発注・決済などのITツール（ソフトウェア、クラウド利用料等）の導入費用の一部を補助し、業務効率化と売上向上を後押しします。", ["IT導入", "DX", "クラウド", "インボイス"]),
    ("経営力向上計画の認定", "中小企業庁（各事業所管大臣）", "certification", ["productivity", "finance"], None, "", None, None,
     "keieiryoku_kojo", "人材育成やコスト管理、設備投資などにより経営力を向上させる計画を認定します。認定を受けると税制優遇や金融支援を受けられます。", ["中小企業経営強化税制", "税制優遇", "認定"]),
    ("事業継続力強化計画の認定", "中小企業庁", "certification", ["disaster"], None, "", None, None,
     "jigyo_keizoku", "自然災害や感染症に備える防災・減災の事前対策の計画を認定します。認定事業者は防災・減災設備の税制措置や低利融資、補助金の加点を受けられます。", ["BCP", "防災", "減災", "認定"]),
    ("経営革新計画の承認", "都道府県", "certification", ["innovation", "sales"], None, "", None, None,
     "keiei_kakushin", "新商品の開発や新たな生産方式の導入などの新たな取組で経営の相当程度の向上を図る計画を承認します。承認後は政府系金融機関の低利融資などを利用できます。", ["新事業活動", "経営革新", "承認"]),
]
NATIONAL_TEMPLATES = [
    ("subsidy", "{word}支援補助金", "中小企業庁", "中小企業・小規模事業者が行う{word}の取組に要する経費の一部を補助します。専門家の伴走支援も受けられます。"),
    ("loan", "{word}資金（日本政策金融公庫）", "日本政策金融公庫", "{word}に取り組む中小企業者に、長期・低利の資金を融資します。据置期間を設けることができます。"),
    ("tax", "{word}促進税制", "経済産業省・国税庁", "{word}のための投資について、即時償却または税額控除を受けられる税制措置です。"),
    ("expert", "{word}専門家派遣事業", "中小企業基盤整備機構", "{word}に課題を抱える事業者に、中小企業診断士などの専門家を無料で派遣し、課題解決を支援します。"),
    ("subsidy", "{word}緊急対策補助金", "経済産業省", "物価高騰や需要変動の影響を受ける事業者の{word}を緊急的に支援します。"),
]
PREF_TEMPLATES = [
    ("subsidy", "{pref}中小企業{word}補助金", "{pref}", "{pref}内に事業所を有する中小企業者が行う{word}の取組を支援します。県内の商工団体による事業計画の確認が必要です。"),
    ("loan", "{pref}制度融資（{word}資金）", "{pref}・県信用保証協会", "{pref}の制度融資です。{word}に必要な設備資金・運転資金を、信用保証協会の保証付きで低利に融資します。"),
    ("expert", "{pref}よろず支援拠点 {word}相談会", "{pref}よろず支援拠点", "{word}に関する無料の個別相談会です。売上拡大や経営改善の専門家が何度でも相談に応じます。"),
    ("subsidy", "{pref}{industry}{word}支援事業", "{pref}産業振興財団", "{pref}の{industry}の事業者を対象に、{word}に必要な経費を補助します。"),
]
MUNICIPAL_TEMPLATES = [
    ("subsidy", "{city}中小企業{word}補助金", "{city}", "{city}内の中小企業・小規模事業者が実施する{word}の経費を補助します。市内業者への発注で補助率が上乗せされます。"),
    ("subsidy", "{city}創業・{word}応援補助金", "{city}商工会議所", "{city}で事業を行う事業者の{word}を応援します。商工会議所の経営指導員が申請書の作成を支援します。"),
]
TARGETED_INDUSTRIES = {
    "製造業": ["09", "24", "26", "15", "32"], "観光・飲食業": ["75", "76"], "小売業": ["58", "60"], "建設業": ["06", "08"],
    "運輸業": ["44"], "介護・医療": ["83", "85"], "情報サービス業": ["39"], "生活関連サービス業": ["78", "80"],
}
CITIES = {"13": "大田区", "27": "東大阪市", "23": "豊田市", "14": "川崎市", "04": "仙台市", "01": "札幌市", "40": "北九州市",
          "22": "浜松市", "26": "京都市", "28": "神戸市", "20": "松本市", "34": "広島市", "15": "燕市", "17": "金沢市", "47": "那覇市"}

CASE_INDUSTRIES = {"09": 4, "24": 4, "26": 3, "15": 2, "06": 4, "08": 2, "39": 3, "44": 2, "52": 2, "58": 4, "60": 3,
                   "75": 3, "76": 5, "78": 3, "80": 1, "72": 2, "83": 2, "85": 2, "69": 1, "32": 2}
CASE_CHALLENGES = {
    "sales": ["主要取引先への依存度が高く、売上の{pct}割を一社に頼っていた。", "来店客の高齢化で売上が年々減少し、新しい顧客層を開拓できていなかった。"],
    "productivity": ["受発注を紙とFAXで管理しており、事務作業に毎日{hours}時間を費やしていた。", "熟練工の手作業に頼る工程が多く、繁忙期には残業が常態化していた。"],
    "finance": ["原材料価格の高騰で利益が圧迫され、運転資金が不足しがちだった。", "借入金の返済負担が重く、自己資本比率が{pct}%台にとどまっていた。"],
    "hr": ["求人を出しても応募がなく、若手人材の確保が経営課題になっていた。", "従業員の離職が続き、技能の継承が進んでいなかった。"],
    "succession": ["代表者が70歳を超え、後継者が決まっていなかった。", "親族内に後継者はいたが、経営ノウハウの引継ぎ方がわからなかった。"],
    "overseas": ["国内市場の縮小を受け、海外での販路を探していた。", "海外からの引き合いはあったが、輸出手続や現地の商習慣に不安があった。"],
    "disaster": ["過去の豪雨で浸水被害を受け、操業が{days}日間止まった経験があった。", "停電時に冷蔵設備が止まるリスクへの備えがなかった。"],
    "innovation": ["既存商品の価格競争が激しく、自社ならではの新商品を求めていた。", "地域の特産品を活かした新しい事業を始めたいと考えていた。"],
}
CASE_ACTIONS = {
    "sales": ["{program}を活用してECサイトを立ち上げ、SNSでの情報発信を始めた。", "{program}を使って首都圏の展示会に出展し、商談会で新規取引先を開拓した。"],
    "productivity": ["{program}でクラウド型の受発注システムを導入し、在庫と請求を一元管理した。", "{program}を活用して自動化設備を導入し、工程を見直した。"],
    "finance": ["{program}で運転資金を確保し、商工会の指導を受けて資金繰り表を毎月作成した。", "金融機関と相談し{program}で借換を行い、月々の返済額を減らした。"],
    "hr": ["{program}を活用して社内研修制度を整え、賃金体系を見直した。", "{program}の専門家派遣を受け、働きやすい勤務制度を整備した。"],
    "succession": ["{program}で専門家の支援を受け、5年間の事業承継計画を作成した。", "事業承継・引継ぎ支援センターに相談し、{program}を活用して第三者承継を実現した。"],
    "overseas": ["{program}を活用して海外見本市に出展し、現地代理店と契約した。", "{program}で越境ECに対応したサイトを構築し、多言語で商品を紹介した。"],
    "disaster": ["{program}の認定を受け、止水板と非常用電源を整備した。", "{program}を活用してBCPを策定し、従業員と訓練を重ねた。"],
    "innovation": ["{program}を活用して大学と共同で新商品を開発した。", "{program}で試作設備を導入し、地域資源を使った新商品を開発した。"],
}
CASE_RESULTS = {
    "sales": ["新規顧客が{n}社増え、売上高が前年比{pct}%増加した。", "オンライン経由の売上が全体の{pct}%を占めるまでに成長した。"],
    "productivity": ["事務作業時間が月{hours}時間削減され、営業利益率が{pt}ポイント改善した。", "生産性が{pct}%向上し、残業時間がほぼなくなった。"],
    "finance": ["資金繰りが安定し、自己資本比率が{pct}%まで改善した。", "返済負担が軽くなり、設備投資に回す余裕が生まれた。"],
    "hr": ["若手社員を{n}名採用でき、離職率も大きく下がった。", "従業員の多能工化が進み、繁忙期の受注を断らずに済むようになった。"],
    "succession": ["後継者が代表取締役に就任し、取引先との関係も円滑に引き継げた。", "雇用と取引先を維持したまま事業を引き継ぎ、売上も維持している。"],
    "overseas": ["{n}か国との取引が始まり、海外売上比率が{pct}%に達した。", "輸出額が3年で{n}倍になった。"],
    "disaster": ["翌年の台風でも被害を最小限に抑え、{days}日で操業を再開できた。", "取引先からの信頼が高まり、新規受注にもつながった。"],
    "innovation": ["新商品が地域の土産物として定着し、売上高が{pct}%増加した。", "新事業が第二の柱に育ち、売上全体の{pct}%を占めるようになった。"],
}
TITLE_PATTERNS = ["{what}で{outcome}", "{industry}の{what}、{outcome}", "{pref}の{industry}が挑んだ{what}"]
OUTCOMES = {"sales": "新たな販路を開拓", "productivity": "生産性を大幅に向上", "finance": "財務体質を改善", "hr": "人材の定着を実現",
            "succession": "円滑な事業承継を実現", "overseas": "海外市場へ進出", "disaster": "災害に強い会社へ", "innovation": "新たな収益の柱を確立"}
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def _amount(rng, kind: str) -> int | None:
    if kind == "subsidy":
        return rng.choice([300_000, 500_000, 1_000_000, 2_000_000, 3_000_000, 5_000_000, 10_000_000])
    if kind == "loan":
        return rng.choice([20_000_000, 30_000_000, 72_000_000, 100_000_000])
    return None


# A start-up (創業) program is for businesses founded within this many years.
STARTUP_YEARS = 5


def _program(rng, today, now, *, name, agency, kind, themes, summary, prefectures=(), industries=(), min_e=None, max_e=None,
             amount=None, rate=None, application_program="", tags=(), recent=False, municipalities=()) -> SupportProgram:
    theme = themes[0]
    rolling = kind in ("loan", "tax", "certification") or (kind == "expert" and rng.random() < 0.7)
    if rolling:
        opens_on, deadline = None, None
    else:
        deadline = today + dt.timedelta(days=rng.randint(-90, 200))
        opens_on = deadline - dt.timedelta(days=rng.randint(30, 90))
    amount = amount if amount is not None else _amount(rng, kind)
    if rate is None:
        rate = rng.choice(["2/3", "1/2", "3/4"]) if kind == "subsidy" else ("年0.5%〜" if kind == "loan" else "")
    low, high = SALES_UPLIFT.get(theme, (0.0, 0.01))
    slow, shigh = COST_SAVING.get(theme, (0.0, 0.0))
    investment = int(amount * rng.uniform(1.2, 2.0)) if kind == "subsidy" and amount else None
    published = now - dt.timedelta(days=rng.randint(0, 6) if recent else rng.randint(8, 400), hours=rng.randint(0, 23))
    program = SupportProgram(
        name=name, agency=agency, kind=kind, summary=summary,
        body="対象経費：" + "、".join(rng.sample(["機械装置費", "広報費", "ウェブサイト関連費", "外注費", "専門家謝金", "委託費", "研修費", "システム構築費"], 3))
        + "。申請には事業計画書と直近の決算書が必要です。詳しくは公募要領をご確認ください。",
        industries=list(industries), prefectures=list(prefectures), municipalities=list(municipalities),
        max_business_age=STARTUP_YEARS if "創業" in name else None,
        min_employees=min_e, max_employees=max_e, themes=list(themes),
        amount_max=amount, rate=rate, opens_on=opens_on, deadline=deadline, tags=list(tags),
        url=f"https://www.example.go.jp/programs/{rng.randrange(10**6, 10**7)}", application_program=application_program,
        published_at=published, assumed_sales_uplift=Decimal(f"{rng.uniform(low, high):.3f}"),
        assumed_cost_saving=Decimal(f"{rng.uniform(slow, shigh):.3f}"), assumed_investment=investment,
    )
    program.refresh_search_text()
    return program


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = timezone.localdate()
    now = timezone.now()
    themes = list(THEME_WORDS)
    programs: list[SupportProgram] = []
    for name, agency, kind, th, amount, rate, min_e, max_e, code, summary, tags in FLAGSHIPS:
        p = _program(rng, today, now, name=name, agency=agency, kind=kind, themes=th, summary=summary, min_e=min_e, max_e=max_e,
                     amount=amount, rate=rate, application_program=code, tags=tags)
        if code == "jizokuka_general":
            p.opens_on, p.deadline = today - dt.timedelta(days=20), today + dt.timedelta(days=45)
        programs.append(p)
    for theme in themes:
        for kind, name_t, agency, summary_t in NATIONAL_TEMPLATES:
            word = rng.choice(THEME_WORDS[theme])
            max_e = rng.choice([None, None, 20, 50, 300])
            programs.append(_program(rng, today, now, name=name_t.format(word=word), agency=agency, kind=kind,
                                     themes=[theme] + ([rng.choice(themes)] if rng.random() < 0.3 else []),
                                     summary=summary_t.format(word=word), max_e=max_e, tags=[word, theme_tag(theme)],
                                     recent=rng.random() < 0.08))
    for code, pref in PREFECTURES.items():
        for kind, name_t, agency_t, summary_t in rng.sample(PREF_TEMPLATES, 3):
            theme = rng.choice(themes)
            word = rng.choice(THEME_WORDS[theme])
            industry_label, industries = rng.choice(list(TARGETED_INDUSTRIES.items()))
            targeted = "{industry}" in name_t
            programs.append(_program(
                rng, today, now, name=name_t.format(pref=pref, word=word, industry=industry_label), agency=agency_t.format(pref=pref),
                kind=kind, themes=[theme], summary=summary_t.format(pref=pref, word=word, industry=industry_label),
                prefectures=[code], industries=industries if targeted else [], max_e=rng.choice([None, 20, 50, 100, 300]),
                tags=[word, pref] + ([industry_label] if targeted else []), recent=rng.random() < 0.05,
            ))
    for code, city in CITIES.items():
        for kind, name_t, agency_t, summary_t in MUNICIPAL_TEMPLATES:
            theme = rng.choice(themes)
            word = rng.choice(THEME_WORDS[theme])
            programs.append(_program(rng, today, now, name=name_t.format(city=city, word=word), agency=agency_t.format(city=city),
                                     kind=kind, themes=[theme], summary=summary_t.format(city=city, word=word), prefectures=[code],
                                     municipalities=[city], max_e=rng.choice([20, 50, 300]), amount=rng.choice([200_000, 500_000, 1_000_000]),
                                     tags=[word, city], recent=rng.random() < 0.05))
    SupportProgram.objects.bulk_create(programs, batch_size=500)
    by_theme: dict[str, list[SupportProgram]] = {t: [p for p in programs if t in p.themes] for t in themes}

    cases: list[CaseStudy] = []
    links: list[tuple[int, list[SupportProgram]]] = []
    industries = list(CASE_INDUSTRIES)
    weights = [CASE_INDUSTRIES[i] for i in industries]
    pref_codes = list(PREFECTURES)
    for n in range(520):
        industry = rng.choices(industries, weights=weights)[0]
        pref = rng.choice(pref_codes) if rng.random() < 0.7 else rng.choice(["13", "27", "23", "14", "04", "40"])
        employees = max(1, int(rng.lognormvariate(1.8, 0.9)))
        case_themes = [rng.choice(themes)]
        if rng.random() < 0.35:
            case_themes.append(rng.choice([t for t in themes if t != case_themes[0]]))
        main = case_themes[0]
        candidates = [p for p in by_theme[main] if not p.prefectures or pref in p.prefectures]
        used = rng.sample(candidates, k=min(len(candidates), rng.randint(1, 2)))
        fill = {"pct": rng.randint(3, 45), "hours": rng.randint(2, 6), "days": rng.randint(3, 20), "n": rng.randint(2, 12),
                "pt": rng.randint(1, 5), "program": used[0].name if used else "専門家の支援"}
        industry_name = JSIC_MIDDLE[industry]
        word = rng.choice(THEME_WORDS[main])
        title = rng.choice(TITLE_PATTERNS).format(what=word, outcome=OUTCOMES[main], industry=industry_name, pref=PREFECTURES[pref])
        challenge = "".join(rng.choice(CASE_CHALLENGES[t]).format(**fill) for t in case_themes)
        case = CaseStudy(
            title=title, company_label=f"{PREFECTURES[pref]}の{industry_name} {rng.choice(LETTERS)}社（従業員{employees}名）",
            industry_jsic=industry, employees=employees, size_band=size_band_of(employees), prefecture=pref, themes=case_themes,
            challenge=challenge, actions=rng.choice(CASE_ACTIONS[main]).format(**fill), results=rng.choice(CASE_RESULTS[main]).format(**fill),
            tags=[word, industry_name, PREFECTURES[pref]] + [theme_tag(t) for t in case_themes],
            published_on=today - dt.timedelta(days=rng.randint(0, 1500)),
        )
        case.refresh_search_text()
        cases.append(case)
        links.append((n, used))
    CaseStudy.objects.bulk_create(cases, batch_size=500)
    through = CaseStudy.programs.through
    through.objects.bulk_create([through(casestudy_id=cases[n].pk, supportprogram_id=p.pk) for n, used in links for p in used], batch_size=2000)
    # A program taking applications on the portal has the reception period of its round.
    from .rounds import reception_periods_sync

    reception_periods_sync(today=today)
    ctx.extra["program_ids"] = [p.pk for p in programs]
    ctx.extra["case_study_ids"] = [c.pk for c in cases]
    ctx.say(f"  {len(programs)} support programs, {len(cases)} case studies")


THEME_TAGS = {"sales": "販路開拓", "productivity": "生産性向上", "finance": "資金繰り", "hr": "人材", "succession": "事業承継",
              "overseas": "海外展開", "disaster": "防災・BCP", "innovation": "新事業"}


def theme_tag(theme: str) -> str:
    return THEME_TAGS[theme]
