"""Staff login, lockout, idle lock and approvals, on a real database file."""

from __future__ import annotations

import pytest

from posclient.app.staff import Approval, StaffService
from posclient.domain.errors import ApprovalRequired, AuthError, PermissionDenied
from posclient.domain.policy import Action, Role
from posclient.store import audit


def audit_actions(till) -> list[tuple]:
    return till.store.conn.execute(
        "SELECT action, staff_id, approved_by FROM audit_log ORDER BY id").fetchall()


def test_login_with_right_pin_opens_a_session_and_is_audited(till):
    session = till.staff.login(1001, "1111")
    assert session.staff.name == "张伟"
    assert session.staff.role is Role.CASHIER
    assert audit_actions(till)[-1] == ("login", 1001, None)


REFUSAL = ("Wrong staff number or PIN. After 10 wrong PINs in a row a staff number is locked "
           "for 30 minutes; a manager can unlock it")


def test_wrong_pin_is_refused_and_counted(till):
    with pytest.raises(AuthError) as exc:
        till.staff.login(1001, "0000")
    assert str(exc.value) == REFUSAL
    assert till.store.conn.execute(
        "SELECT failed_pins FROM staff WHERE id = 1001").fetchone()[0] == 1
    assert audit_actions(till)[-1] == ("pin_failed", 1001, None)


def test_unknown_staff_number_gets_the_same_message_as_a_wrong_pin(till):
    with pytest.raises(AuthError, match="Wrong staff number or PIN") as exc:
        till.staff.login(4242, "1111")
    assert str(exc.value) == REFUSAL
    assert audit_actions(till)[-1] == ("pin_failed", 4242, None)  # a manager sees the tries


def test_ten_wrong_pins_lock_the_staff_number_for_thirty_minutes(till, clock):
    for _ in range(10):
        with pytest.raises(AuthError):
            till.staff.login(1001, "0000")
    assert till.store.conn.execute(
        "SELECT locked_until IS NOT NULL FROM staff WHERE id = 1001").fetchone()[0] == 1
    # Even the right PIN is refused while locked, in the same words.
    with pytest.raises(AuthError) as exc:
        till.staff.login(1001, "1111")
    assert str(exc.value) == REFUSAL
    clock.advance(minutes=29)
    with pytest.raises(AuthError):
        till.staff.login(1001, "1111")
    clock.advance(minutes=2)
    assert till.staff.login(1001, "1111").staff.id == 1001


def test_a_manager_unlocks_a_locked_staff_number(till):
    for _ in range(10):
        with pytest.raises(AuthError):
            till.staff.login(1002, "0000")
    manager = till.staff.login(3001, "3333")
    till.staff.unlock_staff(manager, 1002)
    assert till.staff.login(1002, "1212").staff.id == 1002
    assert ("unlock_staff", 3001, None) in audit_actions(till)


def test_a_cashier_cannot_unlock_staff(till):
    cashier = till.staff.login(1001, "1111")
    with pytest.raises(ApprovalRequired):
        till.staff.unlock_staff(cashier, 1002)


def test_lockout_survives_a_restart_of_the_till(till, clock):
    for _ in range(10):
        with pytest.raises(AuthError):
            till.staff.login(1002, "0000")
    fresh = StaffService(till.store, clock)  # a new process reads the same file
    with pytest.raises(AuthError):
        fresh.login(1002, "1212")
    assert [lo.staff.id for lo in fresh.lockouts(fresh.login(3001, "3333"))] == [1002]


def test_idle_session_locks_and_unlocks_with_the_same_pin(till, clock):
    session = till.staff.login(1001, "1111")
    till.staff.ensure_active(session)
    clock.advance(seconds=301)
    with pytest.raises(AuthError) as exc:
        till.staff.ensure_active(session)
    assert exc.value.code == "session_locked"
    with pytest.raises(AuthError):
        till.staff.unlock_session(session, "2222")
    till.staff.unlock_session(session, "1111")
    till.staff.ensure_active(session)


def test_cashier_needs_a_supervisor_for_a_price_override(till):
    cashier = till.staff.login(1001, "1111")
    with pytest.raises(ApprovalRequired) as exc:
        till.staff.authorize(cashier, Action.PRICE_OVERRIDE)
    assert exc.value.min_role == "supervisor"
    assert till.staff.authorize(cashier, Action.PRICE_OVERRIDE, Approval(2001, "2222")) == 2001


def test_approval_by_another_cashier_is_refused(till):
    cashier = till.staff.login(1001, "1111")
    with pytest.raises(PermissionDenied, match="cannot approve"):
        till.staff.authorize(cashier, Action.NO_SALE, Approval(1002, "1212"))


def test_approval_with_a_wrong_pin_is_refused_and_counted(till):
    cashier = till.staff.login(1001, "1111")
    with pytest.raises(AuthError):
        till.staff.authorize(cashier, Action.NO_SALE, Approval(2001, "9999"))
    assert till.store.conn.execute(
        "SELECT failed_pins FROM staff WHERE id = 2001").fetchone()[0] == 1


def test_supervisor_acts_without_asking_anyone(till):
    supervisor = till.staff.login(2001, "2222")
    assert till.staff.authorize(supervisor, Action.PRICE_OVERRIDE) is None


def test_audit_chain_is_intact_after_logins_and_failures(till):
    till.staff.login(1001, "1111")
    with pytest.raises(AuthError):
        till.staff.login(1001, "0")
    assert audit.verify(till.store.conn).problems == []


def test_an_edited_audit_record_is_detected(till):
    till.staff.login(1001, "1111")
    till.staff.login(2001, "2222")
    till.store.conn.execute("UPDATE audit_log SET staff_id = 1002 WHERE id = 1")
    assert any("altered" in str(p) for p in audit.verify(till.store.conn).problems)
