//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import OversightTesting
import OversightWire
import Testing

extension EndToEnd {
    /// Issue 10: `oversight-agent redact` prints exactly what the agent would send, with the default rules or a
    /// configuration's, and never echoes the input in an error.
    @Suite struct RedactCommandTests {
        static let text = """
            Guten Tag, hier Anna Müller (anna.mueller@example.de, Tel. +49 30 1234567).
            Karte 4111 1111 1111 1111, CVV 123; IBAN DE89 3704 0044 0532 0130 00.
            Звоните: 8 (916) 123-45-67. Steuer-ID 12 345 678 901.
            Bestellung 4111 1111 1111 1112 vom 12.03.2026 über 1.234,56 € bleibt.

            """

        @Test(.timeLimit(.minutes(1)))
        func withoutAConfigTheDefaultRulesApply() async throws {
            let result = try await runCommand(try Binaries.agent(), ["redact"], input: Data(Self.text.utf8))
            #expect(result.exitCode == 0, "\(result)")
            #expect(
                result.stdout == """
                    Guten Tag, hier Anna Müller ([email], Tel. [phone]).
                    Karte [card], CVV [cvc]; IBAN [iban].
                    Звоните: [phone]. Steuer-ID 12 345 678 901.
                    Bestellung 4111 1111 1111 1112 vom 12.03.2026 über 1.234,56 € bleibt.

                    """
            )
            #expect(result.stderr.isEmpty, "\(result.stderr)")
            let named = try await runCommand(try Binaries.agent(), ["redact", "--name", "Anna Müller"], input: Data("Anna Müller ruft an".utf8))
            #expect(named.stdout == "[name] ruft an")
        }

        @Test(.timeLimit(.minutes(1)))
        func theConfigsRulesApplyAndErrorsNeverQuoteTheInput() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-redact-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let config = folder.appendingPathComponent("agent.yaml")
            try """
                redaction:
                  phones: false
                  cards: bin_and_last4
                  patterns:
                    - name: tax_id
                      regex: '\\b\\d{2} \\d{3} \\d{3} \\d{3}\\b'
                sources:
                  - name: tickets
                    path: \(folder.path)
                    mapping:
                      fields: { id: id, status: status, created_at: created }

                """.write(to: config, atomically: true, encoding: .utf8)
            let result = try await runCommand(try Binaries.agent(), ["redact", "--config", config.path], input: Data(Self.text.utf8))
            #expect(result.exitCode == 0, "\(result)")
            #expect(
                result.stdout == """
                    Guten Tag, hier Anna Müller ([email], Tel. +49 30 1234567).
                    Karte [card 411111…1111], CVV [cvc]; IBAN [iban].
                    Звоните: 8 (916) 123-45-67. Steuer-ID [tax_id].
                    Bestellung 4111 1111 1111 1112 vom 12.03.2026 über 1.234,56 € bleibt.

                    """
            )

            // A bad regular expression names its file and line.
            let bad = folder.appendingPathComponent("bad.yaml")
            let sources = "sources:\n  - name: tickets\n    path: \(folder.path)\n    mapping: { fields: { id: id, status: status, created_at: created } }\n"
            try ("redaction:\n  patterns:\n    - name: tax_id\n      regex: '[0-9'\n" + sources).write(to: bad, atomically: true, encoding: .utf8)
            let refused = try await runCommand(try Binaries.agent(), ["redact", "--config", bad.path], input: Data(Self.text.utf8))
            #expect(refused.exitCode == 2)
            #expect(refused.stderr.contains("bad.yaml:4:14: redaction.patterns[0].regex: not a valid regular expression"), "\(refused.stderr)")
            #expect(refused.stdout.isEmpty)

            // More than 8 MiB: refused with a clear error that quotes nothing of the input.
            var large = Data()
            let line = Data("Karte 4111 1111 1111 1111, anna.mueller@example.de\n".utf8)
            while large.count <= 8 << 20 { large.append(line) }
            let tooLarge = try await runCommand(try Binaries.agent(), ["redact"], input: large)
            #expect(tooLarge.exitCode == 2)
            #expect(tooLarge.stderr.contains("standard input: more than 8 MiB"), "\(tooLarge.stderr)")
            #expect(!tooLarge.stderr.contains("4111") && !tooLarge.stderr.contains("anna") && tooLarge.stdout.isEmpty)

            // Not UTF-8: refused without echoing the bytes.
            let binary = try await runCommand(try Binaries.agent(), ["redact"], input: Data([0x41, 0xFF, 0xFE, 0x42]))
            #expect(binary.exitCode == 2 && binary.stderr.contains("is not UTF-8 text") && binary.stdout.isEmpty)
        }

        /// The real agent redacts before the outbox: the coordinator stores `[email]`, `[card]`, `[name]`, and no file of the
        /// agent's data folder (outbox, state) holds the original text.
        @Test(.timeLimit(.minutes(2)))
        func theAgentSendsAndKeepsOnlyRedactedText() async throws {
            try await withHarness("redaction") { harness in
                let coordinator = try await harness.startCoordinator()
                let agent = try await harness.startAgent(name: "r", coordinator: coordinator, provider: "acme", site: "lisbon")
                let ticket =
                    #"{"id":"R-1","status":"open","created":"2026-03-02T09:00:00Z","updated":"2026-03-02T09:05:00Z","channel":"email","#
                    + #""priority":"normal","queue":"Billing","assignee":"Anna Müller","tags":["vip","anna.mueller@example.de","#
                    + #""Müller ruft zurück: +49 30 1234567"]}"#
                try agent.drop("tickets-1.jsonl", ticket + "\n")
                let evaluation =
                    #"{"comments":"Karte 4111 1111 1111 1111 laut vorgelesen, CVV 123 genannt; Boris Popov hat es bemerkt.","#
                    + #""evaluated_at":"2026-03-02T09:30:00Z","evaluator":"Boris Popov","high_impact_errors":1,"interaction_ref":"R-1","#
                    + #""low_impact_errors":0,"score":0,"scorecard_id":"support","scorecard_version":3}"#
                try agent.dropEvaluations("qa-1.jsonl", evaluation + "\n")

                let store = try coordinator.openStore()
                try await eventually("the ticket stored") { try await store.ticket(provider: "acme", id: "R-1") != nil }
                let stored = try #require(try await store.ticket(provider: "acme", id: "R-1"))
                #expect(stored.record.tags == ["vip", "[email]", "[name] ruft zurück: [phone]"])
                #expect(stored.record.queue == "Billing")
                #expect(stored.record.assignee?.hasPrefix("p_") == true)

                let day = Date(timeIntervalSince1970: 1_772_409_600)  // 2026-03-02T00:00:00Z
                try await eventually("the evaluation stored") {
                    try await store.evaluations(provider: "acme", site: "lisbon", from: day, to: day + 86_400, limit: 10).count == 1
                }
                let evaluations = try await store.evaluations(provider: "acme", site: "lisbon", from: day, to: day + 86_400, limit: 10)
                #expect(evaluations.first?.record.comments == "Karte [card] laut vorgelesen, CVV [cvc] genannt; [name] hat es bemerkt.")

                // Nothing the agent keeps holds the originals: outbox, state, done/ aside (the provider's own files).
                let originals = ["anna.mueller@example.de", "1234567", "4111 1111", "Boris", "Müller"]
                let files = FileManager.default.enumerator(at: agent.dataDirectory, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
                #expect(!files.isEmpty)
                for file in files {
                    guard let data = try? Data(contentsOf: file) else { continue }
                    for original in originals {
                        #expect(data.range(of: Data(original.utf8)) == nil, "\(file.lastPathComponent) holds '\(original)'")
                    }
                }
            }
        }
    }
}
