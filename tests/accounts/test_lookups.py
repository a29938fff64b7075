"""accounts.lookups: the session's user and the API token read with SQL built once give the
very objects the ORM's select_related gives (issue 16), in one query each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user
from django.db.models import Model
from django.test import RequestFactory
from django.utils import timezone

from accounts.authentication import hash_key
from accounts.lookups import token_with_user, user_with_membership
from accounts.models import ApiToken, Membership, User
from accounts.services import api_token_issue
from tests.factories import (
    BusinessFactory,
    InstitutionFactory,
    UserFactory,
    institution_staff,
    member_user,
    prime_user,
)

pytestmark = pytest.mark.django_db


def _same(ours: Model, orm: Model) -> None:
    assert type(ours) is type(orm)
    for field in type(orm)._meta.concrete_fields:
        mine, theirs = getattr(ours, field.attname), getattr(orm, field.attname)
        assert (mine, type(mine)) == (theirs, type(theirs)), field.attname
    assert ours._state.db == orm._state.db and ours._state.adding is False


@pytest.mark.parametrize("make", [
    lambda: prime_user(BusinessFactory(), can_draft_applications=True),
    lambda: member_user(BusinessFactory(), can_edit_record=True),
    lambda: institution_staff(InstitutionFactory()),
    lambda: UserFactory(),
], ids=["prime", "member", "institution staff", "no membership"])
def test_the_user_is_the_one_the_orm_loads_with_its_membership(make, django_assert_num_queries):
    user = make()
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - dt.timedelta(hours=3))
    orm = User.objects.select_related("membership").get(pk=user.pk)
    with django_assert_num_queries(1):
        ours = user_with_membership(str(user.pk))  # the session holds the id as text
        membership = ours.membership_or_none  # no second query, present or not
    _same(ours, orm)
    if orm.membership_or_none is None:
        assert membership is None
    else:
        _same(membership, orm.membership)
        assert membership.user is ours


def test_no_user_for_an_unknown_or_malformed_id():
    assert user_with_membership(10**12) is None
    assert user_with_membership("not a number") is None


def test_the_token_is_the_one_the_orm_loads_with_its_user_and_membership(django_assert_num_queries):
    user = member_user(BusinessFactory())
    token, key = api_token_issue(user=user, name="会計ソフト")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    orm = ApiToken.objects.select_related("user", "user__membership").get(key_hash=hash_key(key))
    with django_assert_num_queries(1):
        ours = token_with_user(hash_key(key))
        assert ours.user.membership.business_id == user.membership.business_id
    _same(ours, orm)
    _same(ours.user, orm.user)
    _same(ours.user.membership, orm.user.membership)
    assert token_with_user(hash_key("no such key")) is None


def test_a_session_signs_in_through_the_lookup_and_a_deactivated_user_is_signed_out(client):
    user = member_user(BusinessFactory())
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session = client.session
    signed_in = get_user(request)
    assert signed_in.pk == user.pk and isinstance(signed_in.membership, Membership)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert not get_user(request).is_authenticated
