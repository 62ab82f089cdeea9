#!/usr/bin/env python3
"""Generates docs/test-vectors/jws.json: Oversight batch JWS test vectors.

Everything is derived from fixed seeds and Ed25519 is deterministic (RFC 8032), so running this script again
produces the same file byte for byte. It needs only the `cryptography` package:

    python3 docs/test-vectors/generate_jws_vectors.py            # rewrites jws.json next to this script
    python3 docs/test-vectors/generate_jws_vectors.py --check    # exits 1 if jws.json is not what it would write

The file holds:
  valid       -- a private JWK (`d`), the exact payload text, and the flattened JWS that any correct signer
                 produces from them (header bytes exactly {"alg":"Ed25519","kid":...,"typ":...}).
  verifyOnly  -- JWS objects a verifier must accept although a signer of this protocol would not produce them
                 (alg EdDSA, a header with another key order and spaces).
  invalid     -- JWS objects a verifier must refuse, each with the kid and typ it is checked against, the reason,
                 and the protocol error code the coordinator answers with.

Agents written in other languages can use the valid entries to check their signer, and the whole file to check
their understanding of what the coordinator accepts (docs/protocol.md, "Signed batches").
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import sys
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

BATCH_TYPE = "oversight-batch+jws"
GENESIS = "0" * 64


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def wire_json(value) -> bytes:
    """The wire form the Swift agent writes: sorted keys, no whitespace, UTF-8, slashes not escaped."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def key_from_seed(byte: int) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes([byte]) * 32)


def public_raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def private_jwk(key: Ed25519PrivateKey) -> dict:
    seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return {"crv": "Ed25519", "d": b64url(seed), "kty": "OKP", "x": b64url(public_raw(key))}


def public_jwk(key: Ed25519PrivateKey) -> dict:
    return {"crv": "Ed25519", "kty": "OKP", "x": b64url(public_raw(key))}


def header(kid: str, typ: str = BATCH_TYPE, alg: str = "Ed25519") -> bytes:
    return wire_json({"alg": alg, "kid": kid, "typ": typ})


def sign_raw(key: Ed25519PrivateKey, protected: bytes, payload: bytes) -> dict:
    """Flattened JWS over arbitrary protected-header bytes and payload bytes."""
    p = b64url(protected)
    q = b64url(payload)
    signature = key.sign(f"{p}.{q}".encode("ascii"))
    return {"payload": q, "protected": p, "signature": b64url(signature)}


def sign_batch(key: Ed25519PrivateKey, kid: str, payload: bytes) -> dict:
    return sign_raw(key, header(kid), payload)


def ticket(provider: str, site: str, ident: str, **fields) -> dict:
    record = {
        "kind": "ticket",
        "provider": provider,
        "site": site,
        "id": ident,
        "channel": "email",
        "priority": "normal",
        "status": "open",
        "createdAt": "2026-03-02T08:15:00.000Z",
        "updatedAt": "2026-03-02T09:40:12.250Z",
        "reopenCount": 0,
        "tags": [],
        "contactCount": 1,
        "statusChanges": [
            {"at": "2026-03-02T08:15:00.000Z", "status": "new"},
            {"at": "2026-03-02T08:31:07.000Z", "status": "open"},
        ],
    }
    record.update(fields)
    return record


# Timestamps here use exact binary fractions of a second (.125, .250, ...): the Swift WireJSON formatter truncates
# rather than rounds, so other millisecond values would not survive a decode/encode round trip in Swift and the
# test that re-encodes these payloads could not compare bytes.
def batch_payload(agent_id: str, provider: str, site: str, seq: int, prev: str, sealed_at: str, records: list) -> bytes:
    return wire_json(
        {
            "agentId": agent_id,
            "prev": prev,
            "provider": provider,
            "records": records,
            "sealedAt": sealed_at,
            "seq": seq,
            "site": site,
            "v": 1,
        }
    )


def build() -> dict:
    key1, key2, key3 = key_from_seed(0x01), key_from_seed(0x02), key_from_seed(0x03)
    agent1, agent2, agent3 = "agt_0123456789abcdef0123", "agt_4d1f0c2b9e8a77a0c3d5", "agt_f00dfeedc0ffee123456"

    # --- valid: a small chain for agent 1 (seq 1 and 2), and seq 1 of two more agents --------------------------
    p1 = batch_payload(
        agent1, "acme-bpo", "manila-1", 1, GENESIS, "2026-03-02T09:40:14.750Z",
        [
            ticket(
                "acme-bpo", "manila-1", "ZD-104233", channel="chat", priority="high", firstReplyAt="2026-03-02T08:31:07.000Z",
                assignee="ps_6f1c2a9e41b7", queue="billing", tags=["refund", "vip"],
            ),
        ],
    )
    p2 = batch_payload(
        agent1, "acme-bpo", "manila-1", 2, hashlib.sha256(p1).hexdigest(), "2026-03-02T09:42:00.125Z",
        [
            ticket(
                "acme-bpo", "manila-1", "ZD-104233", channel="chat", priority="high", status="solved",
                updatedAt="2026-03-02T09:41:58.000Z", firstReplyAt="2026-03-02T08:31:07.000Z",
                solvedAt="2026-03-02T09:41:58.000Z", assignee="ps_6f1c2a9e41b7", queue="billing", tags=["refund", "vip"],
                csat=5, heldBy="provider",
                statusChanges=[
                    {"at": "2026-03-02T08:15:00.000Z", "status": "new"},
                    {"at": "2026-03-02T08:31:07.000Z", "status": "open"},
                    {"at": "2026-03-02T09:02:44.000Z", "status": "pending"},
                    {"at": "2026-03-02T09:41:58.000Z", "status": "solved"},
                ],
            ),
            ticket(
                "acme-bpo", "manila-1", "ZD-104240", channel="phone", status="on-hold", queue="tech/level-2",
                tags=["outage"], contactCount=2, reopenCount=1, heldBy="client",
                statusChanges=[
                    {"at": "2026-03-02T08:15:00.000Z", "status": "new"},
                    {"at": "2026-03-02T09:10:00.000Z", "status": "on-hold"},
                ],
            ),
        ],
    )
    p3 = batch_payload(
        agent2, "nordic-care", "tallinn", 1, GENESIS, "2026-03-02T10:00:00.000Z",
        [ticket("nordic-care", "tallinn", "INC-7781", channel="email", priority="urgent", status="new", queue="Kundservice-Göteborg",
                tags=["päivitys", "ünïcödé"])],
    )
    p4 = batch_payload(
        agent3, "acme-bpo", "cebu-2", 1, GENESIS, "2026-03-03T00:00:00.875Z",
        [
            ticket("acme-bpo", "cebu-2", "SN-1", channel="web", priority="low", status="closed",
                   solvedAt="2026-03-02T09:30:00.000Z", closedAt="2026-03-02T09:40:12.250Z", csat=2),
            ticket("acme-bpo", "cebu-2", "SN-2", channel="social", tags=[]),
        ],
    )
    valid = []
    for key, kid, payload, note in [
        (key1, agent1, p1, "seq 1 of agent 1: prev is 64 zeros"),
        (key1, agent1, p2, "seq 2 of agent 1: prev is the SHA-256 of the seq 1 payload above"),
        (key2, agent2, p3, "non-ASCII text is sent as UTF-8, not \\u escapes"),
        (key3, agent3, p4, "two records of other channels"),
    ]:
        valid.append(
            {
                "note": note,
                "jwk": private_jwk(key),
                "kid": kid,
                "typ": BATCH_TYPE,
                "payload": payload.decode("utf-8"),
                "payloadSha256": hashlib.sha256(payload).hexdigest(),
                "jws": sign_batch(key, kid, payload),
            }
        )

    # --- accepted by a verifier although no Oversight signer writes them ----------------------------------------
    verify_only = [
        {
            "note": "alg EdDSA (RFC 8037 name) is accepted with an Ed25519 key",
            "jwk": public_jwk(key1), "kid": agent1, "typ": BATCH_TYPE,
            "jws": sign_raw(key1, header(agent1, alg="EdDSA"), p1),
        },
        {
            "note": "the verifier parses the header; key order and whitespace do not matter",
            "jwk": public_jwk(key1), "kid": agent1, "typ": BATCH_TYPE,
            "jws": sign_raw(key1, f'{{ "typ": "{BATCH_TYPE}", "kid": "{agent1}", "alg": "Ed25519" }}'.encode(), p1),
        },
    ]

    # --- invalid -------------------------------------------------------------------------------------------------
    def bad(reason: str, code: str, jws: dict, jwk_key=key1, kid: str = agent1, typ: str = BATCH_TYPE) -> dict:
        return {"reason": reason, "code": code, "jwk": public_jwk(jwk_key), "kid": kid, "typ": typ, "jws": jws}

    good = sign_batch(key1, agent1, p1)
    invalid = []
    # alg none with an empty signature (RFC 7518 section 3.6 "Unsecured JWS").
    none = {"payload": b64url(p1), "protected": b64url(header(agent1, alg="none")), "signature": ""}
    invalid.append(bad("alg none (unsecured JWS) is refused", "bad_signature", none))
    # HS256 keyed with the public key bytes: the classic algorithm-confusion attack.
    hs_protected = b64url(header(agent1, alg="HS256"))
    hs_mac = hmac.new(public_raw(key1), f"{hs_protected}.{b64url(p1)}".encode("ascii"), hashlib.sha256).digest()
    invalid.append(bad("alg HS256 (HMAC keyed with the public key) is refused", "bad_signature",
                       {"payload": b64url(p1), "protected": hs_protected, "signature": b64url(hs_mac)}))
    # ES256 with a fixed P-256 key, deterministic ECDSA (RFC 6979), JWS r||s form.
    p256 = ec.derive_private_key(0x0BADC0DE, ec.SECP256R1())
    es_protected = b64url(header(agent1, alg="ES256"))
    der = p256.sign(f"{es_protected}.{b64url(p1)}".encode("ascii"), ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    r, s = decode_dss_signature(der)
    invalid.append(bad("alg ES256 is refused (only Ed25519, or EdDSA)", "bad_signature",
                       {"payload": b64url(p1), "protected": es_protected, "signature": b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))}))
    invalid.append(bad("typ JWT instead of oversight-batch+jws", "bad_signature", sign_raw(key1, header(agent1, typ="JWT"), p1)))
    invalid.append(bad("a command typ where a batch is expected", "bad_signature",
                       sign_raw(key1, header(agent1, typ="oversight-command+jws"), p1)))
    invalid.append(bad("a header without typ", "bad_signature",
                       sign_raw(key1, wire_json({"alg": "Ed25519", "kid": agent1}), p1)))
    crit_header = wire_json({"alg": "Ed25519", "crit": ["exp"], "exp": 1772445614, "kid": agent1, "typ": BATCH_TYPE})
    invalid.append(bad("a crit header parameter is refused", "bad_signature", sign_raw(key1, crit_header, p1)))
    tampered = p1.replace(b'"priority":"high"', b'"priority":"low"')
    assert tampered != p1
    invalid.append(bad("payload changed after signing (priority high -> low)", "bad_signature",
                       {"payload": b64url(tampered), "protected": good["protected"], "signature": good["signature"]}))
    invalid.append(bad("signed by another agent's key (seed 0x02) but checked with agent 1's key", "bad_signature",
                       sign_batch(key2, agent1, p1)))
    invalid.append(bad("kid names another agent than the one connected", "kid_mismatch", sign_batch(key1, agent1, p1),
                       kid="agt_99999999999999999999"))
    invalid.append(bad("a header without kid", "kid_mismatch",
                       sign_raw(key1, wire_json({"alg": "Ed25519", "typ": BATCH_TYPE}), p1)))
    invalid.append(bad("signature with base64 padding is not base64url", "bad_signature",
                       dict(good, signature=good["signature"] + "==")))
    # A signature whose base64url form holds - or _, written in standard base64 (+ and /) instead.
    for candidate in (sign_batch(key1, agent1, p) for p in (p1, p2)):
        standard = base64.b64encode(base64.urlsafe_b64decode(candidate["signature"] + "==")).decode("ascii").rstrip("=")
        if standard != candidate["signature"]:
            invalid.append(bad("signature in standard base64 (+ or /), not base64url", "bad_signature",
                               dict(candidate, signature=standard)))
            break
    else:
        raise AssertionError("no candidate signature holds - or _")
    invalid.append(bad("signature truncated to 63 bytes", "bad_signature",
                       dict(good, signature=b64url(base64.urlsafe_b64decode(good["signature"] + "==")[:63]))))
    invalid.append(bad("payload is a JSON array, not an object", "bad_message",
                       sign_batch(key1, agent1, wire_json([json.loads(p1)]))))
    invalid.append(bad("payload is not UTF-8 (byte 0xFF inside a string)", "bad_message",
                       sign_batch(key1, agent1, b'{"agentId":"' + agent1.encode() + b'","site":"\xff"}')))
    invalid.append(bad("payload is not JSON", "bad_message", sign_batch(key1, agent1, b"seq=1")))
    # Duplicate member names read two ways (Python and JavaScript keep the last, Foundation the first): refused.
    dup_header = ('{"alg":"Ed25519","kid":"' + agent1 + '","typ":"' + BATCH_TYPE + '","kid":"agt_99999999999999999999"}').encode()
    invalid.append(bad("a protected header with kid twice (RFC 7515 section 4)", "bad_signature", sign_raw(key1, dup_header, p1)))
    dup_payload = p1.replace(b'"provider":"acme-bpo"', b'"provider":"evil-bpo","provider":"acme-bpo"', 1)
    assert dup_payload != p1
    invalid.append(bad("a record with provider twice (evil-bpo, then acme-bpo)", "bad_message", sign_batch(key1, agent1, dup_payload)))

    # --- signed correctly, but the batch is refused for a record (bad_record) -----------------------------------
    refused_records = []
    for reason, records in [
        ("updatedAt 9999-12-31T23:59:59.000Z: more than 15 minutes ahead of the coordinator's clock",
         [ticket("acme-bpo", "manila-1", "ZD-FUTURE", status="closed", updatedAt="9999-12-31T23:59:59.000Z")]),
        ("createdAt 1970-01-01T00:00:00.000Z: before 2000-01-01, the earliest date a record may carry",
         [ticket("acme-bpo", "manila-1", "ZD-EPOCH", createdAt="1970-01-01T00:00:00.000Z")]),
        ("a NUL character in the ticket id", [ticket("acme-bpo", "manila-1", "Z-\u0000one")]),
    ]:
        payload = batch_payload(agent1, "acme-bpo", "manila-1", 1, GENESIS, "2026-03-02T09:40:14.750Z", records)
        refused_records.append({
            "reason": reason, "code": "bad_record", "jwk": public_jwk(key1), "kid": agent1, "typ": BATCH_TYPE,
            "jws": sign_batch(key1, agent1, payload),
        })
    return {
        "description": (
            "Oversight batch JWS vectors (docs/protocol.md). Generated by generate_jws_vectors.py from fixed Ed25519 seeds "
            "(32 bytes of 0x01, 0x02, 0x03). valid: sign(payload, kid, typ, d) must reproduce jws byte for byte, and verify must "
            "accept it. verifyOnly: verify must accept. invalid: verify with jwk, kid and typ must refuse; code is the "
            "protocol error the coordinator sends. refusedRecords: verify must accept, and the coordinator refuses the "
            "batch for a record (code)."
        ),
        "valid": valid,
        "verifyOnly": verify_only,
        "invalid": invalid,
        "refusedRecords": refused_records,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare with the existing file")
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name("jws.json"))
    args = parser.parse_args()
    text = json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date; run {Path(__file__).name}", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
