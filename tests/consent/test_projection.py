"""Items know their class; one projection releases them (issue 11).

The three cases found (a one-class approval releasing other classes through application
documents; pre-fill ignoring the procedure opt-in; recommendations ignoring it) are tested
through the API and the pages; the registry, the write-time refusal and the projection's
rules directly.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import models
from django.utils import translation
from rest_framework.test import APIClient

from applications import services as application_services
from applications.models import Application
from companies.models import BusinessPlan, ContactPerson, Succession
from consent import registry
from consent.access import (
    SME_AGENCY,
    SUPPORT_INSTITUTIONS,
    ConsentContext,
    SystemRecipient,
    businesses_allowing,
    decide,
)
from consent.projection import project
from core.errors import ApplicationError
from recommend.engine import recommend
from tests.applications.factories import SubsidyRoundFactory
from tests.applications.helpers import COMPLETE_JIZOKUKA, start_draft
from tests.factories import (
    BusinessFactory,
    FinancialYearFactory,
    agency_staff,
    institution_staff,
    member_user,
    mfa_login,
    prime_user,
    researcher,
)
from tests.programs.factories import SupportProgramFactory

from ..disclosure.factories import approved_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_round(db):
    return SubsidyRoundFactory()

# Values that betray their class wherever they surface.
MARK = {
    1: "識別マーカー壱", 3: "事業マーカー参", 4: "承継マーカー四", 5: "担当マーカー五", 7: "計画マーカー七",
    8: "申請マーカー八",
}
SALES = 987_654_321  # class 6


def _business_with_every_class():
    business = BusinessFactory(representative_name=MARK[1])
    prime = prime_user(business)
    ContactPerson.objects.create(business=business, name=MARK[5], phone="03-5555-0505", email="tanto@example.jp")
    Succession.objects.create(business=business, successor_name=MARK[4])
    BusinessPlan.objects.create(business=business, overview=MARK[7])
    from companies.models import BusinessProfile

    BusinessProfile.objects.create(business=business, description=MARK[3])
    FinancialYearFactory(business=business, fiscal_year=2024, sales=SALES)
    return business, prime


def _submitted_application(prime, subsidy_round):
    application = start_draft(prime, subsidy_round=subsidy_round)
    content = {**application.content, **COMPLETE_JIZOKUKA, "plan_title": MARK[8], "sales_plan": MARK[8],
               "successor_name": MARK[4]}
    application_services.application_save_draft(actor=prime, application_id=application.pk, content=content, confirm_all=True)
    from tests.supportplans.helpers import issued

    issued(prime, application)  # the 様式4 a 持続化 submission needs
    return application_services.application_submit(actor=prime, application_id=application.pk, pledge=True)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


# --- case 1: a one-class approval releases only that class ---------------------------------

def test_class_8_approval_releases_no_other_class_from_application_documents(open_round):
    business, prime = _business_with_every_class()
    application = _submitted_application(prime, open_round)
    assert application.prefill["contact_name"]["value"] == MARK[5]  # the document holds class 5 ...
    assert application.content["fy_sales"] == SALES  # ... and class 6
    request, staff, _prime, _b = approved_request(business=business, prime=prime, classes=(8,))
    response = _api(staff).get(f"/api/v1/companies/{business.corporate_number}")
    assert response.status_code == 200
    body = response.json()
    assert set(body["data_classes"]) == {"8"}
    text = json.dumps(body, ensure_ascii=False)
    assert MARK[8] in text  # the approved class is there, from the application's content
    for data_class in (1, 3, 4, 5, 7):
        assert MARK[data_class] not in text, data_class
    assert str(SALES) not in text
    assert "03-5555-0505" not in text and "tanto@example.jp" not in text
    released = body["data_classes"]["8"]["application"][0]
    # Class-8 items, and the portal's own metadata (class None: the frame's id, the save counter).
    assert set(released["content"]) <= {k for k, v in registry.APPLICATION_CONTENT_DOC.keys.items()
                                        if getattr(v, "data_class", 8) in (8, None)}
    # The same through the institution's page.
    client = _api(staff)
    page = client.get(f"/disclosure/requests/{request.pk}/company/")
    html = page.content.decode()
    assert page.status_code == 200 and MARK[8] in html
    for data_class in (1, 3, 4, 5, 7):
        assert MARK[data_class] not in html, data_class
    assert str(SALES) not in html and f"{SALES:,}" not in html


def test_items_inside_documents_count_by_their_own_class(open_round):
    business, prime = _business_with_every_class()
    _submitted_application(prime, open_round)
    _request, staff, _p, _b = approved_request(business=business, prime=prime, classes=(1, 6, 8))
    body = _api(staff).get(f"/api/v1/companies/{business.corporate_number}").json()["data_classes"]
    # Class 1 items of the application's content are listed under class 1, not 8.
    assert body["1"]["application"][0]["content"]["representative_name"] == MARK[1]
    assert "representative_name" not in body["8"]["application"][0]["content"]
    assert body["6"]["application"][0]["content"]["fy_sales"] == SALES
    # Purpose 6 never gives class 5 (contact person) or 4 (succession) to an institution.
    text = json.dumps(body, ensure_ascii=False)
    assert MARK[5] not in text and MARK[4] not in text


# --- case 2: pre-fill honours the procedure opt-in ------------------------------------------

def _certified_procedure(prime, *, opted_in: bool, certified_on=dt.date(2026, 2, 1)):
    application = start_draft(prime, program="keieiryoku_kojo")
    content = {**application.content, "plan_title": "生産性向上計画", "plan_content": "設備導入で生産性を向上する。",
               "data_use_consent": opted_in}
    application_services.application_save_draft(actor=prime, application_id=application.pk, content=content, confirm_all=True)
    application_services.application_submit(actor=prime, application_id=application.pk, pledge=False)
    return application_services.procedure_certify(actor=agency_staff(), application_id=application.pk, certified_on=certified_on)


@pytest.mark.parametrize("opted_in", [False, True])
def test_pre_fill_of_the_certification_date_follows_the_opt_in_through_the_page(client, open_round, opted_in):
    business, prime = _business_with_every_class()
    _certified_procedure(prime, opted_in=opted_in)
    mfa_login(client, prime)
    response = client.post("/applications/new/jizokuka_general/",
                           {"subsidy_round": open_round.pk, **{f"class_{c}": "on" for c in range(1, 14)}})
    assert response.status_code == 302, response.content.decode()[:500]
    application = Application.objects.get(business=business, subsidy_round=open_round)
    assert ("keieiryoku_certified_on" in application.prefill) is opted_in
    page = client.get(f"/applications/{application.pk}/edit/").content.decode()
    assert ('value="2026-02-01"' in page) is opted_in
    if not opted_in:
        # The page says why and links to where it can be changed.
        assert "keieiryoku_certified_on" in page or "経営力向上計画" in page
        assert "データ利用に同意" in page or "チェックリスト" in page


# --- case 3: recommendations honour the procedure opt-in ------------------------------------

@pytest.mark.parametrize("opted_in", [False, True])
def test_recommendations_count_a_procedure_only_with_the_opt_in(opted_in):
    program = SupportProgramFactory(name="経営力向上計画の認定支援", application_program="keieiryoku_kojo", themes=[])
    business = BusinessFactory(prefecture="04", industry_jsic="26")
    for _ in range(3):
        peer = BusinessFactory(prefecture="04", industry_jsic="26")
        Application.objects.create(business=peer, program="keieiryoku_kojo", fiscal_year=2025, status="certified",
                                   receipt_number=f"KK{peer.pk:09d}", data_use_consent=opted_in,
                                   certified_on=dt.date(2025, 6, 1))
        from recommend.models import ViewEvent

        ViewEvent.objects.create(business=peer, program=SupportProgramFactory())  # peers need any behaviour
    result = recommend(business, limit=50)
    collaborative = {r.item.pk: r.collaborative for r in result["program"]}
    assert (collaborative.get(program.pk, 0) > 0) is opted_in
    # And through the API the business reads: the "applied" reason only with the opt-in.
    prime = prime_user(business)
    client = _api(prime)
    session = client.session
    session["mirasapo_mfa_passed"] = True
    session.save()
    programs = client.get("/api/v1/recommendations", HTTP_ACCEPT_LANGUAGE="ja").json()["programs"]
    reasons = [reason for item in programs if item["id"] == program.pk for reason in item["reasons"]]
    assert ("同じ業種の事業者が申請" in reasons) is opted_in


# --- the registry ------------------------------------------------------------------------------

def test_every_json_field_of_every_model_has_a_schema():
    fields = registry.project_json_fields()
    assert len(fields) >= 15
    missing = [f"{m._meta.label_lower}.{f.name}" for m, f in fields if registry.json_schema_of(m, f.name) is None]
    assert missing == []


def test_no_unclassified_key_in_the_demo_data(settings):
    call_command("seed_demo", companies=12, stdout=io.StringIO())
    unclassified = {}
    for model, field in registry.project_json_fields():
        for pk, value in model._default_manager.values_list("pk", field.name):
            unknown = registry.unknown_keys(registry.json_schema_of(model, field.name), value)
            if unknown:
                unclassified[f"{model._meta.label_lower}.{field.name}#{pk}"] = unknown
    assert unclassified == {}
    assert Application.objects.exclude(prefill={}).exists()  # the walk saw real documents


def test_writing_an_unknown_key_is_refused_and_nothing_is_stored(open_round):
    business, prime = _business_with_every_class()
    application = start_draft(prime, subsidy_round=open_round)
    before = dict(Application.objects.get(pk=application.pk).content)
    with pytest.raises(ApplicationError) as refused:
        application_services.application_save_draft(actor=prime, application_id=application.pk,
                                                     content={**application.content, "bank_account": "1234567"})
    assert "bank_account" in str(refused.value.errors["content"])
    assert Application.objects.get(pk=application.pk).content == before
    nested = {**application.content, "expenses": [{"amount": 1, "iban": "x"}]}
    with pytest.raises(ApplicationError):
        application_services.application_save_draft(actor=prime, application_id=application.pk, content=nested)


def test_the_refusal_is_translated():
    for language, words in (("ja", "データ区分"), ("en", "no data class")):
        with translation.override(language), pytest.raises(ApplicationError) as refused:
            registry.check_document(Application, "content", {"unknown_item": 1})
        assert words in refused.value.errors["content"][0] and "unknown_item" in refused.value.errors["content"][0]


def test_every_model_field_class_and_every_item_class_is_a_policy_class():
    for label, fields in registry.classified_models().items():
        assert set(fields.values()) <= set(registry.ALL_DATA_CLASSES), label

    def leaves(node):
        if isinstance(node, registry.Item):
            yield node
        elif isinstance(node, registry.ListOf):
            yield from leaves(node.item)
        elif isinstance(node, registry.MapOf):
            yield from leaves(node.value)
        elif isinstance(node, registry.Doc):
            for child in node.keys.values():
                yield from leaves(child)

    for key, node in registry.JSON_SCHEMAS.items():
        for leaf in leaves(node):
            assert leaf.data_class in (None, *registry.ALL_DATA_CLASSES), key
            assert leaf.origin in registry.ORIGINS, key


# --- the projection's rules ------------------------------------------------------------------

def test_projection_drops_with_reasons_and_keeps_the_document_shape(open_round):
    business, prime = _business_with_every_class()
    application = _submitted_application(prime, open_round)
    staff = institution_staff()
    approved_request(business=business, prime=prime, staff=staff, classes=(8,))
    context = ConsentContext([business.pk], institution_id=staff.institution_id)
    projection = project(application, viewer=staff, purpose=6, context=context)
    assert projection.released_classes == {8}
    assert projection.data["content"]["plan_title"] == MARK[8]
    reasons = projection.dropped_reasons()
    assert "content.contact_name" in reasons and "prefill.fy_sales.value" in reasons
    assert all(reasons.values())


def test_viewer_binding_fails_closed(open_round):
    business, prime = _business_with_every_class()
    application = _submitted_application(prime, open_round)
    staff = institution_staff()
    # No viewer, or a viewer asking as another recipient: nothing.
    assert project(application, viewer=None, purpose=6).data == {}
    assert not decide(business_id=business.pk, purpose=6, data_class=8, recipient=SUPPORT_INSTITUTIONS)
    assert not decide(business_id=business.pk, purpose=2, data_class=8, recipient=SME_AGENCY, viewer=staff)
    assert not decide(business_id=business.pk, purpose=3, data_class=8, recipient=7)
    # The set-based filter derives the recipient from the viewer and checks the viewer.
    from companies.models import Business

    qs = Business.objects.filter(pk=business.pk)
    assert not businesses_allowing(qs, purpose=6, data_class=8, viewer=staff).exists()  # no grant
    assert not businesses_allowing(qs, purpose=1, data_class=6, viewer=researcher(approved=False)).exists()
    assert businesses_allowing(qs, purpose=1, data_class=6, viewer=researcher(approved=True)).exists()
    assert not businesses_allowing(qs, purpose=2, data_class=8, viewer=None).exists()
    with pytest.raises(ValueError):
        businesses_allowing(qs, purpose=2, data_class=8, viewer=staff, recipient=SME_AGENCY)
    with pytest.raises(ValueError):
        SystemRecipient(SUPPORT_INSTITUTIONS, "no person")
    # A business user's set-based view is its own business.
    other = BusinessFactory()
    both = Business.objects.filter(pk__in=[business.pk, other.pk])
    assert set(businesses_allowing(both, purpose=3, data_class=6, viewer=member_user(business)).values_list("pk", flat=True)) == {business.pk}


def test_procedure_rule_in_the_set_based_filter_for_every_purpose():
    business = BusinessFactory()
    prime_user(business)
    quiet = Application.objects.create(business=business, program="keiei_kakushin", fiscal_year=2025, status="certified",
                                       receipt_number="KS-1", data_use_consent=False)
    open_ = Application.objects.create(business=business, program="keiei_kakushin", fiscal_year=2025, status="certified",
                                       receipt_number="KS-2", data_use_consent=True)
    for purpose in (2, 4, 5):
        rows = set(businesses_allowing(Application.objects.all(), purpose=purpose, data_class=10,
                                       viewer=SystemRecipient(SME_AGENCY, "test"), business_field="business_id")
                   .values_list("pk", flat=True))
        assert rows == {open_.pk}, purpose
    own = set(businesses_allowing(Application.objects.all(), purpose=3, data_class=10, viewer=member_user(business),
                                  business_field="business_id").values_list("pk", flat=True))
    assert own == {quiet.pk, open_.pk}
    assert project(quiet, viewer=SystemRecipient(SME_AGENCY, "test"), purpose=2).data == {}
    assert project(open_, viewer=SystemRecipient(SME_AGENCY, "test"), purpose=2).data["status"] == "certified"


def test_public_and_researchers_receive_only_their_listed_items(open_round):
    business, prime = _business_with_every_class()
    application = _submitted_application(prime, open_round)
    assert project(application, viewer=AnonymousUser(), purpose=9).data == {}  # not adopted: nothing published
    Application.objects.filter(pk=application.pk).update(status="adopted")
    application.refresh_from_db()
    public = project(application, viewer=AnonymousUser(), purpose=9).data
    assert set(public) <= registry.PUBLISHED_ITEMS["applications.application"]
    assert "content" not in public and public["plan_title"] == MARK[8]
    approved = researcher(approved=True)
    research = project(application, viewer=approved, purpose=1).data
    assert set(research) <= registry.RESEARCH_ITEMS["applications.application"]
    assert "content" not in research


def test_every_model_with_json_documents_is_walked_by_the_owner_projection(open_round):
    business, prime = _business_with_every_class()
    application = _submitted_application(prime, open_round)
    owner = project(application, viewer=prime, purpose=3)
    # The owner sees the whole document (review information, class 9, is never the applicant's).
    assert owner.data["content"]["successor_name"] == MARK[4]
    assert owner.data["prefill"]["contact_name"]["value"] == MARK[5]
    assert {d.data_class for d in owner.dropped} <= {9}


def test_no_model_field_of_business_data_is_left_unclassified():
    """Every concrete field of a model that declares DATA_CLASSES is classified, is a JSON
    document with a schema, or is the portal's own bookkeeping."""
    bookkeeping = {"id", "business", "created_at", "updated_at", "source", "source_detail", "recorded_at",
                   "created_by", "submitted_by", "partner_record_id", "institution", "is_active", "model", "object_id",
                   "field", "data_class", "changed_by", "changed_at", "returned_by",
                   "requested_by", "decided_by",  # who acted (accounts), as created_by
                   "search_vector"}  # the search index of the classified fields themselves
    for label, declared in registry.classified_models().items():
        model = apps.get_model(label)
        for f in model._meta.concrete_fields:
            if f.name in declared or f.name in bookkeeping:
                continue
            assert isinstance(f, models.JSONField) and registry.json_schema_of(model, f.name) is not None, (label, f.name)


# --- the owner sees what exists -----------------------------------------------------------

def test_the_business_reads_its_whole_record_by_class_through_the_api(open_round):
    business, prime = _business_with_every_class()
    _submitted_application(prime, open_round)
    member = member_user(business)
    for user in (prime, member):
        client = _api(user)
        session = client.session
        session["mirasapo_mfa_passed"] = True
        session.save()
        response = client.get(f"/api/v1/companies/{business.corporate_number}")
        assert response.status_code == 200
        body = response.json()
        assert body["corporate_number"] == business.corporate_number
        assert {"1", "3", "4", "5", "6", "7", "8", "10"} <= set(body["data_classes"])
        assert "9" not in body["data_classes"]  # review information is never the applicant's
        assert body["data_classes"]["5"]["contactperson"]["name"] == MARK[5]
        assert body["data_classes"]["4"]["succession"]["successor_name"] == MARK[4]
        assert body["data_classes"]["6"]["financialyear"][0]["sales"] == SALES
        assert body["data_classes"]["4"]["application"][0]["content"]["successor_name"] == MARK[4]
    other = BusinessFactory()
    assert client.get(f"/api/v1/companies/{other.corporate_number}").status_code == 404


def test_agency_review_page_and_pdf_withhold_what_the_business_denies_the_agency(client, open_round):
    from pypdf import PdfReader

    from consent import services as consent_services

    business, prime = _business_with_every_class()
    application = _submitted_application(prime, open_round)
    consent_services.consent_deny(actor=prime, business=business, data_class=6, recipient=SME_AGENCY)
    consent_services.consent_deny(actor=prime, business=business, data_class=5, recipient=SME_AGENCY)
    staff = agency_staff()
    mfa_login(client, staff)
    page = client.get(f"/review/applications/{application.pk}/").content.decode()
    assert MARK[8] in page
    pdf = client.get(f"/review/applications/{application.pk}/pdf/")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert MARK[8] in text and MARK[1] in text  # class 1 is not denied
    for body in (page, text):
        assert str(SALES) not in body and f"{SALES:,}" not in body
        assert MARK[5] not in body and "tanto@example.jp" not in body


def test_my_data_page_lists_each_item_by_class_with_source_date_and_audience(client, open_round, django_assert_max_num_queries):
    from consent import services as consent_services

    business, prime = _business_with_every_class()
    _submitted_application(prime, open_round)
    consent_services.consent_deny(actor=prime, business=business, data_class=5, recipient=SME_AGENCY)
    mfa_login(client, prime)
    with django_assert_max_num_queries(60):
        response = client.get("/record/my-data/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    html = response.content.decode()

    def section(code: int) -> str:
        return html.split(f'data-class="{code}"', 1)[1].split("</section>", 1)[0]

    assert MARK[5] in section(5) and MARK[5] not in section(1)
    assert MARK[4] in section(4)  # the record's successor and the application's successor_name
    assert "後継者" in section(4) or "承継" in section(4)
    assert MARK[8] in section(8) and str(SALES) in section(6) or f"{SALES:,}" in section(6)
    # Who may use it now: the denial of class 5 to the agency shows at once.
    assert "中小企業庁及び" not in section(5).split("<table", 1)[0]
    assert "中小企業庁及び" in section(6).split("<table", 1)[0]
    assert "contact_name" not in html  # names, never codes
    other = BusinessFactory()
    assert other.name not in html
    anonymous = APIClient().get("/record/my-data/")
    assert anonymous.status_code in (302, 401, 403)


# --- property: whatever the document and the denials, no item of a denied class leaves -------

_CONTENT_KEYS = sorted(k for k, v in registry.APPLICATION_CONTENT_ITEMS.items() if v.origin == registry.RECORD)


@pytest.fixture
def one_business(db):
    return BusinessFactory()


def test_projection_never_releases_a_denied_class(one_business):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    agency = SystemRecipient(SME_AGENCY, "property")

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(keys=st.sets(st.sampled_from(_CONTENT_KEYS), min_size=1),
           denied=st.sets(st.sampled_from(registry.ALL_DATA_CLASSES)),
           lines=st.integers(min_value=0, max_value=3))
    def check(keys, denied, lines):
        document = {"content": {k: f"C{registry.APPLICATION_CONTENT_ITEMS[k].data_class}-{k}" for k in keys},
                    "prefill": {k: {"value": f"C{registry.APPLICATION_CONTENT_ITEMS[k].data_class}-{k}", "class": 0,
                                    "source": "business", "recorded_at": "2026-01-01", "object_id": 1} for k in keys}}
        document["content"]["expenses"] = [{"description": "C8-line", "amount": 1} for _ in range(lines)]
        context = ConsentContext([one_business.pk])
        context._denied[one_business.pk] = {(c, SME_AGENCY, None) for c in denied}  # in memory: no DB writes per example
        projection = project(document, viewer=agency, purpose=2, context=context,
                             schema="applications.application.snapshot", business_id=one_business.pk)
        text = json.dumps(projection.data, ensure_ascii=False)
        for c in denied:
            assert f"C{c}-" not in text
        for k in keys:
            c = registry.APPLICATION_CONTENT_ITEMS[k].data_class
            assert (f"C{c}-{k}" in text) is (c not in denied)
        assert projection.released_classes.isdisjoint(denied)

    check()


def test_every_field_of_the_application_forms_has_an_item_class():
    """A new form field is a new item of the application's content: it needs its class
    in consent.registry before the form can save it."""
    from applications.forms import ExpenseLineForm, JizokukaForm, ProcedureForm

    known = set(registry.APPLICATION_CONTENT_DOC.keys)
    for form in (JizokukaForm, ProcedureForm):
        missing = {n for n in form.base_fields if not n.startswith("wb_") and n != "confirm_all"} - known
        assert missing == set(), form.__name__
    assert set(ExpenseLineForm.base_fields) <= set(registry.EXPENSE_LINE.keys)


# --- the set-based projection: the same decision, in SQL ----------------------------------------

def _extract_world():
    from tests.analytics.factories import narrow

    approved = researcher(approved=True)
    allowing = BusinessFactory(capital=123_456)
    denying6 = BusinessFactory()
    denying1 = BusinessFactory()
    for business in (allowing, denying6, denying1):
        FinancialYearFactory(business=business, fiscal_year=2024, sales=777_000_001)
        Application.objects.create(business=business, program="jizokuka_general", fiscal_year=2025, status="submitted",
                                   receipt_number=f"RR-{business.pk}")
    narrow(denying6, data_class=6, recipient=4)
    narrow(denying1, data_class=1, recipient=4)
    return approved, allowing, denying6, denying1


def test_release_rows_nulls_a_denied_class_drops_rows_without_a_required_one_and_keeps_the_item_list():
    from django.db import connection
    from django.db.models import F, FilteredRelation, Q

    from consent.projection import Column, release_rows

    approved, allowing, denying6, denying1 = _extract_world()
    qs = Application.objects.annotate(
        fy=FilteredRelation("business__financials", condition=Q(business__financials__fiscal_year=F("fiscal_year") - 1)),
    ).order_by("business_id")
    columns = [Column("business", "business__corporate_number"), Column("capital", "business__capital"),
               Column("sales", "fy__sales"), Column("name_kana", "business__name_kana"), Column("program", "program"),
               Column("id", "id")]
    released = release_rows(qs, viewer=approved, purpose=1, columns=columns, require=(1,))
    rows = {row[0]: row[1:] for row in released.queryset}
    assert set(rows) == {allowing.corporate_number, denying6.corporate_number}  # class 1 denied: no row at all
    # name_kana is no ※5 item; nor is a row id (researchers get no key to link rows by)
    assert rows[allowing.corporate_number] == (123_456, 777_000_001, None, "jizokuka_general", None)
    assert rows[denying6.corporate_number][1] is None  # class 6 denied: NULL in that row only
    assert rows[denying6.corporate_number][0] is not None
    assert [d.path for d in released.dropped] == ["name_kana", "id"]
    # The same release as SQL (for COPY or INSERT … SELECT): the same rows, the columns named.
    sql, params = released.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert [c.name for c in cursor.description] == ["business", "capital", "sales", "name_kana", "program", "id"]
        assert {r[0]: r[1:] for r in cursor.fetchall()} == rows


def test_release_rows_fails_closed_for_a_viewer_that_cannot_be_placed_or_is_not_approved():
    from consent.projection import Column, release_rows

    approved, allowing, *_ = _extract_world()
    columns = [Column("capital", "business__capital")]
    for viewer in (None, researcher(approved=False), AnonymousUser()):
        assert list(release_rows(Application.objects.all(), viewer=viewer, purpose=1, columns=columns, require=(1,)).queryset) == []
    with pytest.raises(ValueError, match="no data class"):
        release_rows(Application.objects.all(), viewer=approved, purpose=1, columns=[Column("x", "business__created_at")], require=(1,))


def test_rows_released_applies_the_procedure_rule_for_every_viewer_of_a_job():
    from consent.projection import rows_released

    business = BusinessFactory()
    quiet = Application.objects.create(business=business, program="keiei_kakushin", fiscal_year=2025, status="certified",
                                       receipt_number="RS-1", data_use_consent=False)
    open_ = Application.objects.create(business=business, program="keiei_kakushin", fiscal_year=2025, status="certified",
                                       receipt_number="RS-2", data_use_consent=True)
    jobs = tuple(SystemRecipient(r, "test") for r in (1, 2, 3))
    assert set(rows_released(Application.objects.all(), viewer=jobs, purpose=5, classes=(10,)).values_list("pk", flat=True)) == {open_.pk}
    assert quiet.pk not in set(rows_released(Application.objects.all(), viewer=jobs[1], purpose=2, classes=(10,)).values_list("pk", flat=True))
    assert not rows_released(Application.objects.all(), viewer=jobs, purpose=5, classes=()).exists()  # no class: nothing
