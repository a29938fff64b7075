"""No 5xx from any input (issue 12): Hypothesis throws generated bodies and query strings
at every API endpoint and every page of the URL walk (core.urlwalk, so a URL an app adds
later is covered without editing this file), as roles that may use them, and asserts:

- never a 5xx;
- a refused API call (400/413/415/422) answers in the error shape of api.md;
- nothing is written on a refusal: the row count of every table (the audit log included)
  is the same before and after any 4xx.

The runtime is bounded (a fixed number of examples per URL, derandomised, no deadline):
about 50 s of CPU, one and a half to three minutes of wall time on the shared 2-core machine. The Django admin is left out: its forms are Django's
own, used by agency staff only, and it alone has more URLs than the rest of the portal.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.urlwalk import walk_urls

pytestmark = pytest.mark.django_db

EXAMPLES_PER_URL = {"api": 12, "pages": 2}
# Before the generated examples, every URL gets these in every query parameter and form field
# at once, so that the worst known values reach each page whatever Hypothesis draws.
SWEEP_QUERY_VALUES = ["a\x00", "²"]
# And each form field in turn, the others filled as the page fills them (or "1"), so that
# the form is otherwise valid and the value reaches the service and the database.
SWEEP_FIELD_VALUES = ["99999999999999999999999", "1e999999999"]
# And every form field of every page at once, each of issue 12's values in turn (the form
# fields are core.input's, tests/core/test_input_layer.py checks how each field reads them).
SWEEP_ALL_FIELDS_VALUES = ["²𐩀", "٣", "𐩀", "1\x00", str(10**25), "NaN", "\ud800"]
SKIPPED_PREFIXES = ("/agency-admin/", "/static/", "/media/", "/i18n/", "/accounts/logout/", "/accounts/3rdparty/",
                    "/accounts/social/", "/accounts/oidc/", "/api/schema/", "/api/docs/")
# Tables whose rows change on a refused request on purpose (the session of the caller).
UNCOUNTED_TABLES = {"django_session"}

# --- what gets generated ---------------------------------------------------------------------

FIELD_NAMES = [
    "records", "kind", "record_id", "corporate_number", "name", "address", "prefecture", "municipality", "fiscal_year",
    "sales", "employees", "supported_on", "theme", "summary", "purpose", "data_classes", "data_class", "recipient",
    "valid_until", "message", "decision", "denied", "industry", "staff", "role", "count", "previous_adoptions",
    "program", "round", "target_round", "subsidy_round", "company", "q", "open_on", "page", "on", "format", "encoding",
    "status", "limit", "kind", "monthly_pay", "monthly_hours", "daily_pay", "daily_hours", "annual_pay", "working_days",
    "step", "digest", "allow", "score", "result", "email", "password", "document_type", "issued_on", "plan_title",
]
NASTY_TEXT = [
    "", " ", "0", "-1", "1", "13", "99999999999999999999999", str(2**63), str(-(2**63) - 1), "1e30", "1e999999999",
    "NaN", "Infinity", "-Infinity", "²", "𐩀", "٣", "１２", "①", "½", "\x00", "a\x00b", "\x07", "\u202e", "\ufeff",
    "2023-02-30", "令和5年度", "R5", "9999-12-31", "0000-00-00", "7000012050002", "1234567890123", "%00", "../..",
    "<script>", "' OR 1=1 --", "ｱｲｳ", "株式会社", "x" * 3000, "1" * 5000, "true", "null", "[]", "{}",
]
texts = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=40))
json_scalars = st.one_of(
    st.none(), st.booleans(), st.sampled_from(NASTY_TEXT), st.text(max_size=20),
    st.integers(min_value=-(10**30), max_value=10**30), st.sampled_from([2**63, -(2**63) - 1, 10**25, 10**12]),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["\ud800", "a\udfffb"]),
)


def _containers(children):
    return st.one_of(st.lists(children, max_size=4),
                     st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=8)), children, max_size=5))


json_values = st.recursive(json_scalars, _containers, max_leaves=20)


# Named functions, not lambdas: Hypothesis describes a lambda by compiling its source,
# which cost more than the requests themselves.
def _json_text(value) -> bytes:
    return json.dumps(value).encode()


def _nested(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


json_bodies = st.one_of(
    st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=6).map(_json_text),
    json_values.map(_json_text),
    st.binary(max_size=60),
    st.integers(min_value=1, max_value=3000).map(_nested),
    st.sampled_from([b'{"a":', b"{'a': 1}", b"NaN", b'{"a": 1e999999999}', b'"\\ud800"', b"\xff\xfe", b'{"a": "\\u0000"}']),
)


def _quote(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def _query_string(params: dict) -> str:
    return "&".join(f"{_quote(k)}={_quote(v)}" for k, v in params.items())


queries = st.dictionaries(st.sampled_from(FIELD_NAMES), texts, max_size=4).map(_query_string)


def _leaf_paths(value, prefix=()) -> list[tuple]:
    if isinstance(value, dict):
        return [prefix] + [p for k, v in value.items() for p in _leaf_paths(v, (*prefix, k))]
    if isinstance(value, list):
        return [prefix] + [p for i, v in enumerate(value) for p in _leaf_paths(v, (*prefix, i))]
    return [prefix]


def _replaced(value, path: tuple, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _replaced(value[head], rest, new)
    return copy


@st.composite
def mutated_bodies(draw, valid: dict) -> bytes:
    """A valid body with one to three of its values (or containers) replaced: the bad value
    reaches the service past every check before it."""
    body = valid
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_leaf_paths(body)))
        body = _replaced(body, path, draw(json_values))
    return _json_text(body)


def form_data(names: list[str], defaults: dict[str, str]):
    """The form as the page filled it in, with some fields replaced by generated values."""
    names = names or ["x"]
    changes = st.dictionaries(st.sampled_from(names), st.one_of(texts, st.lists(texts, max_size=3)), min_size=1,
                              max_size=min(3, len(names)))

    def filled(changed: dict) -> dict:
        return {**defaults, **changed}

    return changes.map(filled)


# --- the world the requests run in -------------------------------------------------------------


def _world() -> dict:
    from tests.applications.factories import SubsidyRoundFactory, business_with_record
    from tests.applications.helpers import start_draft
    from tests.disclosure.factories import make_request
    from tests.factories import (
        agency_staff,
        institution_staff,
        member_user,
        mfa_login,
        prime_user,
        researcher,
    )
    from tests.linkage.factories import partner

    business = business_with_record()
    prime = prime_user(business)
    member = member_user(business, can_draft_applications=True)
    staff = institution_staff()
    request = make_request(staff=staff, business=business, classes=(1, 6))
    draft = start_draft(prime, subsidy_round=SubsidyRoundFactory())
    _client, partner_key = partner(institution=staff.institution)

    def client_for(user, mfa: bool) -> Client:
        client = Client()
        if user is not None:
            if mfa:
                mfa_login(client, user)
            else:
                client.force_login(user)
        return client

    roles = {
        "anonymous": client_for(None, False),
        "prime": client_for(prime, True),
        "member": client_for(member, False),
        "institution": client_for(staff, False),
        "agency": client_for(agency_staff(), True),
        "researcher": client_for(researcher(), True),
        "applicant_researcher": client_for(researcher(approved=False), True),
        "partner": Client(HTTP_AUTHORIZATION=f"Partner {partner_key}"),
    }
    ids = {"disclosure": request.pk, "applications": draft.pk, "members": member.membership_or_none.pk,
           "institution": staff.institution_id}
    number = business.corporate_number
    bodies = {  # a valid body of each API write, to be mutated
        "/api/v1/eligibility/jizokuka": {"industry": "commerce_service", "staff": [{"role": "regular", "count": 3}],
                                         "previous_adoptions": [{"program": "r1_general", "round": 7}], "target_round": 11},
        "/api/v1/consent": {"denied": [{"data_class": 6, "recipient": 5, "purpose": 6}]},
        "/api/v1/disclosure-requests": {"corporate_number": number, "purpose": 6, "data_classes": [1, 6],
                                        "valid_until": "2099-01-01", "message": "相談のため"},
        f"/api/v1/disclosure-requests/{request.pk}/decision": {"decision": "approve", "data_classes": [6]},
        "/api/v1/partner/records": {"records": [
            {"kind": "financials", "record_id": "K-1", "corporate_number": number, "fiscal_year": 2023,
             "sales": 48_000_000, "ordinary_profit": 2_100_000, "employees": 6},
            {"kind": "support_records", "record_id": "S-1", "name": "はなこパン工房", "prefecture": "20",
             "municipality": "松本市", "address": "長野県松本市中央1-2-3", "supported_on": "2024-06-12",
             "theme": "販路開拓", "summary": "ECサイト開設の相談"},
        ]},
    }
    return {"roles": roles, "ids": ids, "bodies": bodies}


def _concrete_path(url, ids: dict) -> str:
    path = url.path
    namespace = url.name.split(":")[0] if ":" in url.name else ""
    if namespace == "applications" or "/applications/" in path:
        path = path.replace("/1/", f"/{ids['applications']}/").replace("/new/dummy/", "/new/jizokuka_general/")
    elif "disclosure" in url.name:
        path = path.replace("/1/", f"/{ids['disclosure']}/")
    elif url.name.startswith("accounts:member"):
        path = path.replace("/1/", f"/{ids['members']}/")
    elif url.name.startswith("companies:"):
        path = path.replace("/dummy/", "/financials/")
    elif url.name == "institutions:detail":
        path = path.replace("/1/", f"/{ids['institution']}/")
    return path


def _roles_for(path: str, public: bool) -> list[str]:
    if path.startswith("/api/v1/partner/"):
        return ["partner"]
    if path.startswith("/api/"):
        return ["anonymous", "prime", "member", "institution", "agency", "researcher"]
    if public or path.startswith("/accounts/"):
        return ["anonymous", "prime"]
    if path.startswith(("/disclosure/requests", "/disclosure/companies", "/institution/", "/linkage/")):
        return ["institution", "agency"]
    if path.startswith(("/analytics/", "/review/")):
        return ["agency"]
    if path.startswith("/research/"):
        return ["researcher", "applicant_researcher"]
    return ["prime", "member"]


def _methods(path: str) -> list[str]:
    view_class = getattr(resolve(path).func, "cls", None)
    if view_class is not None:
        return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)]
    return ["get", "post"]


_NAME_RE = re.compile(r"""<(?:input|select|textarea)\b[^>]*\bname=["']([^"']+)["']""")
_INPUT_RE = re.compile(r"""<input\b[^>]*>""")
_SELECT_RE = re.compile(r"""<select\b[^>]*\bname=["']([^"']+)["'][^>]*>.*?<option\b[^>]*\bvalue=["']([^"']*)["']""", re.S)
_ATTR_RE = re.compile(r"""\b(name|value|type)=["']([^"']*)["']""")


def _form(client: Client, path: str) -> tuple[list[str], dict[str, str]]:
    """The field names of the page's forms and the values the page fills in."""
    response = client.get(path)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return [], {}
    html = response.content.decode("utf-8", "replace")
    names = sorted(set(_NAME_RE.findall(html)) - {"csrfmiddlewaretoken"})
    defaults = {}
    for tag in _INPUT_RE.findall(html):
        attrs = dict(_ATTR_RE.findall(tag))
        if attrs.get("name") and attrs.get("name") != "csrfmiddlewaretoken" and attrs.get("type") != "file":
            # A radio group or a checkbox takes its first choice, a text field what the page filled in.
            defaults.setdefault(attrs["name"], attrs.get("value", ""))
    for name, first_option in _SELECT_RE.findall(html):
        defaults.setdefault(name, first_option)
    return names, defaults


def _count_query() -> str:
    tables = sorted({m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy}
                    - UNCOUNTED_TABLES)
    quote_name = connection.ops.quote_name
    return "SELECT " + ", ".join(f"(SELECT count(*) FROM {quote_name(t)})" for t in tables)


def _row_counts(sql: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


class RowCounts:
    """The row count of every table, re-read only after a request that may have written."""

    def __init__(self):
        self.sql = _count_query()
        self.current: tuple | None = None

    def before(self) -> tuple:
        if self.current is None:
            self.current = _row_counts(self.sql)
        return self.current

    def after(self, status_code: int) -> tuple | None:
        if status_code >= 400:
            return _row_counts(self.sql)
        self.current = None  # a success may write: count again before the next request
        return None


def _is_error_tree(errors) -> bool:
    """{field: [messages]}; the partner intake nests it by record ({"records": {"0": {...}}})."""
    return isinstance(errors, dict) and bool(errors) and all(
        isinstance(key, str) and (isinstance(value, list) and all(isinstance(m, str) for m in value)
                                  or _is_error_tree(value))
        for key, value in errors.items())


def _check(response, path: str, before: tuple, counts: RowCounts, what: str) -> None:
    assert response.status_code < 500, f"{what} → {response.status_code}"
    after = counts.after(response.status_code)
    if after is not None:
        assert after == before, f"{what} → {response.status_code} but rows changed"
    if path.startswith("/api/") and response.status_code in (400, 413, 415, 422):
        body = response.json()
        errors = body.get("errors")
        assert isinstance(errors, dict) and errors, f"{what} → {response.status_code} without the error shape: {body}"
        assert _is_error_tree(errors), f"{what}: {body}"


TARGETS = [u for u in walk_urls() if not u.path.startswith(SKIPPED_PREFIXES)]


def test_the_walk_covers_the_api_and_the_pages():
    paths = {u.path for u in TARGETS}
    assert {"/api/v1/consent", "/api/v1/partner/records", "/consent/confirm/", "/eligibility/minimum-wage/"} <= paths
    assert len(TARGETS) > 80


def _sweep(path: str, *, area: str, roles: list[str], methods: list[str], forms: dict, world: dict,
           counts: RowCounts) -> None:
    role = roles[0]
    client = world["roles"][role]
    names = sorted(set(FIELD_NAMES) | set(forms.get(role, ([], {}))[0]))
    for value in SWEEP_QUERY_VALUES:
        query = _query_string(dict.fromkeys(names, value))
        before = counts.before()
        _check(client.get(f"{path}?{query}"), path, before, counts, f"{role} GET {path} (every parameter {value!r})")
    if area == "pages" and "post" in methods:
        for value in SWEEP_ALL_FIELDS_VALUES:
            before = counts.before()
            body = "&".join(f"{_quote(name)}={_quote(value)}" for name in names)
            _check(client.post(path, body, content_type="application/x-www-form-urlencoded"), path, before, counts,
                   f"{role} POST {path} (every field {value!r})")
        fields, defaults = forms.get(role, ([], {}))
        base = {name: defaults.get(name) or "1" for name in fields}
        for name in fields:
            for value in SWEEP_FIELD_VALUES:
                before = counts.before()
                _check(client.post(path, {**base, name: value}), path, before, counts,
                       f"{role} POST {path} ({name}={value!r}, the others {base})")


def _throw_at(path: str, *, area: str, roles: list[str], methods: list[str], forms: dict, bodies, world: dict,
              counts: RowCounts) -> None:
    @settings(max_examples=EXAMPLES_PER_URL[area], deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(role=st.sampled_from(roles), method=st.sampled_from(methods), query=queries, data=st.data())
    def throw(role, method, query, data):
        client = world["roles"][role]
        target = f"{path}?{query}" if query else path
        before = counts.before()
        if method == "get":
            response = client.get(target)
            what = f"{role} GET {target[:200]}"
        elif area == "api":
            body = data.draw(bodies, label="body")
            response = getattr(client, method)(target, data=body, content_type="application/json")
            what = f"{role} {method.upper()} {target[:200]} {body[:300]!r}"
        else:
            form = data.draw(form_data(*forms[role]), label="form")
            response = client.post(target, form)
            what = f"{role} POST {target[:200]} {str(form)[:300]}"
        _check(response, path, before, counts, what)

    throw()


@pytest.mark.parametrize("area", ["api", "pages"])
def test_no_input_gives_a_5xx_or_writes_on_refusal(area):
    world = _world()
    counts = RowCounts()
    for url in [u for u in TARGETS if u.path.startswith("/api/") == (area == "api")]:
        path = _concrete_path(url, world["ids"])
        roles = _roles_for(path, url.public)
        forms = {role: _form(world["roles"][role], path) for role in roles} if area == "pages" else {}
        counts.current = None  # reading a page may write (a receipt's audit row): count afresh
        valid = world["bodies"].get(path)
        bodies = st.one_of(mutated_bodies(valid), mutated_bodies(valid), json_bodies) if valid else json_bodies
        _sweep(path, area=area, roles=roles, methods=_methods(path), forms=forms, world=world, counts=counts)
        _throw_at(path, area=area, roles=roles, methods=_methods(path), forms=forms, bodies=bodies, world=world,
                  counts=counts)
