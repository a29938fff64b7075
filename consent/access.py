"""The one place that answers "may recipient R use data class C of business B for purpose P?".

Reasoning, in the order `ConsentContext.decide` applies it (deny unless allowed):

1. The policy table in force (consent.models.Purpose): purpose P must list both C and R.
   Nothing a business or a caller does can widen it.
2. The conditions of the table (policy-matrix.json "conditions"):
   - data that came from a procedure (経営力向上計画・事業継続力強化計画・経営革新計画) whose
     applicant did not tick the data-use consent serves purpose 3 (the applicant's own
     records) only;
   - recipient 4 only for a researcher whose EBPM pledge is approved and in force;
   - recipient 5 only through an approved disclosure request in force (InstitutionGrant)
     for this institution, this purpose and this class;
   - recipient 7 is the business itself: the viewer must belong to it.
   Field-level limits (※4/※5/※6 items) are in consent.registry; callers select only those.
3. The business's narrowings: a denial of (C, R) for every purpose or for purpose P.

Narrowings and grants are read fresh for every ConsentContext (one per request or job),
never cached across requests, so a revocation takes effect on the very next read. The
policy table itself is immutable per version and cached by version; the schedule of
versions is re-read at most every SCHEDULE_TTL (60) seconds (see policy_table).

The set-based form (`businesses_allowing`) applies the same rules in SQL for lists and
extracts; other apps reach it only through consent.projection (release_rows,
rows_released: the set-based projection, lint rule ACC005), and use this module for
single decisions (and consent.services for writes).

Auditing releases (callers' duty): a caller that releases data to anyone but the
business itself (an institution's view of a company, an extract, an export, an API
response to a partner) writes `core.audit.audit_data_released(actor=, business_id=,
purpose=, data_classes=, recipient=, policy_version=decision.policy_version,
channel=...)` inside the transaction of the release, one row per business released.
Bulk extracts over many businesses write one `AuditEvent.Kind.EXTRACT_DOWNLOADED` row
per download through `core.audit.audit_extract_downloaded` instead. The business's own pages
(recipient 7) are not audited. Consent changes and receipts are audited by
consent.services.

Bound to the viewer, failing closed: every decision takes the viewer - the person
served (`request.user`) or, for a job the agency runs itself, a `SystemRecipient(r, job)`
naming recipient 1, 2 or 3. A person's recipient is derived from the account
(`recipient_for`); asking as another recipient is refused. Without a viewer, recipients
4, 5 and 7 (people with conditions of their own: a researcher's pledge, an institution's
grant, membership of the business) get nothing. `businesses_allowing` takes the viewer
too and derives the recipient itself; release of documents and records goes through
consent.projection.project, which calls these decisions item by item.

`decide_business_level` answers for the business's consent alone (the table and its
narrowings), naming the per-viewer condition that still applies (recipient 4, 5, 7);
the decision API and the consent page use it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import InstitutionGrant, Narrowing, PolicyVersion, Purpose
from .registry import ALL_DATA_CLASSES

if TYPE_CHECKING:
    from accounts.models import User

# Who is served: a person (signed in, or the anonymous public), a job the agency runs
# itself (SystemRecipient), or nobody at all (None: gets nothing that needs a person).
Person: TypeAlias = "User | AnonymousUser"
Viewer: TypeAlias = "User | AnonymousUser | SystemRecipient | None"

METI, SME_AGENCY, IAA, RESEARCHERS, SUPPORT_INSTITUTIONS, SMES, APPLICANT, PUBLIC = range(1, 9)
PURPOSE_EBPM, PURPOSE_SHARING, PURPOSE_APPLICANT_RECORDS, PURPOSE_ONCE_ONLY = 1, 2, 3, 4
PURPOSE_SUPPORT_INFORMATION, PURPOSE_CONSULTATION, PURPOSE_TRACK_RECORD = 5, 6, 7
PURPOSE_MATCHING, PURPOSE_OPEN_DATA = 8, 9
ALL_PURPOSES = tuple(range(1, 10))
ALL_RECIPIENTS = tuple(range(1, 9))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    policy_version: str

    def __bool__(self) -> bool:
        return self.allowed


@dataclass(frozen=True)
class Origin:
    """Where the data item came from, where it matters to the rules."""

    procedure: bool = False
    procedure_opted_in: bool = False


@dataclass(frozen=True)
class PolicyTable:
    version: str
    # purpose code → (frozenset of classes, frozenset of recipients)
    purposes: dict[int, tuple[frozenset[int], frozenset[int]]]

    def allows(self, purpose: int, data_class: int, recipient: int) -> bool:
        entry = self.purposes.get(purpose)
        return entry is not None and data_class in entry[0] and recipient in entry[1]


@dataclass(frozen=True)
class SystemRecipient:
    """The viewer of a job the agency runs itself (a dashboard summary, a recommendation
    computed for a business, the pre-fill the agency receives with an application, an
    aggregate published to SMEs or the public): no person is served, so the recipient is
    named explicitly. Recipients 4, 5 and 7 are never system recipients: each is a person
    whose own condition (pledge, institution grant, membership) must be checked."""

    recipient: int
    job: str

    is_authenticated = True
    pk = None

    def __post_init__(self) -> None:
        if self.recipient not in (METI, SME_AGENCY, IAA, SMES, PUBLIC):
            raise ValueError("Recipients 4, 5 and 7 are people with conditions of their own: pass the person.")


class NoPolicyInForce(RuntimeError):
    pass


def current_policy_version(on: dt.date | None = None) -> PolicyVersion:
    today = on or timezone.localdate()
    version = PolicyVersion.objects.filter(effective_from__lte=today).order_by("-effective_from", "-id").first()
    if version is None:
        raise NoPolicyInForce("No data-utilisation policy is in force.")
    return version


@lru_cache(maxsize=16)
def _policy_table(version_id: int, version: str) -> PolicyTable:
    purposes = {
        p.code: (frozenset(p.data_classes), frozenset(p.recipients))
        for p in Purpose.objects.filter(policy_id=version_id)
    }
    return PolicyTable(version=version, purposes=purposes)


# The schedule of versions (effective date, id, version), re-read at most every
# SCHEDULE_TTL seconds. Versions are immutable and installed ahead of their date, so the
# version in force is still chosen exactly by date; only a version installed within the
# last minute may be seen that much later by a running process (installing one clears
# the cache of the installing process). Narrowings and grants are never cached.
SCHEDULE_TTL = 60.0
_schedule: tuple[float, list[tuple[dt.date, int, str]]] | None = None


def _version_schedule() -> list[tuple[dt.date, int, str]]:
    global _schedule
    now = time.monotonic()
    if _schedule is None or now - _schedule[0] > SCHEDULE_TTL:
        rows = list(PolicyVersion.objects.order_by("-effective_from", "-id").values_list("effective_from", "pk", "version"))
        _schedule = (now, rows)
    return _schedule[1]


def policy_table(on: dt.date | None = None) -> PolicyTable:
    today = on or timezone.localdate()
    for effective_from, pk, version in _version_schedule():
        if effective_from <= today:
            return _policy_table(pk, version)
    raise NoPolicyInForce("No data-utilisation policy is in force.")


def signed_in(viewer: Viewer) -> User | None:
    """The viewer as a signed-in account, or None (the anonymous public, a job, nobody)."""
    if viewer is None or isinstance(viewer, AnonymousUser | SystemRecipient):
        return None
    return viewer if getattr(viewer, "is_authenticated", False) else None


def recipient_for(user: Person | None, business_id: int | None = None) -> int | None:
    """The policy recipient a user acts as, with respect to a business."""
    if user is None or isinstance(user, AnonymousUser) or not getattr(user, "is_authenticated", False):
        return PUBLIC
    if user.is_agency_staff:
        return SME_AGENCY
    if user.is_researcher:
        return RESEARCHERS
    if user.is_institution_staff:
        return SUPPORT_INSTITUTIONS
    membership = user.membership_or_none
    if membership is not None:
        return APPLICANT if business_id is not None and membership.business_id == business_id else SMES
    return None


def viewer_recipient(viewer: Viewer, business_id: int | None = None) -> int | None:
    """The recipient a viewer acts as: a SystemRecipient names it, a person's account
    decides it (recipient_for). None when the viewer cannot be placed: it gets nothing."""
    if isinstance(viewer, SystemRecipient):
        return viewer.recipient
    if viewer is None:
        return None  # the anonymous public is an AnonymousUser, never "no viewer"
    return recipient_for(viewer, business_id)


def _business_in(queryset: QuerySet[Any], ids: set[int]) -> QuerySet[Any]:
    """business_id IN ids; as one array parameter (= ANY(%s)) for large sets, which
    PostgreSQL plans and the driver binds far faster than thousands of placeholders."""
    if len(ids) <= 500:
        return queryset.filter(business_id__in=ids)
    table = queryset.model._meta.db_table
    return queryset.extra(where=[f'"{table}"."business_id" = ANY(%s)'], params=[sorted(ids)])


_REASONS = {
    "table": gettext_lazy("The data-utilisation policy does not allow this use."),
    "procedure": gettext_lazy("The applicant did not consent to data use on this procedure's checklist."),
    "researcher": gettext_lazy("Only researchers whose EBPM pledge is approved may receive this data."),
    "institution": gettext_lazy("A support institution sees a company's data only after the company approves its request."),
    "grant": gettext_lazy("No approved disclosure request in force covers this data."),
    "applicant": gettext_lazy("Only the business itself may see its own records."),
    "viewer": gettext_lazy("This viewer does not receive data as this recipient."),
    "narrowed": gettext_lazy("The business has denied this use in its consent settings."),
    "allowed": gettext_lazy("Allowed by the policy and the business's consent."),
}


class ConsentContext:
    """Narrowings and grants of some businesses, loaded once, then decided in memory.

    Build one per request (or per job batch); never keep one across requests.
    """

    def __init__(self, business_ids: Iterable[int], *, on: dt.date | None = None, institution_id: int | None = None) -> None:
        self.today = on or timezone.localdate()
        self.table = policy_table(self.today)
        self.business_ids = set(business_ids)
        self.institution_id = institution_id
        self._denied: dict[int, set[tuple[int, int, int | None]]] = {}
        for business_id, data_class, recipient, purpose in _business_in(
            Narrowing.objects.all(), self.business_ids
        ).values_list("business_id", "data_class", "recipient", "purpose"):
            self._denied.setdefault(business_id, set()).add((data_class, recipient, purpose))
        self._grants: dict[tuple[int, int], list[tuple[int, frozenset[int]]]] = {}
        if institution_id is not None:
            for grant in _business_in(InstitutionGrant.objects.all(), self.business_ids).filter(
                institution_id=institution_id, revoked_at__isnull=True,
                valid_from__lte=self.today, valid_until__gte=self.today,
            ).only("business_id", "institution_id", "purpose", "data_classes"):
                self._grants.setdefault((grant.business_id, grant.institution_id), []).append(
                    (grant.purpose, frozenset(grant.data_classes))
                )
        # Decisions are immutable values: build each outcome once, in the language of
        # this request, and hand out the same object for every question.
        version = self.table.version
        self._outcomes = {key: Decision(key == "allowed", str(text), version) for key, text in _REASONS.items()}
        self._researchers: dict[int, bool] = {}

    def _deny(self, reason: str) -> Decision:
        return Decision(False, reason, self.table.version)

    def _researcher_ok(self, viewer: Person) -> bool:
        key = getattr(viewer, "pk", None)
        if key is None:
            return False
        ok = self._researchers.get(key)
        if ok is None:
            from accounts.models import researcher_is_approved

            ok = self._researchers[key] = bool(researcher_is_approved(viewer, on=self.today))
        return ok

    def decide(
        self,
        business_id: int,
        *,
        purpose: int,
        data_class: int,
        recipient: int,
        viewer: Viewer = None,
        origin: Origin | None = None,
    ) -> Decision:
        if business_id not in self.business_ids:
            raise ValueError("This ConsentContext was not loaded for that business.")
        outcomes = self._outcomes
        if not self.table.allows(purpose, data_class, recipient):
            return outcomes["table"]
        # Bound to the viewer: a person's recipient is derived from the account, a job's
        # is named by its SystemRecipient; a viewer asking as someone else gets nothing.
        if isinstance(viewer, SystemRecipient):
            if viewer.recipient != recipient:
                return outcomes["viewer"]
            viewer = None
        elif viewer is not None:
            if recipient_for(viewer, business_id) != recipient:
                return outcomes["viewer"]
        elif recipient in (RESEARCHERS, SUPPORT_INSTITUTIONS, APPLICANT):
            # These recipients are people with conditions of their own; without the
            # person nothing can be checked, so nothing is released.
            return outcomes[{RESEARCHERS: "researcher", SUPPORT_INSTITUTIONS: "institution", APPLICANT: "applicant"}[recipient]]
        if origin is not None and origin.procedure and not origin.procedure_opted_in and purpose != PURPOSE_APPLICANT_RECORDS:
            return outcomes["procedure"]
        if recipient == RESEARCHERS:
            if viewer is None or not self._researcher_ok(viewer):
                return outcomes["researcher"]
        elif recipient == SUPPORT_INSTITUTIONS:
            if not getattr(viewer, "is_institution_staff", False):
                return outcomes["institution"]
            institution_id = getattr(viewer, "institution_id", None)
            if institution_id is None or institution_id != self.institution_id:
                return outcomes["institution"]
            grants = self._grants.get((business_id, institution_id), ())
            if not any(p == purpose and data_class in classes for p, classes in grants):
                return outcomes["grant"]
        elif recipient == APPLICANT:
            person = signed_in(viewer)
            membership = person.membership_or_none if person is not None else None
            if membership is None or membership.business_id != business_id:
                return outcomes["applicant"]
        denied = self._denied.get(business_id)
        if denied and ((data_class, recipient, None) in denied or (data_class, recipient, purpose) in denied):
            return outcomes["narrowed"]
        return outcomes["allowed"]

    def allowed_classes(self, business_id: int, *, purpose: int, recipient: int, viewer: Viewer = None, origin: Origin | None = None) -> list[int]:
        return [
            c for c in ALL_DATA_CLASSES
            if self.decide(business_id, purpose=purpose, data_class=c, recipient=recipient, viewer=viewer, origin=origin).allowed
        ]


    def denied_for(self, business_id: int) -> frozenset[tuple[int, int, int | None]]:
        """The business's narrowings as (data_class, recipient, purpose or None)."""
        return frozenset(self._denied.get(business_id, ()))


def policy_cache_clear() -> None:
    """Forget the cached schedule and tables (after installing a version; tests)."""
    global _schedule
    _schedule = None
    _policy_table.cache_clear()


CONDITION_NOTES = {
    RESEARCHERS: gettext_lazy("Researchers receive it only when their EBPM pledge is approved, and only the ※5 items."),
    SUPPORT_INSTITUTIONS: gettext_lazy("A support institution receives it only while the business approves its disclosure request."),
    SMES: gettext_lazy("Only the items published at adoption (※4)."),
    PUBLIC: gettext_lazy("Only the items published on websites and gBizINFO (※6)."),
}


def condition_note(recipient: int) -> str:
    """The condition the table attaches to a recipient, translated ("" if none)."""
    note = CONDITION_NOTES.get(recipient)
    return str(note) if note else ""


def decide_business_level(*, business_id: int, purpose: int, data_class: int, recipient: int,
                          on: dt.date | None = None, context: ConsentContext | None = None) -> Decision:
    """The table and the business's narrowings only, for the decision API and the
    consent page: "has this business, under the policy, let R use C for P?". The reason
    names any per-viewer condition that a real release must still meet (decide())."""
    context = context or ConsentContext([business_id], on=on)
    if not context.table.allows(purpose, data_class, recipient):
        return context._outcomes["table"]
    denied = context.denied_for(business_id)
    if (data_class, recipient, None) in denied or (data_class, recipient, purpose) in denied:
        return context._outcomes["narrowed"]
    reason = context._outcomes["allowed"].reason
    note = condition_note(recipient)
    if note:
        reason = _("%(reason)s Condition: %(condition)s") % {"reason": reason, "condition": note}
    return Decision(True, reason, context.table.version)


def decide(*, business_id: int, purpose: int, data_class: int, recipient: int, viewer: Viewer = None,
           origin: Origin | None = None, institution_id: int | None = None) -> Decision:
    """A single decision (loads what it needs; use ConsentContext for many)."""
    if recipient != SUPPORT_INSTITUTIONS:
        institution_id = None  # grants matter to recipient 5 only: do not load them
    elif institution_id is None and viewer is not None:
        institution_id = getattr(viewer, "institution_id", None)
    context = ConsentContext([business_id], institution_id=institution_id)
    return context.decide(business_id, purpose=purpose, data_class=data_class, recipient=recipient, viewer=viewer, origin=origin)


class ConsentDenied(Http404):
    """Raised by require(): a 404, so that a refused caller learns nothing of existence."""


def require(*, business_id: int, purpose: int, data_class: int, recipient: int, viewer: Viewer = None,
            origin: Origin | None = None, institution_id: int | None = None) -> Decision:
    decision = decide(business_id=business_id, purpose=purpose, data_class=data_class, recipient=recipient,
                      viewer=viewer, origin=origin, institution_id=institution_id)
    if not decision.allowed:
        raise ConsentDenied(decision.reason)
    return decision


def _has_procedure_origin(model: type[models.Model]) -> bool:
    names = {f.name for f in model._meta.concrete_fields}
    return {"is_procedure", "data_use_consent"} <= names


def narrowed_business_ids(*, purpose: int, data_class: int, recipient: int) -> QuerySet[Any]:
    """The businesses that denied (C, R) for every purpose or for P, as one uncorrelated
    subquery (`business_id` only).

    Why not NOT EXISTS correlated with the row (issue 16): PostgreSQL turns NOT EXISTS into
    an anti-join whose shape depends on the estimates; without table statistics (after a
    bulk load, before autovacuum) it chose a nested-loop anti-join and the open-data list
    took 5x longer. In a column's CASE it is a correlated SubPlan run once per row and per
    column. `row.business_id NOT IN (this)` can be neither: PostgreSQL never turns NOT IN
    into a join and runs the subquery once into a hash table (a "hashed SubPlan"), so every
    row costs one hash probe whatever the estimates. Same result: business_id is NOT NULL
    here, and Django keeps NOT EXISTS's answer for a NULL key on a nullable column."""
    return Narrowing.objects.filter(data_class=data_class, recipient=recipient).filter(
        Q(purpose__isnull=True) | Q(purpose=purpose)
    ).values("business_id")


def business_allows_q(
    *,
    purpose: int,
    data_class: int,
    viewer: Viewer,
    recipient: int | None = None,
    business_field: str = "pk",
    on: dt.date | None = None,
) -> Q | None:
    """The condition of `businesses_allowing` on a row's business (`business_field`), as a Q
    usable in filter() or in a column's When(); None where the table or a per-viewer
    condition already says no. The procedure-origin rule is the caller's (it concerns the
    row, not the business): businesses_allowing adds it on rows of applications."""
    derived = viewer_recipient(viewer)
    if derived == SMES and not isinstance(viewer, SystemRecipient):
        derived = APPLICANT  # a business user's set-based view is of its own business only
    if derived is None:
        return None
    if recipient is not None and recipient != derived:
        raise ValueError(f"businesses_allowing: the viewer is recipient {derived}, not {recipient}.")
    recipient = derived
    today = on or timezone.localdate()
    table = policy_table(today)
    if not table.allows(purpose, data_class, recipient):
        return None
    if recipient == RESEARCHERS:
        from accounts.models import researcher_is_approved

        if not researcher_is_approved(viewer, on=today):
            return None
    condition = Q()
    if recipient == APPLICANT:
        person = signed_in(viewer)
        membership = person.membership_or_none if person is not None else None
        if membership is None:
            return None
        condition &= Q(**{business_field: membership.business_id})
    # Not narrowed: NOT IN over one uncorrelated subquery (see narrowed_business_ids).
    condition &= ~Q(**{f"{business_field}__in": narrowed_business_ids(purpose=purpose, data_class=data_class,
                                                                       recipient=recipient)})
    if recipient == SUPPORT_INSTITUTIONS:
        institution_id = getattr(viewer, "institution_id", None) if getattr(viewer, "is_institution_staff", False) else None
        if institution_id is None:
            return None
        granted = InstitutionGrant.objects.filter(
            institution_id=institution_id, purpose=purpose, data_classes__contains=[data_class],
            revoked_at__isnull=True, valid_from__lte=today, valid_until__gte=today,
        ).values("business_id")
        condition &= Q(**{f"{business_field}__in": granted})
    return condition


def businesses_allowing(
    queryset: QuerySet[Any],
    *,
    purpose: int,
    data_class: int,
    viewer: Viewer,
    recipient: int | None = None,
    business_field: str = "pk",
    on: dt.date | None = None,
) -> QuerySet[Any]:
    """Filter any queryset (of businesses, or of rows with a business FK named by
    `business_field`) to the rows whose data of class C this viewer may use for purpose P.

    The recipient is derived from the viewer (a person, or a SystemRecipient for a job);
    `recipient`, when given, must agree with it (a programming error otherwise). Every
    condition is applied here: the table; the narrowings (NOT IN one hashed subquery, see
    narrowed_business_ids); for recipient 5 the viewer's institution's grants; for
    recipient 4 the viewer's approved pledge; for recipient 7 the viewer's own business
    only; and on rows of applications, the procedure-origin rule (procedure data without
    the opt-in serves purpose 3 only). A viewer that cannot be placed gets no rows.
    """
    condition = business_allows_q(purpose=purpose, data_class=data_class, viewer=viewer, recipient=recipient,
                                  business_field=business_field, on=on)
    if condition is None:
        return queryset.none()
    if _has_procedure_origin(queryset.model):
        queryset = queryset.filter(procedure_rule_q(purpose=purpose))
    return queryset.filter(condition)


def procedure_rule_q(*, purpose: int, procedure_field: str = "is_procedure", opt_in_field: str = "data_use_consent") -> Q:
    """Rows of applications usable for `purpose`: procedure data without the opt-in serves
    purpose 3 only. Applications (and extracts of them) filter with this Q."""
    if purpose == PURPOSE_APPLICANT_RECORDS:
        return Q()
    return Q(**{procedure_field: False}) | Q(**{opt_in_field: True})


def require_researcher(user: Person) -> None:
    """Recipient 4's per-viewer condition, for set-based extracts: 403 otherwise."""
    from django.core.exceptions import PermissionDenied

    from accounts.models import researcher_is_approved

    person = signed_in(user)
    if not (person is not None and person.is_researcher and researcher_is_approved(person)):
        raise PermissionDenied(_("Only researchers whose EBPM pledge is approved may download extracts."))


def businesses_not_denying(
    queryset: QuerySet[Any], *, purpose: int, data_class: int, recipient: int, business_field: str = "pk"
) -> QuerySet[Any]:
    """The narrowing part of `businesses_allowing` alone: rows whose business has not
    denied (C, R) for every purpose or for P. For anonymised listings (prefecture,
    industry, size band; no name, no number) that need no grant but must still leave
    out a business that refused recipient R its class-C data."""
    denied = narrowed_business_ids(purpose=purpose, data_class=data_class, recipient=recipient)
    return queryset.filter(~Q(**{f"{business_field}__in": denied}))
