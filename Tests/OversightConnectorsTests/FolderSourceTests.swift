//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightConnectors
import OversightModel
import Testing

/// A fresh temporary folder per test, removed at the end.
final class TemporaryFolder {
    let url: URL

    init() throws {
        self.url = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-folder-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: self.url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: self.url) }

    @discardableResult
    func write(_ name: String, _ text: String, modified: Date? = nil) throws -> URL {
        let file = self.url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        if let modified { try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: file.path) }
        return file
    }
}

@Suite struct FolderSourceTests {
    static let key: [UInt8] = Array(repeating: 7, count: 32)

    /// A source in `folder` with the given YAML lines under `mapping:` (indented by the helper) and extra source keys.
    static func source(_ folder: URL, mapping: String, extra: String = "") throws -> FolderSource {
        let indentedMapping = mapping.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n")
        let yaml = """
            sources:
              - name: test
                path: \(folder.path)
            \(extra.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                mapping:
            \(indentedMapping)
            """
        let configuration = try AgentConfiguration(yaml: yaml, file: "agent.yaml")
        return FolderSource(configuration: configuration.sources[0], pseudonymKey: Self.key)
    }

    static let fullMapping = """
        fields:
          id: "Ticket ID"
          status: "Status"
          created_at: "Created"
          updated_at: "Updated"
          first_reply_at: "First reply"
          solved_at: "Solved"
          closed_at: "Closed"
          channel: "Channel"
          priority: "Priority"
          reopen_count: "Reopens"
          assignee: "Agent"
          queue: "Group"
          tags: "Tags"
          csat: "CSAT"
          contact_count: "Contacts"
          held_by: "Held by"
          status_history: "History"
        dates: { format: "dd/MM/yyyy HH:mm", time_zone: Europe/Paris }
        statuses: { "Awaiting customer": pending, "In progress": open, "Resolved": solved }
        channels: { "E-Mail": email, "Telephone": phone }
        priorities: { "P1": urgent, "P3": normal }
        defaults: { channel: chat, priority: low }
        tags_separator: "|"
        """

    static let fullHeader =
        "Ticket ID,Status,Created,Updated,First reply,Solved,Closed,Channel,Priority,Reopens,Agent,Group,Tags,CSAT,Contacts,Held by,History\n"

    static func ticket(_ record: Record) -> TicketRecord? {
        if case .ticket(let ticket) = record { return ticket }
        return nil
    }

    static func iso(_ text: String) -> Date { WireJSON.parseDate(text)! }

    @Test func mapsEveryFieldOfACSVRow() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url, mapping: Self.fullMapping)
        let file = try folder.write(
            "export.csv",
            Self.fullHeader
                + "T-1,Resolved,05/01/2026 09:00,05/01/2026 17:00,05/01/2026 09:30,05/01/2026 16:00,,"
                + "E-Mail,P1,2,Alice Martin,Billing,vip| refund ,4,3,customer,"
                + "\"open@05/01/2026 09:00;pending@05/01/2026 10:00;solved@05/01/2026 16:00\"\n"
        )
        let result = try source.read(file: file, provider: "acme", site: "paris")
        #expect(result.rejects == [])
        #expect(result.rows == 1)
        let ticket = try #require(result.records.first.flatMap(Self.ticket))
        #expect(ticket.provider == "acme")
        #expect(ticket.site == "paris")
        #expect(ticket.id == "T-1")
        #expect(ticket.status == .solved)
        #expect(ticket.createdAt == Self.iso("2026-01-05T08:00:00Z"))
        #expect(ticket.updatedAt == Self.iso("2026-01-05T16:00:00Z"))
        #expect(ticket.firstReplyAt == Self.iso("2026-01-05T08:30:00Z"))
        #expect(ticket.solvedAt == Self.iso("2026-01-05T15:00:00Z"))
        #expect(ticket.closedAt == nil)
        #expect(ticket.channel == .email)
        #expect(ticket.priority == .urgent)
        #expect(ticket.reopenCount == 2)
        #expect(ticket.assignee == Pseudonymiser(key: Self.key).pseudonym(for: "Alice Martin"))
        #expect(ticket.assignee?.hasPrefix("p_") == true)
        #expect(ticket.assignee?.count == 18)
        #expect(ticket.queue == "Billing")
        #expect(ticket.tags == ["vip", "refund"])
        #expect(ticket.csat == 4)
        #expect(ticket.contactCount == 3)
        #expect(ticket.heldBy == "customer")
        #expect(ticket.statusChanges.map(\.status) == [.open, .pending, .solved])
        #expect(ticket.statusChanges.last?.at == Self.iso("2026-01-05T15:00:00Z"))
        #expect(result.fingerprint.count == 64)
    }

    @Test func defaultsForEmptyAndUnmappedColumns() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url, mapping: Self.fullMapping)
        let file = try folder.write(
            "export.csv",
            Self.fullHeader + "T-2,open,05/01/2026 09:00,,,05/01/2026 11:00,,,,,,,,,,,\n"
        )
        let result = try source.read(file: file, provider: "acme", site: "paris")
        let ticket = try #require(result.records.first.flatMap(Self.ticket))
        #expect(ticket.channel == .chat)
        #expect(ticket.priority == .low)
        #expect(ticket.reopenCount == 0)
        #expect(ticket.contactCount == 1)
        #expect(ticket.assignee == nil)
        #expect(ticket.tags == [])
        #expect(ticket.csat == nil)
        #expect(ticket.statusChanges == [])
        // No updated_at: the latest known time (solved) is used.
        #expect(ticket.updatedAt == Self.iso("2026-01-05T10:00:00Z"))
    }

    @Test func statusChannelAndPriorityMappingIsCaseInsensitiveAndAcceptsOversightNames() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url, mapping: Self.fullMapping)
        var text =
            "Ticket ID,Status,Created,Channel,Priority,Updated,First reply,Solved,Closed,Reopens,Agent,Group,Tags,CSAT,Contacts,Held by,History\n"
        let cases = [
            ("AWAITING CUSTOMER", "telephone", "p3"), ("in progress", "web", "HIGH"), ("On-Hold", "E-MAIL", "urgent"), ("new", "Social", "p1"),
        ]
        for (index, (status, channel, priority)) in cases.enumerated() {
            text += "T\(index),\(status),05/01/2026 09:00,\(channel),\(priority),,,,,,,,,,,,\n"
        }
        let result = try source.read(file: try folder.write("a.csv", text), provider: "acme", site: "s")
        #expect(result.rejects == [])
        let tickets = result.records.compactMap(Self.ticket)
        #expect(tickets.map(\.status) == [.pending, .open, .onHold, .new])
        #expect(tickets.map(\.channel) == [.phone, .web, .email, .social])
        #expect(tickets.map(\.priority) == [.normal, .high, .urgent, .urgent])
    }

    @Test func badRowsAreRejectedWithLineAndReasonAndTheOthersAreKept() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url, mapping: Self.fullMapping)
        let text =
            Self.fullHeader
            + "T-1,open,05/01/2026 09:00,,,,,,,,,,,,,,\n"  // line 2: fine
            + "T-2,\"multi\nline\",05/01/2026 09:00,,,,,,,,,,,,,,\n"  // line 3-4: unknown status
            + "T-3,open,31/02/2026 09:00,,,,,,,,,,,,,,\n"  // line 5: impossible date
            + "T-4,open\n"  // line 6: wrong column count
            + ",open,05/01/2026 09:00,,,,,,,,,,,,,,\n"  // line 7: no id
            + "T-5,open,05/01/2026 09:00,,,,,Fax,,,,,,,,,\n"  // line 8: unknown channel
            + "T-6,open,05/01/2026 09:00,,,,,,,,,,,9,,,\n"  // line 9: csat out of range
            + "T-7,open,05/01/2026 09:00,04/01/2026 09:00,,,,,,,,,,,,,\n"  // line 10: updated before created
            + "T-8,closed,05/01/2026 09:00,,,,,,,,,,,,,,\n"  // line 11: fine
        let result = try source.read(file: try folder.write("a.csv", text), provider: "acme", site: "s")
        #expect(result.rows == 9)
        #expect(result.records.compactMap(Self.ticket).map(\.id) == ["T-1", "T-8"])
        #expect(result.rejects.map(\.line) == [3, 5, 6, 7, 8, 9, 10])
        #expect(result.rejects.map(\.reason) == [
            "line 3: column \"Status\": unknown status 'multi\nline'; map it under mapping.statuses to one of "
                + "new, open, pending, on-hold, solved, closed",
            "line 5: column \"Created\": '31/02/2026 09:00' does not match date format dd/MM/yyyy HH:mm (day 31 does not exist in 2026-02)",
            "line 6: expected 17 columns as in the header, found 2",
            "line 7: column \"Ticket ID\": is empty; every ticket needs an id",
            "line 8: column \"Channel\": unknown channel 'Fax'; map it under mapping.channels to one of email, chat, phone, social, web",
            "line 9: column \"CSAT\": '9' is not a whole number from 1 to 5",
            "line 10: updatedAt is before createdAt",
        ])
        #expect(result.rejects[2].raw == "T-4,open")
    }

    @Test func aMissingColumnRejectsTheHeader() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url, mapping: "fields: { id: \"Ticket ID\", status: Status, created_at: Created, queue: Group }")
        let file = try folder.write("a.csv", "Ticket ID,Status,Created\nT-1,open,2026-01-05T09:00:00Z\n")
        let result = try source.read(file: file, provider: "acme", site: "s")
        #expect(result.records.isEmpty)
        #expect(result.rows == 1)
        #expect(result.rejects.count == 1)
        #expect(result.rejects.first?.line == 1)
        #expect(result.rejects.first?.reason.hasPrefix("line 1: the header has no column \"Group\" (mapped from queue)") == true)
    }

    @Test func jsonLinesWithDottedKeysArraysAndRejects() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(
            folder.url,
            mapping: """
                fields:
                  id: id
                  status: state
                  created_at: times.created
                  tags: tags
                  assignee: agent.name
                  status_history: history
                  csat: survey.score
                dates: { format: iso8601 }
                pseudonymise: [tags]
                """
        )
        let lines = [
            #"{"id": 101, "state": "open", "times": {"created": "2026-01-05T09:00:00Z"}, "tags": ["a", "b"], "agent": {"name": "Bob"}}"#,
            "",
            #"{"id": "102", "state": "solved", "times": {"created": "2026-01-05T09:00:00+01:00"}, "survey": {"score": 5.0},"#
                + #" "history": [{"status": "open", "at": "2026-01-05T08:00:00Z"}, {"status": "solved", "at": "2026-01-05T12:00:00Z"}]}"#,
            #"[1, 2, 3]"#,
            #"{"id": "104", "state": "open", "times": {"created": "yesterday"}}"#,
            #"{not json"#,
            #"{"id": "106", "state": "open", "times": {"created": "2026-01-05T09:00:00Z"}, "tags": {"x": 1}}"#,
        ]
        let file = try folder.write("a.ndjson", lines.joined(separator: "\r\n") + "\n")
        let result = try source.read(file: file, provider: "acme", site: "s")
        #expect(result.rows == 6)
        let tickets = result.records.compactMap(Self.ticket)
        #expect(tickets.map(\.id) == ["101", "102"])
        let pseudonymiser = Pseudonymiser(key: Self.key)
        #expect(tickets[0].tags == [pseudonymiser.pseudonym(for: "a"), pseudonymiser.pseudonym(for: "b")])
        #expect(tickets[0].assignee == pseudonymiser.pseudonym(for: "Bob"))
        #expect(tickets[1].createdAt == Self.iso("2026-01-05T08:00:00Z"))
        #expect(tickets[1].updatedAt == Self.iso("2026-01-05T12:00:00Z"))
        #expect(tickets[1].csat == 5)
        #expect(tickets[1].statusChanges.map(\.status) == [.open, .solved])
        #expect(result.rejects.map(\.line) == [4, 5, 6, 7])
        #expect(result.rejects.map(\.reason) == [
            "line 4: expected a JSON object on the line",
            "line 5: key \"times.created\": 'yesterday' does not match date format iso8601 "
                + "(expected yyyy-MM-dd, optionally followed by THH:mm:ss and an offset)",
            "line 6: not valid JSON",
            "line 7: key \"tags\": expected a single value, got an object",
        ])
    }

    @Test func replyHistoryFromAListColumnOrAJSONArray() throws {
        let folder = try TemporaryFolder()
        let csv = try Self.source(
            folder.url,
            mapping: """
                fields: { id: Id, status: Status, created_at: Created, agent_replies: Replies, customer_messages: Customer }
                dates: { format: iso8601 }
                """
        )
        let file = try folder.write(
            "a.csv",
            "Id,Status,Created,Replies,Customer\n"
                + "T-1,open,2026-01-05T09:00:00Z,2026-01-05T11:00:00Z;2026-01-05T09:30:00Z,2026-01-05T10:00:00Z\n"
                + "T-2,open,2026-01-05T09:00:00Z,,\n"
                + "T-3,open,2026-01-05T09:00:00Z,2026-01-05T09:30:00Z;soon,\n"
        )
        let result = try csv.read(file: file, provider: "acme", site: "s")
        let tickets = result.records.compactMap(Self.ticket)
        #expect(tickets.map(\.id) == ["T-1", "T-2"])
        // Sorted oldest first, whatever the export's order.
        #expect(tickets[0].agentReplies == [Self.iso("2026-01-05T09:30:00Z"), Self.iso("2026-01-05T11:00:00Z")])
        #expect(tickets[0].customerMessages == [Self.iso("2026-01-05T10:00:00Z")])
        // An empty cell in a mapped column: no reply yet (an unmapped column would give nil: no history at all).
        #expect(tickets[1].agentReplies == [])
        #expect(tickets[1].customerMessages == [])
        #expect(result.rejects.map(\.line) == [4])
        #expect(result.rejects.first?.reason.hasPrefix("line 4: column \"Replies\": 'soon' does not match date format iso8601") == true)

        let jsonFolder = try TemporaryFolder()
        let jsonl = try Self.source(
            jsonFolder.url,
            mapping: """
                fields: { id: id, status: status, created_at: created, agent_replies: replies }
                dates: { format: iso8601 }
                """
        )
        let lines = #"{"id": "J-1", "status": "open", "created": "2026-01-05T09:00:00Z", "replies": ["2026-01-05T09:45:00Z"]}"#
        let jsonResult = try jsonl.read(file: try jsonFolder.write("b.jsonl", lines + "\n"), provider: "acme", site: "s")
        #expect(jsonResult.records.compactMap(Self.ticket).first?.agentReplies == [Self.iso("2026-01-05T09:45:00Z")])
    }

    @Test func sourceSiteOverridesTheEnrolledSite() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url, mapping: "fields: { id: i, status: s, created_at: c }", extra: "site: lisbon")
        let file = try folder.write("a.csv", "i,s,c\n1,open,2026-01-05T09:00:00Z\n")
        let result = try source.read(file: file, provider: "acme", site: "paris")
        #expect(result.records.first.flatMap(Self.ticket)?.site == "lisbon")
    }

    @Test func fileSizeCapIsAnErrorNamingTheFile() throws {
        let folder = try TemporaryFolder()
        var source = try Self.source(folder.url, mapping: "fields: { id: i, status: s, created_at: c }")
        source.limits.maxFileBytes = 10
        let file = try folder.write("big.csv", "i,s,c\n1,open,2026-01-05T09:00:00Z\n")
        let error = try #require(throws: ConnectorError.self) { try source.read(file: file, provider: "acme", site: "s") }
        #expect(error.code == .fileTooLarge)
        #expect(error.description.hasPrefix(file.path))
        source.limits.maxFileBytes = 1 << 20
        source.limits.maxRows = 0
        #expect(throws: ConnectorError.self) { try source.read(file: file, provider: "acme", site: "s") }
    }

    @Test func fingerprintIsTheSHA256OfTheBytes() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url, mapping: "fields: { id: i, status: s, created_at: c }")
        let file = try folder.write("a.csv", "abc")
        let fingerprint = try source.read(file: file, provider: "p", site: "s").fingerprint
        #expect(fingerprint == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func readyFilesSkipsUnsettledHiddenTemporaryAndUnknownFiles() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url, mapping: "fields: { id: i, status: s, created_at: c }", extra: "settle_time: 5s")
        try folder.write("b.csv", "x")
        try folder.write("a.jsonl", "x")
        try folder.write("C.NDJSON", "x")
        try folder.write(".hidden.csv", "x")
        try folder.write("partial.csv.part", "x")
        try folder.write("upload.csv.tmp", "x")
        try folder.write("notes.txt", "x")
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("done"), withIntermediateDirectories: true)
        try folder.write("done/old.csv", "x")
        let now = Date()
        // Just written: nothing has settled yet.
        #expect(try source.readyFiles(now: now) == [])
        // Five seconds later everything with a known extension has.
        let later = try source.readyFiles(now: now.addingTimeInterval(6)).map(\.lastPathComponent)
        #expect(later == ["C.NDJSON", "a.jsonl", "b.csv"])
    }

    @Test func explicitFormatTakesAnyExtension() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url, mapping: "fields: { id: i, status: s, created_at: c }", extra: "format: csv\nsettle_time: 0s")
        try folder.write("export.dat", "i,s,c\n")
        try folder.write("x.tmp", "i,s,c\n")
        #expect(try source.readyFiles(now: Date()).map(\.lastPathComponent) == ["export.dat"])
    }

    @Test func readyFilesOnAMissingFolderIsAnError() throws {
        let source = try Self.source(URL(fileURLWithPath: "/nonexistent/oversight"), mapping: "fields: { id: i, status: s, created_at: c }")
        let error = try #require(throws: ConnectorError.self) { try source.readyFiles(now: Date()) }
        #expect(error.code == .folderUnreadable)
    }

    @Test func markDoneMovesTheFileAndWritesRejects() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url, mapping: "fields: { id: i, status: s, created_at: c }")
        let file = try folder.write("a.csv", "i,s,c\n1,open,2026-01-05T09:00:00Z\n2,weird,2026-01-05T09:00:00Z\n")
        let result = try source.read(file: file, provider: "p", site: "s")
        #expect(result.rejects.count == 1)
        try source.markDone(file: file, rejects: result.rejects)
        #expect(!FileManager.default.fileExists(atPath: file.path))
        let done = folder.url.appendingPathComponent("done/a.csv")
        #expect(try String(contentsOf: done, encoding: .utf8).hasPrefix("i,s,c"))
        let report = try String(contentsOf: folder.url.appendingPathComponent("rejects/a.csv.rejects.jsonl"), encoding: .utf8)
        let lines = report.split(separator: "\n")
        #expect(lines.count == 1)
        let reject = try JSONDecoder().decode(Reject.self, from: Data(lines[0].utf8))
        #expect(reject.line == 3)
        #expect(reject.raw == "2,weird,2026-01-05T09:00:00Z")
        #expect(reject.reason.hasPrefix("line 3: column \"s\": unknown status 'weird'"))

        // A second file of the same name keeps the first in done/ and gets a timestamp suffix.
        let again = try folder.write("a.csv", "second")
        try source.markDone(file: again, rejects: [])
        let doneNames = try FileManager.default.contentsOfDirectory(atPath: folder.url.appendingPathComponent("done").path).sorted()
        #expect(doneNames.count == 2)
        #expect(doneNames.contains("a.csv"))
        #expect(doneNames.contains { $0.hasPrefix("a.") && $0.hasSuffix("Z.csv") })
        #expect(try String(contentsOf: done, encoding: .utf8).hasPrefix("i,s,c"))
        // Nothing is left behind in the watched folder, and done/ is never listed.
        #expect(try source.readyFiles(now: Date().addingTimeInterval(60)) == [])
    }

    @Test func markRejectedSetsAFileAsideWithTheReason() throws {
        let folder = try TemporaryFolder()
        let source = try Self.source(folder.url, mapping: "fields: { id: i, status: s, created_at: c }")
        let file = try folder.write("huge.csv", "x")
        try source.markRejected(file: file, reason: "too large")
        #expect(FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("rejects/huge.csv").path))
        #expect(try String(contentsOf: folder.url.appendingPathComponent("rejects/huge.csv.error.txt"), encoding: .utf8) == "too large\n")
    }

    @Test func pseudonymsAreKeyedAndStable() {
        let a = Pseudonymiser(key: Array(repeating: 1, count: 32))
        let b = Pseudonymiser(key: Array(repeating: 2, count: 32))
        #expect(a.pseudonym(for: "Alice") == a.pseudonym(for: "Alice"))
        #expect(a.pseudonym(for: "Alice") != a.pseudonym(for: "Bob"))
        #expect(a.pseudonym(for: "Alice") != b.pseudonym(for: "Alice"))
        // HMAC-SHA256(key = 32 × 0x01, "Alice"), first 8 bytes.
        #expect(a.pseudonym(for: "Alice").range(of: "^p_[0-9a-f]{16}$", options: .regularExpression) != nil)
    }
}
