//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Request Tracker 5 tickets: REST2 answers recorded from a real RT 5.0.3 (Debian's request-tracker5), normalised and
// mapped with the rt5 mapping; the `from: rt5` source configuration.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightConnectors
import OversightModel
import Testing

@Suite struct RequestTrackerTicketTests {
    /// REST2 answers recorded from a real RT (Tests/OversightConnectorsTests/Fixtures/rt5).
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/rt5")

    static func json(_ name: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
    }

    static func date(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text))
    }

    static func source(_ extra: String = "") throws -> SourceConfiguration {
        let yaml = """
            sources:
              - name: helpdesk
                kind: tickets
                from: rt5
                rt5:
                  url: http://127.0.0.1:8080/
                  queues: [General, Billing]
                  token_file: /etc/oversight/rt.token
            \(extra)
            """
        return try AgentConfiguration(yaml: yaml, file: "agent.yaml").sources[0]
    }

    /// A ticket as RT's history builds it, mapped with the rt5 mapping.
    static func record(_ number: Int, source: SourceConfiguration) throws -> TicketRecord {
        let ticket = try Self.json("ticket-\(number).json")
        let history = try #require(try Self.json("history-\(number).json").value(at: "items").flatMap {
            if case .array(let items) = $0 { return items } else { return nil }
        })
        let normalised = RequestTrackerTicket.normalise(ticket: ticket, transactions: history, queueNames: ["1": "General"])
        let mapper = TicketRowMapper(mapping: source.mapping, pseudonymKey: Array(repeating: 7, count: 32))
        let fields = mapper.columns
        let record = try mapper.mapRecord(
            provider: "acme", site: "lisbon", fileDate: Date(), names: [],
            cell: { field in fields[field].flatMap { normalised.value(at: $0) } }, label: { "key \($0.rawValue)" }
        )
        guard case .ticket(let ticket) = record else { throw RowProblem(message: "not a ticket") }
        return ticket
    }

    @Test func stalledTicketHasItsReplyAndHistory() throws {
        let ticket = try Self.record(1, source: try Self.source())
        #expect(ticket.id == "1")
        #expect(ticket.status == .onHold)
        #expect(ticket.queue == "General")
        #expect(ticket.assignee == nil)  // Nobody
        #expect(ticket.channel == .email)
        #expect(ticket.createdAt == (try Self.date("2026-12-07T04:33:29Z")))
        #expect(ticket.firstReplyAt == (try Self.date("2026-12-07T04:33:30Z")))
        #expect(ticket.agentReplies == [try Self.date("2026-12-07T04:33:30Z")])
        #expect(ticket.customerMessages == [])  // created by staff on the customer's behalf
        #expect(ticket.statusChanges.map(\.status) == [.new, .open, .onHold])
        #expect(ticket.reopenCount == 0)
        #expect(ticket.solvedAt == nil)
    }

    @Test func resolvedReopenedAndResolvedAgain() throws {
        let ticket = try Self.record(2, source: try Self.source())
        #expect(ticket.status == .solved)
        #expect(ticket.statusChanges.map(\.status) == [.new, .open, .solved, .open, .solved])
        #expect(ticket.reopenCount == 1)
        #expect(ticket.solvedAt == (try Self.date("2026-12-07T04:33:57Z")))
        // The comment is internal: one reply only.
        #expect(ticket.agentReplies == [try Self.date("2026-12-07T04:33:55Z")])
    }

    @Test func mappingOverridesApply() throws {
        let source = try Self.source(
            """
                mapping:
                  statuses: { stalled: pending }
                  fields: { queue: "Subject" }
            """
        )
        #expect(source.requestTracker?.url == "http://127.0.0.1:8080")
        #expect(source.requestTracker?.queues == ["General", "Billing"])
        let ticket = try Self.record(1, source: source)
        #expect(ticket.status == .pending)
        #expect(ticket.queue == "Printer on fire")
    }

    @Test func configurationIsChecked() throws {
        func problem(_ rt5: String, extra: String = "") -> String? {
            let yaml = """
                sources:
                  - name: helpdesk
                    from: rt5
                \(extra)    rt5:
                \(rt5.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
                """
            do {
                _ = try AgentConfiguration(yaml: yaml, file: "agent.yaml")
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(problem("url: http://rt\nqueues: [General]\ntoken_file: /t") == nil)
        #expect(problem("url: http://rt\nqueues: [General]\nusername: agent\npassword_file: /p") == nil)
        #expect(problem("url: http://rt\nqueues: [General]")?.contains("expected token_file") == true)
        #expect(problem("url: http://rt\nqueues: [General]\ntoken_file: /t\nusername: a\npassword_file: /p")?.contains("not both") == true)
        #expect(problem("url: http://rt\nqueues: [General]\nusername: agent")?.contains("password_file") == true)
        #expect(problem("url: rt.example\nqueues: [General]\ntoken_file: /t")?.contains("http") == true)
        #expect(problem("url: http://rt\nqueues: [\"O'Brien\"]\ntoken_file: /t") != nil)
        #expect(problem("url: http://rt\nqueues: [General]\ntoken_file: /t", extra: "    path: /x\n")?.contains("not used with from: rt5") == true)
    }

    @Test func cursorRoundTripsAndFormatsUTC() throws {
        let cursor = RequestTrackerCursor(since: "2026-12-07 04:33:57", takenAtSince: ["2", "7"])
        #expect(RequestTrackerCursor(stored: cursor.stored) == cursor)
        #expect(RequestTrackerCursor(stored: "garbage") == nil)
    }
}
