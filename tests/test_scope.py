"""The one scoping primitive: everything of a partnership, or only the provider's own records."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from jointly.accounts.permissions import Perm, scope_for, scopes_for, visible_to
from jointly.contracts.models import Contract
from tests import factories
from tests.factories import contract


@pytest.fixture
def contracts(world):
    other_provider = factories.organisation(slug="beta-trust", name="Beta Trust")
    factories.member(world.p, other_provider, "provider")
    factories.member(world.other, other_provider, "provider")
    return {
        "own": contract(world.p, world.provider, world.council),
        "rival": contract(world.p, other_provider, world.council),
        "foreign": contract(world.other, other_provider, world.other_council),
    }


def test_commissioner_sees_every_record_of_the_partnership(world, contracts):
    s = scope_for(world.users["commissioner"], world.p)
    assert s.everything and s.organisation_ids is None
    assert set(s.filter(Contract.objects.filter(partnership=world.p))) == {
        contracts["own"],
        contracts["rival"],
    }


def test_provider_sees_only_its_own_organisations_records(world, contracts):
    s = scope_for(world.users["provider"], world.p)
    assert not s.everything
    assert s.organisation_ids == frozenset({world.provider.pk})
    assert list(s.filter(Contract.objects.all(), partnership_path="partnership")) == [contracts["own"]]
    assert s.allows(world.provider.pk) and not s.allows(contracts["rival"].provider_id, None)


def test_member_without_either_permission_is_refused(world):
    with pytest.raises(PermissionDenied):
        scope_for(world.users["viewer"], world.p, every=Perm.EDIT_CONTRACTS, own=None)


def test_outsider_has_no_scope_in_a_partnership_it_is_not_in(world):
    with pytest.raises(PermissionDenied):
        scope_for(world.outsider, world.p)


def test_superuser_bypass_can_be_switched_off_by_a_model_policy(world):
    assert scope_for(world.admin, world.p).everything
    with pytest.raises(PermissionDenied):
        scope_for(world.admin, world.p, superuser_bypass=False)


def test_visible_to_spans_partnerships_in_constant_queries(world, contracts, django_assert_max_num_queries):
    provider = world.users["provider"]
    with django_assert_max_num_queries(3):
        rows = list(visible_to(provider, Contract.objects.all(), "partnership", "provider"))
    assert rows == [contracts["own"]]
    outsider_rows = set(visible_to(world.outsider, Contract.objects.all(), "partnership", "provider"))
    assert outsider_rows == {contracts["foreign"]}
    assert set(visible_to(world.admin, Contract.objects.all(), "partnership")) == set(contracts.values())
    assert scopes_for(world.admin) is None
