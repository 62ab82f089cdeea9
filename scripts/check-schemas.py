#!/usr/bin/env python3
"""Validates sample messages against the protocol's JSON Schemas (docs/schemas/*.schema.json).

Checks, and exits 1 if any fails:
  1. every schema is a valid JSON Schema 2020-12;
  2. hand-written samples below: the good ones validate, the bad ones do not;
  3. the test vectors in docs/test-vectors/jws.json: each valid entry's payload is a batch payload, its jws a JWS, and
     {"type":"batch","jws":...} an agent message;
  4. every ```json block in docs/protocol.md that follows a `<!-- schema: NAME -->` line validates against NAME;
  5. the error codes in coordinator-message.schema.json are exactly those of ProtocolErrorCode in
     Sources/OversightModel/Messages.swift;
  6. every ```json block in docs/invoices.md that follows a `<!-- schema: invoice -->` line validates against invoice.

Needs the `jsonschema` package (pip install jsonschema). Run from anywhere: python3 scripts/check-schemas.py
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "docs" / "schemas"
NAMES = [
    "ticket-record", "interval-record", "evaluation-record", "interaction-record", "batch-payload", "jws", "agent-message", "coordinator-message",
    "invoice",
]

GENESIS = "0" * 64
HASH = "9f2c5e0b7a1d4c3e8f6a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4"
AGENT = "agt_0123456789abcdef0123"
JWK = {"crv": "Ed25519", "kty": "OKP", "x": "iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w"}
CSR = "-----BEGIN CERTIFICATE REQUEST-----\nMIIBDDCBsgIBADAa...\n-----END CERTIFICATE REQUEST-----\n"
CERT = "-----BEGIN CERTIFICATE-----\nMIIBxzCCAW2gAwIBAgIU...\n-----END CERTIFICATE-----\n"
JWS = {
    "payload": "eyJhZ2VudElkIjoiYWd0XzAxMjM0NTY3ODlhYmNkZWYwMTIzIn0",
    "protected": "eyJhbGciOiJFZDI1NTE5Iiwia2lkIjoiYWd0XzAxMjM0NTY3ODlhYmNkZWYwMTIzIiwidHlwIjoib3ZlcnNpZ2h0LWJhdGNoK2p3cyJ9",
    "signature": "A" * 86,
}

INTERACTION = {
    "kind": "interaction", "provider": "acme-bpo", "site": "manila-1", "requestId": "smp_0123456789abcdef0123", "ticketId": "ZD-104233",
    "status": "returned", "format": "email", "text": "From: [email]\nMy card [card] was charged twice.", "redactions": {"card": 1, "email": 1},
    "updatedAt": "2026-03-02T09:40:12.250Z",
}
MISSING_INTERACTION = {
    "kind": "interaction", "provider": "acme-bpo", "site": "manila-1", "requestId": "smp_0123456789abcdef0123", "ticketId": "ZD-104234",
    "status": "missing", "reason": "no transcript file ZD-104234.txt, .eml or .json in the transcript folder", "updatedAt": "2026-03-02T09:40:12.250Z",
}
INVOICE = {
    "invoice": "INV-2026-11-007", "provider": "acme-support", "month": "2026-11", "currency": "EUR", "total": "1114.20",
    "lines": [
        {"id": "L1", "kind": "contacts", "channel": "phone", "quantity": "360", "unit_price": "0.80", "amount": "288.00"},
        {"id": "L3", "kind": "handle_minutes", "site": "lisbon", "queue": "billing", "quantity": "1836", "unit_price": "0.45", "amount": "826.20"},
    ],
}
TICKET = {
    "kind": "ticket", "provider": "acme-bpo", "site": "manila-1", "id": "ZD-104233", "channel": "chat", "priority": "high",
    "status": "open", "createdAt": "2026-03-02T08:15:00.000Z", "updatedAt": "2026-03-02T09:40:12.250Z", "reopenCount": 0,
    "tags": ["refund"], "contactCount": 1, "statusChanges": [{"at": "2026-03-02T08:15:00.000Z", "status": "new"}],
}
FULL_TICKET = dict(
    TICKET, firstReplyAt="2026-03-02T08:31:07.000Z", solvedAt="2026-03-02T09:41:58.000Z", closedAt="2026-03-02T10:00:00.000Z",
    assignee="ps_6f1c2a9e41b7", queue="billing", csat=5, heldBy="provider", status="closed",
)
INTERVAL = {
    "kind": "interval", "provider": "acme-bpo", "site": "manila-1", "queue": "billing", "start": "2026-03-02T08:30:00.000Z", "minutes": 15,
    "thresholdSeconds": 20, "offered": 40, "answered": 34, "answeredWithinThreshold": 28, "abandoned": 6, "shortAbandons": 2,
    "totalAnswerDelaySeconds": 412, "totalHandleTimeSeconds": 9876.5, "csatResponses": 0, "csatSatisfied": 0, "fcrResponses": 0, "fcrYes": 0,
    "updatedAt": "2026-03-02T09:00:00.250Z",
}
FULL_INTERVAL = dict(
    INTERVAL, channel="chat", handled=33, shortAbandonSeconds=5, csatResponses=10, csatSatisfied=8, csatScoreSum=42, fcrResponses=9, fcrYes=7,
    agentsStaffed=12,
)
EVALUATION = {
    "kind": "evaluation", "provider": "acme-bpo", "site": "manila-1", "id": "e_4f1c2a9e41b7d0c3", "interactionRef": "ZD-104233",
    "evaluator": "p_6f1c2a9e41b7d0c3", "scorecard": "support-2026", "scorecardVersion": "3", "evaluatedAt": "2026-03-02T10:15:00.000Z",
    "highImpactErrors": 0, "lowImpactErrors": 1, "score": 88.9, "updatedAt": "2026-03-02T10:15:07.000Z",
}
FULL_EVALUATION = dict(
    EVALUATION, channel="chat", queue="billing", agent="p_0a1b2c3d4e5f6a7b", comments="Coaching: tone",
    items=[{"item": "greeting", "passed": True, "impact": "low", "weight": 1}, {"item": "verification", "passed": True, "impact": "high"},
           {"item": "tone", "passed": False, "impact": "low", "weight": 2}, {"item": "notes", "passed": False, "impact": "none"}],
)
PAYLOAD = {
    "agentId": AGENT, "prev": GENESIS, "provider": "acme-bpo", "records": [TICKET, FULL_TICKET], "sealedAt": "2026-03-02T09:40:14.750Z",
    "seq": 1, "site": "manila-1", "v": 1,
}
HEARTBEAT = {
    "type": "heartbeat", "version": "0.1.0", "outboxDepth": 12, "outboxBytes": 40960, "oldestUnsentAgeSeconds": 1.5,
    "outboxFull": False, "lastAckedSeq": 41, "sentAt": "2026-03-02T09:40:30.000Z",
}
WELCOME = {
    "type": "welcome", "protocol": 1, "agentId": AGENT, "provider": "acme-bpo", "site": "manila-1", "lastSeq": 41, "lastHash": HASH,
    "serverTime": "2026-03-02T09:40:00.125Z", "maxFrameBytes": 4194304, "maxRecordsPerBatch": 5000, "heartbeatIntervalSeconds": 30,
    "certificateNotAfter": "2026-05-31T09:00:00.000Z",
}


def without(obj: dict, key: str) -> dict:
    copied = copy.deepcopy(obj)
    del copied[key]
    return copied


def changed(obj: dict, **fields) -> dict:
    copied = copy.deepcopy(obj)
    copied.update(fields)
    return copied


# (schema, description, instance, should validate)
SAMPLES = [
    ("ticket-record", "minimal ticket", TICKET, True),
    ("ticket-record", "ticket with every optional field", FULL_TICKET, True),
    ("ticket-record", "timestamp without fraction and with an offset (accepted on read)", changed(TICKET, updatedAt="2026-03-02T11:40:12+02:00"), True),
    ("ticket-record", "status on-hold", changed(TICKET, status="on-hold"), True),
    ("ticket-record", "missing kind", without(TICKET, "kind"), False),
    ("ticket-record", "unknown kind", changed(TICKET, kind="interval"), False),
    ("ticket-record", "missing updatedAt", without(TICKET, "updatedAt"), False),
    ("ticket-record", "status onHold (Swift case name, not the wire value)", changed(TICKET, status="onHold"), False),
    ("ticket-record", "csat 6", changed(TICKET, csat=6), False),
    ("ticket-record", "negative reopenCount", changed(TICKET, reopenCount=-1), False),
    ("ticket-record", "timestamp as epoch seconds", changed(TICKET, createdAt=1772440500), False),
    ("ticket-record", "timestamp with a space", changed(TICKET, createdAt="2026-03-02 08:15:00Z"), False),
    ("ticket-record", "snake_case key", changed(without(TICKET, "contactCount"), contact_count=1), False),
    ("ticket-record", "65 tags", changed(TICKET, tags=["t"] * 65), False),
    ("ticket-record", "empty id", changed(TICKET, id=""), False),
    ("interval-record", "interval with the required fields", INTERVAL, True),
    ("interval-record", "interval with every optional field", FULL_INTERVAL, True),
    ("interval-record", "a ticket", TICKET, False),
    ("interval-record", "missing kind", without(INTERVAL, "kind"), False),
    ("interval-record", "missing offered", without(INTERVAL, "offered"), False),
    ("interval-record", "negative abandoned", changed(INTERVAL, abandoned=-1), False),
    ("interval-record", "count as a string", changed(INTERVAL, offered="40"), False),
    ("interval-record", "fractional count", changed(INTERVAL, answered=33.5), False),
    ("interval-record", "minutes 0", changed(INTERVAL, minutes=0), False),
    ("interval-record", "minutes 1441", changed(INTERVAL, minutes=1441), False),
    ("interval-record", "a service level percentage instead of counts", changed(INTERVAL, serviceLevel=0.82), False),
    ("interval-record", "snake_case key", changed(without(INTERVAL, "shortAbandons"), short_abandons=2), False),
    ("interval-record", "empty queue", changed(INTERVAL, queue=""), False),
    ("interval-record", "start as epoch seconds", changed(INTERVAL, start=1772440200), False),
    ("interaction-record", "a returned interaction", INTERACTION, True),
    ("interaction-record", "a missing interaction", MISSING_INTERACTION, True),
    ("interaction-record", "returned without text", without(INTERACTION, "text"), False),
    ("interaction-record", "missing without a reason", without(MISSING_INTERACTION, "reason"), False),
    ("interaction-record", "missing with text", changed(MISSING_INTERACTION, text="x"), False),
    ("interaction-record", "a request id that is not smp_", changed(INTERACTION, requestId="cmd_00112233445566778899"), False),
    ("evaluation-record", "evaluation with the required fields", EVALUATION, True),
    ("evaluation-record", "evaluation with every optional field", FULL_EVALUATION, True),
    ("evaluation-record", "an interval", INTERVAL, False),
    ("evaluation-record", "missing score", without(EVALUATION, "score"), False),
    ("evaluation-record", "score 101", changed(EVALUATION, score=101), False),
    ("evaluation-record", "negative highImpactErrors", changed(EVALUATION, highImpactErrors=-1), False),
    ("evaluation-record", "unknown impact", changed(FULL_EVALUATION, items=[{"item": "x", "passed": False, "impact": "critical"}]), False),
    ("evaluation-record", "item without passed", changed(FULL_EVALUATION, items=[{"item": "x", "impact": "high"}]), False),
    ("evaluation-record", "201 items", changed(EVALUATION, items=[{"item": "x", "passed": True, "impact": "low"}] * 201), False),
    ("evaluation-record", "a transcript in the comments", changed(EVALUATION, comments="x" * 2001), False),
    ("evaluation-record", "a transcript field", changed(EVALUATION, transcript="Customer: hello"), False),
    ("evaluation-record", "snake_case key", changed(without(EVALUATION, "interactionRef"), interaction_ref="ZD-1"), False),
    ("evaluation-record", "scorecardVersion as a number", changed(EVALUATION, scorecardVersion=3), False),
    ("batch-payload", "payload with two tickets", PAYLOAD, True),
    ("batch-payload", "payload with tickets and intervals", changed(PAYLOAD, records=[TICKET, INTERVAL, FULL_INTERVAL]), True),
    ("batch-payload", "a bad interval inside", changed(PAYLOAD, records=[TICKET, without(INTERVAL, "queue")]), False),
    ("batch-payload", "payload with all three kinds", changed(PAYLOAD, records=[TICKET, INTERVAL, EVALUATION, FULL_EVALUATION]), True),
    ("batch-payload", "a bad evaluation inside", changed(PAYLOAD, records=[TICKET, without(EVALUATION, "evaluator")]), False),
    ("batch-payload", "payload without records", changed(PAYLOAD, records=[]), True),
    ("batch-payload", "seq 0", changed(PAYLOAD, seq=0), False),
    ("batch-payload", "v 2", changed(PAYLOAD, v=2), False),
    ("batch-payload", "uppercase prev", changed(PAYLOAD, prev=HASH.upper()), False),
    ("batch-payload", "missing prev", without(PAYLOAD, "prev"), False),
    ("batch-payload", "a bad record inside", changed(PAYLOAD, records=[without(TICKET, "id")]), False),
    ("jws", "flattened JWS", JWS, True),
    ("jws", "padding in the payload", changed(JWS, payload=JWS["payload"] + "=="), False),
    ("jws", "compact serialization instead", {"jws": "a.b.c"}, False),
    ("jws", "63-byte signature", changed(JWS, signature="A" * 84), False),
    ("agent-message", "enroll", {"type": "enroll", "token": "ovt_x", "csr": CSR, "signingKey": JWK, "hostname": "pc-01", "version": "0.1.0"}, True),
    ("agent-message", "hello", {"type": "hello", "protocol": 1, "agentId": AGENT, "version": "0.1.0"}, True),
    ("agent-message", "batch", {"type": "batch", "jws": JWS}, True),
    ("agent-message", "heartbeat", HEARTBEAT, True),
    ("agent-message", "heartbeat with a source error", changed(HEARTBEAT, lastSourceError="tickets: x.csv: line 3: bad date"), True),
    ("agent-message", "renew", {"type": "renew", "csr": CSR}, True),
    ("agent-message", "unknown type", {"type": "subscribe"}, False),
    ("agent-message", "no type", {"protocol": 1, "agentId": AGENT, "version": "0.1.0"}, False),
    ("agent-message", "batch with the JWS fields at the top level", dict(JWS, type="batch"), False),
    ("agent-message", "hello with protocol 2", {"type": "hello", "protocol": 2, "agentId": AGENT, "version": "0.1.0"}, False),
    ("agent-message", "hello with protocol as a string", {"type": "hello", "protocol": "1", "agentId": AGENT, "version": "0.1.0"}, False),
    ("agent-message", "enroll with an EC signing key", {"type": "enroll", "token": "t", "csr": CSR, "hostname": "h", "version": "1",
                                                         "signingKey": {"kty": "EC", "crv": "P-256", "x": JWK["x"]}}, False),
    ("agent-message", "heartbeat without sentAt", without(HEARTBEAT, "sentAt"), False),
    ("agent-message", "a coordinator message", WELCOME, False),
    ("coordinator-message", "enrolled", {"type": "enrolled", "agentId": AGENT, "provider": "acme-bpo", "site": "manila-1", "certificate": CERT,
                                         "caCertificate": CERT, "coordinatorKey": JWK}, True),
    ("coordinator-message", "welcome", WELCOME, True),
    ("coordinator-message", "welcome of a new agent, without certificateNotAfter",
     changed(without(WELCOME, "certificateNotAfter"), lastSeq=0, lastHash=GENESIS), True),
    ("coordinator-message", "ack committed", {"type": "ack", "seq": 42, "hash": HASH, "status": "committed", "applied": 2, "stale": 1}, True),
    ("coordinator-message", "ack duplicate", {"type": "ack", "seq": 40, "hash": HASH, "status": "duplicate", "applied": 0, "stale": 0}, True),
    ("coordinator-message", "resend", {"type": "resend", "fromSeq": 42, "lastHash": HASH, "reason": "expected seq 42, got 44"}, True),
    ("coordinator-message", "renewed", {"type": "renewed", "certificate": CERT}, True),
    ("coordinator-message", "fatal error with seq", {"type": "error", "code": "chain_mismatch", "message": "m", "seq": 7, "fatal": True}, True),
    ("coordinator-message", "error without seq", {"type": "error", "code": "token_used", "message": "m", "fatal": True}, True),
    ("coordinator-message", "ack with an unknown status", {"type": "ack", "seq": 1, "hash": HASH, "status": "ok", "applied": 0, "stale": 0}, False),
    ("coordinator-message", "error with an unknown code", {"type": "error", "code": "oops", "message": "m", "fatal": True}, False),
    ("coordinator-message", "error without fatal", {"type": "error", "code": "timeout", "message": "m"}, False),
    ("coordinator-message", "welcome without lastHash", without(WELCOME, "lastHash"), False),
    ("coordinator-message", "an agent message", HEARTBEAT, False),
    ("invoice", "an invoice", INVOICE, True),
    ("invoice", "an invoice without total", without(INVOICE, "total"), True),
    ("invoice", "an amount as a JSON number", changed(INVOICE, lines=[dict(INVOICE["lines"][0], amount=288.0)]), False),
    ("invoice", "a contacts line without channel", changed(INVOICE, lines=[without(INVOICE["lines"][0], "channel")]), False),
    ("invoice", "fractional contacts", changed(INVOICE, lines=[dict(INVOICE["lines"][0], quantity="360.5")]), False),
    ("invoice", "an unknown kind", changed(INVOICE, lines=[dict(INVOICE["lines"][1], kind="calls")]), False),
    ("invoice", "an unknown member", changed(INVOICE, note="x"), False),
    ("invoice", "a bad month", changed(INVOICE, month="2026-13"), False),
    ("invoice", "no lines", changed(INVOICE, lines=[]), False),
]


def load_validators() -> dict[str, Draft202012Validator]:
    schemas = {}
    for name in NAMES:
        schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        schemas[name] = schema
    registry = Registry().with_resources((schema["$id"], Resource.from_contents(schema)) for schema in schemas.values())
    return {
        name: Draft202012Validator(schema, registry=registry, format_checker=FormatChecker()) for name, schema in schemas.items()
    }


def errors_of(validator: Draft202012Validator, instance) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}" for error in validator.iter_errors(instance)]


def main() -> int:
    validators = load_validators()
    failures = 0
    checked = 0

    def check(schema: str, what: str, instance, should_pass: bool) -> None:
        nonlocal failures, checked
        checked += 1
        errors = errors_of(validators[schema], instance)
        if should_pass and errors:
            failures += 1
            print(f"FAIL {schema}: {what}: expected valid, got:", *(f"    {e}" for e in errors[:5]), sep="\n")
        elif not should_pass and not errors:
            failures += 1
            print(f"FAIL {schema}: {what}: expected invalid, but it validated")

    for schema, what, instance, should_pass in SAMPLES:
        check(schema, what, instance, should_pass)

    vectors = json.loads((ROOT / "docs" / "test-vectors" / "jws.json").read_text(encoding="utf-8"))
    for index, entry in enumerate(vectors["valid"]):
        check("batch-payload", f"jws.json valid[{index}] payload", json.loads(entry["payload"]), True)
        check("jws", f"jws.json valid[{index}] jws", entry["jws"], True)
        check("agent-message", f"jws.json valid[{index}] as a batch message", {"type": "batch", "jws": entry["jws"]}, True)

    doc = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- schema: ([a-z-]+) -->\s*```json\n(.*?)```", doc, flags=re.S)
    for number, (schema, text) in enumerate(blocks, start=1):
        if schema not in validators:
            failures += 1
            print(f"FAIL docs/protocol.md example {number}: unknown schema {schema}")
            continue
        try:
            instance = json.loads(text)
        except json.JSONDecodeError as error:
            failures += 1
            print(f"FAIL docs/protocol.md example {number} ({schema}): not JSON: {error}")
            continue
        check(schema, f"docs/protocol.md example {number}", instance, True)
    if not blocks:
        failures += 1
        print("FAIL docs/protocol.md has no `<!-- schema: NAME -->` examples")

    invoices_doc = (ROOT / "docs" / "invoices.md").read_text(encoding="utf-8")
    invoice_blocks = re.findall(r"<!-- schema: invoice -->\s*```json\n(.*?)```", invoices_doc, flags=re.S)
    for number, text in enumerate(invoice_blocks, start=1):
        try:
            check("invoice", f"docs/invoices.md example {number}", json.loads(text), True)
        except json.JSONDecodeError as error:
            failures += 1
            print(f"FAIL docs/invoices.md example {number}: not JSON: {error}")
    if not invoice_blocks:
        failures += 1
        print("FAIL docs/invoices.md has no `<!-- schema: invoice -->` examples")

    swift = (ROOT / "Sources" / "OversightModel" / "Messages.swift").read_text(encoding="utf-8")
    swift_codes = set(re.findall(r'static let \w+ = Self\(rawValue: "([a-z_]+)"\)', swift))
    schema_codes = set(json.loads((SCHEMAS / "coordinator-message.schema.json").read_text())["$defs"]["error"]["properties"]["code"]["enum"])
    checked += 1
    if swift_codes != schema_codes:
        failures += 1
        print(f"FAIL error codes differ: only in Swift {sorted(swift_codes - schema_codes)}, only in schema {sorted(schema_codes - swift_codes)}")

    print(f"{checked} checks ({len(blocks)} examples from docs/protocol.md), {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
