"""The pages of the URL walk (core/urlwalk.py) as each demo role meets them, for the
layout and accessibility tests: every HTML page pattern, with a real object of the demo
data where the pattern takes an id (so that the detail pages are seen filled, not as 404s)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from core.urlwalk import walk_urls

# Not our pages (Django admin, allauth's social flows), not HTML (API, PDF, JSON,
# downloads) or not a page at all (sign-out, language switch, health check).
SKIPPED_PREFIXES = (
    "/agency-admin/", "/api/", "/static/", "/media/", "/i18n/", "/healthz", "/accounts/logout",
    "/accounts/3rdparty", "/accounts/social", "/accounts/oidc", "/mail/unsubscribe/",
)
SKIPPED_SUFFIXES = (".pdf", ".json", "/pdf/", "/file/", "/download/", ".csv", ".xlsx")


@dataclass(frozen=True)
class Role:
    key: str
    email: str | None  # None: not signed in
    totp: bool = False


ROLES = [
    Role("anonymous", None),
    Role("owner", "owner@demo.mirasapo.jp", totp=True),
    Role("advisor", "advisor@shokokai.demo.mirasapo.jp"),
    Role("analyst", "analyst@agency.demo.mirasapo.jp", totp=True),
    Role("researcher", "researcher@univ.demo.mirasapo.jp", totp=True),
]


def _first(model_path: str, **filters):
    from django.apps import apps

    model = apps.get_model(model_path)
    return model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True).first()


def real_objects(role: Role) -> dict[str, dict]:
    """url name → kwargs of an object of the demo data that this role may open."""
    from accounts.models import User

    user = User.objects.filter(email=role.email).first() if role.email else None
    membership = getattr(user, "membership_or_none", None) if user else None
    business_id = membership.business_id if membership else None
    institution_id = getattr(user, "institution_id", None) if user else None
    found = {
        "programs:program_detail": {"pk": _first("programs.SupportProgram")},
        "programs:case_detail": {"pk": _first("programs.CaseStudy")},
        "institutions:detail": {"pk": _first("institutions.Institution")},
        "applications:start": {"program": "jizokuka_general"},
        "applications:review-detail": {"pk": _first("applications.Application", status="submitted")},
        "analytics:ebpm_detail": {"pk": _first("analytics.EbpmAnalysis")},
        "analytics:pledge_review": {"pk": _first("analytics.ResearchPledge")},
        "linkage:review_detail": {"pk": _first("linkage.ReviewItem")},
        "linkage:batch_detail": {"pk": _first("linkage.IntakeBatch")},
        "companies:edit": {"part": "identity"},
        "companies:add": {"part": "challenges"},
    }
    if business_id:
        draft = _first("applications.Application", business_id=business_id, status="draft")
        found |= {
            "applications:detail": {"pk": _first("applications.Application", business_id=business_id)},
            "applications:edit": {"pk": draft},
            "applications:submit": {"pk": draft},
            "applications:complete": {"pk": _first("applications.Application", business_id=business_id, status="adopted")},
            "companies:edit-row": {"part": "financials", "pk": _first("companies.FinancialYear", business_id=business_id)},
            "disclosure:inbox_detail": {"pk": _first("disclosure.DisclosureRequest", business_id=business_id)},
        }
    if institution_id:
        found["disclosure:company_data"] = {"pk": _first("disclosure.DisclosureRequest", institution_id=institution_id, status="approved")}
    return {name: kwargs for name, kwargs in found.items() if all(v is not None for v in kwargs.values())}


def page_paths(role: Role) -> list[str]:
    """Every walked page path for this role, real objects substituted where there are some.

    A pattern with parameters and no object of this role's (a sample id) answers 404:
    one of those is kept, to check the error page, not every one. Anonymous callers get
    the public pages and the sign-in page every protected one redirects to."""
    objects = real_objects(role)
    paths: list[str] = []
    unresolved: list[str] = []
    for url in walk_urls():
        if role.email is None and not url.public and url.name != "account_login":
            continue
        path = url.path
        if url.name in objects:
            try:
                path = reverse(url.name, kwargs=objects[url.name])
            except NoReverseMatch:
                pass
        if path.startswith(SKIPPED_PREFIXES) or path.endswith(SKIPPED_SUFFIXES) or path in paths:
            continue
        has_sample = url.name not in objects and _has_parameters(url.name)
        (unresolved if has_sample else paths).append(path)
    return paths + unresolved[:1]


def _has_parameters(url_name: str) -> bool:
    if not url_name:
        return False
    try:
        reverse(url_name)
    except NoReverseMatch:
        return True
    return False


def goto_page(page, path: str):
    """Open `path`; the response when it is an HTML page, else None. A URL that answers
    405 with no body (POST only) makes Chromium show its own error page: wait for that
    navigation to end so that it does not interrupt the next one."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        response = page.goto(path, wait_until="domcontentloaded")
    except PlaywrightError:
        try:
            page.wait_for_url(lambda url: url.startswith("chrome-error:"), timeout=5_000)
            page.wait_for_load_state()
        except PlaywrightError:
            pass
        return None
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return None
    return response
