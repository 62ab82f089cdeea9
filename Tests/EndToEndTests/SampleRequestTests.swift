//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Issue 10, the sample request end to end: head office draws a week's sample and requests it; the real agent takes
// the signed request, reads each interaction from its transcript folder, redacts it and returns it exactly once (a
// missing one reported with its reason); an interaction nobody asked for is refused.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightAgent
import OversightModel
import OversightStore
import OversightTesting
import Testing

extension EndToEnd {
    @Suite struct SampleRequestTests {
        static func json(_ result: CommandResult) throws -> Any { try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) }

        @Test(.timeLimit(.minutes(4)))
        func aSampleRequestBringsBackTheInteractionsRedactedExactlyOnce() async throws {
            try await withHarness("sample-request") { harness in
                let coordinator = try await harness.startCoordinator()
                let transcripts = harness.directory.child("transcripts")
                try FileManager.default.createDirectory(at: transcripts, withIntermediateDirectories: true)
                var options = AgentOptions()
                options.ticketMapping = EvidenceTests.mapping
                options.transcriptsFolder = transcripts.path
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "lisbon", options: options)
                let store = try coordinator.openStore()
                let (start, week) = SamplesCommandTests.lastWeek()
                let base = start.addingTimeInterval(86_400 + 8 * 3600)
                try agent.drop("tickets.csv", EvidenceTests.tickets((0..<12).map { EvidenceTests.ticket($0, base: base) }))
                try await eventually("12 tickets stored") { try await store.ticketCount() == 12 }

                let plan = harness.directory.child("acme.sampling.yaml")
                try "provider: acme\nsize: { method: fixed, count: 4 }\nstrata: [channel]\n".write(to: plan, atomically: true, encoding: .utf8)
                let selection = ["--provider", "acme", "--period", week, "--plan", plan.path]
                let draw = try #require(try Self.json(try await coordinator.cli(["samples", "draw", "--json"] + selection)) as? [String: Any])
                let sampled = try #require(draw["selections"] as? [[String: Any]]).compactMap { $0["ticketId"] as? String }
                #expect(sampled.count == 4)
                // Transcripts for all but the last sampled ticket: one e-mail thread full of personal data, plain text for the
                // others; the last has no file.
                let thread = """
                    From: Anna Schmidt <anna.schmidt@example.de>\r
                    Subject: Rückerstattung\r
                    \r
                    Meine Karte 4111 1111 1111 1111 wurde doppelt belastet, IBAN DE89 3704 0044 0532 0130 00.\r
                    Rufen Sie mich an: +49 30 1234567. Bestellnummer 4111 1111 1111 1112, 24.11.2026, 49,90 EUR.\r

                    """
                try thread.write(to: transcripts.appendingPathComponent("\(sampled[0]).eml"), atomically: true, encoding: .utf8)
                for ticket in sampled.dropFirst().dropLast() {
                    try "Agent: Guten Tag, wie kann ich helfen?\nKunde: Meine Lieferung fehlt (ivan@example.ru).\n"
                        .write(to: transcripts.appendingPathComponent("\(ticket).txt"), atomically: true, encoding: .utf8)
                }

                let request = try await coordinator.cli(["samples", "request"] + selection)
                #expect(request.exitCode == 0 && request.stdout.contains("requested 4 interactions"), "\(request)")
                let again = try await coordinator.cli(["samples", "request"] + selection)
                #expect(again.exitCode != 0 && again.stderr.contains("already requested"), "\(again)")

                var summary: [String: Any] = [:]
                try await eventually("the agent returned every interaction or reported it missing", timeout: .seconds(60)) {
                    let requests = try Self.json(try await coordinator.cli(["samples", "requests", "--provider", "acme", "--json"])) as? [[String: Any]]
                    summary = requests?.first ?? [:]
                    return summary["pending"] as? Int == 0
                }
                #expect(summary["requested"] as? Int == 4 && summary["returned"] as? Int == 3 && summary["missing"] as? Int == 1, "\(summary)")
                #expect(summary["takenAt"] != nil)
                let requestId = try #require(summary["id"] as? String)
                let stored = try await store.interactions(requestId: requestId)
                #expect(stored.count == 4)
                let email = try #require(stored.first { $0.record.ticketId == sampled[0] }?.record)
                #expect(email.status == .returned && email.format == .email)
                let text = email.text ?? ""
                for secret in ["anna.schmidt@example.de", "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00", "1234567"] {
                    #expect(!text.contains(secret), "\(secret) left the provider: \(text)")
                }
                #expect(text.contains("[email]") && text.contains("Bestellnummer 4111 1111 1111 1112") && text.contains("49,90 EUR"), "\(text)")
                #expect(!text.contains("\r"))
                #expect((email.redactions?["email"] ?? 0) >= 1)
                let missing = try #require(stored.first { $0.record.ticketId == sampled[3] }?.record)
                #expect(missing.status == .missing && missing.reason?.contains("no transcript file") == true, "\(missing)")

                // Exactly once: a restarted agent is not asked again (the request is taken) and sends nothing twice.
                let seqs = stored.map(\.batchSeq)
                await agent.stop()
                try agent.start()
                try agent.drop("more.csv", EvidenceTests.tickets([EvidenceTests.ticket(50, base: base)]))
                try await eventually("the restarted agent syncs") { try await store.ticketCount() == 13 }
                #expect(try await store.interactions(requestId: requestId).map(\.batchSeq) == seqs)
                let logs = try (1...2).map { try String(contentsOf: agent.root.appendingPathComponent("agent-\($0).log"), encoding: .utf8) }.joined()
                #expect(logs.components(separatedBy: "sample request taken").count == 2, "the request was taken other than once")

                // An interaction nobody asked for is refused, and nothing of its batch is stored.
                await agent.stop()
                let credentials = try agent.credentials()
                let client = try await LeanClient.connect(port: coordinator.port, caPEM: try coordinator.caPEM(), credentials: credentials)
                let welcome = try await client.hello(agentId: credentials.identity.agentId)
                let signer = BatchSigner(credentials: credentials)
                let unasked = InteractionRecord(
                    provider: "acme", site: "lisbon", requestId: requestId, ticketId: "EV-NOT-SAMPLED", status: .returned, format: .text,
                    text: "made up", redactions: [:], updatedAt: Date()
                )
                let batch = try signer.sign(seq: welcome.lastSeq + 1, prev: welcome.lastHash, records: [.interaction(unasked)])
                try await client.send(batch: batch.jws)
                let reply = try await client.next()
                #expect(reply.error?.code == "bad_record" && reply.error?.message.contains("no sample request") == true, "\(reply)")
                await client.close()
                #expect(try await store.interactions(requestId: requestId).count == 4)
            }
        }
        /// This ISO week's label (`2026-W50`), in UTC.
        static func thisWeek() -> String {
            var calendar = Calendar(identifier: .iso8601)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: Date())
            return String(format: "%04d-W%02d", parts.yearForWeekOfYear!, parts.weekOfYear!)
        }

        /// Head office announces each period's seed commitment to the agent before the period; it cannot then change the
        /// seed: a changed announcement and a request drawn with another seed are refused by the agent.
        @Test(.timeLimit(.minutes(3)))
        func theAgentKeepsTheAnnouncedSeedAndRefusesAnotherOne() async throws {
            try await withHarness("sample-seeds") { harness in
                let coordinator = try await harness.startCoordinator()
                let sampling = coordinator.dataDirectory.appendingPathComponent("sampling")
                try FileManager.default.createDirectory(at: sampling, withIntermediateDirectories: true)
                try "provider: acme\nsize: { method: fixed, count: 2 }\n".write(to: sampling.appendingPathComponent("acme.sampling.yaml"), atomically: true, encoding: .utf8)
                var options = AgentOptions()
                options.ticketMapping = EvidenceTests.mapping
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "lisbon", options: options)
                let store = try coordinator.openStore()
                // Open tickets of this week, created after it began and updated since (nothing dated in the future).
                var calendar = Calendar(identifier: .iso8601)
                calendar.timeZone = TimeZone(identifier: "UTC")!
                let weekStart = calendar.dateInterval(of: .weekOfYear, for: Date())!.start
                let created = max(weekStart.addingTimeInterval(1), Date().addingTimeInterval(-1800))
                let lines = (0..<4).map { n in
                    "S-\(n),open,\(WireJSON.format(created)),\(WireJSON.format(created.addingTimeInterval(Double(n + 1)))),email,normal,billing,,,"
                }
                try agent.drop("tickets.csv", EvidenceTests.tickets(lines))
                try await eventually("4 tickets stored") { try await store.ticketCount() == 4 }
                let week = Self.thisWeek()
                let seedLine = try await coordinator.cli(["samples", "seed", "--provider", "acme", "--period", week])
                let commitment = try #require(seedLine.stdout.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
                let outbox = AgentPaths(directory: agent.dataDirectory.path).outbox
                try await eventually("the agent recorded this week's seed commitment", timeout: .seconds(30)) {
                    try await Outbox(path: outbox, readOnly: true).state("sample-seed:\(week)") == commitment
                }
                // The coordinator recorded that announcement as the commitment's first publication (the audits page shows it).
                let published = try await store.seedCommitments(provider: "acme", period: week, limit: 10)
                #expect(published.map(\.commitment) == [commitment] && (published.first?.publishedAt ?? .distantFuture) <= Date())
                // `samples verdict` shows the week's commitment and its publication (the plan states no acceptance terms);
                // `samples draw --seed` draws with a given seed (the docs' test vector seed 00…1f) and prints its SHA-256.
                let verdict = try await coordinator.cli(["samples", "verdict", "--provider", "acme", "--period", week])
                #expect(verdict.exitCode == 0 && verdict.stdout.contains("seed sha256 \(commitment); published: "), "\(verdict)")
                #expect(verdict.stdout.contains("the sampling plan states no acceptance terms"), "\(verdict)")
                let vector = (0..<32).map { String(format: "%02x", $0) }.joined()
                let given = try await coordinator.cli(["samples", "draw", "--provider", "acme", "--period", week, "--seed", vector])
                #expect(given.exitCode == 0 && given.stdout.contains("seed sha256 630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"), "\(given)")
                let malformed = try await coordinator.cli(["samples", "draw", "--provider", "acme", "--period", week, "--seed", "00ff"])
                #expect(malformed.exitCode != 0 && malformed.stderr.contains("--seed must be 64 hexadecimal digits"), "\(malformed)")

                // Head office replaces its sampling secret: every seed changes. The agent keeps what it was told first.
                try FileManager.default.removeItem(at: coordinator.dataDirectory.appendingPathComponent("sampling-secret"))
                await agent.stop()
                try agent.start()
                try await eventually("the agent refused the changed announcement", timeout: .seconds(30)) {
                    try await store.hasSecurityEvent("command_refused", detail: "another seed for")
                }
                #expect(try await Outbox(path: outbox, readOnly: true).state("sample-seed:\(week)") == commitment)
                let recorded = try await store.seedCommitments(provider: "acme", period: week, limit: 10)
                #expect(recorded.first?.commitment == commitment && recorded.count == 2, "the changed commitment is recorded beside the first, which keeps its place")
                #expect(try await agent.status().sampleSeeds[week] == commitment, "oversight-agent status shows the kept commitment")
                // A sample of this week drawn with the new seed is refused; the request stays untaken.
                let request = try await coordinator.cli(["samples", "request", "--provider", "acme", "--period", week])
                #expect(request.exitCode == 0, "\(request)")
                try await eventually("the agent refused the request drawn with another seed", timeout: .seconds(30)) {
                    try await store.hasSecurityEvent("command_refused", detail: "differs from the one head office announced")
                }
                let requests = try Self.json(try await coordinator.cli(["samples", "requests", "--json"])) as? [[String: Any]]
                #expect(requests?.first?["takenAt"] == nil && requests?.first?["returned"] as? Int == 0, "\(String(describing: requests))")
            }
        }
    }
}
