#!/usr/bin/env python3
"""Recomputes an Oversight audit-sample draw from docs/audits.md ("Recomputing a draw"), independently of the Swift code.

Input (standard input, JSON):
  {"seed": "<64 hex>", "size": n, "strata": ["channel", "outcome"], "allocation": "proportional" | "neyman",
   "expected_rates": {"email": 0.1}, "default_rate": 0.1, "per_staff_per_week": k or null,
   "targeted": [["low_csat", 2], ...],
   "tickets": [{"id", "channel", "solved", "week", "assignee", "csat", "reopen_count", "breached"}, ...]}
Output: one line per selection, "ticket_id<TAB>stratum<TAB>purpose<TAB>rank", in draw order.
"""
import hashlib
import json
import math
import sys


def rank_key(seed, stratum, ticket_id):
    return hashlib.sha256(seed + b"oversight-sample-v1" + b"\0" + stratum.encode() + b"\0" + ticket_id.encode()).digest()


def ranked(seed, stratum, tickets):
    return sorted(tickets, key=lambda t: (rank_key(seed, stratum, t["id"]), t["id"]))


def shares(total, sizes, weights):
    result = [0] * len(sizes)
    open_strata = {i for i, size in enumerate(sizes) if size > 0}
    remaining = min(total, sum(sizes))
    while remaining > 0 and open_strata:
        order = sorted(open_strata)
        mass = sum(weights[i] * sizes[i] for i in order)
        count = sum(sizes[i] for i in order)
        exact = [remaining * (weights[i] * sizes[i] / mass if mass > 0 else sizes[i] / count) for i in order]
        full = [p for p, i in enumerate(order) if exact[p] >= sizes[i] - result[i]]
        if full:
            for p in full:
                i = order[p]
                remaining -= sizes[i] - result[i]
                result[i] = sizes[i]
                open_strata.discard(i)
            continue
        floors = [math.floor(x) for x in exact]
        left = remaining - sum(floors)
        for p in sorted(range(len(order)), key=lambda p: (-(exact[p] - floors[p]), p)):
            if left == 0:
                break
            floors[p] += 1
            left -= 1
        for p, i in enumerate(order):
            result[i] += floors[p]
        remaining = 0
    return result


def main():
    spec = json.load(sys.stdin)
    seed = bytes.fromhex(spec["seed"])
    tickets = spec["tickets"]

    def stratum_of(t):
        parts = []
        for key in spec["strata"]:
            parts.append(t["channel"] if key == "channel" else ("solved" if t["solved"] else "open"))
        return "/".join(parts)

    groups = {}
    for t in tickets:
        groups.setdefault(stratum_of(t), []).append(t)
    names = sorted(groups)
    sizes = [len(groups[n]) for n in names]
    if spec["allocation"] == "neyman":
        rates = [spec["expected_rates"].get(groups[n][0]["channel"], spec["default_rate"]) for n in names]
        weights = [math.sqrt(r * (1 - r)) for r in rates]
    else:
        weights = [1.0] * len(names)
    out = []
    drawn = set()
    for name, share in zip(names, shares(spec["size"], sizes, weights)):
        for rank, t in enumerate(ranked(seed, name, groups[name])[:share], start=1):
            out.append((t["id"], name, "estimate", rank))
            drawn.add(t["id"])
    quota = spec.get("per_staff_per_week")
    if quota:
        staff_weeks = {}
        for t in tickets:
            if t.get("assignee") is not None:
                staff_weeks.setdefault((t["week"], t["assignee"]), []).append(t)
        for week, staff in sorted(staff_weeks):
            members = staff_weeks[(week, staff)]
            stratum = "quota/%s/%s" % (staff, week)
            have = sum(1 for t in members if t["id"] in drawn)
            for rank, t in enumerate(ranked(seed, stratum, [t for t in members if t["id"] not in drawn]), start=1):
                if have >= quota:
                    break
                out.append((t["id"], stratum, "quota", rank))
                drawn.add(t["id"])
                have += 1
    tests = {
        "low_csat": lambda t: (t.get("csat") or 5) <= 2,
        "reopened": lambda t: t["reopen_count"] > 0,
        "breached": lambda t: t["breached"],
    }
    for name, count in spec["targeted"]:
        stratum = "targeted/" + name
        matching = [t for t in tickets if t["id"] not in drawn and tests[name](t)]
        for rank, t in enumerate(ranked(seed, stratum, matching)[:count], start=1):
            out.append((t["id"], stratum, "targeted", rank))
            drawn.add(t["id"])
    for row in out:
        print("%s\t%s\t%s\t%d" % row)


main()
