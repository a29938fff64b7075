"""The rules' data as the calls and the seed give them; agency staff edit these rows later.

- Frames (枠) of rounds 9-11 of 令和3年度補正 小規模事業者持続化補助金<一般型> from the call
  (公募要領): 通常枠 2/3 up to 500,000 yen; 賃金引上げ枠, 卒業枠, 後継者支援枠 and 創業枠 2/3 up
  to 2,000,000 yen (賃金引上げ枠: 3/4 for a business in deficit, +30 yen an hour). 創業枠's
  window is seed 003 §11's 「公募締切時から起算して過去3か年」 per round (round 10: 2019-12-02 to
  2022-12-02, not its deadline 2022-12-09); round 11's is given as 「2020年2月下旬～2023年2月下旬」
  and is taken to end on 28 February as its deadline is. 後継者支援枠 is for the finalists of
  アトツギ甲子園 (seed 003 §9). The seed gives no figure for the インボイス特例 in these rounds:
  the addition is 0 until agency staff enter the call's figure.
- 地域別最低賃金 of fiscal years 2021 and 2022 (令和3・4年度, 厚生労働省's table) per prefecture;
  in force from 1 October (the exact day differs by prefecture, 1-6 October; staff correct it).
- The lodging table of seed 003 §10 with the cities it names (指定都市 abroad incl. アビジャン,
  甲地方 at home).
"""

import datetime as dt

from django.db import migrations

WINDOWS = {9: (dt.date(2019, 9, 20), dt.date(2022, 9, 20)), 10: (dt.date(2019, 12, 2), dt.date(2022, 12, 2)),
           11: (dt.date(2020, 2, 28), dt.date(2023, 2, 28))}

PREFS = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20",
         "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32", "33", "34", "35", "36", "37", "38", "39", "40",
         "41", "42", "43", "44", "45", "46", "47"]
WAGES = {
    2021: [889, 822, 821, 853, 822, 822, 828, 879, 882, 865, 956, 953, 1041, 1040, 859, 877, 861, 858, 866, 877,
           880, 913, 955, 902, 896, 937, 992, 928, 866, 859, 821, 824, 862, 899, 857, 824, 848, 821, 820, 870,
           821, 821, 821, 822, 821, 821, 820],
    2022: [920, 853, 854, 883, 853, 854, 858, 911, 913, 895, 987, 984, 1072, 1071, 890, 908, 891, 888, 898, 908,
           910, 944, 986, 933, 927, 968, 1023, 960, 896, 889, 854, 857, 892, 930, 888, 855, 878, 853, 853, 900,
           853, 853, 853, 854, 853, 853, 853],
}

AREAS = [
    # code, name, English, domestic, cap, cities [(code, name, English)]
    ("domestic_kou", "内国: 甲地方", "Japan: Kou area", True, 10_900, [
        ("tokyo-23", "東京都特別区", "Tokyo (23 wards)"), ("saitama", "さいたま市", "Saitama"), ("chiba", "千葉市", "Chiba"),
        ("yokohama", "横浜市", "Yokohama"), ("kawasaki", "川崎市", "Kawasaki"), ("sagamihara", "相模原市", "Sagamihara"),
        ("nagoya", "名古屋市", "Nagoya"), ("kyoto", "京都市", "Kyoto"), ("osaka", "大阪市", "Osaka"), ("sakai", "堺市", "Sakai"),
        ("kobe", "神戸市", "Kobe"), ("hiroshima", "広島市", "Hiroshima"), ("fukuoka", "福岡市", "Fukuoka")]),
    ("domestic_otsu", "内国: 乙地方（甲地方以外のすべて）", "Japan: Otsu area (everywhere else)", True, 9_800, []),
    ("foreign_designated", "外国: 指定都市", "Abroad: designated cities", False, 19_300, [
        ("los-angeles", "ロサンゼルス", "Los Angeles"), ("new-york", "ニューヨーク", "New York"),
        ("san-francisco", "サンフランシスコ", "San Francisco"), ("washington-dc", "ワシントンD.C.", "Washington D.C."),
        ("geneva", "ジュネーブ", "Geneva"), ("london", "ロンドン", "London"), ("paris", "パリ", "Paris"), ("moscow", "モスクワ", "Moscow"),
        ("abu-dhabi", "アブダビ", "Abu Dhabi"), ("jeddah", "ジッダ", "Jeddah"), ("kuwait", "クウェート", "Kuwait"), ("riyadh", "リヤド", "Riyadh"),
        ("singapore", "シンガポール", "Singapore"), ("abidjan", "アビジャン", "Abidjan")]),
    ("foreign_kou", "外国: 甲（北米、西欧、中近東）", "Abroad: Kou (North America, Western Europe, Middle East)", False, 16_100, []),
    ("foreign_otsu", "外国: 乙（東南アジア、韓国、香港、東欧、大洋州 等）", "Abroad: Otsu (South-East Asia, Korea, Hong Kong, Eastern Europe, Oceania…)", False, 12_900, []),
    ("foreign_hei", "外国: 丙（南西アジア、中国、台湾、中南米、アフリカ、南極 等）", "Abroad: Hei (South-West Asia, China, Taiwan, Latin America, Africa, Antarctica)", False, 11_600, []),
]


def forwards(apps, schema_editor):
    SubsidyRound = apps.get_model("applications", "SubsidyRound")
    Frame = apps.get_model("applications", "Frame")
    MinimumWage = apps.get_model("applications", "MinimumWage")
    TravelArea = apps.get_model("applications", "TravelArea")
    TravelCity = apps.get_model("applications", "TravelCity")
    for round_ in SubsidyRound.objects.filter(program="jizokuka_general", number__in=WINDOWS):
        start, end = WINDOWS[round_.number]
        frames = [
            dict(kind="normal", cap=500_000),
            dict(kind="wage_increase", cap=2_000_000, deficit_rate_numerator=3, deficit_rate_denominator=4, wage_increase_yen=30,
                 requires_wage_records=True),
            dict(kind="graduation", cap=2_000_000, requires_growth_beyond_limit=True),
            dict(kind="successor", cap=2_000_000, requires_successor_finalist=True),
            dict(kind="startup", cap=2_000_000, startup_window_start=start, startup_window_end=end),
        ]
        for values in frames:
            kind = values.pop("kind")
            Frame.objects.update_or_create(subsidy_round=round_, kind=kind, defaults={"rate_numerator": 2, "rate_denominator": 3, **values})
    for year, hourly in WAGES.items():
        for prefecture, wage in zip(PREFS, hourly, strict=True):
            MinimumWage.objects.update_or_create(prefecture=prefecture, fiscal_year=year,
                                                 defaults={"hourly": wage, "effective_on": dt.date(year, 10, 1)})
    for position, (code, name, name_en, domestic, cap, cities) in enumerate(AREAS):
        area, _created = TravelArea.objects.update_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "domestic": domestic, "cap_per_night": cap, "position": position})
        for city_code, city, city_en in cities:
            TravelCity.objects.update_or_create(code=city_code, defaults={"name": city, "name_en": city_en, "area": area})


def backwards(apps, schema_editor):
    for model in ("Frame", "MinimumWage", "TravelCity", "TravelArea"):
        apps.get_model("applications", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("applications", "0006_frames_wages_travel")]
    operations = [migrations.RunPython(forwards, backwards)]
