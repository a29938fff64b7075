"""Writes of consent: a business's narrowings, consent receipts, and institution grants.

Each service owns its transaction and writes its audit row (core.audit) inside it, so a
change without its audit row never commits. `grep consent_` finds every way consent
changes.

Narrowing rules (documented in docs/consent.md):
- Only the business's GビズID Prime holder changes its consent (PermissionDenied).
- Codes are checked against the policy in force; an unknown class, recipient or purpose
  is refused with a translated message for that field (ApplicationError → 400).
- Narrowing never widens. Denying a pair the table does not allow (for that purpose, or
  for any purpose when no purpose is given) is *refused* with a message saying the
  policy already does not allow it: a caller learns the table instead of storing a
  denial that means nothing.
- The business's own access to its records (recipient 7) cannot be denied.
- A per-purpose denial of a pair that is also denied for every purpose is dropped as
  redundant; duplicates collapse.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.audit import (
    audit_consent_changed,
    audit_consent_receipt,
    audit_disclosure_approved,
    audit_disclosure_ended,
)
from core.errors import ApplicationError
from core.input import INT32_MAX, parse_int_or_none

from .access import APPLICANT, Person, current_policy_version, policy_table, signed_in
from .models import ConsentChange, InstitutionGrant, Narrowing
from .selectors import (
    Denial,
    canonical_json,
    denial_dicts,
    denial_key,
    describe_changes,
    narrowings_of,
    normalise,
    policy_view,
    receipt_document,
)

if TYPE_CHECKING:
    from accounts.models import User
    from companies.models import Business
    from institutions.models import Institution


def _is_prime_of(actor: Person | None, business: Business) -> bool:
    person = signed_in(actor)
    if person is None:
        return False
    membership = person.membership_or_none
    return membership is not None and membership.business_id == business.pk and person.is_prime


def _is_member_of(actor: Person | None, business: Business) -> bool:
    person = signed_in(actor)
    if person is None:
        return False
    membership = person.membership_or_none
    return membership is not None and membership.business_id == business.pk


def _lock_business(business: Business) -> Business:
    """Serialise consent changes of one business (a row lock on the business)."""
    from companies.models import Business

    return Business.objects.select_for_update().get(pk=business.pk)


def _as_code(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return parse_int_or_none(value, minimum=0, maximum=INT32_MAX)
    return None


def validate_denied(denied: Any) -> set[Denial]:
    """Check a list of {"data_class", "recipient", "purpose"?} against the policy in
    force and normalise it. ApplicationError with per-field messages otherwise."""
    table = policy_table()
    classes = set().union(*(entry[0] for entry in table.purposes.values()))
    recipients = set().union(*(entry[1] for entry in table.purposes.values()))
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not isinstance(denied, list):
        raise ApplicationError(errors={"denied": [_("Send a list of denied pairs.")]})
    result: set[Denial] = set()
    for position, item in enumerate(denied, start=1):
        if not isinstance(item, dict):
            add("denied", _("Item %(position)s is not an object with data_class and recipient.") % {"position": position})
            continue
        unknown_keys = set(item) - {"data_class", "recipient", "purpose"}
        if unknown_keys:
            add("denied", _("Item %(position)s has unknown keys: %(keys)s.") % {"position": position, "keys": ", ".join(sorted(map(str, unknown_keys)))})
        data_class, recipient = _as_code(item.get("data_class")), _as_code(item.get("recipient"))
        raw_purpose = item.get("purpose")
        purpose = None if raw_purpose is None else _as_code(raw_purpose)
        ok = True
        if data_class not in classes:
            add("data_class", _("Item %(position)s: %(value)s is not a data class of the policy (1-13).") % {"position": position, "value": item.get("data_class")})
            ok = False
        if recipient not in recipients:
            add("recipient", _("Item %(position)s: %(value)s is not a recipient of the policy (1-8).") % {"position": position, "value": item.get("recipient")})
            ok = False
        if raw_purpose is not None and purpose not in table.purposes:
            add("purpose", _("Item %(position)s: %(value)s is not a purpose of the policy (1-9).") % {"position": position, "value": raw_purpose})
            ok = False
        if not ok or data_class is None or recipient is None:
            continue
        if recipient == APPLICANT:
            add("recipient", _("Item %(position)s: your own access to your records cannot be turned off.") % {"position": position})
            continue
        if purpose is None:
            allowed_somewhere = any(table.allows(p, data_class, recipient) for p in table.purposes)
            if not allowed_somewhere:
                add("denied", _("Item %(position)s: the policy never lets this recipient use this data class, so there is nothing to deny.") % {"position": position})
                continue
        elif not table.allows(purpose, data_class, recipient):
            add("denied", _("Item %(position)s: the policy does not let this recipient use this data class for this purpose, so there is nothing to deny.") % {"position": position})
            continue
        result.add((data_class, recipient, purpose))
    if errors:
        raise ApplicationError(errors=errors)
    return normalise(result)


def _mail_prime_holder(*, business: Business, change: ConsentChange, before: set[Denial], after: set[Denial]) -> None:
    from accounts.models import Membership
    from notifications.services import mail_enqueue

    prime = Membership.objects.filter(business_id=business.pk, account_type=Membership.AccountType.PRIME).select_related("user").first()
    if prime is None:
        return
    user = prime.user
    language = getattr(user, "preferred_language", None) or "ja"
    with override(language):
        lines = describe_changes(before=before, after=after, policy=policy_view(version=change.policy))
    mail_enqueue(
        to_user=user, template="consent_changed", idempotency_key=f"consent-changed-{change.pk}", category="consent",
        language=language, business_id=business.pk,
        context={
            "business_name": business.name, "changed_at": timezone.localtime(change.at).strftime("%Y-%m-%d %H:%M"),
            "actor_email": change.actor.email if change.actor else "", "policy_version": change.policy.version,
            "denied": lines["denied"], "allowed": lines["allowed"], "path": "/consent/history/",
        },
    )


@transaction.atomic
def consent_narrowings_replace(*, actor: User, business: Business, denied: list[dict[str, Any]], source: str = ConsentChange.Source.PAGE,
                               expected_digest: str | None = None) -> ConsentChange | None:
    """Replace the business's narrowings with `denied`. Returns the history row, or
    None when nothing changed (no history, audit or mail then).

    `expected_digest` (narrowings_digest of what the person saw) refuses the change if
    someone else changed the consent meanwhile."""
    from .selectors import narrowings_digest

    if not _is_prime_of(actor, business):
        raise PermissionDenied(_("Only the GBizID Prime holder of the business may change its consent."))
    after = validate_denied(denied)
    locked = _lock_business(business)
    before = narrowings_of(locked)
    if expected_digest is not None and expected_digest != narrowings_digest(before):
        raise ApplicationError(_("The consent settings were changed meanwhile. Please review the changes again."))
    if before == after:
        return None
    version = current_policy_version()
    Narrowing.objects.filter(business_id=locked.pk).delete()
    Narrowing.objects.bulk_create(
        Narrowing(business_id=locked.pk, data_class=c, recipient=r, purpose=p, created_by=actor)
        for c, r, p in sorted(after, key=denial_key)
    )
    change = ConsentChange.objects.create(
        business_id=locked.pk, actor=actor, policy=version, source=source,
        before=denial_dicts(before), after=denial_dicts(after),
    )
    audit_consent_changed(actor=actor, business_id=locked.pk, policy_version=version.version,
                          before=change.before, after=change.after)
    _mail_prime_holder(business=locked, change=change, before=before, after=after)
    return change


def consent_deny(*, actor: User, business: Business, data_class: int, recipient: int, purpose: int | None = None,
                 source: str = ConsentChange.Source.PAGE) -> ConsentChange | None:
    """Deny one (class, recipient) pair, for every purpose or one."""
    if not _is_prime_of(actor, business):
        raise PermissionDenied(_("Only the GBizID Prime holder of the business may change its consent."))
    with transaction.atomic():
        current = narrowings_of(_lock_business(business))
        current.add((data_class, recipient, purpose))
        return consent_narrowings_replace(actor=actor, business=business, denied=denial_dicts(current), source=source)


def consent_allow(*, actor: User, business: Business, data_class: int, recipient: int, purpose: int | None = None,
                  source: str = ConsentChange.Source.PAGE) -> ConsentChange | None:
    """Withdraw one denial (the table's grant applies again; never beyond the table)."""
    if not _is_prime_of(actor, business):
        raise PermissionDenied(_("Only the GBizID Prime holder of the business may change its consent."))
    with transaction.atomic():
        current = narrowings_of(_lock_business(business))
        current.discard((data_class, recipient, purpose))
        return consent_narrowings_replace(actor=actor, business=business, denied=denial_dicts(current), source=source)


@dataclass(frozen=True)
class Receipt:
    document: dict[str, Any]
    canonical: bytes
    sha256: str

    def as_download(self) -> dict[str, Any]:
        """The JSON file: the document and the SHA-256 of its canonical form."""
        return {"receipt": self.document, "sha256": self.sha256,
                "digest_of": "sha256 of the receipt object serialised with sorted keys, no spaces, UTF-8"}


@transaction.atomic
def consent_receipt_issue(*, actor: User, business: Business, issued_at: dt.datetime | None = None) -> Receipt:
    """A consent receipt for a user of the business (Prime or Member), audited."""
    if not _is_member_of(actor, business):
        raise PermissionDenied(_("Only users of the business may download its consent receipt."))
    document = receipt_document(business=business, issued_at=issued_at or timezone.now())
    canonical = canonical_json(document)
    digest = hashlib.sha256(canonical).hexdigest()
    audit_consent_receipt(actor=actor, business_id=business.pk, policy_version=document["policy"]["version"], digest=digest)
    return Receipt(document=document, canonical=canonical, sha256=digest)


# --- institution grants (called by the disclosure app) ---------------------------------


@transaction.atomic
def institution_grant_create(*, actor: User, business: Business, institution: Institution, purpose: int, data_classes: list[int],
                             valid_from: dt.date, valid_until: dt.date, disclosure_request_id: int) -> InstitutionGrant:
    """The business approved a disclosure request: recipient 5 may use these classes."""
    grant = InstitutionGrant.objects.create(
        business=business, institution=institution, purpose=purpose, data_classes=sorted(set(data_classes)),
        valid_from=valid_from, valid_until=valid_until, disclosure_request_id=disclosure_request_id,
    )
    audit_disclosure_approved(actor=actor, grant=grant, business_id=business.pk, institution_id=institution.pk,
                              purpose=purpose, data_classes=grant.data_classes, valid_until=valid_until,
                              disclosure_request_id=disclosure_request_id,
                              policy_version=current_policy_version().version)
    return grant


@transaction.atomic
def institution_grant_revoke(*, actor: User | None, disclosure_request_id: int, reason: str = "revoked") -> InstitutionGrant | None:
    """End an approval at once (revoked by the business, or expired)."""
    grant = InstitutionGrant.objects.select_for_update().filter(disclosure_request_id=disclosure_request_id).first()
    if grant is None or grant.revoked_at is not None:
        return grant
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at", "updated_at"])
    audit_disclosure_ended(actor=actor, obj=grant, business_id=grant.business_id, institution_id=grant.institution_id,
                           disclosure_request_id=disclosure_request_id,
                           reason="expired" if reason == "expired" else "declined" if reason == "declined" else "revoked")
    return grant


@transaction.atomic
def consent_narrowings_seed(*, denials_by_business: dict[int, set[tuple[int, int, int | None]]]) -> int:
    """Bulk-record choices made outside the portal's pages (demo data, benchmarks, a
    migration of choices from a previous system): narrowings, one history row and one
    audit row per business, as a change by the system when the policy came into force.
    Businesses must have no narrowing yet. Returns the number of businesses recorded."""
    version = current_policy_version()
    narrowings: list[Narrowing] = []
    changes: list[ConsentChange] = []
    for business_id, denials in sorted(denials_by_business.items()):
        if not denials:
            continue
        narrowings.extend(Narrowing(business_id=business_id, data_class=c, recipient=r, purpose=p)
                          for c, r, p in sorted(denials, key=denial_key))
        changes.append(ConsentChange(business_id=business_id, policy=version, source=ConsentChange.Source.SYSTEM,
                                     before=[], after=denial_dicts(denials)))
    Narrowing.objects.bulk_create(narrowings, batch_size=2000)
    ConsentChange.objects.bulk_create(changes, batch_size=2000)
    for change in changes:
        audit_consent_changed(actor=None, business_id=change.business_id, policy_version=version.version,
                              before=change.before, after=change.after)
    return len(changes)

