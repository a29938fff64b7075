"""Benchmark of name matching (名寄せ): 100,000 incoming records against 100,000 businesses.

    DATABASE_URL=postgres://... .venv/bin/python bench/matching.py [--businesses N] [--records N] [--seed S]

Creates a scratch database next to the one DATABASE_URL names (<name>_bench_matching),
migrates it, seeds businesses and incoming records derived from them with the
perturbations real partner files have (法人格 before/after/abbreviated/omitted, full- and
half-width forms, spaces, block numbers written four ways, kanji numerals, missing
addresses, typos, some records carrying a 法人番号, some businesses not on the platform,
many names shared by businesses in different towns), matches them the way the intake
does (法人番号 first, then linkage.matching.match_many), prints the time and precision /
recall against the seeded truth, and drops the scratch database.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KANJI = list("青赤白黒金銀松竹梅桜菊藤森林山川田中村井上下本大小高長新古東西南北光明朝日月星雲海浜島岡坂橋野原沢谷石岩"
             "千万富福寿栄昭和平成正信誠義仁勇真美春夏秋冬花鳥風華陽晴雪霞緑泉清水宮城神奈良京都堀池")
KANA_STEMS = ["みどり", "ひかり", "さくら", "あおば", "つばさ", "はるか", "こだま", "あさひ", "よつば", "なごみ", "ことぶき", "いろは",
              "アルファ", "ソレイユ", "ミライ", "エール", "コスモ", "ハーモニー", "クレスト", "サンライズ"]
FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本",
          "井上", "木村", "林", "清水", "斎藤", "山崎", "森", "池田", "橋本", "阿部", "石川", "前田", "藤田", "小川", "岡田"]
WORDS = ["商事", "商店", "工務店", "製作所", "精機", "食品", "建設", "設備", "運輸", "印刷", "電機", "工業", "興産", "物産", "不動産",
         "システム", "デザイン", "企画", "薬局", "美容室", "歯科", "整骨院", "青果", "鮮魚店", "酒店", "旅館", "食堂", "ベーカリー",
         "塗装", "板金", "電設", "技研", "化成", "通商", "サービス", "ファーム", "観光", "倉庫", "鉄工所", "木材"]
TOWNS = ["中央", "本町", "栄町", "緑町", "旭町", "幸町", "昭和町", "元町", "新町", "東町", "西町", "南町", "北町", "大手町", "駅前",
         "宮前", "桜木町", "若葉", "春日", "日吉", "松原", "花園", "港町", "清水", "泉", "平和", "大通", "寿町", "住吉", "錦"]
FORMS_KK = ["株式会社{}", "{}株式会社", "(株){}", "{}(株)", "㈱{}", "{}㈱", "株式会社　{}", "{}　株式会社", "{}"]
FORMS_YK = ["有限会社{}", "{}有限会社", "(有){}", "{}(有)", "{}"]
HALF_WIDTH = str.maketrans("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワンー",
                           "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝｰ")
FULL_DIGITS = str.maketrans("0123456789-", "０１２３４５６７８９－")
KANJI_DIGITS = "〇一二三四五六七八九"


def kanji_number(n: int) -> str:
    if n < 10:
        return KANJI_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else KANJI_DIGITS[tens]) + "十" + (KANJI_DIGITS[ones] if ones else "")


def scratch_url(url: str) -> tuple[str, str, str]:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/") + "_bench_matching"
    return urlunparse(parsed._replace(path="/" + name)), urlunparse(parsed._replace(path="/postgres")), name


def admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


class World:
    """Deterministic businesses: (name stem, form, prefecture, municipality, town, block)."""

    def __init__(self, rng: random.Random):
        from companies.demo import CAPITALS, PREF_WEIGHTS

        self.rng = rng
        self.capitals = CAPITALS
        self.prefs = list(PREF_WEIGHTS)
        self.weights = [PREF_WEIGHTS[p] for p in self.prefs]

    def business(self) -> dict:
        rng = self.rng
        pref = rng.choices(self.prefs, self.weights)[0]
        roll = rng.random()
        if roll < 0.25:  # common family-name businesses: the same name in many towns
            stem = rng.choice(FAMILY) + rng.choice(WORDS)
        elif roll < 0.35:
            stem = rng.choice(KANA_STEMS) + rng.choice(WORDS)
        else:
            stem = "".join(rng.choice(KANJI) for _ in range(rng.choice((2, 2, 3)))) + rng.choice(WORDS)
        corp = rng.random() < 0.7
        return {
            "stem": stem, "corp": corp, "form": ("kk" if rng.random() < 0.8 else "yk") if corp else "",
            "pref": pref, "city": rng.choice(self.capitals[pref]), "town": rng.choice(TOWNS),
            "block": (rng.randint(1, 9), rng.randint(1, 30), rng.randint(1, 20)),
        }


def business_row(spec: dict, number: str | None, gbiz: str | None):
    from companies.models import Business
    from companies.reference import PREFECTURES

    name = {"kk": "株式会社{}", "yk": "有限会社{}", "": "{}"}[spec["form"]].format(spec["stem"])
    c, b, g = spec["block"]
    address = f"{PREFECTURES[spec['pref']]}{spec['city']}{spec['town']}{c}丁目{b}番{g}号"
    return Business(corp_type=1 if spec["corp"] else 2, corporate_number=number, gbizid_management_number=gbiz, name=name,
                    prefecture=spec["pref"], municipality=spec["city"], address=address)


def perturb(spec: dict, number: str | None, rng: random.Random) -> dict:
    """An incoming record as a partner office would type it."""
    from companies.reference import PREFECTURES

    stem = spec["stem"]
    if rng.random() < 0.05:  # a typo: one character replaced
        i = rng.randrange(len(stem))
        stem = stem[:i] + rng.choice(KANJI) + stem[i + 1:]
    if rng.random() < 0.15:
        stem = stem.translate(HALF_WIDTH)
    if rng.random() < 0.1 and len(stem) > 2:
        stem = stem[:2] + " " + stem[2:]
    forms = {"kk": FORMS_KK, "yk": FORMS_YK, "": ["{}"]}[spec["form"]]
    name = rng.choice(forms).format(stem)
    c, b, g = spec["block"]
    style = rng.random()
    if style < 0.3:
        block = f"{c}-{b}-{g}"
    elif style < 0.5:
        block = f"{kanji_number(c)}丁目{b}番{g}号"
    elif style < 0.65:
        block = f"{c}丁目{b}番地{g}"
    elif style < 0.8:
        block = f"{c}-{b}-{g}".translate(FULL_DIGITS)
    else:
        block = f"{kanji_number(c)}丁目{kanji_number(b)}番{kanji_number(g)}号"
    with_address = rng.random() >= 0.1
    address = ""
    if with_address:
        address = (PREFECTURES[spec["pref"]] + spec["city"] if rng.random() < 0.5 else "") + spec["town"] + block
    record = {
        "corporate_number": number if (number and rng.random() < 0.3) else "",
        "name": name,
        "prefecture": spec["pref"] if rng.random() < 0.5 else PREFECTURES[spec["pref"]],
        "municipality": spec["city"] if with_address or rng.random() < 0.5 else "",
        "address": address,
    }
    return record


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (for inspection)")
    args = parser.parse_args()

    # The scratch database is created and filled by the owner role when there is one (the
    # application role may not create databases); the bench then runs as that role alone.
    base = os.environ.pop("MIGRATION_DATABASE_URL", None) or os.environ.get("DATABASE_URL")
    if not base:
        print("Set DATABASE_URL.", file=sys.stderr)
        return 2
    url, admin_url, name = scratch_url(base)
    from core.bulk import scratch_database_create

    cloned = scratch_database_create(admin_url, name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirasapo.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    try:
        started = time.perf_counter()
        if not cloned:
            call_command("migrate", verbosity=0)
        print(f"scratch database {name} {'cloned' if cloned else 'migrated'} in {time.perf_counter() - started:.1f} s")
        run(args)
    finally:
        connections.close_all()
        if not args.keep:
            admin(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
            print(f"scratch database {name} dropped")
    return 0


def run(args) -> None:
    from django.db import transaction

    from companies.models import Business
    from companies.validators import make_corporate_number
    from linkage.matching import (
        AUTO_LINK_THRESHOLD,
        REVIEW_THRESHOLD,
        match_key,
        match_many,
    )
    from linkage.services import match_index_refresh

    rng = random.Random(args.seed)
    world = World(rng)

    # Businesses on the platform, and some that are not (their records must not link).
    t = time.perf_counter()
    specs, numbers = [], []
    for i in range(args.businesses):
        spec = world.business()
        specs.append(spec)
        numbers.append(make_corporate_number(f"{100_000_000_000 + i:012d}") if spec["corp"] else None)
    rows = [business_row(s, n, None if n else f"9{i:012d}") for i, (s, n) in enumerate(zip(specs, numbers, strict=True))]
    Business.objects.bulk_create(rows, batch_size=5000)
    ids = list(Business.objects.order_by("pk").values_list("pk", flat=True))
    outsiders = [world.business() for _ in range(max(1, args.records // 10))]
    print(f"seeded {len(ids):,} businesses in {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    match_index_refresh(stale_only=False)
    print(f"match index built in {time.perf_counter() - t:.1f} s")

    # Incoming records: 90 % derived from businesses on the platform, 10 % from outsiders.
    inside = args.records - len(outsiders)
    chosen = rng.sample(range(len(ids)), min(inside, len(ids)))
    records, truth = [], []
    for index in chosen:
        records.append(perturb(specs[index], numbers[index], rng))
        truth.append(ids[index])
    for j, spec in enumerate(outsiders):
        number = make_corporate_number(f"{900_000_000_000 + j:012d}") if spec["corp"] else None
        records.append(perturb(spec, number, rng))
        truth.append(None)
    order = list(range(len(records)))
    rng.shuffle(order)
    records = [records[i] for i in order]
    truth = [truth[i] for i in order]

    # Matching, timed as the intake does it: 法人番号 first, then names and addresses.
    t = time.perf_counter()
    with transaction.atomic():
        by_number = dict(Business.objects.filter(
            corporate_number__in={r["corporate_number"] for r in records if r["corporate_number"]},
        ).values_list("corporate_number", "pk"))
        results: list[tuple[str, int | None]] = [("none", None)] * len(records)
        to_match = []
        for i, record in enumerate(records):
            if record["corporate_number"]:
                found = by_number.get(record["corporate_number"])
                results[i] = ("link", found) if found else ("none", None)
            else:
                to_match.append(i)
        key_started = time.perf_counter()
        keys = [match_key(name=records[i]["name"], prefecture=records[i]["prefecture"],
                          municipality=records[i]["municipality"], address=records[i]["address"]) for i in to_match]
        timings = {"normalise": time.perf_counter() - key_started}
        decisions = match_many(keys, timings=timings)
        for i, decision in zip(to_match, decisions, strict=True):
            results[i] = (decision.status, decision.business_id)
    elapsed = time.perf_counter() - t

    linked = [(r, tr) for r, tr in zip(results, truth, strict=True) if r[0] == "link"]
    correct = sum(1 for (status, bid), tr in linked if bid == tr)
    with_truth = sum(1 for tr in truth if tr is not None)
    review = [(r, tr) for r, tr in zip(results, truth, strict=True) if r[0] == "review"]
    outsiders_linked = sum(1 for (status, bid), tr in linked if tr is None)
    by_name = len(to_match)
    linked_by_name = [(results[i], truth[i]) for i in to_match if results[i][0] == "link"]
    correct_by_name = sum(1 for (s, b), tr in linked_by_name if b == tr)

    print(f"records: {len(records):,} ({len(records) - by_name:,} with a 法人番号, {by_name:,} matched by name/address); "
          f"businesses: {len(ids):,}")
    print(f"matching time: {elapsed:.1f} s (target < 60 s)")
    print("  of which: " + ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v:,}" for k, v in timings.items()))
    print(f"thresholds: auto-link >= {AUTO_LINK_THRESHOLD}, review >= {REVIEW_THRESHOLD}")
    print(f"auto-linked: {len(linked):,}; precision {correct / max(1, len(linked)):.4f} (target >= 0.99); "
          f"recall {correct / max(1, with_truth):.4f}")
    print(f"  by name/address only: {len(linked_by_name):,} linked, precision {correct_by_name / max(1, len(linked_by_name)):.4f}")
    print(f"review queue: {len(review):,} ({len(review) / len(records):.1%}); "
          f"auto-link or review recall {(correct + sum(1 for r, tr in review if tr is not None)) / max(1, with_truth):.4f}")
    print(f"outsiders (not on the platform): {len(outsiders):,}; wrongly auto-linked: {outsiders_linked:,}")
    print(f"no link: {sum(1 for r in results if r[0] == 'none'):,}")


if __name__ == "__main__":
    sys.exit(main())
