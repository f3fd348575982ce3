"""Roles, the role each sensitive action needs, and input limits."""

from __future__ import annotations

import dataclasses

import pytest

from posclient.domain.policy import (
    DEFAULT_LIMITS,
    REQUIRED_ROLE,
    Action,
    Limits,
    Role,
    required_role,
)


def test_roles_rank_cashier_supervisor_manager() -> None:
    assert Role.CASHIER.rank < Role.SUPERVISOR.rank < Role.MANAGER.rank
    assert sorted(Role, key=lambda r: r.rank) == [Role.CASHIER, Role.SUPERVISOR, Role.MANAGER]


@pytest.mark.parametrize(
    ("role", "other", "expected"),
    [
        (Role.CASHIER, Role.CASHIER, True),
        (Role.CASHIER, Role.SUPERVISOR, False),
        (Role.CASHIER, Role.MANAGER, False),
        (Role.SUPERVISOR, Role.CASHIER, True),
        (Role.SUPERVISOR, Role.SUPERVISOR, True),
        (Role.SUPERVISOR, Role.MANAGER, False),
        (Role.MANAGER, Role.CASHIER, True),
        (Role.MANAGER, Role.SUPERVISOR, True),
        (Role.MANAGER, Role.MANAGER, True),
    ],
)
def test_at_least(role: Role, other: Role, expected: bool) -> None:
    assert role.at_least(other) is expected


def test_every_action_has_a_required_role() -> None:
    assert set(REQUIRED_ROLE) == set(Action)
    for action in Action:
        assert isinstance(required_role(action), Role)


@pytest.mark.parametrize(
    ("action", "role"),
    [
        (Action.PRICE_OVERRIDE, Role.SUPERVISOR),
        (Action.DISCOUNT_OVER_LIMIT, Role.SUPERVISOR),
        (Action.VOID_PAID_LINE, Role.SUPERVISOR),
        (Action.NO_SALE, Role.SUPERVISOR),
        (Action.UNLOCK_STAFF, Role.MANAGER),
        (Action.VOID_SALE, Role.CASHIER),
        (Action.REPRINT, Role.CASHIER),
    ],
)
def test_required_roles(action: Action, role: Role) -> None:
    assert required_role(action) is role


def test_a_manager_may_do_everything() -> None:
    assert all(Role.MANAGER.at_least(required_role(a)) for a in Action)


def test_roles_and_actions_have_stable_string_values() -> None:
    # Stored in the audit log and sent to the central service: renaming one breaks history.
    assert {r.value for r in Role} == {"cashier", "supervisor", "manager"}
    assert Role("supervisor") is Role.SUPERVISOR
    assert Action("price_override") is Action.PRICE_OVERRIDE


def test_default_limits() -> None:
    assert Limits() == DEFAULT_LIMITS
    assert DEFAULT_LIMITS.max_qty == 9_999
    assert DEFAULT_LIMITS.max_weight_g == 50_000
    assert DEFAULT_LIMITS.cashier_discount_limit_bp == 1_000
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_LIMITS.max_qty = 1  # type: ignore[misc]
