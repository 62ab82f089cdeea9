//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightAgent
import OversightModel
import OversightStore
import OversightTesting
import OversightWire
import Testing

extension EndToEnd {
    @Suite struct SyncTests {
        @Test(.timeLimit(.minutes(3)))
        func droppedFilesArriveExactlyOnceSignedAndCounted() async throws {
            try await withHarness("sync") { harness in
                let coordinator = try await harness.startCoordinator()
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "paris")
                let agentId = try agent.agentId()

                let csvRows = ticketRows("CSV", count: 120)
                let jsonRows = ticketRows("JSON", count: 80, offset: 1000)
                // Header is line 1, rows 0…9 are lines 2…11: the bad row is line 12.
                let bad = "BAD-1,not-a-status,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,email,normal,q,someone,\"a\",3"
                try agent.drop("export-1.csv", ExportFile.csv(csvRows, insert: [(at: 10, line: bad)]))
                try agent.drop("export-2.jsonl", ExportFile.jsonl(jsonRows))
                let all = csvRows + jsonRows

                let store = try coordinator.openStore()
                try await eventually("all \(all.count) tickets stored") { try await store.ticketCount() == all.count }
                try await eventually("both files moved to done/") { agent.doneFiles() == ["export-1.csv", "export-2.jsonl"] }
                #expect(agent.pendingFiles().isEmpty)

                // Exactly once: every record key appears once in the committed, verified chain.
                let credentials = try agent.credentials()
                let chain = try await store.committedChain(agentId: agentId, key: credentials.signingKey.publicKey)
                #expect(chain.recordIds.count == all.count)
                #expect(Set(chain.recordIds) == Set(all.map(\.id)))
                #expect(chain.recordCountSum == all.count)
                #expect(try await store.ticket(provider: "acme", id: "BAD-1") == nil)

                // Each ticket points at a stored batch that verifies and carries it.
                var payloadIds: [Int64: Set<String>] = [:]
                for row in all {
                    let stored = try #require(try await store.ticket(provider: "acme", id: row.id), "ticket \(row.id) missing")
                    #expect(stored.agentId == agentId)
                    if payloadIds[stored.batchSeq] == nil {
                        let batch = try #require(try await store.batch(agentId: agentId, seq: stored.batchSeq))
                        guard case .valid(let bytes) = JWS.verify(
                            batch.jws, key: credentials.signingKey.publicKey, expectedKid: agentId, expectedType: JWS.batchType
                        ) else {
                            Issue.record("batch \(stored.batchSeq) does not verify")
                            continue
                        }
                        payloadIds[stored.batchSeq] = Set(try WireJSON.decode(BatchPayload.self, from: bytes).records.map(\.key))
                    }
                    #expect(payloadIds[stored.batchSeq]?.contains(row.id) == true, "batch \(stored.batchSeq) does not carry \(row.id)")
                }

                // Spot checks of mapped fields, from CSV and from JSON Lines.
                for row in [csvRows[5], csvRows[12], jsonRows[3], jsonRows[79]] {
                    let record = try #require(try await store.ticket(provider: "acme", id: row.id)).record
                    #expect(record.site == "paris")
                    #expect(record.status.rawValue == row.status)
                    #expect(record.channel.rawValue == row.channel)
                    #expect(record.priority.rawValue == row.priority)
                    #expect(record.queue == row.queue)
                    #expect(record.tags == row.tags)
                    #expect(record.csat == row.csat)
                    #expect(record.createdAt == row.created)
                    #expect(record.updatedAt == row.updated)
                    let assignee = try #require(record.assignee)
                    #expect(assignee.hasPrefix("p_") && assignee != row.assignee, "assignee must be pseudonymised, got \(assignee)")
                }

                // The bad row is set aside with its line number; the rest of its file was stored.
                let rejects = try String(contentsOf: agent.rejectsDirectory.appendingPathComponent("export-1.csv.rejects.jsonl"), encoding: .utf8)
                let lines = rejects.split(separator: "\n")
                #expect(lines.count == 1)
                let reject = try #require(try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any])
                #expect(reject["line"] as? Int == 12)
                #expect((reject["reason"] as? String)?.contains("not-a-status") == true, "reason: \(reject["reason"] ?? "-")")

                // agents list --json: online.
                try await eventually("agent listed online") {
                    let result = try await coordinator.cli(["agents", "list", "--json"])
                    let list = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
                    let entry = list.first { $0["id"] as? String == agentId }
                    return entry?["online"] as? Bool == true && entry?["state"] as? String == "online"
                        && entry?["provider"] as? String == "acme" && entry?["site"] as? String == "paris"
                }

                // status --json: the provider/site with the ticket and open-ticket counts.
                let result = try await coordinator.cli(["status", "--json"])
                #expect(result.exitCode == 0)
                let report = try WireJSON.decode(StatusReport.self, from: Data(result.stdout.utf8))
                let provider = try #require(report.providers.first { $0.provider == "acme" })
                let site = try #require(provider.sites.first { $0.site == "paris" })
                let open = all.filter(\.isOpen).count
                #expect(provider.tickets == all.count && site.tickets == all.count)
                #expect(provider.openTickets == open && site.openTickets == open)
                #expect(site.agentsTotal == 1 && site.agentsOnline == 1)
                #expect(coordinator.isRunning)
            }
        }
    }
}
