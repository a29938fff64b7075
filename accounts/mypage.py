"""マイページ of a business user from a page cached per user (issue 16).

The whole page (header, navigation, the role card, the disclosure panel, the API tokens)
is rendered once and kept in Redis under the generations of what it shows
(core.pagecache.cached_under):

- the user's own (`user:<id>`): the user row (e-mail, kind), the membership (account type,
  permissions), the notices (the unread count in the navigation), the API tokens;
- the business's (`business:<id>`): its row (name, type, 法人番号), its memberships (the
  Prime holder's member count), its disclosure requests (the pending ones in the panel);
- "mypage": every page at once — the names the panel gives the requesting institutions,
  and seed_demo (a database seeded afresh reuses the ids of the users and businesses).

connect() moves them on at every save and delete of those rows; the writes that bypass
model signals touch them themselves (notifications.services.notices_mark_read, the token
authentication's last_used_at). The key also holds the language, the day (the panel shows
requests valid until today) and the idle-timeout setting; a token's expiry ends the
cached page's life (its status column changes then).

Nothing of one request is kept for another: the CSRF token is rendered as a placeholder
that no data can produce (everything from data is escaped; the placeholder is markup) and
filled in for each request.
A page with messages to show, a query string (the "expired" notice), or a user who is not a
business's user (institution staff, agency staff, researchers: other cards and links) is
rendered as before, per request.

A navigation provider (core.navigation) that starts showing data other than the user's
own and its membership must add its model to connect() below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, empty
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core import pagecache

from .models import Membership, User

# Markup, not text: escaping turns every "<" of data into "&lt;", so only the template's
# own {% csrf_token %} and {{ csrf_token }} can put this into the page.
CSRF_PLACEHOLDER: SafeString = mark_safe("<mirasapo-csrf-token>")  # noqa: S308 - a constant of ours
PAGE_TIMEOUT = 600
EVERY_PAGE = "mypage"
_FALLBACK_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"


def _no_messages(request: HttpRequest) -> bool:
    """Nothing waits to be shown (the default storage: a cookie, then the session) and
    nothing was added in this request."""
    if getattr(settings, "MESSAGE_STORAGE", _FALLBACK_STORAGE) != _FALLBACK_STORAGE:
        return False
    storage = getattr(request, "_messages", None)
    if storage is not None and not (isinstance(storage, SimpleLazyObject) and storage._wrapped is empty):
        return False  # made already: a message may have been added
    return CookieStorage.cookie_name not in request.COOKIES and SessionStorage.session_key not in request.session


def _cacheable_membership(request: HttpRequest) -> Membership | None:
    user = request.user
    if request.method != "GET" or request.META.get("QUERY_STRING") or not isinstance(user, User):
        return None
    membership = user.membership_or_none
    if user.kind != User.Kind.BUSINESS or membership is None or not _no_messages(request):
        return None
    return membership


def _seconds_to_keep(tokens: list[Any]) -> int:
    """Until the first shown token expires (its status turns 有効 → 期限切れ), at most PAGE_TIMEOUT."""
    now = timezone.now()
    left = [(t.expires_at - now).total_seconds() for t in tokens if t.revoked_at is None and t.expires_at > now]
    return int(max(1, min([PAGE_TIMEOUT, *left])))


def mypage_response(request: HttpRequest, *, render_page: Callable[[dict[str, Any]], HttpResponse],
                    tokens: Callable[[], list[Any]]) -> HttpResponse:
    """The page render_page(extra_context) gives, from the cache where it may be; the extra
    context holds "api_tokens", what tokens() returns (their expiry bounds the cached page's
    life). Nothing is read nor rendered for a page served from the cache."""
    membership = _cacheable_membership(request)
    if membership is None:
        return render_page({"api_tokens": tokens()})

    def compute() -> tuple[str, int]:
        shown = tokens()
        response = render_page({"csrf_token": CSRF_PLACEHOLDER, "api_tokens": shown})
        return response.content.decode(), _seconds_to_keep(shown)

    user = request.user
    html, _seconds = pagecache.cached_under(
        [pagecache.user_scope(user.pk), pagecache.business_scope(membership.business_id), EVERY_PAGE],
        ("mypage", user.pk, membership.business_id, get_language(), timezone.localdate(), settings.SESSION_IDLE_TIMEOUT),
        compute, timeout=lambda value: value[1])
    # This request's token (and the CSRF cookie set as rendering sets it); one masked value
    # for the page's forms alike: a mask (32 random characters) per form is what most of the
    # time of a page from the cache went on.
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


# --- what moves the generations on ---------------------------------------------------------

def _touch_user(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not _skip(kwargs):
        pagecache.touch(pagecache.user_scope(instance.pk))


def _touch_owner(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A notice or an API token: its user's page."""
    if not _skip(kwargs) and instance.user_id is not None:
        pagecache.touch(pagecache.user_scope(instance.user_id))


def _touch_business(sender: Any, instance: Any, **kwargs: Any) -> None:
    """The business itself or a row of it (a disclosure request)."""
    business_id = instance.pk if sender._meta.label == "companies.Business" else getattr(instance, "business_id", None)
    if not _skip(kwargs) and business_id is not None:
        pagecache.touch(pagecache.business_scope(business_id))


def _membership_before(sender: Any, instance: Membership, **kwargs: Any) -> None:
    """A membership that moves to another business changes the old business's count too."""
    if instance.pk is not None and not kwargs.get("raw"):
        instance._mypage_business_before = (  # type: ignore[attr-defined]  # read by _touch_membership
            Membership.objects.filter(pk=instance.pk).values_list("business_id", flat=True).first())


def _touch_membership(sender: Any, instance: Membership, **kwargs: Any) -> None:
    if _skip(kwargs):
        return
    pagecache.touch(pagecache.user_scope(instance.user_id))
    for business_id in {instance.business_id, getattr(instance, "_mypage_business_before", None)} - {None}:
        pagecache.touch(pagecache.business_scope(business_id))


def _touch_institutions(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not _skip(kwargs):
        pagecache.touch(EVERY_PAGE)


def _skip(kwargs: dict[str, Any]) -> bool:
    from core.demo import SEEDING

    return bool(kwargs.get("raw")) or bool(SEEDING.get())


def connect() -> None:
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save, pre_save

    handlers: list[tuple[str, Callable[..., None]]] = [
        ("accounts.User", _touch_user), ("accounts.Membership", _touch_membership), ("accounts.ApiToken", _touch_owner),
        ("notifications.Notice", _touch_owner), ("companies.Business", _touch_business),
        ("disclosure.DisclosureRequest", _touch_business), ("institutions.Institution", _touch_institutions),
    ]
    for label, handler in handlers:
        model = apps.get_model(label)
        post_save.connect(handler, sender=model, dispatch_uid=f"accounts.mypage.save.{label}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"accounts.mypage.delete.{label}")
    pre_save.connect(_membership_before, sender=Membership, dispatch_uid="accounts.mypage.membership_before")
    from core.demo import seeded

    seeded.connect(_seeded, weak=False, dispatch_uid="accounts.mypage.seeded")


def _seeded(sender: Any, **kwargs: Any) -> None:
    pagecache.touch(EVERY_PAGE)

