//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Evidence bundles end to end: a real agent syncs a month of tickets and interval reports to a real coordinator,
// `evidence export` writes the bundle, `oversight-verify` finds it clean, and finds and names each tampering.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightTesting
import Testing

extension EndToEnd {
    @Suite struct EvidenceTests {
        /// 24/7 in UTC; first reply 1 h, resolution 8 h; monthly first-reply attainment, CSAT and QA score, daily phone service level;
        /// credits on first-reply attainment and on each missed day of service level.
        static let contract = """
            provider: acme
            calendars:
              always:
                time_zone: UTC
                hours: 24/7
            versions:
              - effective_from: 2020-01-01
                calendar: always
                targets:
                  first_reply: 1h
                  resolution: 8h
                aggregates:
                  - id: first-reply-attainment
                    figure: ticket_attainment
                    ticket_target: first_reply
                    period: month
                    target: 90%
                  - id: csat
                    figure: csat
                    variant: top2_box
                    period: month
                    target: 85%
                  - id: qa
                    figure: qa_score
                    period: month
                    target: 90
                  - id: phone-sl
                    figure: service_level
                    match: {channel: phone}
                    period: day
                    target: 80%
                    threshold: 20s
                credits:
                  monthly_fee: 10000
                  currency: EUR
                  monthly_cap: 10%
                  per_miss:
                    - {target: first-reply-attainment, share: 3%}
                    - {target: phone-sl, share: 1%}
            """

        /// Ticket exports with first-reply and solve times.
        static let mapping = """
            fields:
              id: "id"
              status: "status"
              created_at: "created"
              updated_at: "updated"
              channel: "channel"
              priority: "priority"
              queue: "queue"
              first_reply_at: "first_reply"
              solved_at: "solved"
              csat: "csat"
            dates:
              format: iso8601
            """

        /// Ticket `n`, created `n` minutes after `base`: every third one solved in time (reply after 20 min, solved after 2 h,
        /// CSAT 5), every third one open without a reply, every third one late on both clocks (reply after 90 min, solved
        /// after 10 h, CSAT 2). `solvedLate`: the open one, later solved late (reply after 3 h, solved after 9 h, CSAT 4).
        static func ticket(_ n: Int, base: Date, solvedLate: Bool = false) -> String {
            let created = base.addingTimeInterval(Double(n) * 60)
            func at(_ minutes: Double) -> String { WireJSON.format(created.addingTimeInterval(minutes * 60)) }
            let fields: (status: String, reply: String, solved: String, csat: String) =
                switch (n % 3, solvedLate) {
                case (1, false): ("open", "", "", "")
                case (1, true): ("solved", at(180), at(540), "4")
                case (0, _): ("solved", at(20), at(120), "5")
                default: ("solved", at(90), at(600), "2")
                }
            let updated = at(solvedLate ? 700 : 660)
            return ["EV-\(n)", fields.status, WireJSON.format(created), updated, "email", "normal", "billing", fields.reply, fields.solved, fields.csat]
                .joined(separator: ",")
        }

        static func tickets(_ lines: [String]) -> String {
            (["id,status,created,updated,channel,priority,queue,first_reply,solved,csat"] + lines).joined(separator: "\n") + "\n"
        }

        /// The first instant of the month before the current one (UTC), and its `YYYY-MM`.
        static func previousMonth() -> (start: Date, label: String) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
            let now = calendar.dateComponents([.year, .month], from: Date())
            let thisMonth = calendar.date(from: DateComponents(year: now.year, month: now.month, day: 1)) ?? Date()
            let start = calendar.date(byAdding: .month, value: -1, to: thisMonth) ?? thisMonth
            return (start, String(WireJSON.format(start).prefix(7)))
        }

        func verify(_ directory: URL) async throws -> CommandResult {
            try await runCommand(try Binaries.verify(), [directory.path])
        }

        /// A copy of the bundle to tamper with.
        func copy(_ bundle: URL, _ name: String, in harness: Harness) throws -> URL {
            let target = harness.directory.child(name)
            try FileManager.default.copyItem(at: bundle, to: target)
            return target
        }

        @Test(.timeLimit(.minutes(4)))
        func anExportedMonthVerifiesCleanAndEachTamperingIsNamed() async throws {
            try await withHarness("evidence") { harness in
                let contracts = harness.directory.child("contracts")
                try FileManager.default.createDirectory(at: contracts, withIntermediateDirectories: true)
                try Self.contract.write(to: contracts.appendingPathComponent("acme.contract.yaml"), atomically: true, encoding: .utf8)
                let coordinator = try await harness.startCoordinator(configYAML: "contracts: \(contracts.path)\n")
                var options = AgentOptions()
                options.ticketMapping = Self.mapping
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "lisbon", options: options)
                let agentId = try agent.agentId()
                let store = try coordinator.openStore()
                let (monthStart, month) = Self.previousMonth()

                // Three drops, each synced before the next, so the agent's chain has several batches: 30 tickets of the
                // month's second day, interval reports of that day, then newer versions of two tickets (the latest wins).
                let base = monthStart.addingTimeInterval(86_400 + 8 * 3600)
                try agent.drop("tickets-1.csv", Self.tickets((0..<30).map { Self.ticket($0, base: base) }))
                try await eventually("30 tickets stored") { try await store.ticketCount() == 30 }

                var lines = [IntervalTests.header]
                for slot in 0..<4 {
                    let start = monthStart.addingTimeInterval(86_400 + Double(slot) * 900)
                    lines.append("\(WireJSON.format(start)),15,billing,100,90,50,20,10,0,1800,27000,6,9,0.5000")
                }
                try agent.dropIntervals("intervals-1.csv", lines.joined(separator: "\n") + "\n")
                // Five QA evaluations of that day (the lines of EvaluationTests, moved into the month).
                let evaluations = (1...5).map { n in
                    EvaluationTests.line(n).text.replacingOccurrences(
                        of: WireJSON.format(Date(timeIntervalSince1970: 1_772_442_000 + Double(n) * 60)),
                        with: WireJSON.format(monthStart.addingTimeInterval(86_400 + 12 * 3600 + Double(n) * 60))
                    )
                }
                try agent.dropEvaluations("qa-1.jsonl", evaluations.joined(separator: "\n") + "\n")
                try await eventually("interval reports and evaluations stored") {
                    let intervals = try await store.intervalCounts()["acme"]
                    let evaluations = try await store.evaluationCounts()["acme"]
                    return intervals == 4 && evaluations == 5
                }
                // A QA dispute on one of them, decided: exported with its steps, and its evaluation must be in a batch.
                let disputed = try #require(
                    try await store.evaluations(provider: "acme", site: nil, from: monthStart, to: monthStart.addingTimeInterval(40 * 86_400), limit: 10).first
                )
                _ = try await store.openDispute(provider: "acme", evaluationId: disputed.record.id, by: "sup", reason: "tone was fine", at: Date())
                _ = try await store.decideDispute(provider: "acme", evaluationId: disputed.record.id, decision: .rejected, by: "qa", note: "kept", at: Date())

                // Tickets 1 and 4 (open, both clocks breached) are solved late: still breached, now solved with a CSAT.
                try agent.drop("tickets-2.csv", Self.tickets([1, 4].map { Self.ticket($0, base: base, solvedLate: true) }))
                try await eventually("ticket updates stored") {
                    try await store.ticket(provider: "acme", id: "EV-4")?.record.status == .solved
                }
                try await eventually("three batches or more committed") { (try await store.agent(id: agentId)?.lastSeq ?? 0) >= 3 }
                let lastSeq = try #require(try await store.agent(id: agentId)?.lastSeq)

                // Refusals, before anything is written.
                let occupied = harness.directory.child("occupied")
                try FileManager.default.createDirectory(at: occupied, withIntermediateDirectories: true)
                try "x".write(to: occupied.appendingPathComponent("note.txt"), atomically: true, encoding: .utf8)
                func export(_ provider: String, _ month: String, _ to: URL) async throws -> CommandResult {
                    try await coordinator.cli(["evidence", "export", "--provider", provider, "--month", month, "--to", to.path, "--contracts", contracts.path])
                }
                let notEmpty = try await export("acme", month, occupied)
                #expect(notEmpty.exitCode != 0 && notEmpty.stderr.contains("not empty"), "\(notEmpty)")
                let unknown = try await export("initech", month, harness.directory.child("unknown"))
                #expect(unknown.exitCode != 0 && unknown.stderr.contains("unknown provider 'initech'"), "\(unknown)")
                let badMonth = try await export("acme", "2026-13", harness.directory.child("bad-month"))
                #expect(badMonth.exitCode != 0 && badMonth.stderr.contains("2026-13"), "\(badMonth)")
                #expect(!FileManager.default.fileExists(atPath: harness.directory.child("unknown").path))

                // Export and verify: clean.
                let bundle = harness.directory.child("bundle")
                let exported = try await export("acme", month, bundle)
                #expect(exported.exitCode == 0, "\(exported)")
                let clean = try await self.verify(bundle)
                #expect(clean.exitCode == 0, "\(clean)")
                #expect(clean.stdout.contains("verified: \(lastSeq) batches, 30 tickets, "), "\(clean)")
                #expect(clean.stdout.contains("no differences"), "\(clean)")
                #expect(clean.stdout.contains("30 tickets, 4 interval reports, 5 QA evaluations;") && clean.stdout.contains(", 1 disputes"), "\(clean)")
                let disputes = try #require(
                    try JSONSerialization.jsonObject(with: Data(contentsOf: bundle.appendingPathComponent("disputes.json"))) as? [[String: Any]]
                )
                #expect(disputes.count == 1 && disputes.first?["state"] as? String == "rejected" && disputes.first?["evaluationId"] as? String == disputed.record.id)

                // The figures are real ones: tickets were due in the month, and the statement has lines.
                let figuresData = try Data(contentsOf: bundle.appendingPathComponent("figures.json"))
                let figures = try #require(try JSONSerialization.jsonObject(with: figuresData) as? [String: Any])
                let items = try #require(figures["figures"] as? [[String: Any]])
                let attainment = try #require(items.first { $0["target"] as? String == "first-reply-attainment" })
                let attainmentTotals = try #require(attainment["totals"] as? [String: Any])
                #expect((attainmentTotals["firstReplyDue"] as? Int ?? 0) > 0, "\(attainment)")
                #expect(attainment["value"] is Double, "\(attainment)")
                let credits = try #require(
                    try JSONSerialization.jsonObject(with: Data(contentsOf: bundle.appendingPathComponent("credits.json"))) as? [String: Any]
                )
                #expect(((credits["lines"] as? [Any]) ?? []).count > 1)

                // 1. One payload byte of batch 1 changed: named as a bad signature of that batch.
                let firstBatch = "batches/\(agentId)/0000000001.jws.json"
                let tampered = try self.copy(bundle, "tampered", in: harness)
                let batchURL = tampered.appendingPathComponent(firstBatch)
                var jws = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: batchURL)) as? [String: String])
                var payload = Array(try #require(jws["payload"]))
                let middle = payload.count / 2
                payload[middle] = payload[middle] == "A" ? "B" : "A"
                jws["payload"] = String(payload)
                try JSONSerialization.data(withJSONObject: jws, options: [.sortedKeys]).write(to: batchURL)
                let badSignature = try await self.verify(tampered)
                #expect(badSignature.exitCode != 0, "\(badSignature)")
                #expect(badSignature.stdout.contains("bad signature: \(firstBatch) (agent \(agentId) batch 1)"), "\(badSignature)")
                #expect(!badSignature.stdout.contains("no differences"))

                // 2. Batch 2 dropped: named as a sequence gap.
                let dropped = try self.copy(bundle, "dropped", in: harness)
                try FileManager.default.removeItem(at: dropped.appendingPathComponent("batches/\(agentId)/0000000002.jws.json"))
                let gap = try await self.verify(dropped)
                #expect(gap.exitCode != 0, "\(gap)")
                #expect(gap.stdout.contains("agent \(agentId): sequence gap: batch 2 is missing"), "\(gap)")

                // 3. One figure edited: named as a figure difference of that target and period.
                let edited = try self.copy(bundle, "edited", in: harness)
                var editedFigures = figures
                var editedItems = items
                let index = try #require(editedItems.firstIndex { $0["target"] as? String == "first-reply-attainment" })
                let original = editedItems[index]["value"] as? Double ?? 0
                editedItems[index]["value"] = original > 0.5 ? original - 0.25 : original + 0.25
                editedFigures["figures"] = editedItems
                try JSONSerialization.data(withJSONObject: editedFigures, options: [.sortedKeys, .prettyPrinted])
                    .write(to: edited.appendingPathComponent("figures.json"))
                let figureDifference = try await self.verify(edited)
                #expect(figureDifference.exitCode != 0, "\(figureDifference)")
                let period = try #require(attainment["period"] as? String)
                #expect(
                    figureDifference.stdout.contains("figure difference: figures.json first-reply-attainment \(period) (ticket_attainment): value: coordinator"),
                    "\(figureDifference)"
                )
                #expect(figureDifference.stdout.contains("manifest: figures.json"), "\(figureDifference)")
            }
        }
    }
}
