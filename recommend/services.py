"""Writes of the recommend app: favourites (マイ事例集), view history, saved searches."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from programs.filters import ProgramFilter
from programs.models import CaseStudy, SupportProgram

from .models import Favourite, RecommendationSet, SavedSearch

MAX_SAVED_SEARCHES = 20
SEARCH_KEYS = ("q", "industry", "prefecture", "employees", "open_on", "theme", "kind")


def _business_id(user) -> int:
    membership = user.membership_or_none if getattr(user, "is_authenticated", False) else None
    if membership is None:
        raise ApplicationError(_("Only users of a business can do this."))
    return membership.business_id


@transaction.atomic
def favourite_toggle(*, user, kind: str, item_id: int) -> bool:
    """Save an item for the user's business, or remove it when already saved.
    Returns True when the item is saved afterwards."""
    business_id = _business_id(user)
    item: SupportProgram | CaseStudy | None
    if kind == "program":
        item = SupportProgram.objects.filter(pk=item_id).first()
        lookup: dict[str, SupportProgram | CaseStudy | None] = {"program": item}
    elif kind == "case_study":
        item = CaseStudy.objects.filter(pk=item_id).first()
        lookup = {"case_study": item}
    else:
        raise ApplicationError(errors={"kind": [_("Choose a program or a case study.")]})
    if item is None:
        raise ApplicationError(errors={"item_id": [_("This item does not exist.")]})
    existing = Favourite.objects.select_for_update().filter(business_id=business_id, **lookup).first()
    if existing is not None:
        existing.delete()
        return False
    try:
        with transaction.atomic():
            Favourite.objects.create(business_id=business_id, saved_by=user, **lookup)
    except IntegrityError:  # saved by another member at the same moment
        pass
    return True


def view_record(*, viewer, program: SupportProgram | None = None, case_study: CaseStudy | None = None) -> None:
    """Record that a business user opened an item (view history; a signal for the
    collaborative part). Anonymous and non-business viewers leave no trace."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return
    membership = viewer.membership_or_none
    if membership is None:
        return
    # Deferred to the worker (issue 16): the page answers without an INSERT (and the
    # recommendation set's staleness mark) of its own; a broker that is away falls back to
    # recording it here, so no view is lost.
    from .tasks import record_view

    args = (membership.business_id, viewer.pk, program.pk if program else None, case_study.pk if case_study else None)
    try:
        record_view.apply_async(args)
    except Exception:  # noqa: BLE001 - kombu's OperationalError and friends: record it now
        from .precompute import view_record_now

        view_record_now(*args)




def _clean_params(querystring: str) -> dict:
    data = QueryDict(querystring or "")
    params = {key: data.get(key) for key in SEARCH_KEYS if data.get(key)}
    filterset = ProgramFilter(params, queryset=SupportProgram.objects.none())
    if not filterset.is_valid():
        raise ApplicationError(errors={key: [str(m) for m in msgs] for key, msgs in filterset.errors.items()})
    return params


@transaction.atomic
def saved_search_create(*, user, name: str, querystring: str, email_alerts: bool) -> SavedSearch:
    name = (name or "").strip()
    if not name:
        raise ApplicationError(errors={"name": [_("Give the search a name.")]})
    if len(name) > 100:
        raise ApplicationError(errors={"name": [_("The name is too long (at most 100 characters).")]})
    params = _clean_params(querystring)
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES:
        raise ApplicationError(errors={"name": [_("You can keep at most %(count)d saved searches.") % {"count": MAX_SAVED_SEARCHES}]})
    if SavedSearch.objects.filter(user=user, name=name).exists():
        raise ApplicationError(errors={"name": [_("You already have a saved search with this name.")]})
    # Alerts start from now: only programs published after saving are news.
    return SavedSearch.objects.create(user=user, name=name, params=params, email_alerts=email_alerts, alerted_until=timezone.now())


@transaction.atomic
def saved_search_update(*, user, search_id: int, email_alerts: bool) -> SavedSearch:
    search = SavedSearch.objects.select_for_update().filter(pk=search_id, user=user).first()
    if search is None:
        from django.http import Http404

        raise Http404
    search.email_alerts = email_alerts
    search.save(update_fields=["email_alerts", "updated_at"])
    return search


@transaction.atomic
def saved_search_delete(*, user, search_id: int) -> None:
    deleted, _count = SavedSearch.objects.filter(pk=search_id, user=user).delete()
    if not deleted:
        from django.http import Http404

        raise Http404




# --- precomputed recommendations (issue 16): staleness and refresh requests ----------------
# (recommend.precompute runs the engine and stores; recommend.tasks runs it in the worker.)

REFRESH_DEBOUNCE_SECONDS = 20


def recommendations_request_refresh(business_id: int) -> bool:
    """Ask the worker to recompute one business's set, at most once per debounce window
    (many changes in a row give one computation). Returns True when a task was sent. A
    broker that is away is logged, not raised: the beat job refreshes stale sets anyway."""
    import logging

    from django.core.cache import cache

    from .precompute import debounce_key
    from .tasks import refresh_recommendations

    if not cache.add(debounce_key(business_id), 1, timeout=REFRESH_DEBOUNCE_SECONDS):
        return False
    try:
        refresh_recommendations.apply_async((business_id,), countdown=2)
    except Exception as exc:  # the broker is away: the beat job catches up
        cache.delete(debounce_key(business_id))
        logging.getLogger(__name__).warning("recommendation refresh not enqueued (%s: %s)", type(exc).__name__, exc)
        return False
    return True


def recommendations_mark_stale(*, business_id: int | None = None) -> None:
    """An input changed: mark the business's set (or, with None, every set: the catalogue
    changed) stale in this transaction, and ask for a refresh after commit."""
    if business_id is None:
        RecommendationSet.objects.filter(stale=False).update(stale=True)
        return
    if RecommendationSet.objects.filter(business_id=business_id, stale=False).update(stale=True):
        # The API's cached body goes too: the next read finds the set stale and asks for a
        # refresh itself, as it did before the body was cached (recommend.api).
        from core import pagecache

        from .precompute import recommendations_generation

        pagecache.touch(recommendations_generation(business_id))
        transaction.on_commit(lambda: recommendations_request_refresh(business_id))
