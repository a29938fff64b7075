from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consent.models import Narrowing
from core.errors import ApplicationError
from institutions import services
from institutions.models import Institution, SupportRecord
from institutions.selectors import institution_track_record
from tests.disclosure.factories import approved_request
from tests.factories import (
    BusinessFactory,
    InstitutionFactory,
    institution_staff,
    prime_user,
)

pytestmark = pytest.mark.django_db


def test_public_search_by_region_kind_specialty_and_text(django_assert_max_num_queries):
    InstitutionFactory(name="札幌よろず", kind=Institution.Kind.YOROZU, prefecture="01", specialties="IT活用,販路開拓")
    InstitutionFactory(name="那覇商工会", kind=Institution.Kind.SHOKOKAI, prefecture="47", specialties="事業承継",
                       services="記帳指導と補助金の相談")
    InstitutionFactory(name="休止中の機関", prefecture="01", is_active=False)
    for n in range(22):
        InstitutionFactory(name=f"東京の機関{n}", prefecture="13", kind=Institution.Kind.CHAMBER)
    client = Client()
    with django_assert_max_num_queries(6):
        response = client.get(reverse("institutions:search"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "休止中の機関" not in html
    assert "次へ" in html  # 24 active institutions: two pages

    def names(**params):
        return client.get(reverse("institutions:search"), params).content.decode()

    assert "札幌よろず" in names(region="01") and "那覇商工会" not in names(region="01")
    assert "</span> 北海道 " in names(region="01") and "</span> 沖縄県 " in names(region="47")  # each card names its prefecture
    assert "那覇商工会" in names(kind="shokokai") and "札幌よろず" not in names(kind="shokokai")
    assert "札幌よろず" in names(specialty="IT活用")
    assert "那覇商工会" in names(q="補助金 記帳") and "札幌よろず" not in names(q="補助金 記帳")
    api = client.get("/api/v1/institutions", {"region": "47"}).json()
    assert [r["name"] for r in api["results"]] == ["那覇商工会"]


def test_track_record_counts_only_consenting_companies_and_names_none():
    institution = InstitutionFactory()
    consenting = [BusinessFactory(name=f"公開してよい株式会社{i}") for i in range(3)]
    refusing = BusinessFactory(name="公開しない株式会社")
    today = timezone.localdate()
    records = [(b, "販路開拓") for b in consenting] + [(consenting[0], "補助金申請"), (refusing, "事業承継")]
    for business, theme in records:
        SupportRecord.objects.create(institution=institution, business=business, supported_on=today, theme=theme)
    Narrowing.objects.create(business=refusing, data_class=13, recipient=6, purpose=7)
    track = institution_track_record(institution=institution)
    assert (track["companies"], track["records"]) == (3, 4)
    # A theme of fewer than three companies is one company's record: never named.
    assert [(t["theme"], t["count"]) for t in track["themes"]] == [("販路開拓", 3)]
    html = Client().get(reverse("institutions:detail", args=[institution.pk])).content.decode()
    assert "支援した事業者 3社" in html and "販路開拓" in html
    assert all(b.name not in html for b in consenting) and refusing.name not in html
    assert "事業承継" not in html and "補助金申請" not in html
    assert Client().get(reverse("institutions:detail", args=[999999])).status_code == 404


def test_profile_edited_by_own_staff_only():
    institution = InstitutionFactory(services="旧")
    staff = institution_staff(institution)
    client = Client()
    client.force_login(staff)
    response = client.post(reverse("institutions:profile"), {
        "municipality": "仙台市", "services": "経営相談", "qualifications": "中小企業診断士", "specialties": "IT活用,事業承継",
        "description": "説明", "certification_id": "", "website": "https://example.jp",
    })
    assert response.status_code == 302
    institution.refresh_from_db()
    assert (institution.services, institution.specialty_list) == ("経営相談", ["IT活用", "事業承継"])
    with pytest.raises(PermissionDenied):
        services.institution_profile_update(actor=institution_staff(), institution=institution, services="乗っ取り")
    with pytest.raises(ApplicationError):
        services.institution_profile_update(actor=staff, institution=institution, name="改名")
    business_user = Client()
    business_user.force_login(prime_user())
    assert business_user.get(reverse("institutions:profile")).status_code in (302, 403)


def test_support_records_only_for_companies_with_an_approval_in_force(django_assert_max_num_queries):
    request, staff, _prime, business = approved_request(classes=(1, 6))
    stranger = BusinessFactory()
    today = timezone.localdate()
    record = services.support_record_create(actor=staff, business_id=business.pk, supported_on=today, theme="販路開拓")
    assert record.institution_id == staff.institution_id and record.source == "institution"
    assert record.recorded_name == business.name  # the institution's own note of whom it helped
    with pytest.raises(ApplicationError):
        services.support_record_create(actor=staff, business_id=stranger.pk, supported_on=today, theme="販路開拓")
    with pytest.raises(ApplicationError):
        services.support_record_create(actor=staff, business_id=business.pk, supported_on=today + dt.timedelta(days=1), theme="x")
    for _ in range(5):
        SupportRecord.objects.create(institution=staff.institution, business=stranger, supported_on=today, theme="過去の相談")
    # Its own record of a company whose approval has ended shows the name it recorded, marked.
    SupportRecord.objects.create(institution=staff.institution, business=stranger, supported_on=today, theme="以前の相談",
                                 recorded_name="有限会社きろく商店")
    client = Client()
    client.force_login(staff)
    with django_assert_max_num_queries(10):
        html = client.get(reverse("institutions:support_records")).content.decode()
    assert business.name in html and stranger.name not in html and "承認期間外" in html
    assert "有限会社きろく商店 <span class=\"help\">（記録した名称・承認期間外）</span>" in html
    response = client.post(reverse("institutions:support_records"), {
        "business": business.pk, "supported_on": today.isoformat(), "theme": "IT導入", "summary": "ツール選定"})
    assert response.status_code == 302
    assert SupportRecord.objects.filter(theme="IT導入", business=business).exists()
    # Another institution's staff see none of these records.
    other = Client()
    other.force_login(institution_staff())
    assert "販路開拓" not in other.get(reverse("institutions:support_records")).content.decode()
