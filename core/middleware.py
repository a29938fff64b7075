"""Django's message and locale middleware without their per-request costs where nothing
uses them (issue 16: the floor with the project's middleware against bare Django).

- MessageMiddleware: the storage (a cookie signer and a session lookup) is made when a view
  or template first touches `request._messages`, not on every request; a request that never
  touches it stores nothing, exactly as Django's storage does when it is neither read nor
  added to.
- LocaleMiddleware: without i18n_patterns (this project has none) the response step needs
  no second look at the path for a language prefix.
"""

from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages import middleware as messages_middleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware import locale
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import get_language


class MessageMiddleware(messages_middleware.MessageMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))  # type: ignore[attr-defined]  # Django's own attribute

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        storage = getattr(request, "_messages", None)
        if isinstance(storage, SimpleLazyObject) and storage._wrapped is empty:
            return response  # never read nor added to: nothing to store
        return super().process_response(request, response)


class LocaleMiddleware(locale.LocaleMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        i18n_patterns_used, _prefixed_default_language = is_language_prefix_patterns_used(urlconf)
        if i18n_patterns_used:
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", get_language())
        return response
