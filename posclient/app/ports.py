"""What the till's services and window need from the sync side and from the till's devices, as
interfaces (ports).

The real implementations are in ``sync/`` (the engine, enrolment, the keyring's token store) and
``posclient/devices/`` (the card terminal, the receipt printer and its drawer, the pole display);
``posclient.app`` and ``posclient.ui`` never import them. The composition root
(posclient/till_wiring.py and the command line, posclient/cli.py) builds them and hands them over.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from posclient.domain.errors import PosError
from posclient.domain.money import Money
from posclient.domain.payment_terminal import AttemptStatus, PaymentResult
from posclient.domain.pole_config import PoleConfig
from posclient.domain.privacy import MemberKeys
from posclient.domain.receipt import Receipt
from posclient.domain.sync_status import SyncStatus

if TYPE_CHECKING:
    from uuid import UUID

    from sync.protocol import EnrolResponse, MemberData, WhoAmI
    from sync.protocol.stock import AvailabilityAnswer, Reservation, ReservationRequest


class SyncEnginePort(Protocol):
    """The background sync engine (sync/engine.py ``SyncEngine``) as the window drives it: its
    status, a nudge, start and stop. The cashier's calls to the central go through it too;
    each dialog names the ones it uses (e.g. posclient/ui/returns.py ``ReturnsCentral``)."""

    on_status: Callable[[SyncStatus], None] | None  # called on the engine's own thread

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def sync_now(self) -> None:
        """Wake the engine for a cycle now (after a sale, or 'Sync now')."""

    def status(self) -> SyncStatus: ...


class TokenStorePort(Protocol):
    """Where a till's token is kept (sync/credentials.py ``TokenStore``: the OS keyring). The
    till's services only hand it to enrolment; its keys are the sync side's own."""

    def load(self, key: Any) -> str | None: ...

    def save(self, key: Any, token: str) -> None: ...


class EnrolmentPort(Protocol):
    """Enrolling this till with the central and moving it to a new address of the same central
    (sync/enrol.py). Any thread; a refusal or a network fault raises (sync's ``SyncError``)."""

    def enrol(self, db_path: Path, server_url: str, code: str, terminal_name: str, *,
              tokens: Any, again: bool = False) -> EnrolResponse: ...

    def move_central(self, db_path: Path, server_url: str, *, tokens: Any) -> WhoAmI: ...


# Makes the keyring's token store when it is first needed (reading the keyring can fail).
TokensFactory = Callable[[], TokenStorePort]


class MemberKeysPort(Protocol):
    """The chain's member keys as this till keeps them: in the OS keyring, fetched from the
    central by the sync engine (sync/member_keys.py), never in the database."""

    def member_keys(self) -> MemberKeys:
        """The keys; raises ``Unavailable`` (code ``member_keys_missing``) when the till has
        none yet."""


class MemberDirectoryPort(Protocol):
    """The central's members, for a member this till does not hold (sync/engine.py
    ``SyncEngine.lookup_member``). Any thread; the till's own database is not touched. A
    refusal or a network fault raises a ``PosError`` a cashier can read (``member_unknown``,
    ``member_lookup_limited`` past the central's limit on this till's look-ups,
    ``central_unreachable`` ...)."""

    def lookup_member(self, *, phone_hash: str | None = None,
                      member_no: str | None = None) -> MemberData: ...


class ChainStockPort(Protocol):
    """The chain's stock at the central (issue 18; sync/chain_calls.py): F12's view of the other
    stores. Any thread (the window calls it in a worker); a short time-out. A refusal or a
    network fault raises a ``PosError`` a cashier can read (``central_unreachable`` ...)."""

    def chain_availability(self, product_id: int) -> AvailabilityAnswer:
        """One product at the stores of this till's group, nearest first."""


class AislePort(Protocol):
    """Holds on another store's stock for an order placed at this till (issue 18; sync/
    chain_calls.py). Any thread; a short time-out; a refusal or a network fault raises a
    ``PosError`` (``aisle_stock_short`` with what the store has free, ``central_unreachable``)."""

    def reserve_stock(self, req: ReservationRequest) -> Reservation:
        """Hold the lines at the request's store (idempotent on its request id)."""

    def release_stock(self, reservation_id: UUID) -> None:
        """Give a hold up (the sale was voided)."""


# -- the till's devices -----------------------------------------------------------------------


class PaymentTerminal(Protocol):
    """The card payment terminal (a bank's PIN pad; posclient/devices/payment.py has the
    simulator). Its answers are posclient/domain/payment_terminal.py."""

    def authorize(self, amount: Money, reference: str) -> PaymentResult:
        """Ask the customer's card for ``amount``; ``reference`` is unique per attempt."""
        ...

    def query(self, reference: str) -> AttemptStatus:
        """What became of the attempt made with ``reference`` (the merchant reference)."""
        ...

    def reverse(self, reference: str, amount: Money) -> PaymentResult:
        """Void an approved authorisation (sale voided before completion, or found approved
        without a sale at start-up); refused with a ``Refusal``."""
        ...

    def refund(self, amount: Money, reference: str, original: str) -> PaymentResult:
        """Give ``amount`` back to the card of an earlier payment (``original``: its
        authorisation reference, when known); ``reference`` is unique per attempt."""
        ...


class CashDrawer(Protocol):
    def open(self) -> None:
        """Kick the drawer open. Raises OSError when the device cannot be reached."""
        ...


class NoDrawer:
    """A till with no drawer connected: opening does nothing, and says so."""

    connected = False

    def open(self) -> None:
        return None


class ReceiptPrinterPort(Protocol):
    """The receipt printer (posclient/devices/printer.py ``ReceiptPrinter``). Each call is one
    job; a printer that cannot take it raises a ``PosError`` that is also an ``OSError``."""

    def __call__(self, receipt: Receipt) -> None:
        """Print a receipt."""

    def print_lines(self, lines: list[str]) -> None:
        """Print lines of text (a report)."""

    def test_page(self, lang: str | None = None) -> None: ...


class PoleDisplayPort(Protocol):
    """A customer pole display (posclient/devices/pole.py ``PoleDisplay``): two lines of
    (left, right) text; ``show`` never waits on the port."""

    config: PoleConfig

    def show(self, lines: tuple[tuple[str, str], ...]) -> None: ...

    def close(self, timeout: float = 2.0) -> None: ...


# Called with the fault (a PosError) when a pole display stops answering, None when it is back;
# on the display's own thread.
DisplayFaults = Callable[[PosError | None], None]


class TillDevices(Protocol):
    """Builds the till's devices from their settings in the terminal config (the composition
    root hands posclient/devices/connect.py ``Devices`` to the ``Terminal``)."""

    def check_printer(self, settings: Mapping[str, Any]) -> None:
        """Raise ``InvalidInput`` (code ``printer_config``) for a printer setting that cannot
        be used."""

    def connect_printer(self, settings: Mapping[str, Any],
                        lang: str) -> tuple[ReceiptPrinterPort, CashDrawer] | None:
        """The printer ``settings`` set up (receipts in ``lang``: "zh" or "en") and the cash
        drawer on its kick port; None when the setting is "no printer". Raises ``InvalidInput``
        for a bad setting."""

    def connect_pole(self, config: PoleConfig, on_fault: DisplayFaults) -> PoleDisplayPort:
        """The pole display ``config`` names (its port is opened when it first shows)."""
