#!/usr/bin/env python3
"""Writes the demo's bundled sample exports (Coordinator/coordinator/Samples), deterministically.

Two providers export differently, as real ones do:
  acme   — a CSV from a helpdesk with its own column names, local times (Europe/Lisbon) and status names;
  globex — JSON Lines with ISO 8601 UTC timestamps and a status history.
"""
import json, random, datetime, pathlib

root = pathlib.Path(__file__).resolve().parent.parent / "Coordinator" / "coordinator" / "Samples"
rng = random.Random(20261124)
base = datetime.datetime(2026, 11, 24, 8, 0, 0)

def acme():
    statuses = ["New", "In progress", "Awaiting customer", "On hold", "Resolved", "Closed"]
    channels = ["E-Mail", "Live chat", "Telephone", "Web form"]
    priorities = ["P1", "P2", "P3", "P4"]
    agents = ["Ana Costa", "Bruno Reis", "Carla Dias", "Diogo Lopes"]
    rows = ["Ticket ID,Status,Created,Updated,First reply,Solved,Channel,Priority,Agent,Group,Tags,Satisfaction,Reopens"]
    for i in range(1, 61):
        created = base + datetime.timedelta(minutes=rng.randint(0, 600))
        status = rng.choice(statuses)
        first = created + datetime.timedelta(minutes=rng.randint(3, 240)) if status != "New" else None
        solved = first + datetime.timedelta(minutes=rng.randint(10, 600)) if status in ("Resolved", "Closed") and first else None
        updated = max(t for t in (created, first, solved) if t) + datetime.timedelta(minutes=rng.randint(0, 30))
        fmt = lambda t: t.strftime("%d/%m/%Y %H:%M") if t else ""
        csat = str(rng.randint(1, 5)) if solved and rng.random() < 0.4 else ""
        rows.append(",".join([
            f"ACME-{10000 + i}", status, fmt(created), fmt(updated), fmt(first), fmt(solved), rng.choice(channels),
            rng.choice(priorities), rng.choice(agents), rng.choice(["billing", "orders", "returns"]),
            '"' + ",".join(rng.sample(["vip", "refund", "delivery", "app"], rng.randint(0, 2))) + '"', csat, str(rng.randint(0, 1) if solved else 0),
        ]))
    # One row a provider's export gets wrong: it lands in rejects/ with its line number.
    rows.append("ACME-19999,Escalated to Mars,24/11/2026 09:00,24/11/2026 09:05,,,E-Mail,P2,Ana Costa,billing,,,0")
    (root / "acme").mkdir(parents=True, exist_ok=True)
    (root / "acme" / "tickets-2026-11-24.csv").write_text("\n".join(rows) + "\n")

def globex():
    lines = []
    for i in range(1, 41):
        created = base + datetime.timedelta(minutes=rng.randint(0, 600))
        history = [{"status": "new", "at": created}]
        t = created
        for status in rng.choice([["open"], ["open", "pending"], ["open", "solved"], ["open", "pending", "open", "solved"]]):
            t = t + datetime.timedelta(minutes=rng.randint(5, 180))
            history.append({"status": status, "at": t})
        iso = lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
        solved = next((h["at"] for h in history if h["status"] == "solved"), None)
        first = history[1]["at"]
        lines.append(json.dumps({
            "ticket": {"number": f"GX-{5000 + i}", "state": history[-1]["status"], "channel": rng.choice(["email", "chat", "phone", "social"]),
                       "priority": rng.choice(["low", "normal", "high", "urgent"])},
            "times": {"created": iso(created), "updated": iso(t), "first_response": iso(first), "solved": iso(solved) if solved else None},
            "owner": rng.choice(["rosa.m", "jun.p", "li.w"]), "team": rng.choice(["tier1", "tier2"]),
            "history": [{"status": h["status"], "at": iso(h["at"])} for h in history],
        }))
    (root / "globex").mkdir(parents=True, exist_ok=True)
    (root / "globex" / "tickets-2026-11-24.jsonl").write_text("\n".join(lines) + "\n")

acme()
globex()
