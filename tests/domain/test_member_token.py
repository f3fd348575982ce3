"""The member QR token (posclient/domain/member_token.py): a token signed with the central's key
verifies offline, and every tampered variant is refused with its own message: a byte flipped in
the payload or the signature, another key id, expired, issued in the future, cut off, too long,
another prefix; random mutations are never accepted."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from posclient.domain.catalogue import message_for
from posclient.domain.errors import InvalidInput
from posclient.domain.member_token import (
    CLOCK_SKEW_S,
    MAX_TOKEN_CHARS,
    PREFIX,
    MemberClaims,
    TokenKey,
    b64url,
    from_b64url,
    looks_like_token,
    public_key_of,
    sign_token,
    verify_kept_token,
    verify_token,
)

PRIVATE = bytes(range(32))  # a fixed test key (Ed25519 signing is deterministic)
OTHER = bytes(range(100, 132))
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
T = int(NOW.timestamp())
KEYS = {"k1": TokenKey("k1", public_key_of(PRIVATE), T - 86_400),
        "k2": TokenKey("k2", public_key_of(OTHER), T - 86_400)}
CLAIMS = MemberClaims(kid="k1", member_no="8800000001", tier="gold", masked_name="陈**",
                      points=1234, issued_at=T, expires_at=T + 600)


def token(claims: MemberClaims = CLAIMS, key: bytes = PRIVATE) -> str:
    return sign_token(claims, key)


def refused(text: str, now: datetime = NOW, keys: dict[str, TokenKey] = KEYS) -> str:
    """The message id a token is refused with."""
    with pytest.raises(InvalidInput) as exc:
        verify_token(text, keys, now)
    assert exc.value.message_id is not None
    return exc.value.message_id


def resigned_payload(doc: dict, key: bytes = PRIVATE) -> str:
    """A token whose payload is ``doc`` as given (not checked), signed with ``key``."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    body = PREFIX + b64url(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode())
    sig = Ed25519PrivateKey.from_private_bytes(key).sign(body.encode())
    return f"{body}.{b64url(sig)}"


def payload_of(text: str) -> dict:
    return json.loads(from_b64url(text.split(".")[1]))


def test_a_genuine_token_verifies_offline_with_the_public_key():
    t = token()
    assert t.startswith("MT1.") and len(t) <= MAX_TOKEN_CHARS
    assert verify_token(t, KEYS, NOW) == CLAIMS
    assert verify_token(f"  {t}\n", KEYS, NOW) == CLAIMS  # a scanner's Enter, spaces
    assert payload_of(t) == {"k": "k1", "n": "8800000001", "t": "gold", "m": "陈**",
                             "p": 1234, "i": T, "e": T + 600}
    assert looks_like_token(t) and looks_like_token("mt2.x") and not looks_like_token("MBR:1")


def test_a_byte_flipped_in_the_payload_or_the_signature_is_forged():
    t = token()
    prefix, payload, sig = t.split(".")
    raw = bytearray(from_b64url(payload))
    at = raw.index(b'"p":1234') + 7
    raw[at] ^= 0x01  # the points: 1234 -> 1235, still a well-formed payload
    assert refused(f"{prefix}.{b64url(bytes(raw))}.{sig}") == "member_token_invalid.forged"
    raw[0] ^= 0x01  # '{' -> 'z': not a payload at all
    assert refused(f"{prefix}.{b64url(bytes(raw))}.{sig}") == "member_token_invalid.malformed"
    raw_sig = bytearray(from_b64url(sig))
    raw_sig[10] ^= 0x80
    assert refused(f"{prefix}.{payload}.{b64url(bytes(raw_sig))}") == \
        "member_token_invalid.forged"
    # signed with another key the till knows, but naming k1: forged
    assert refused(token(key=OTHER)) == "member_token_invalid.forged"


def test_another_key_id_is_forged_or_unknown():
    other_kid = resigned_payload(payload_of(token()) | {"k": "k2"})  # signed by k1, says k2
    assert refused(other_kid) == "member_token_invalid.forged"
    assert verify_token(token(replace(CLAIMS, kid="k2"), OTHER), KEYS, NOW).kid == "k2"
    unknown = token(replace(CLAIMS, kid="k9"))
    assert refused(unknown) == "member_token_invalid.unknown_key"
    with pytest.raises(InvalidInput) as exc:
        verify_token(unknown, KEYS, NOW)
    assert "k9" in str(exc.value) and "同步" in message_for(exc.value, "zh_CN")


def test_expiry_and_the_future_allow_a_small_clock_skew():
    t = token()
    end = NOW + timedelta(seconds=600)
    assert verify_token(t, KEYS, end + timedelta(seconds=CLOCK_SKEW_S)) == CLAIMS
    assert refused(t, end + timedelta(seconds=CLOCK_SKEW_S + 1)) == "member_token_expired"
    early = NOW - timedelta(seconds=CLOCK_SKEW_S)  # the till's clock is behind the central's
    assert verify_token(t, KEYS, early) == CLAIMS
    assert refused(t, early - timedelta(seconds=1)) == "member_token_invalid.future"
    # a key retired at a rotation: its tokens end with it, whatever they say
    retired = {"k1": replace(KEYS["k1"], valid_to=T + 60)}
    assert verify_token(t, retired, NOW + timedelta(seconds=60 + CLOCK_SKEW_S)) == CLAIMS
    assert refused(t, NOW + timedelta(seconds=61 + CLOCK_SKEW_S), retired) == \
        "member_token_expired"
    # a key not in force yet: the till's clock is far behind
    later = {"k1": replace(KEYS["k1"], valid_from=T + 3600)}
    assert refused(t, NOW, later) == "member_token_invalid.future"


def test_a_kept_token_verifies_after_it_expired_but_only_if_genuine_when_issued():
    """A token kept with a suspended sale is verified again when the sale is resumed: its age
    does not matter, its signature and the key's period when it was issued do."""
    text = token()
    assert refused(text, NOW + timedelta(hours=3)) == "member_token_expired"
    assert verify_kept_token(text, KEYS) == CLAIMS
    flipped = text[:-3] + ("A" if text[-3] != "A" else "B") + text[-2:]
    for bad, why in ((flipped, "member_token_invalid.forged"),
                     (token(replace(CLAIMS, kid="k9")), "member_token_invalid.unknown_key")):
        with pytest.raises(InvalidInput) as exc:
            verify_kept_token(bad, KEYS)
        assert exc.value.message_id == why
    retired = {"k1": replace(KEYS["k1"], valid_to=T - 3_600)}  # before the token's issue
    not_yet = {"k1": replace(KEYS["k1"], valid_from=T + 3_600)}
    for keys in (retired, not_yet):
        with pytest.raises(InvalidInput) as exc:
            verify_kept_token(text, keys)
        assert exc.value.message_id == "member_token_invalid.forged"
    assert verify_kept_token(text, {"k1": replace(KEYS["k1"], valid_to=T + 60)}) == CLAIMS


def test_cut_off_oversized_and_other_prefixes_are_refused():
    t = token()
    for cut in (t[:-1], t[:-20], t[:len(t) // 2], t.rsplit(".", 1)[0], "MT1.", "MT1.."):
        assert refused(cut) == "member_token_invalid.malformed", cut
    assert refused(t + "." + t.split(".")[2]) == "member_token_invalid.malformed"
    assert refused(t + "A" * (MAX_TOKEN_CHARS - len(t) + 1)) == \
        "member_token_invalid.oversized"
    for other in ("MT2." + t[4:], "mt1." + t[4:], "MBR:" + t[4:], "XT1." + t[4:]):
        assert refused(other) == "member_token_invalid.version", other
    for alphabet in (t[:10] + "+" + t[11:], t[:10] + "/" + t[11:], t + "=", t[:10] + " " + t[11:]):
        assert refused(alphabet) == "member_token_invalid.malformed"


def test_payloads_signed_but_out_of_form_are_malformed():
    """Whatever the central could ever sign by mistake: the till still refuses it whole."""
    good = payload_of(token())
    for doc in (good | {"x": 1},  # a field more
                {k: v for k, v in good.items() if k != "p"},  # a field less
                good | {"p": -1}, good | {"p": "1234"}, good | {"p": True},
                good | {"e": good["i"]},  # expires when issued
                good | {"e": good["i"] + 86_401},  # lives longer than a day
                good | {"n": ""}, good | {"n": "x" * 65}, good | {"t": "g" * 33},
                good | {"k": "k 1"}, good | {"m": "陈" * 17}, [1, 2]):
        assert refused(resigned_payload(doc)) == "member_token_invalid.malformed", doc
    twice = PREFIX + b64url(b'{"e":1,"e":2}')
    assert refused(twice + "." + b64url(bytes(64))) == "member_token_invalid.malformed"


def test_the_longest_token_fits_and_signing_refuses_what_would_not():
    longest = MemberClaims(kid="K" * 16, member_no="9" * 64, tier="t" * 32,
                           masked_name="陈" + "*" * 15, points=10**12,
                           issued_at=T, expires_at=T + 86_400)
    assert len(token(longest)) <= MAX_TOKEN_CHARS
    with pytest.raises(ValueError, match="too long"):
        sign_token(replace(longest, member_no="😀" * 64), PRIVATE)
    for bad in (replace(CLAIMS, points=-1), replace(CLAIMS, expires_at=T),
                replace(CLAIMS, kid="")):
        with pytest.raises(ValueError):
            sign_token(bad, PRIVATE)


def test_base64url_is_canonical_only():
    assert from_b64url(b64url(b"\x00\xff\x10")) == b"\x00\xff\x10"
    assert from_b64url("AA") == b"\x00"
    for text in ("AB",  # unused bits set: the same byte as "AA", so a changed character
                 "AA==", "A", "AB+/", "AB C", ""):
        with pytest.raises(ValueError):
            from_b64url(text)


def test_every_refusal_reads_in_chinese_and_english():
    for bad in ("MT1.x", "MT2.x", token(replace(CLAIMS, kid="k9")), token(key=OTHER)):
        with pytest.raises(InvalidInput) as exc:
            verify_token(bad, KEYS, NOW)
        assert message_for(exc.value, "zh_CN") != str(exc.value)


TOKEN = token()


@st.composite
def mutations(draw: st.DrawFn) -> str:
    """The token with characters replaced, inserted or removed, or cut, never unchanged."""
    text = TOKEN
    alphabet = st.sampled_from(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ 陈")
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["replace", "insert", "delete", "cut"]))
        i = draw(st.integers(0, max(0, len(text) - 1)))
        if kind == "replace":
            text = text[:i] + draw(alphabet) + text[i + 1:]
        elif kind == "insert":
            text = text[:i] + draw(alphabet) + text[i:]
        elif kind == "delete":
            text = text[:i] + text[i + 1:]
        else:
            text = text[:i]
    if text.strip() == TOKEN:
        text = TOKEN[:-1]
    return text


@settings(max_examples=400, deadline=None)
@given(mutations())
def test_no_mutation_of_a_token_is_ever_accepted(mutated: str):
    with pytest.raises(InvalidInput) as exc:
        verify_token(mutated, KEYS, NOW)
    assert exc.value.code in ("member_token_invalid", "member_token_expired")


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=300))
def test_a_payload_the_key_never_signed_is_never_accepted(payload: bytes):
    sig = TOKEN.split(".")[2]
    with pytest.raises(InvalidInput):
        verify_token(f"{PREFIX}{b64url(payload)}.{sig}", KEYS, NOW)


def test_the_signature_covers_the_version():
    """The prefix is signed: the same payload and signature under another version is refused
    (by the version check), and a signature made without the prefix does not verify."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _, payload, _ = TOKEN.split(".")
    bare = Ed25519PrivateKey.from_private_bytes(PRIVATE).sign(payload.encode())
    assert refused(f"{PREFIX}{payload}.{b64url(bare)}") == "member_token_invalid.forged"
