"""The PIN refusal tells nothing about the staff number: a wrong PIN, a number no one has, an
inactive member's number and a locked number read the same in both languages and cost the same
argon2 check; a manager still sees the lockouts. Real till database files, the real argon2."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

import pytest

from posclient.app.staff import Lockout, Staff
from posclient.domain.catalogue import message_for
from posclient.domain.errors import ApprovalRequired, AuthError, PosError
from posclient.domain.policy import Role


def refusal(staff, staff_id: int, pin: str) -> tuple:
    """Everything a refusal shows: its type, code, message id, details, and its words."""
    with pytest.raises(PosError) as caught:
        staff.login(staff_id, pin)
    exc = caught.value
    return (type(exc), exc.code, exc.message_id, tuple(sorted(exc.details.items())),
            message_for(exc, "en"), message_for(exc, "zh_CN"))


def test_every_refusal_reads_the_same_whatever_the_number(till, clock):
    till.store.conn.execute("UPDATE staff SET active = 0 WHERE id = 2001")
    seen = {
        # a real number's wrong PINs, on to its lockout and beyond
        *(refusal(till.staff, 1001, "0000") for _ in range(12)),
        refusal(till.staff, 1001, "1111"),  # the right PIN while locked
        # a number no one has, as many times
        *(refusal(till.staff, 4242, "0000") for _ in range(12)),
        refusal(till.staff, 2001, "2222"),  # an inactive member's right PIN
        refusal(till.staff, 2**64, "0000"),  # beyond any staff number
        refusal(till.staff, 0, "0000"),
    }
    assert len(seen) == 1, seen
    (kind, code, message_id, _, en, zh), = seen
    assert (kind, code, message_id) == (AuthError, "auth_failed", "auth_failed")
    assert en == ("Wrong staff number or PIN. After 10 wrong PINs in a row a staff number is "
                  "locked for 30 minutes; a manager can unlock it")
    assert zh == "工号或密码错误。连续输错 10 次密码后，工号将被锁定 30 分钟，店长可以解锁"
    # ... and the lockout itself still works for the real number
    assert till.store.conn.execute(
        "SELECT locked_until IS NOT NULL FROM staff WHERE id = 1001").fetchone()[0] == 1
    clock.advance(minutes=31)
    assert till.staff.login(1001, "1111").staff.id == 1001


def test_every_refusal_is_audited_and_says_which_kind_to_a_manager(till):
    for sid, pin in ((1001, "0000"), (4242, "0000")):
        with pytest.raises(AuthError):
            till.staff.login(sid, pin)
    rows = till.store.conn.execute(
        "SELECT staff_id, detail FROM audit_log WHERE action = 'pin_failed' ORDER BY id"
    ).fetchall()
    assert [(sid, json.loads(detail)) for sid, detail in rows] == [
        (1001, {"purpose": "login", "attempt": 1, "locked": False}),
        (4242, {"purpose": "login", "known": False})]


def _timed(call: Callable[[], object], runs: list[float]) -> None:
    start = time.perf_counter()
    with pytest.raises(AuthError):
        call()
    runs.append(time.perf_counter() - start)


def test_an_unknown_or_locked_number_costs_the_argon2_check_a_wrong_pin_does(till):
    """A refusal without the argon2 check takes about a millisecond (one small write), with it
    about twenty: medians of interleaved runs compared with a wide margin, so a loaded machine
    slows all three alike and the test does not flap."""
    for _ in range(10):  # 1002 is locked
        with pytest.raises(AuthError):
            till.staff.login(1002, "0000")
    paths = {"wrong pin": lambda: till.staff.login(1001, "0000"),
             "unknown": lambda: till.staff.login(4242, "0000"),
             "locked": lambda: till.staff.login(1002, "1212")}
    times: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(7):  # 1001 stays below its lockout: 7 wrong PINs
        for name, call in paths.items():
            _timed(call, times[name])
    median = {name: statistics.median(t) for name, t in times.items()}
    for name in ("unknown", "locked"):
        ratio = median[name] / median["wrong pin"]
        assert 0.4 < ratio < 2.5, (name, median)


def test_a_manager_sees_who_is_locked_or_being_counted_and_a_cashier_cannot(till, clock):
    for _ in range(3):
        with pytest.raises(AuthError):
            till.staff.login(1001, "0000")
    for _ in range(10):
        with pytest.raises(AuthError):
            till.staff.login(1002, "0000")
        with pytest.raises(AuthError):
            till.staff.login(4242, "0000")  # no one's: nothing to see
    manager = till.staff.login(3001, "3333")
    until = clock.now() + timedelta(minutes=30)
    assert till.staff.lockouts(manager) == [
        Lockout(Staff(1001, "张伟", Role.CASHIER), 3, None),
        Lockout(Staff(1002, "Li Na", Role.CASHIER), 0, until)]
    with pytest.raises(ApprovalRequired):
        till.staff.lockouts(till.staff.login(2001, "2222"))
    clock.advance(minutes=31)  # the lockout is over: only the count of 1001 is left
    assert [lo.staff.id for lo in till.staff.lockouts(manager)] == [1001]
