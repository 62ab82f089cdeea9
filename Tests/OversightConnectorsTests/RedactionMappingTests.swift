//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Redaction in the agent's mappers: what a record sends (tags, comments, queues) and what a reject keeps.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightConnectors
import OversightModel
import Testing

@Suite struct RedactionMappingTests {
    static let key: [UInt8] = Array(repeating: 7, count: 32)

    /// A source of `kind` in `folder` with the `redaction:` lines given (indented by the helper).
    static func source(_ folder: URL, kind: String = "tickets", mapping: String, redaction: String = "") throws -> FolderSource {
        let indent = { (text: String, spaces: Int) in
            text.split(separator: "\n").map { String(repeating: " ", count: spaces) + $0 }.joined(separator: "\n")
        }
        let yaml = """
            redaction:
            \(indent(redaction.isEmpty ? "enabled: true" : redaction, 2))
            sources:
              - name: test
                kind: \(kind)
                path: \(folder.path)
                mapping:
            \(indent(mapping, 6))

            """
        let configuration = try AgentConfiguration(yaml: yaml, file: "agent.yaml")
        return FolderSource(configuration: configuration.sources[0], pseudonymKey: Self.key, redaction: configuration.redaction)
    }

    static let ticketMapping = """
        fields:
          id: "Ticket ID"
          status: "Status"
          created_at: "Created"
          tags: "Tags"
          queue: "Queue"
          assignee: "Agent"
        tags_separator: "|"
        """

    @Test func ticketTagsAreRedactedInTheRecordSentAndNamesOfTheRowGoToo() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url, mapping: Self.ticketMapping, redaction: "name_fields: [Customer]")
        let file = try folder.write(
            "tickets.csv",
            """
            Ticket ID,Status,Created,Tags,Queue,Agent,Customer
            T-1,open,2026-03-02T09:00:00Z,vip|anna@example.de|rückruf +49 30 1234567|Müller|order 4111111111111112,Billing DE,Jürgen Weiß,Anna Müller
            T-2,open,2026-03-02T09:05:00Z,Weiß fragen|karte 4111 1111 1111 1111,Rückruf 0171 1234567,Jürgen Weiß,Olga Ёлкина

            """
        )
        let result = try source.read(file: file, provider: "acme", site: "lisbon")
        #expect(result.rejects.isEmpty)
        let tickets = result.records.compactMap { record -> TicketRecord? in
            if case .ticket(let ticket) = record { return ticket }
            return nil
        }
        #expect(tickets.count == 2)
        #expect(tickets.first?.tags == ["vip", "[email]", "rückruf [phone]", "[name]", "order 4111111111111112"])
        // The assignee's name is removed from free text as well; the assignee itself is pseudonymised.
        #expect(tickets.last?.tags == ["[name] fragen", "karte [card]"])
        #expect(tickets.last?.assignee?.hasPrefix("p_") == true)
        // Queue names are kept unless `queues: true`: contracts match queues by name.
        #expect(tickets.map(\.queue) == ["Billing DE", "Rückruf 0171 1234567"])

        let withQueues = try Self.source(folder.url, mapping: Self.ticketMapping, redaction: "queues: true")
        let again = try withQueues.read(file: file, provider: "acme", site: "lisbon")
        let queues = again.records.compactMap { record -> String? in
            if case .ticket(let ticket) = record { return ticket.queue }
            return nil
        }
        #expect(queues == ["Billing DE", "Rückruf [phone]"])
    }

    static let evaluationMapping = """
        fields:
          agent: agent
          comments: comments
          interaction_ref: interaction_ref
          evaluator: evaluator
          scorecard: scorecard_id
          scorecard_version: scorecard_version
          evaluated_at: evaluated_at
          score: score
          high_impact_errors: high_impact_errors
          low_impact_errors: low_impact_errors
        """

    @Test func evaluationCommentsAreRedactedBeforeTheyAreCut() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url, kind: "evaluations", mapping: Self.evaluationMapping)
        let comment =
            "Agentin Anna Schmidt las die Karte 4012 8888 8888 1881 und CVV 456 laut vor; Kunde: p.meier@example.com, Tel. 030 1234567. "
            + "Bewertet von Boris."
        let line =
            #"{"interaction_ref":"T-9","evaluator":"Boris Popov","agent":"Anna Schmidt","scorecard_id":"support","scorecard_version":"1","#
            + #""evaluated_at":"2026-03-02T09:30:00Z","score":40,"high_impact_errors":1,"low_impact_errors":0,"comments":""# + comment
            + String(repeating: " Weiter so.", count: 200) + #""}"#
        let file = try folder.write("qa.jsonl", line + "\n")
        let result = try source.read(file: file, provider: "acme", site: "lisbon")
        #expect(result.rejects.isEmpty, "\(result.rejects)")
        guard case .evaluation(let evaluation)? = result.records.first else {
            Issue.record("no evaluation")
            return
        }
        let comments = try #require(evaluation.comments)
        #expect(comments.hasPrefix("Agentin [name] las die Karte [card] und CVV [cvc] laut vor; Kunde: [email], Tel. [phone]. Bewertet von [name]."))
        #expect(comments.utf8.count <= EvaluationRecord.Limits.maxCommentsLength)
        #expect(evaluation.agent?.hasPrefix("p_") == true && evaluation.evaluator.hasPrefix("p_"))
    }

    @Test func aHugeCommentCellIsReadOnlyAsFarAsItCanBeSentAndNoFragmentSurvives() throws {
        let mapper = EvaluationRowMapper(mapping: EvaluationMappingConfiguration(), pseudonymKey: Self.key)
        // The card number straddles the 16 000-byte read limit (`4111 ` is inside it); the rest of the 200 KB cell is never
        // scanned.
        let comment = "CVV 123. " + String(repeating: "x", count: 15_985) + " 4111 1111 1111 1111 " + String(repeating: "Weiter so. ", count: 18_000)
        #expect(mapper.redactedComments(comment, names: []).hasPrefix("CVV [cvc]. xxx"))
        #expect(!mapper.redactedComments(comment, names: []).contains("4111"))
        #expect(mapper.redactedComments(comment, names: []).utf8.count <= 16_000)
    }

    @Test func aRejectedRowKeepsNeitherTheReasonNorTheRawTextUnredacted() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url, mapping: Self.ticketMapping, redaction: "name_fields: [Customer]")
        let file = try folder.write(
            "tickets.csv",
            """
            Ticket ID,Status,Created,Tags,Queue,Agent,Customer
            T-3,call anna@example.de,2026-03-02T09:00:00Z,karte 4111 1111 1111 1111 cvv 123|DE89 3704 0044 0532 0130 00,Billing,Jürgen Weiß,Anna Müller

            """
        )
        let result = try source.read(file: file, provider: "acme", site: "lisbon")
        #expect(result.records.isEmpty)
        let reject = try #require(result.rejects.first)
        #expect(reject.reason.contains("[email]") && !reject.reason.contains("anna@"))
        let raw = try #require(reject.raw)
        #expect(raw == "T-3,call [email],2026-03-02T09:00:00Z,karte [card] cvv [cvc]|[iban],Billing,[name],[name]")
        for secret in ["anna@example.de", "4111", "DE89", "Müller", "Weiß"] {
            #expect(!raw.contains(secret) && !reject.reason.contains(secret), "\(secret)")
        }
    }

    @Test func disabledRedactionSendsTheTextAsItIs() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url, mapping: Self.ticketMapping, redaction: "enabled: false")
        let file = try folder.write(
            "tickets.csv", "Ticket ID,Status,Created,Tags,Queue,Agent\nT-1,open,2026-03-02T09:00:00Z,anna@example.de,Billing,Jürgen\n"
        )
        let result = try source.read(file: file, provider: "acme", site: "lisbon")
        guard case .ticket(let ticket)? = result.records.first else {
            Issue.record("no ticket")
            return
        }
        #expect(ticket.tags == ["anna@example.de"])
    }
}
