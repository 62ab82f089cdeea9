//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// QA evaluations end to end: a real agent reads a QA JSON Lines export, the real coordinator stores the evaluations and
// sums them for the QA score and the high-impact error rate.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import OversightTesting
import OversightWire
import Testing

extension EndToEnd {
    @Suite struct EvaluationTests {
        /// One line as the simulator's `QAEvaluation.jsonLine()` writes it: evaluation `n` of the reference scorecard,
        /// completed `n` minutes after 2026-03-02 09:00Z; every fifth fails verification (a high-impact error, scored 0),
        /// every third fails tone (low impact).
        static func line(_ n: Int) -> (text: String, score: Double, flagged: Bool) {
            let high = n % 5 == 0
            let low = n % 3 == 0
            let score: Double = high ? 0 : (low ? 77.8 : 100)
            let at = WireJSON.format(Date(timeIntervalSince1970: 1_772_442_000 + Double(n) * 60))
            let text =
                #"{"comments":"n\#(n)","evaluated_at":"\#(at)","evaluator":"qa-\#(n % 3)","high_impact_errors":\#(high ? 1 : 0),"#
                + #""interaction_ref":"T-\#(n)","items":[{"impact":"low","item":"greeting","passed":true},"#
                + #"{"impact":"high","item":"verification","passed":\#(!high)},{"impact":"low","item":"tone","passed":\#(!low)}],"#
                + #""low_impact_errors":\#(low ? 1 : 0),"score":\#(score),"scorecard_id":"support","scorecard_version":3}"#
            return (text, score, high)
        }

        @Test(.timeLimit(.minutes(3)))
        func qaJSONLinesArriveAsSummedEvaluationsAndABadLineIsRejectedWithItsNumber() async throws {
            try await withHarness("evaluations") { harness in
                let coordinator = try await harness.startCoordinator()
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "lisbon")
                let agentId = try agent.agentId()

                // 40 evaluations; the bad one (score 140) goes on line 8.
                var lines: [String] = []
                var good: [(score: Double, flagged: Bool)] = []
                for n in 1...40 {
                    if lines.count == 7 {
                        let bad = Self.line(99)
                        lines.append(bad.text.replacingOccurrences(of: #""score":\#(bad.score)"#, with: #""score":140"#))
                    }
                    let line = Self.line(n)
                    lines.append(line.text)
                    good.append((line.score, line.flagged))
                }
                #expect(lines[7].contains(#""score":140"#))
                try agent.dropEvaluations("qa-lisbon-1.jsonl", lines.joined(separator: "\n") + "\n")

                let store = try coordinator.openStore()
                let day = Date(timeIntervalSince1970: 1_772_409_600)  // 2026-03-02T00:00:00Z
                try await eventually("all \(good.count) evaluations stored") {
                    try await store.qaTotals(provider: "acme", scope: .all, from: day, to: day + 86_400).evaluations == good.count
                }
                try await eventually("the file moved to done/") { agent.doneEvaluationFiles() == ["qa-lisbon-1.jsonl"] }

                // The totals are the sums of the lines: 8 flagged (n = 5, 10, …, 40), scores summed as sent.
                let totals = try await store.qaTotals(provider: "acme", scope: .all, from: day, to: day + 86_400)
                #expect(totals.flagged == good.filter(\.flagged).count)
                #expect(totals.flagged == 8)
                #expect(abs(totals.scoreSum - good.map(\.score).reduce(0, +)) < 1e-9)
                let porto = try await store.qaTotals(provider: "acme", scope: RecordScope(sites: ["porto"]), from: day, to: day + 86_400)
                #expect(porto.evaluations == 0)

                // Each stored evaluation: people pseudonymised, and a batch of this agent that verifies and carries it.
                let credentials = try agent.credentials()
                let stored = try await store.evaluations(provider: "acme", site: "lisbon", from: day, to: day + 86_400, limit: 1_000)
                #expect(stored.count == good.count)
                #expect(Set(stored.map(\.record.evaluator)).count == 3)
                var keys: [Int64: Set<String>] = [:]
                for evaluation in stored {
                    #expect(evaluation.agentId == agentId)
                    #expect(evaluation.record.evaluator.hasPrefix("p_") && !evaluation.record.evaluator.contains("qa-"))
                    #expect(evaluation.record.items.count == 3 && evaluation.record.scorecardVersion == "3")
                    if keys[evaluation.batchSeq] == nil {
                        let batch = try #require(try await store.batch(agentId: agentId, seq: evaluation.batchSeq))
                        guard case .valid(let bytes) = JWS.verify(
                            batch.jws, key: credentials.signingKey.publicKey, expectedKid: agentId, expectedType: JWS.batchType
                        ) else {
                            Issue.record("batch \(evaluation.batchSeq) does not verify")
                            continue
                        }
                        keys[evaluation.batchSeq] = Set(try WireJSON.decode(BatchPayload.self, from: bytes).records.map(\.key))
                    }
                    #expect(keys[evaluation.batchSeq]?.contains(evaluation.record.id) == true)
                }

                // The bad line is set aside with its line number and reason.
                let rejects = try String(
                    contentsOf: agent.evaluationsDirectory.appendingPathComponent("rejects/qa-lisbon-1.jsonl.rejects.jsonl"), encoding: .utf8
                )
                let rejectLines = rejects.split(separator: "\n")
                #expect(rejectLines.count == 1)
                let reject = try #require(try JSONSerialization.jsonObject(with: Data((rejectLines.first ?? "").utf8)) as? [String: Any])
                #expect(reject["line"] as? Int == 8)
                #expect(reject["reason"] as? String == #"line 8: key "score": '140' is not a number from 0 to 100"#)

                // status --json counts the provider's evaluations.
                let result = try await coordinator.cli(["status", "--json"])
                #expect(result.exitCode == 0)
                let report = try WireJSON.decode(StatusReport.self, from: Data(result.stdout.utf8))
                #expect(report.providers.first { $0.provider == "acme" }?.evaluations == good.count)

                // A corrected re-export (a later file, same scorecard, interaction and evaluator: the same derived id)
                // replaces the evaluation: n = 5 re-scored without its high-impact error.
                let before = try #require(stored.first { $0.record.interactionRef == "T-5" })
                #expect(before.record.isFlagged)
                let fixed = Self.line(5).text
                    .replacingOccurrences(
                        of: #""passed":false},{"impact":"low","item":"tone""#, with: #""passed":true},{"impact":"low","item":"tone""#
                    )
                    .replacingOccurrences(of: #""high_impact_errors":1"#, with: #""high_impact_errors":0"#)
                    .replacingOccurrences(of: #""score":0.0"#, with: #""score":100"#)
                #expect(fixed != Self.line(5).text)
                try agent.dropEvaluations("qa-lisbon-2.jsonl", fixed + "\n")
                try await eventually("the correction applied") {
                    try await store.qaTotals(provider: "acme", scope: .all, from: day, to: day + 86_400).flagged == 7
                }
                let after = try await store.qaTotals(provider: "acme", scope: .all, from: day, to: day + 86_400)
                #expect(after.evaluations == good.count)
                #expect(abs(after.scoreSum - (totals.scoreSum + 100)) < 1e-9)
                let corrected = try await store.evaluations(provider: "acme", site: "lisbon", from: day, to: day + 86_400, limit: 1_000)
                    .first { $0.record.interactionRef == "T-5" }
                #expect(corrected?.record.id == before.record.id)
                #expect(corrected?.record.score == 100)
                #expect(coordinator.isRunning)
            }
        }

        @Test(.timeLimit(.minutes(3)))
        func anotherProvidersOrAnInvalidEvaluationIsRefusedLikeATicket() async throws {
            try await withHarness("evaluations-refused") { harness in
                let coordinator = try await harness.startCoordinator()
                let store = try coordinator.openStore()
                let caPEM = try coordinator.caPEM()
                let agent = try harness.makeAgent(name: "lean")
                try await agent.enroll(with: coordinator, provider: "acme", site: "lisbon")
                let credentials = try agent.credentials()
                let agentId = credentials.identity.agentId
                let signer = BatchSigner(credentials: credentials)
                let at = Date(timeIntervalSince1970: 1_772_442_000)
                let updated = Date(timeIntervalSince1970: 1_772_443_000)
                let day = Date(timeIntervalSince1970: 1_772_409_600)
                func stored() async throws -> Int {
                    try await store.qaTotals(provider: "acme", scope: .all, from: day, to: day + 86_400).evaluations
                }

                // An evaluation of another provider: the batch is refused whole, as for tickets.
                do {
                    let client = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: credentials)
                    _ = try await client.hello(agentId: agentId)
                    let batch = try signer.sign(
                        seq: 1, prev: genesisBatchHash,
                        records: [
                            signer.evaluation("E1", evaluatedAt: at, updatedAt: updated),
                            signer.evaluation("E2", evaluatedAt: at, updatedAt: updated, provider: "globex"),
                        ]
                    )
                    try await client.send(batch: batch.jws)
                    let reply = try await client.next()
                    #expect(reply.error?.code == "wrong_provider", "got \(reply)")
                    try await eventually("wrong_provider security event") { try await store.hasSecurityEvent("wrong_provider", agentId: agentId) }
                    #expect(try await stored() == 0)
                    #expect(try await store.evaluationCounts()["globex"] == nil)
                    await client.close()
                }

                // An inconsistent evaluation (a failed high-impact item but no high-impact error counted): bad_record
                // naming the record and the problem; nothing of the batch applied.
                do {
                    let client = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: credentials)
                    _ = try await client.hello(agentId: agentId)
                    let batch = try signer.sign(
                        seq: 1, prev: genesisBatchHash,
                        records: [
                            signer.ticket("T-1", updatedAt: updated), signer.evaluation("E1", evaluatedAt: at, updatedAt: updated),
                            signer.evaluation("E2", evaluatedAt: at, updatedAt: updated) { $0.items[0].passed = false },
                        ]
                    )
                    try await client.send(batch: batch.jws)
                    let reply = try await client.next()
                    #expect(reply.error?.code == "bad_record", "got \(reply)")
                    #expect(
                        reply.error?.message == "records[2] (evaluation E2): highImpactErrors (0) differs from the 1 failed high-impact items",
                        "got \(reply)"
                    )
                    #expect(try await stored() == 0)
                    #expect(try await store.ticket(provider: "acme", id: "T-1") == nil)
                    await client.close()
                }

                // The same agent then commits a good batch of three kinds.
                let client = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: credentials)
                _ = try await client.hello(agentId: agentId)
                let good = try signer.sign(
                    seq: 1, prev: genesisBatchHash,
                    records: [
                        signer.ticket("T-1", updatedAt: updated), signer.interval("billing", start: at, updatedAt: updated),
                        signer.evaluation("E1", evaluatedAt: at, score: 85, updatedAt: updated),
                    ]
                )
                try await client.send(batch: good.jws)
                let ack = try #require(try await client.next().ack)
                #expect(ack.status == "committed" && ack.applied == 3 && ack.stale == 0)
                let totals = try await store.qaTotals(provider: "acme", scope: .all, from: day, to: day + 86_400)
                #expect(totals == QAEvaluationTotals(evaluations: 1, scoreSum: 85))
                await client.close()
            }
        }
    }
}
