//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Small helpers for the command line: durations, times, tables, JSON output.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore

enum CLIDuration {
    /// Parses `90s`, `30m`, `24h`, `7d`, `1h30m`.
    static func parse(_ text: String) -> Duration? {
        var total: Int64 = 0
        var number = ""
        var sawUnit = false
        for character in text {
            if character.isNumber {
                number.append(character)
                continue
            }
            guard let value = Int64(number) else { return nil }
            switch character {
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            case "d": total += value * 86400
            default: return nil
            }
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit, total > 0 else { return nil }
        return .seconds(total)
    }
}

enum WireTime {
    static func format(_ date: Date) -> String { WireJSON.format(date) }

    static func relative(_ date: Date) -> String {
        let seconds = Int(Date().timeIntervalSince(date))
        if seconds < 0 { return "just now" }
        if seconds < 120 { return "\(seconds)s ago" }
        if seconds < 7200 { return "\(seconds / 60)m ago" }
        if seconds < 172_800 { return "\(seconds / 3600)h ago" }
        return "\(seconds / 86400)d ago"
    }

    static func day(_ date: Date) -> String { String(WireJSON.format(date).prefix(10)) }

    /// An RFC 3339 instant given on the command line (`2026-11-03T14:00:00Z`, an offset, optional fractions).
    static func parse(_ text: String) -> Date? {
        guard text.count <= 40 else { return nil }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return ISO8601DateFormatter().date(from: text) ?? fractional.date(from: text)
    }
}

struct TextTable {
    let columns: [String]
    var rows: [[String]] = []
    init(columns: [String]) { self.columns = columns }
    mutating func add(_ row: [String]) { self.rows.append(row) }
    func render() -> String {
        var widths = self.columns.map(\.count)
        for row in self.rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(self.columns)] + self.rows.map(line)).joined(separator: "\n")
    }
}

enum JSONOutput {
    static func string(_ value: some Encodable) throws -> String {
        let encoder = WireJSON.encoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// An agent as `agents list` shows it.
struct AgentView: Encodable {
    var id: String
    var provider: String
    var site: String
    var state: String
    var online: Bool
    var hostname: String
    var version: String?
    var lastHeartbeatAt: Date?
    var lastBatchAt: Date?
    var lastSeq: Int64
    var outboxDepth: Int?
    var outboxBytes: Int64?
    var oldestUnsentAgeSeconds: Double?
    var outboxFull: Bool
    var lastSourceError: String?
    var certificateNotAfter: Date
    var enrolledAt: Date
    var revokedAt: Date?

    init(row: AgentRow, now: Date, offlineAfter: Duration) {
        self.id = row.id
        self.provider = row.provider
        self.site = row.site
        self.online = row.isOnline(now: now, offlineAfter: offlineAfter)
        self.state = row.revokedAt != nil ? "revoked" : (self.online ? "online" : "offline")
        self.hostname = row.hostname
        self.version = row.version
        self.lastHeartbeatAt = row.lastHeartbeatAt
        self.lastBatchAt = row.lastBatchAt
        self.lastSeq = row.lastSeq
        self.outboxDepth = row.outboxDepth
        self.outboxBytes = row.outboxBytes
        self.oldestUnsentAgeSeconds = row.oldestUnsentAgeSeconds
        self.outboxFull = row.outboxFull
        self.lastSourceError = row.lastSourceError
        self.certificateNotAfter = row.certificateNotAfter
        self.enrolledAt = row.enrolledAt
        self.revokedAt = row.revokedAt
    }
}

enum StatusRendering {
    static func table(_ report: StatusReport) -> String {
        if report.providers.isEmpty { return "No providers yet: no agent has enrolled or synced." }
        var table = TextTable(columns: ["PROVIDER", "SITE", "AGENTS ONLINE", "TICKETS", "OPEN", "AT RISK", "BREACHED", "NEWEST RECORD"])
        for provider in report.providers {
            for site in provider.sites {
                table.add([
                    provider.provider, site.site, "\(site.agentsOnline)/\(site.agentsTotal)", "\(site.tickets)", "\(site.openTickets)",
                    "\(site.atRisk)", "\(site.breached)", site.newestRecordAt.map(WireJSON.format) ?? "-",
                ])
            }
        }
        var text = table.render()
        let intervals = report.providers.filter { $0.intervals > 0 }
        if !intervals.isEmpty {
            text += "\nInterval reports: " + intervals.map { "\($0.provider) \($0.intervals)" }.joined(separator: ", ")
        }
        let evaluations = report.providers.filter { $0.evaluations > 0 }
        if !evaluations.isEmpty {
            text += "\nQA evaluations: " + evaluations.map { "\($0.provider) \($0.evaluations)" }.joined(separator: ", ")
        }
        return text
    }
}
