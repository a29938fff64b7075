"""Pages of accounts: business sign-up, マイページ per role, member management."""

from __future__ import annotations

from typing import Any

from allauth.account.internal import flows
from allauth.account.views import SignupView
from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.forms import add_errors_to_form
from core.navigation import navigation_for

from .forms import (
    ApiTokenForm,
    BusinessSignupForm,
    MemberAddForm,
    MemberPermissionsForm,
)
from .models import Membership
from .mypage import mypage_response
from .permissions import AuthenticatedHttpRequest, role_required
from .selectors import api_tokens_of, member_for_prime, member_list, mypage_summary
from .services import (
    business_register,
    member_create,
    member_remove,
    member_update_permissions,
)


class BusinessSignupView(SignupView):  # type: ignore[misc]  # allauth ships no type information
    """allauth's sign-up, made atomic with the business: the user, its e-mail address and
    the business with its Entry membership are written together or not at all."""

    def form_valid(self, form: BusinessSignupForm) -> Any:  # allauth's responses are untyped
        try:
            with transaction.atomic():
                self.user, response = form.try_save(self.request)
                if self.user is not None:
                    business_register(user=self.user, **form.business_fields())
        except ApplicationError as error:
            add_errors_to_form(form, error.errors)
            return self.form_invalid(form)
        if response:
            return response
        # The rest as allauth's own SignupView.form_valid does it.
        try:
            return flows.signup.complete_signup(self.request, user=self.user, redirect_url=self.get_success_url(),
                                                by_passkey=form.by_passkey)
        except ImmediateHttpResponse as immediate:
            return immediate.response


business_signup = BusinessSignupView.as_view()


@login_required
def mypage(request: AuthenticatedHttpRequest) -> HttpResponse:
    """マイページ: the start page of each role, with links to where that role works."""
    def render_page(extra: dict[str, Any]) -> HttpResponse:
        links = [item for item in navigation_for(request) if item["url"] != request.path]
        return render(request, "accounts/mypage.html", {
            "summary": mypage_summary(user=request.user), "links": links, "crumbs": [(_("My page"), None)], **extra,
        })

    # A business user's page comes from a page cached per user (accounts.mypage).
    return mypage_response(request, render_page=render_page,
                           tokens=lambda: list(api_tokens_of(user=request.user)[:TOKENS_ON_MYPAGE]))


TOKENS_ON_MYPAGE = 10


@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's API tokens: create one (its key is shown on this response only), see
    when each expires and was last used, revoke."""
    from .services import api_token_issue

    crumbs = [(_("My page"), reverse("accounts:mypage")), (_("API tokens"), None)]
    new_key = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                _token, new_key = api_token_issue(user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"])
            except ApplicationError as error:
                add_errors_to_form(form, error.errors)
            else:
                form = ApiTokenForm()
    else:
        form = ApiTokenForm()
    response = render(request, "accounts/api_tokens.html", {
        "form": form, "tokens": api_tokens_of(user=request.user), "new_key": new_key, "crumbs": crumbs,
    })
    if new_key:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def api_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    """Confirm, then end a token at once. Another user's token is "not found"."""
    from .services import api_token_revoke as revoke

    token = api_tokens_of(user=request.user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    if request.method == "POST":
        revoke(actor=request.user, token_id=token.pk)
        messages.success(request, _("The token was revoked. Programs that use it can no longer reach the API."))
        return redirect("accounts:api-tokens")
    crumbs = [(_("My page"), reverse("accounts:mypage")), (_("API tokens"), reverse("accounts:api-tokens")),
              (_("Revoke a token"), None)]
    return render(request, "accounts/api_token_revoke.html", {"token": token, "crumbs": crumbs})


@role_required("prime")
def members(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The Prime holder manages Members; nobody else may see this page."""
    if request.method == "POST":
        form = MemberAddForm(request.POST)
        if form.is_valid():
            try:
                member_create(actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                add_errors_to_form(form, error.errors)
            else:
                messages.success(request, _("The member was added. They will receive an e-mail to set their password."))
                return redirect("accounts:members")
    else:
        form = MemberAddForm()
    memberships = list(member_list(viewer=request.user))
    for membership in memberships:
        if membership.account_type == Membership.AccountType.MEMBER:
            membership.permission_form = MemberPermissionsForm(prefix=f"m{membership.pk}", initial={
                "can_draft_applications": membership.can_draft_applications,
                "can_edit_record": membership.can_edit_record,
            })
    return render(request, "accounts/members.html", {
        "memberships": memberships, "form": form,
        "crumbs": [(_("My page"), reverse("accounts:mypage")), (_("Members"), None)],
    })


@role_required("prime")
@require_POST
def member_permissions(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    form = MemberPermissionsForm(request.POST, prefix=f"m{membership_id}")
    if not form.is_valid():
        raise Http404
    try:
        member_update_permissions(actor=request.user, membership_id=membership_id, **form.cleaned_data)
    except Membership.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("The member's permissions were changed."))
    return redirect("accounts:members")


@role_required("prime")
def member_remove_confirm(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    """Removal is irreversible: a page of its own asks for confirmation first."""
    membership = member_for_prime(viewer=request.user, membership_id=membership_id)
    if membership is None:
        raise Http404
    if request.method == "POST":
        try:
            member_remove(actor=request.user, membership_id=membership_id)
        except Membership.DoesNotExist as exc:
            raise Http404 from exc
        messages.success(request, _("%(email)s was removed from your business.") % {"email": membership.user.email})
        return redirect("accounts:members")
    return render(request, "accounts/member_remove.html", {"membership": membership, "crumbs": [
        (_("My page"), reverse("accounts:mypage")), (_("Members"), reverse("accounts:members")), (_("Remove a member"), None),
    ]})
