//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Interval metrics end to end: a real agent reads an interval CSV, the real coordinator stores the sums.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import OversightTesting
import OversightWire
import Testing

extension EndToEnd {
    @Suite struct IntervalTests {
        /// The simulator's interval CSV header (`IntervalReport.csvHeader`), the reference export the harness's
        /// `intervals` source reads with its default mapping.
        static let header =
            "interval_start,interval_minutes,queue,offered,answered,answered_within_threshold,threshold_seconds,abandoned,short_abandons,"
            + "total_answer_delay_seconds,total_handle_seconds,agents_staffed,agents_needed,erlang_c_service_level"

        /// One row: slot `n` (15 minutes from 2026-03-02 09:00 Lisbon = 09:00Z) of `queue`, with counts that depend on `n`.
        static func row(_ queue: String, slot n: Int) -> (line: String, offered: Int, answered: Int, within: Int, abandoned: Int, delay: Int) {
            let start = Date(timeIntervalSince1970: 1_772_442_000 + Double(n) * 900)
            let offered = 20 + n % 7, answered = 15 + n % 5, within = 10 + n % 5, abandoned = offered - answered - n % 2
            let delay = answered * (7 + n % 3)
            let line = [
                WireJSON.format(start), "15", queue, "\(offered)", "\(answered)", "\(within)", "20", "\(abandoned)", "\(n % 2)", "\(delay)",
                "\(answered * 300)", "6", "7", "0.8000",
            ].joined(separator: ",")
            return (line, offered, answered, within, abandoned, delay)
        }

        @Test(.timeLimit(.minutes(3)))
        func intervalCSVArrivesAsSummedRowsAndABadRowIsRejectedWithItsLine() async throws {
            try await withHarness("intervals") { harness in
                let coordinator = try await harness.startCoordinator()
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "lisbon")
                let agentId = try agent.agentId()

                // 32 slots of two queues; the bad row (answered > offered) goes in after row index 9, i.e. on line 12.
                var lines = [Self.header]
                var rows: [(queue: String, slot: Int)] = []
                for slot in 0..<32 {
                    for queue in ["billing", "sales"] {
                        if lines.count == 11 {
                            lines.append("2026-03-02T09:00:00Z,15,support,5,9,0,20,0,0,0,0,1,1,0.0")
                        }
                        lines.append(Self.row(queue, slot: slot).line)
                        rows.append((queue, slot))
                    }
                }
                try agent.dropIntervals("intervals-lisbon-1.csv", lines.joined(separator: "\n") + "\n")

                let store = try coordinator.openStore()
                let day = Date(timeIntervalSince1970: 1_772_409_600)  // 2026-03-02T00:00:00Z
                try await eventually("all \(rows.count) intervals stored") {
                    try await store.intervalTotals(provider: "acme", site: nil, queue: nil, from: day, to: day + 86_400).intervals == rows.count
                }
                try await eventually("the file moved to done/") { agent.doneIntervalFiles() == ["intervals-lisbon-1.csv"] }

                // The sums are the sums of the rows, per queue and over everything.
                for queue in ["billing", "sales"] {
                    let expected = rows.filter { $0.queue == queue }.map { Self.row($0.queue, slot: $0.slot) }
                    let totals = try await store.intervalTotals(provider: "acme", site: "lisbon", queue: queue, from: day, to: day + 86_400)
                    #expect(totals.intervals == 32)
                    #expect(totals.offered == expected.map(\.offered).reduce(0, +))
                    #expect(totals.answered == expected.map(\.answered).reduce(0, +))
                    #expect(totals.handled == totals.answered)
                    #expect(totals.answeredWithinThreshold == expected.map(\.within).reduce(0, +))
                    #expect(totals.abandoned == expected.map(\.abandoned).reduce(0, +))
                    #expect(totals.shortAbandons == 16)
                    #expect(totals.totalAnswerDelaySeconds == Double(expected.map(\.delay).reduce(0, +)))
                    #expect(totals.totalHandleTimeSeconds == Double(totals.answered * 300))
                    #expect(totals.minThresholdSeconds == 20 && totals.maxThresholdSeconds == 20)
                }
                let support = try await store.intervalTotals(provider: "acme", site: nil, queue: "support", from: day, to: day + 86_400)
                #expect(support.intervals == 0)

                // Each stored interval points at a batch of this agent that verifies and carries it.
                let credentials = try agent.credentials()
                let stored = try await store.intervals(provider: "acme", site: "lisbon", from: day, to: day + 86_400, limit: 1_000)
                #expect(stored.count == rows.count)
                var keys: [Int64: Set<String>] = [:]
                for interval in stored {
                    #expect(interval.agentId == agentId)
                    #expect(interval.record.channel == .phone && interval.record.minutes == 15 && interval.record.agentsStaffed == 6)
                    if keys[interval.batchSeq] == nil {
                        let batch = try #require(try await store.batch(agentId: agentId, seq: interval.batchSeq))
                        guard case .valid(let bytes) = JWS.verify(
                            batch.jws, key: credentials.signingKey.publicKey, expectedKid: agentId, expectedType: JWS.batchType
                        ) else {
                            Issue.record("batch \(interval.batchSeq) does not verify")
                            continue
                        }
                        keys[interval.batchSeq] = Set(try WireJSON.decode(BatchPayload.self, from: bytes).records.map(\.key))
                    }
                    #expect(keys[interval.batchSeq]?.contains(interval.record.key) == true)
                }

                // The bad row is set aside with its line number and reason.
                let rejects = try String(
                    contentsOf: agent.intervalsDirectory.appendingPathComponent("rejects/intervals-lisbon-1.csv.rejects.jsonl"), encoding: .utf8
                )
                let rejectLines = rejects.split(separator: "\n")
                #expect(rejectLines.count == 1)
                let reject = try #require(try JSONSerialization.jsonObject(with: Data((rejectLines.first ?? "").utf8)) as? [String: Any])
                #expect(reject["line"] as? Int == 12)
                #expect(reject["reason"] as? String == "line 12: answered (9) is more than offered (5)")

                // status --json counts the provider's intervals.
                let result = try await coordinator.cli(["status", "--json"])
                #expect(result.exitCode == 0)
                let report = try WireJSON.decode(StatusReport.self, from: Data(result.stdout.utf8))
                #expect(report.providers.first { $0.provider == "acme" }?.intervals == rows.count)

                // A corrected re-export (a later file) replaces one interval; the earlier version is kept as evidence.
                let corrected = Self.row("billing", slot: 3)
                let before = try #require(stored.first { $0.record.queue == "billing" && $0.record.start == day + 9 * 3600 + 3 * 900 })
                let fixedLine = corrected.line.replacingOccurrences(of: ",billing,\(corrected.offered),", with: ",billing,\(corrected.offered + 4),")
                #expect(fixedLine != corrected.line)
                try agent.dropIntervals("intervals-lisbon-2.csv", Self.header + "\n" + fixedLine + "\n")
                try await eventually("the correction applied") {
                    let start = before.record.start
                    let now = try await store.intervals(provider: "acme", site: "lisbon", from: start, to: start + 1, limit: 10)
                    return now.first { $0.record.queue == "billing" }?.record.offered == corrected.offered + 4
                }
                let after = try await store.intervalTotals(provider: "acme", site: "lisbon", queue: "billing", from: day, to: day + 86_400)
                #expect(after.intervals == 32)
                #expect(try await store.batch(agentId: agentId, seq: before.batchSeq) != nil)
                #expect(coordinator.isRunning)
            }
        }

        @Test(.timeLimit(.minutes(3)))
        func anotherProvidersOrAnInconsistentIntervalIsRefusedLikeATicket() async throws {
            try await withHarness("intervals-refused") { harness in
                let coordinator = try await harness.startCoordinator()
                let store = try coordinator.openStore()
                let caPEM = try coordinator.caPEM()
                let agent = try harness.makeAgent(name: "lean")
                try await agent.enroll(with: coordinator, provider: "acme", site: "lisbon")
                let credentials = try agent.credentials()
                let agentId = credentials.identity.agentId
                let signer = BatchSigner(credentials: credentials)
                let start = Date(timeIntervalSince1970: 1_772_442_000)
                let updated = Date(timeIntervalSince1970: 1_772_443_000)
                let day = Date(timeIntervalSince1970: 1_772_409_600)
                func stored() async throws -> Int {
                    try await store.intervalTotals(provider: "acme", site: nil, queue: nil, from: day, to: day + 86_400).intervals
                }

                // An interval of another provider: the batch is refused whole, as for tickets.
                do {
                    let client = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: credentials)
                    _ = try await client.hello(agentId: agentId)
                    let batch = try signer.sign(
                        seq: 1, prev: genesisBatchHash,
                        records: [
                            signer.interval("billing", start: start, updatedAt: updated),
                            signer.interval("x", start: start, updatedAt: updated, provider: "globex"),
                        ]
                    )
                    try await client.send(batch: batch.jws)
                    let reply = try await client.next()
                    #expect(reply.error?.code == "wrong_provider", "got \(reply)")
                    try await eventually("wrong_provider security event") { try await store.hasSecurityEvent("wrong_provider", agentId: agentId) }
                    #expect(try await stored() == 0)
                    #expect(try await store.intervalCounts()["globex"] == nil)
                    await client.close()
                }

                // An inconsistent interval: bad_record naming the record and the problem; nothing applied.
                do {
                    let client = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: credentials)
                    _ = try await client.hello(agentId: agentId)
                    let batch = try signer.sign(
                        seq: 1, prev: genesisBatchHash,
                        records: [
                            signer.ticket("T-1", updatedAt: updated), signer.interval("billing", start: start, updatedAt: updated),
                            signer.interval("sales", start: start, updatedAt: updated) { $0.shortAbandons = 3 },
                        ]
                    )
                    try await client.send(batch: batch.jws)
                    let reply = try await client.next()
                    #expect(reply.error?.code == "bad_record", "got \(reply)")
                    #expect(
                        reply.error?.message == "records[2] (interval sales|2026-03-02T09:00:00.000Z): shortAbandons (3) is more than abandoned (2)",
                        "got \(reply)"
                    )
                    #expect(try await stored() == 0)
                    #expect(try await store.ticket(provider: "acme", id: "T-1") == nil)
                    await client.close()
                }

                // The same agent then commits a good batch of both kinds.
                let client = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: credentials)
                _ = try await client.hello(agentId: agentId)
                let good = try signer.sign(
                    seq: 1, prev: genesisBatchHash,
                    records: [signer.ticket("T-1", updatedAt: updated), signer.interval("billing", start: start, updatedAt: updated)]
                )
                try await client.send(batch: good.jws)
                let ack = try #require(try await client.next().ack)
                #expect(ack.status == "committed" && ack.applied == 2 && ack.stale == 0)
                #expect(try await stored() == 1)
                await client.close()
            }
        }
    }
}
