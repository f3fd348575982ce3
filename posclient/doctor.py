"""``posclient doctor``: is this till fit to sell and to sync? A report IT can read and script on.

Each check gives one line, ``OK``, ``WARN`` or ``FAIL``, its name and what was found:

- ``database``: the file opens, ``PRAGMA integrity_check`` (``quick_check`` above
  :data:`QUICK_CHECK_ABOVE_MB`), its schema against this version, its size;
- ``disk``: free space where the database lives (an upgrade first copies the database);
- ``printer``: the receipt printer set up for this till answers;
- ``keyring``: a test entry can be written, read and removed; the till's token is there;
- ``server``: the central answers ``GET /v1/health`` with its TLS certificate verified, and
  accepts this till's token;
- ``clock``: this machine's clock against the central's (receipts and events carry the time);
- ``events``: business events waiting to upload, and rejected ones;
- ``last sync``: when this till last synced, and the last error;
- ``audit``: the audit log record by record (``posclient audit verify``), with this till's key
  from the keyring; a log that is not keyed (no keyring) is a warning.

Exit codes (:attr:`Report.exit_code`): 0 every check OK; 1 at least one FAIL; 5 warnings only
(e.g. no printer set up, or not enrolled yet). The database is only read: a database of an
older schema is reported, not upgraded.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import ssl
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from posclient import __version__
from sync.http import BoundedTransport  # each check ends by its deadline, answers bounded

QUICK_CHECK_ABOVE_MB = 500  # a full integrity_check reads every page: quick_check above this
FREE_FAIL_MB = 200  # below this much free disk, FAIL (and below twice the database's size)
FREE_WARN_MB = 1_000
SKEW_WARN_S = 30  # clock difference to the central
SKEW_FAIL_S = 300
EVENTS_LATE = timedelta(hours=1)  # events waiting longer than this: WARN
SYNC_LATE = timedelta(hours=24)  # no successful sync for this long: WARN

EXIT_OK, EXIT_FAIL, EXIT_WARN = 0, 1, 5


class Level(StrEnum):
    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Check:
    name: str
    level: Level
    detail: str
    data: dict[str, Any] = field(default_factory=dict)  # figures, for --json

    def line(self) -> str:
        return f"{self.level.value:<4} {self.name}: {self.detail}"


@dataclass
class Report:
    database: str
    checks: list[Check]

    @property
    def exit_code(self) -> int:
        levels = {c.level for c in self.checks}
        if Level.FAIL in levels:
            return EXIT_FAIL
        return EXIT_WARN if Level.WARN in levels else EXIT_OK

    def text(self) -> str:
        fails = sum(c.level is Level.FAIL for c in self.checks)
        warns = sum(c.level is Level.WARN for c in self.checks)
        summary = ("all checks OK" if not fails + warns
                   else f"{fails} failed, {warns} warning(s)")
        return "\n".join([*(c.line() for c in self.checks),
                          f"posclient {__version__} doctor, {self.database}: {summary}"]) + "\n"

    def as_json(self) -> str:
        return json.dumps({"version": __version__, "database": self.database,
                           "exit_code": self.exit_code,
                           "checks": [{**asdict(c), "level": c.level.value}
                                      for c in self.checks]},
                          ensure_ascii=False, indent=2) + "\n"


@dataclass
class _Facts:
    """What the checks learn from each other (the database's sync state, the server's time)."""

    state: dict[str, str] = field(default_factory=dict)
    printer: dict[str, Any] | None = None
    pending: int = 0
    rejected: int = 0
    oldest_pending: str | None = None
    token: str | None = None
    keyring_ok: bool = False
    server_time: datetime | None = None
    server_checked: bool = False


def run_doctor(db_path: str | Path, *, tokens: Any = None,
               now: Callable[[], datetime] | None = None, verify: bool | str = True,
               timeout: float = 5.0, full_check: bool = False) -> Report:
    """Every check on the till database at ``db_path``. ``tokens``: a
    :class:`sync.credentials.TokenStore` (default: the configured OS keyring). ``now``: this
    machine's clock (tests pass the central's)."""
    if tokens is None:
        from sync.credentials import TokenStore

        tokens = TokenStore()
    now = now or (lambda: datetime.now(UTC))
    path = Path(db_path)
    facts = _Facts()
    checks = [_database(path, facts, full_check), _disk(path), _printer(facts),
              _keyring(tokens, facts)]
    checks.append(_server(facts, verify, timeout, now))
    checks += [_clock(facts, now), _events(facts, now), _last_sync(facts, now),
               _audit(path, tokens, facts)]
    return Report(str(path), checks)


# -- the checks ---------------------------------------------------------------------------------

def _mb(n: float) -> str:
    return f"{n / 1_000_000:,.1f} MB"


def _database(path: Path, facts: _Facts, full: bool) -> Check:
    from posclient.store.db import APP_ID, latest_version

    name = "database"
    if not path.exists():
        return Check(name, Level.FAIL, f"no till database at {path} (provision this till: "
                     "posclient enrol, or start the till for its set-up page)")
    size = sum(f.stat().st_size for f in (path, Path(f"{path}-wal")) if f.exists())
    data: dict[str, Any] = {"path": str(path), "size_bytes": size}
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        return Check(name, Level.FAIL, f"{path} cannot be opened: {exc}", data)
    with contextlib.closing(conn):
        try:
            if conn.execute("PRAGMA application_id").fetchone()[0] != APP_ID:
                return Check(name, Level.FAIL, f"{path} is not a posclient till database",
                             data)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            pragma = "integrity_check" if full or size < QUICK_CHECK_ABOVE_MB * 1_000_000 \
                else "quick_check"
            started = time.monotonic()
            problems = [r[0] for r in conn.execute(f"PRAGMA {pragma}(20)")]
            data.update(schema=version, check=pragma,
                        check_seconds=round(time.monotonic() - started, 2))
            if problems != ["ok"]:
                return Check(name, Level.FAIL, f"{pragma} found damage ({problems[0]}; "
                             f"{len(problems)} problem(s)): stop selling on this till and "
                             "restore the latest backup", {**data, "problems": problems})
            _read_facts(conn, facts)
        except sqlite3.Error as exc:
            return Check(name, Level.FAIL, f"{path} cannot be read: {exc}", data)
    latest = latest_version()
    what = f"{path}, {_mb(size)}, schema {version}, {pragma} ok"
    if version > latest:
        return Check(name, Level.FAIL, f"{what}; written by a newer posclient (this one knows "
                     f"up to schema {latest}): install the newer version", data)
    if version < latest:
        return Check(name, Level.WARN, f"{what}; upgrades to schema {latest} at the next "
                     "start (a copy is taken first)", data)
    return Check(name, Level.OK, what, data)


def _read_facts(conn: sqlite3.Connection, facts: _Facts) -> None:
    from posclient.store.outbox import waiting
    from posclient.store.sync_state import all_state
    from posclient.store.terminal_config import config_json

    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "sync_state" in tables:
        facts.state = all_state(conn)
    if "outbox" in tables:
        events = waiting(conn)
        facts.pending, facts.rejected = events.pending, events.rejected
        facts.oldest_pending = events.oldest_pending
    if "terminal_config" in tables:
        printer = config_json(conn, "printer")
        facts.printer = json.loads(printer) if printer else None


def _disk(path: Path) -> Check:
    folder = path.parent if path.parent.exists() else Path.cwd()
    usage = shutil.disk_usage(folder)
    size = path.stat().st_size if path.exists() else 0
    data = {"folder": str(folder), "free_bytes": usage.free, "total_bytes": usage.total}
    what = f"{_mb(usage.free)} free of {_mb(usage.total)} in {folder}"
    if usage.free < max(FREE_FAIL_MB * 1_000_000, 2 * size):
        return Check("disk", Level.FAIL, f"{what}: too little for sales and for the copy an "
                     f"upgrade takes first (at least {max(FREE_FAIL_MB, 2 * size // 1_000_000)}"
                     " MB)", data)
    if usage.free < FREE_WARN_MB * 1_000_000:
        return Check("disk", Level.WARN, f"{what}: running low", data)
    return Check("disk", Level.OK, what, data)


def _printer(facts: _Facts) -> Check:
    from posclient.devices.printer import PrinterConfig, PrinterStatus, ReceiptPrinter
    from posclient.domain.errors import PosError

    try:
        config = PrinterConfig.from_dict(facts.printer or {})
        if config.kind == "none":
            return Check("printer", Level.WARN, "no receipt printer is set up for this till "
                         "(Settings, Ctrl+M)", {"kind": "none"})
        status = ReceiptPrinter(config).status()
    except (PosError, ValueError, TypeError) as exc:
        return Check("printer", Level.FAIL, f"the printer setting is not usable: {exc}")
    where = f"{config.kind} {config.where}".strip()
    data = {"kind": config.kind, "where": config.where, "status": status.value}
    if status is PrinterStatus.OK:
        return Check("printer", Level.OK, f"{where} answers: ready", data)
    if status is PrinterStatus.UNKNOWN:
        return Check("printer", Level.OK, f"{where} can be written to (it cannot report "
                     "paper or cover)", data)
    said = {PrinterStatus.OFFLINE: "does not answer (off, unplugged, or a wrong address)",
            PrinterStatus.PAPER_OUT: "is out of paper",
            PrinterStatus.COVER_OPEN: "has its cover open"}.get(status, status.value)
    return Check("printer", Level.FAIL, f"{where} {said}", data)


def _keyring(tokens: Any, facts: _Facts) -> Check:
    from sync.credentials import SERVICE, KeyringUnavailable

    enrolled = bool(facts.state.get("server_url"))
    try:
        backend = tokens.backend
        probe = f"doctor-probe-{uuid.uuid4().hex[:8]}"
        backend.set_password(f"{SERVICE}-doctor", probe, "ok")
        read = backend.get_password(f"{SERVICE}-doctor", probe)
        backend.delete_password(f"{SERVICE}-doctor", probe)
        if read != "ok":
            raise KeyringUnavailable("a test entry written to the keyring did not read back")
    except KeyringUnavailable as exc:
        return Check("keyring", Level.FAIL if enrolled else Level.WARN,
                     f"{exc}" + ("" if enrolled else " (needed to enrol this till)"))
    except Exception as exc:  # any backend's own error: locked, refused, no D-Bus
        return Check("keyring", Level.FAIL if enrolled else Level.WARN,
                     f"the keyring {type(backend).__name__} cannot be used: {exc}")
    facts.keyring_ok = True
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    data = {"backend": name}
    if not enrolled:
        return Check("keyring", Level.OK, f"{name} stores, reads and removes a test entry",
                     data)
    from sync import till_identity

    server = facts.state["server_url"]
    me = till_identity.from_state(facts.state)
    held = till_identity.held_token(me, tokens) if me is not None else None
    facts.token = held.token if held is not None else None
    if not facts.token:
        return Check("keyring", Level.FAIL, f"{name} works, but this till's token for "
                     f"{server} is not in it: enrol again (posclient enrol --again with a "
                     "code made for this till)", data)
    return Check("keyring", Level.OK, f"{name} works and holds this till's token", data)


def _server(facts: _Facts, verify: bool | str, timeout: float,
            now: Callable[[], datetime]) -> Check:
    server = facts.state.get("server_url")
    if not server:
        return Check("server", Level.WARN, "this till is not enrolled with a central "
                     "(posclient enrol --server URL --code CODE)")
    data: dict[str, Any] = {"url": server}
    auth = _ask_server(facts, server, verify, timeout, now, data)
    if isinstance(auth, Check):
        return auth
    return _judge_server(facts, server, verify, data, auth)


def _ask_server(facts: _Facts, server: str, verify: bool | str, timeout: float,
                now: Callable[[], datetime], data: dict[str, Any]
                ) -> Check | httpx.Response | None:
    """Ask the central's health (its schema and protocol go into ``data``) and, when the
    keyring holds a token, whose token it is: a failed check, or the answer to whoami (None:
    not asked)."""
    trust: bool | ssl.SSLContext = verify if isinstance(verify, bool) else \
        ssl.create_default_context(cafile=verify)
    try:
        with httpx.Client(timeout=timeout, verify=trust, transport=BoundedTransport(
                server=server, verify=trust, deadline_s=2 * timeout)) as http:
            sent = now()
            resp = http.get(f"{server}/v1/health")
            facts.server_time = _server_time(resp, sent, now())
            facts.server_checked = True
            if resp.status_code != 200:
                return Check("server", Level.FAIL, f"{server} answers /v1/health with HTTP "
                             f"{resp.status_code}: the central or its database has a problem",
                             {**data, "status": resp.status_code})
            health = resp.json()
            data.update(schema=health.get("schema_version"), protocol=health.get("protocol"))
            if not facts.token:
                return None
            # whose token this is: this till's, or another store's T01's
            return http.get(f"{server}/v1/whoami",
                            headers={"Authorization": f"Bearer {facts.token}"})
    except httpx.ConnectError as exc:
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY" in str(exc):
            return Check("server", Level.FAIL, f"{server}: its TLS certificate is not trusted "
                         f"({exc}); install the right certificate on the central, or give "
                         "this till its CA (--ca-bundle)", data)
        return Check("server", Level.FAIL, f"{server} cannot be reached ({exc})", data)
    except (httpx.HTTPError, ValueError) as exc:
        return Check("server", Level.FAIL, f"{server} does not answer properly ({exc})", data)


def _judge_server(facts: _Facts, server: str, verify: bool | str, data: dict[str, Any],
                  auth: httpx.Response | None) -> Check:
    """The central answered its health: is the token this till's, is the line protected?"""
    tls = server.startswith("https://")
    what = (f"{server} answers (schema {data['schema']}, protocol {data['protocol']}), "
            + ("TLS certificate verified" if tls and verify else
               "TLS NOT verified" if tls else "plain HTTP"))
    if auth is not None and auth.status_code in (401, 403):
        return Check("server", Level.FAIL, f"{what}; it refuses this till's token (revoked?):"
                     " enrol again with a code made for this till", data)
    if auth is not None and auth.status_code == 200:
        why = _not_this_tills(facts, auth)
        if why is not None:
            return Check("server", Level.FAIL, f"{what}; {why}", data)
    if not facts.token:
        what += "; this till's token was not tried (not in the keyring)"
    host = urlsplit(server).hostname or ""
    if (not tls or not verify) and host not in ("127.0.0.1", "localhost", "::1"):
        return Check("server", Level.WARN, f"{what}: sales and tokens cross the network "
                     "unprotected; use https:// with a certificate the till trusts", data)
    return Check("server", Level.OK, what, data)


def _not_this_tills(facts: _Facts, auth: httpx.Response) -> str | None:
    """Why the token in the keyring is not this till's (the central's whoami), or None."""
    from pydantic import ValidationError

    from sync import till_identity
    from sync.protocol import WhoAmI

    me = till_identity.from_state(facts.state)
    try:
        answer = WhoAmI.model_validate_json(auth.content)
    except ValidationError:
        return "its answer to whoami is not understood (an older central?)"
    why = till_identity.refusal(me, answer) if me is not None else None
    return why.message if why is not None else None


def _server_time(resp: httpx.Response, sent: datetime, received: datetime) -> datetime | None:
    """The central's time at the middle of the round trip: health's ``server_time``, else the
    ``Date`` header (whole seconds)."""
    from email.utils import parsedate_to_datetime

    with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError):
        t = datetime.fromisoformat(str(resp.json()["server_time"]).replace("Z", "+00:00"))
        return t if t.tzinfo else t.replace(tzinfo=UTC)
    with contextlib.suppress(ValueError, KeyError, TypeError):
        return parsedate_to_datetime(resp.headers["date"])
    return None


def _clock(facts: _Facts, now: Callable[[], datetime]) -> Check:
    if facts.server_time is None:
        why = "the central was not reached" if facts.state.get("server_url") else \
            "not enrolled"
        return Check("clock", Level.WARN, f"not compared with the central ({why}); this "
                     f"machine says {now():%Y-%m-%d %H:%M:%S %Z}")
    skew = (now() - facts.server_time).total_seconds()
    data = {"skew_seconds": round(skew, 1)}
    what = (f"{abs(skew):.1f} s {'ahead of' if skew > 0 else 'behind'} the central" if
            abs(skew) >= 0.5 else "agrees with the central")
    if abs(skew) > SKEW_FAIL_S:
        return Check("clock", Level.FAIL, f"{what}: set this machine's time (NTP); receipts "
                     "and events carry it", data)
    if abs(skew) > SKEW_WARN_S:
        return Check("clock", Level.WARN, f"{what}: check this machine's time sync (NTP)",
                     data)
    return Check("clock", Level.OK, what, data)


def _age(since: str | None, now: Callable[[], datetime]) -> timedelta | None:
    if not since:
        return None
    try:
        t = datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        return None
    return now() - (t if t.tzinfo else t.replace(tzinfo=UTC))


def _events(facts: _Facts, now: Callable[[], datetime]) -> Check:
    data = {"pending": facts.pending, "rejected": facts.rejected,
            "oldest_pending": facts.oldest_pending}
    what = f"{facts.pending:,} waiting to upload"
    if facts.rejected:
        return Check("events", Level.FAIL, f"{what}, {facts.rejected:,} REJECTED by the "
                     "central: a manager must look at them (posclient status; the central's "
                     "quarantine)", data)
    age = _age(facts.oldest_pending, now)
    if facts.pending and age is not None and age > EVENTS_LATE:
        return Check("events", Level.WARN, f"{what}, the oldest since {facts.oldest_pending}",
                     data)
    return Check("events", Level.OK, what + ", none rejected", data)


def _last_sync(facts: _Facts, now: Callable[[], datetime]) -> Check:
    if not facts.state.get("server_url"):
        return Check("last sync", Level.WARN, "never (not enrolled)")
    last = facts.state.get("last_sync_at")
    error = facts.state.get("last_error")
    data = {"last_sync_at": last, "last_error": error, "cursor": facts.state.get("cursor")}
    if not last:
        return Check("last sync", Level.WARN, "never: run posclient sync --once, or start the "
                     "till" + (f" (last error: {error})" if error else ""), data)
    age = _age(last, now)
    what = f"{last}" + (f", {_ago(age)} ago" if age is not None else "")
    if facts.state.get("online") == "0" and error:
        return Check("last sync", Level.WARN, f"{what}; since then: {error}", data)
    if age is not None and age > SYNC_LATE:
        return Check("last sync", Level.WARN, f"{what}: the till has not synced for a day",
                     data)
    return Check("last sync", Level.OK, what, data)


def _ago(age: timedelta) -> str:
    s = max(0, int(age.total_seconds()))
    if s < 120:
        return f"{s} s"
    if s < 7200:
        return f"{s // 60} min"
    return f"{s // 3600} h" if s < 172_800 else f"{s // 86_400} days"


def _audit(path: Path, tokens: Any, facts: _Facts) -> Check:
    """The audit log against its chain, this till's key and its head (read only)."""
    from posclient.store import audit
    from posclient.store.audit_head import AuditKey, Keying, head_path

    database_id = facts.state.get("database_id")
    if not database_id:
        return Check("audit", Level.WARN, "not checked: the database could not be read")
    keying, key = Keying.UNKEYED, None
    try:
        key = AuditKey.from_text(tokens.load_audit_key(database_id))
    except Exception:  # no keyring, or any backend's own error: the keyring check says which
        keying = Keying.NO_KEYRING
    try:
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                                timeout=5)) as conn:
            report = audit.verify(conn, key, head_path(path))
    except sqlite3.Error as exc:
        return Check("audit", Level.WARN, f"not checked: {exc} (a database of an older schema "
                     "is checked after its upgrade, at the next start)")
    data = {"records": report.records, "keyed_from": report.keyed_from, "head": report.head,
            "problems": [str(p) for p in report.problems]}
    if report.problems:
        return Check("audit", Level.FAIL, f"{len(report.problems)} problem(s) in "
                     f"{report.records:,} record(s), first: {report.problems[0]} (posclient "
                     "audit verify lists them)", data)
    notes = report.notes(Keying.KEYED if key is not None else keying)
    what = "; ".join([f"{report.records:,} record(s) intact", *map(str, notes[:1])])
    return Check("audit", Level.OK if key is not None else Level.WARN, what, data)
