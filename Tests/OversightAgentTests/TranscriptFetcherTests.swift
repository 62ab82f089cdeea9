//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The interactions of a sample request, from the transcript folder: redacted, or missing with a reason that never
// quotes the interaction; a ticket id never reaches outside the folder.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightModel
import Testing

@testable import OversightAgent

@Suite struct TranscriptFetcherTests {
    let folder: URL
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    init() throws {
        self.folder = FileManager.default.temporaryDirectory.appendingPathComponent("transcripts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.folder, withIntermediateDirectories: true)
    }

    func request(_ tickets: [String]) -> SampleRequestCommand {
        SampleRequestCommand(
            requestId: "smp_00112233445566778899", provider: "acme", site: "lisbon", period: "2026-W49", seedCommitment: String(repeating: "a", count: 64),
            ticketIds: tickets
        )
    }

    func fetch(_ tickets: [String], maxBytes: Int64 = 256 * 1024, configured: Bool = true) -> [InteractionRecord] {
        var configuration = AgentConfiguration.Transcripts(folder: self.folder.path)
        configuration.maxBytes = maxBytes
        return TranscriptFetcher(configuration: configured ? configuration : nil, redaction: .init())
            .records(for: self.request(tickets), site: "lisbon", now: self.now)
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: self.folder.appendingPathComponent(name))
    }

    @Test func eachFormatIsReadRedactedAndValid() throws {
        defer { try? FileManager.default.removeItem(at: self.folder) }
        try self.write("T-1.txt", "Kunde: meine Nummer ist +49 30 1234567, Mail anna@example.de\r\nAgent: danke\r\n")
        try self.write("T-2.eml", "From: ivan@example.ru\nSubject: карта\n\nКарта 4111 1111 1111 1111, счёт 24.11.2026 на 1 200,00 ₽\n")
        try self.write("T-3.json", #"{"messages":[{"from":"customer","text":"IBAN DE89 3704 0044 0532 0130 00"}]}"#)
        // .txt wins over .eml for the same ticket.
        try self.write("T-1.eml", "not this one")
        let records = self.fetch(["T-1", "T-2", "T-3"])
        #expect(records.map(\.format) == [.text, .email, .chat])
        #expect(records.allSatisfy { $0.status == .returned && $0.validationProblem() == nil && Record.interaction($0).integrityProblem(latest: nil) == nil })
        let texts = records.compactMap(\.text)
        #expect(!texts[0].contains("1234567") && !texts[0].contains("anna@example.de") && !texts[0].contains("\r"))
        #expect(!texts[1].contains("4111 1111 1111 1111") && texts[1].contains("24.11.2026") && texts[1].contains("1 200,00 ₽"))
        #expect(!texts[2].contains("DE89"))
        #expect(records[1].redactions?["email"] == 1)
        #expect(records.allSatisfy { $0.requestId == "smp_00112233445566778899" && $0.site == "lisbon" && $0.updatedAt == self.now })
    }

    @Test func whatCannotBeReturnedIsReportedMissingWithItsReason() throws {
        defer { try? FileManager.default.removeItem(at: self.folder) }
        try self.write("BIG.txt", String(repeating: "x", count: 2048))
        try Data([0xFF, 0xFE, 0x00, 0x41]).write(to: self.folder.appendingPathComponent("BIN.txt"))
        try FileManager.default.createDirectory(at: self.folder.appendingPathComponent("DIR.txt"), withIntermediateDirectories: true)
        // A file outside the folder that a crafted id would reach.
        try Data("secret".utf8).write(to: self.folder.deletingLastPathComponent().appendingPathComponent("outside.txt"))
        let records = self.fetch(["NONE", "BIG", "BIN", "DIR", "../outside", ".hidden"], maxBytes: 1024)
        #expect(records.allSatisfy { $0.status == .missing && $0.text == nil && $0.validationProblem() == nil })
        let reasons = records.compactMap(\.reason)
        #expect(reasons[0].contains("no transcript file NONE.txt"))
        #expect(reasons[1].contains("2048 bytes") && reasons[1].contains("1024"))
        #expect(reasons[2].contains("not UTF-8"))
        #expect(reasons[3].contains("not a regular file"))
        #expect(reasons[4].contains("cannot name a file") && reasons[5].contains("cannot name a file"))
        #expect(!reasons.joined().contains("secret"))
        let unconfigured = self.fetch(["T-1"], configured: false)
        #expect(unconfigured.first?.reason?.contains("no transcript source is configured") == true)
    }

    /// A script in the test folder that the command source runs (no shell between the agent and it: `/bin/sh` runs it).
    func script(_ body: String) throws -> String {
        let path = self.folder.appendingPathComponent("fetch-\(UUID().uuidString).sh").path
        try Data(("#!/bin/sh\n" + body + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func fetch(command: [String], tickets: [String], timeout: Duration = .seconds(10), maxBytes: Int64 = 256 * 1024, format: String = "text")
        -> [InteractionRecord]
    {
        var configuration = AgentConfiguration.Transcripts(command: command)
        configuration.timeout = timeout
        configuration.maxBytes = maxBytes
        configuration.commandFormat = format
        return TranscriptFetcher(configuration: configuration, redaction: .init()).records(for: self.request(tickets), site: "lisbon", now: self.now)
    }

    @Test func aCommandPrintsTheInteractionWhichIsRedactedLikeAFile() throws {
        defer { try? FileManager.default.removeItem(at: self.folder) }
        // The ticket id arrives as one argument (no shell parses it), where {ticket} stands or else last.
        let script = try self.script(#"printf 'Ticket %s\nFrom: jana.novak@example.com\nCall me on +49 170 1234567, order 12345678.\n' "$1""#)
        let records = self.fetch(command: ["/bin/sh", script, "{ticket}"], tickets: ["T-1", "T 2; rm -rf /"], format: "email")
        #expect(records.map(\.status) == [.returned, .returned])
        let text = records.first?.text ?? ""
        #expect(text.contains("Ticket T-1") && text.contains("[email]") && text.contains("[phone]") && text.contains("12345678"), "\(text)")
        #expect(!text.contains("jana.novak") && records.first?.format == .email && records.first?.validationProblem() == nil)
        #expect(records[1].text?.contains("Ticket T 2; rm -rf /") == true)
        let appended = self.fetch(command: ["/bin/sh", script], tickets: ["T-3"])
        #expect(appended.first?.text?.contains("Ticket T-3") == true && appended.first?.format == .text)
    }

    @Test func aCommandThatFailsIsReportedMissingWithItsReason() throws {
        defer { try? FileManager.default.removeItem(at: self.folder) }
        let failing = try self.script("echo 'jana.novak@example.com not found' >&2; exit 3")
        let silent = try self.script("exit 0")
        let binary = try self.script(#"printf '\377\376A'"#)
        let chatty = try self.script("head -c 5000 /dev/zero | tr '\\0' x")
        let slow = try self.script("sleep 30")
        func reason(_ command: [String], _ ticket: String = "T-1", timeout: Duration = .seconds(10), maxBytes: Int64 = 256 * 1024) -> String {
            let record = self.fetch(command: command, tickets: [ticket], timeout: timeout, maxBytes: maxBytes).first
            #expect(record?.status == .missing && record?.text == nil && record?.validationProblem() == nil)
            return record?.reason ?? ""
        }
        let failed = reason(["/bin/sh", failing])
        #expect(failed.contains("exited with status 3") && !failed.contains("jana"), "\(failed)")
        #expect(reason(["/bin/sh", silent]).contains("printed nothing"))
        #expect(reason(["/bin/sh", binary]).contains("not UTF-8"))
        #expect(reason(["/bin/sh", chatty], maxBytes: 1024).contains("more than 1024 bytes"))
        #expect(reason(["/bin/sh", slow], timeout: .seconds(1)).contains("did not finish within 1 s"))
        #expect(reason(["/nonexistent/fetch"]).contains("cannot be started"))
        #expect(reason(["/bin/sh", silent], "-rf").contains("starts with '-'"))
    }

    @Test func anInteractionRecordChecksItsShape() {
        let returned = InteractionRecord(
            provider: "acme", site: "lisbon", requestId: "smp_1", ticketId: "T-1", status: .returned, format: .text, text: "hi", updatedAt: self.now
        )
        #expect(returned.validationProblem() == nil)
        var noText = returned
        noText.text = nil
        #expect(noText.validationProblem()?.contains("no text") == true)
        var withReason = returned
        withReason.reason = "x"
        #expect(withReason.validationProblem()?.contains("reason") == true)
        var huge = returned
        huge.text = String(repeating: "x", count: InteractionRecord.Limits.maxTextLength + 1)
        #expect(huge.validationProblem()?.contains("longer than") == true)
        let missing = InteractionRecord(provider: "acme", site: "lisbon", requestId: "smp_1", ticketId: "T-1", status: .missing, updatedAt: self.now)
        #expect(missing.validationProblem()?.contains("no reason") == true)
        var nul = returned
        nul.text = "a\u{0}b"
        #expect(Record.interaction(nul).integrityProblem(latest: nil)?.contains("NUL") == true)
        // Round trip through the wire form with its kind.
        let decoded = try? WireJSON.decode(Record.self, from: try WireJSON.encode(Record.interaction(returned)))
        #expect(decoded == .interaction(returned))
    }
}
