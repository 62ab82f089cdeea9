//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Zendesk and Freshdesk export presets: fixtures written from the vendors' documented JSON, read by a real source.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightConnectors
import OversightModel
import Testing

@Suite struct PresetExportTests {
    /// The folder of vendor fixtures (Tests/OversightConnectorsTests/Fixtures).
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: Self.fixtures.appendingPathComponent(name), encoding: .utf8)
    }

    static func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }

    static func tickets(_ result: FileReadResult) -> [String: TicketRecord] {
        var tickets: [String: TicketRecord] = [:]
        for case .ticket(let ticket) in result.records { tickets[ticket.id] = ticket }
        return tickets
    }

    /// Zendesk: the incremental export, its metric events and audits, written one after the other into one file as
    /// an export job that appends each API response would.
    @Test func zendeskIncrementalExportWithMetricEventsAndAudits() throws {
        let folder = try TemporaryFolder()
        let text = try ["zendesk-incremental-tickets.json", "zendesk-ticket-metric-events.json", "zendesk-ticket-audits.json"]
            .map(Self.fixture).joined(separator: "\n")
        let file = try folder.write("zendesk-20261123.json", text)
        let source = try FolderSourceTests.source(folder.url, mapping: "preset: zendesk")
        let result = try source.read(file: file, provider: "acme", site: "lisbon")
        let tickets = Self.tickets(result)
        #expect(Set(tickets.keys) == ["35436", "35437", "35438"])

        // Deleted tickets are not sent; the reject says why.
        #expect(result.rejects.count == 1)
        #expect(result.rejects.first?.reason.contains("35439") == true && result.rejects.first?.reason.contains("deleted in Zendesk") == true)

        let refund = try #require(tickets["35436"])
        #expect(refund.status == .solved && refund.channel == .email && refund.priority == .high)
        #expect(refund.createdAt == Self.date("2026-11-23T09:12:00Z") && refund.updatedAt == Self.date("2026-11-23T15:40:00Z"))
        // From the audits: the first public agent comment (not the requester's description), not the metric event.
        #expect(refund.firstReplyAt == Self.date("2026-11-23T09:47:00Z"))
        #expect(refund.solvedAt == Self.date("2026-11-23T15:40:00Z"))
        #expect(refund.statusChanges.map(\.status) == [.new, .open, .pending, .open, .solved])
        #expect(refund.statusChanges.map(\.at) == ["09:12", "09:47", "10:05", "14:30", "15:40"].map { Self.date("2026-11-23T\($0):00Z") })
        // The private note is not a reply; the requester's "It is 745." is a customer message.
        #expect(refund.agentReplies == ["09:47", "10:05", "15:40"].map { Self.date("2026-11-23T\($0):00Z") })
        #expect(refund.customerMessages == [Self.date("2026-11-23T14:30:00Z")])
        #expect(refund.csat == 5 && refund.reopenCount == 0)
        #expect(refund.queue == "98738" && refund.tags == ["refund", "vip"])
        #expect(refund.assignee?.hasPrefix("p_") == true && refund.assignee != "235323")

        // Taken once, in its latest version (the export repeats it); first reply from the reply_time metric, instance 1.
        let chat = try #require(tickets["35437"])
        #expect(chat.status == .onHold && chat.channel == .chat && chat.priority == .normal)
        #expect(chat.updatedAt == Self.date("2026-11-23T10:20:45Z") && chat.tags == ["delivery", "carrier"])
        #expect(chat.firstReplyAt == Self.date("2026-11-23T10:03:02Z"))
        #expect(chat.statusChanges.isEmpty && chat.agentReplies == nil && chat.solvedAt == nil)

        let call = try #require(tickets["35438"])
        #expect(call.status == .open && call.channel == .phone && call.priority == .normal && call.csat == nil)
        #expect(call.firstReplyAt == Self.date("2026-11-23T11:30:20Z"))
        #expect(call.assignee == refund.assignee, "the same Zendesk agent gets the same pseudonym")
    }

    @Test func zendeskMetricSetsWithoutAuditsAndOverrides() throws {
        let folder = try TemporaryFolder()
        let text = """
            {"tickets":[{"id":9,"status":"solved","via":{"channel":"whatsapp"},"created_at":"2026-11-23T08:00:00Z","updated_at":"2026-11-23T09:00:00Z","priority":"urgent","group_id":5,"brand_id":77,"tags":[],"satisfaction_rating":{"score":"bad"}},{"id":10,"status":"open","via":{"channel":"telepathy"},"created_at":"2026-11-23T08:00:00Z","updated_at":"2026-11-23T08:00:00Z"}],"metric_sets":[{"ticket_id":9,"reopens":2,"replies":3,"solved_at":"2026-11-23T08:59:00Z","reply_time_in_minutes":{"calendar":12,"business":12}}],"end_of_stream":true}
            """
        let file = try folder.write("page.json", text)
        let source = try FolderSourceTests.source(folder.url, mapping: "preset: zendesk\nfields:\n  queue: brand_id\nchannels:\n  telepathy: web")
        let result = try source.read(file: file, provider: "acme", site: "lisbon")
        #expect(result.rejects.isEmpty, "\(result.rejects)")
        let tickets = Self.tickets(result)
        let nine = try #require(tickets["9"])
        #expect(nine.channel == .social && nine.priority == .urgent && nine.csat == 1 && nine.reopenCount == 2)
        #expect(nine.firstReplyAt == Self.date("2026-11-23T08:12:00Z") && nine.solvedAt == Self.date("2026-11-23T08:59:00Z"))
        #expect(nine.queue == "77")
        #expect(tickets["10"]?.channel == .web)
    }

    @Test func zendeskUnknownValuesAndBrokenDocumentsAreRejectsThatSayWhere() throws {
        let folder = try TemporaryFolder()
        let text = """
            {"tickets":[{"id":1,"status":"teleported","via":{"channel":"email"},"created_at":"2026-11-23T08:00:00Z"}]}
            {"users":[]}
            {"tickets":[{"id":2,"status":"open","created_at":"2026-11-23T08:00:00Z"
            """
        let file = try folder.write("bad.json", text)
        let source = try FolderSourceTests.source(folder.url, mapping: "preset: zendesk")
        let result = try source.read(file: file, provider: "acme", site: "lisbon")
        #expect(result.records.isEmpty)
        let reasons = result.rejects.map(\.reason)
        #expect(reasons.contains { $0.hasPrefix("line 1, tickets[0] (id 1): key \"status\": unknown status 'teleported'") }, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("line 2: no tickets") }, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("line 3: the JSON document starting here does not end") }, "\(reasons)")
    }

    @Test func freshdeskTicketExportWithStats() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("freshdesk-tickets.json", try Self.fixture("freshdesk-tickets.json"))
        let source = try FolderSourceTests.source(folder.url, mapping: "preset: freshdesk")
        let result = try source.read(file: file, provider: "acme", site: "lisbon")
        let tickets = Self.tickets(result)
        #expect(Set(tickets.keys) == ["101", "102", "103", "104"])
        // Status 6 is a custom status: the reject names the section to map it in.
        #expect(result.rejects.count == 1)
        #expect(result.rejects.first?.reason.contains("id 105") == true && result.rejects.first?.reason.contains("mapping.statuses") == true)

        let login = try #require(tickets["101"])
        #expect(login.status == .solved && login.channel == .email && login.priority == .high && login.queue == "2001")
        #expect(login.firstReplyAt == Self.date("2026-11-23T08:45:00Z") && login.solvedAt == Self.date("2026-11-23T12:00:00Z"))
        #expect(login.statusChanges.map(\.status) == [.open, .solved] && login.tags == ["login", "password"] && login.reopenCount == 0)

        let parcel = try #require(tickets["102"])
        #expect(parcel.status == .pending && parcel.channel == .chat && parcel.priority == .low)
        #expect(parcel.statusChanges == [.init(status: .open, at: Self.date("2026-11-23T09:00:00Z")), .init(status: .pending, at: Self.date("2026-11-23T09:20:00Z"))])

        let outage = try #require(tickets["103"])
        #expect(outage.status == .closed && outage.channel == .phone && outage.priority == .urgent && outage.reopenCount == 1)
        #expect(outage.closedAt == Self.date("2026-11-23T07:00:00Z"))
        #expect(outage.statusChanges.map(\.status) == [.open, .solved, .closed])

        #expect(tickets["104"]?.channel == .web && tickets["104"]?.status == .open && tickets["104"]?.firstReplyAt == nil)

        // Mapping the custom status takes the ticket; one ticket per line works too.
        let lines = try folder.write("one-per-line.jsonl", #"{"id":105,"status":6,"source":2,"priority":2,"created_at":"2026-11-23T13:10:00Z","updated_at":"2026-11-23T13:30:00Z","stats":{}}"# + "\n")
        let mapped = try FolderSourceTests.source(folder.url, mapping: "preset: freshdesk\nstatuses:\n  \"6\": pending")
        let again = try mapped.read(file: lines, provider: "acme", site: "lisbon")
        #expect(again.rejects.isEmpty && Self.tickets(again)["105"]?.status == .pending)
    }

    @Test func presetFilesAreFoundByExtension() throws {
        let folder = try TemporaryFolder()
        try folder.write("a.json", "[]", modified: Date(timeIntervalSinceNow: -60))
        try folder.write("b.csv", "x", modified: Date(timeIntervalSinceNow: -60))
        let source = try FolderSourceTests.source(folder.url, mapping: "preset: freshdesk", extra: "settle_time: 0s")
        #expect(try source.readyFiles(now: Date()).map(\.lastPathComponent) == ["a.json"])
    }
}
