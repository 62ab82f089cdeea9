//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// oversight-coordinator contracts check FILE: validate a contract and show its deadlines.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import OversightModel
import OversightSLA

/// `oversight-coordinator contracts …`: head-office contract files.
struct ContractsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contracts",
        abstract: "Head-office contracts with providers (*.contract.yaml).",
        subcommands: [Check.self]
    )

    /// `contracts check FILE`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a contract file and print the deadlines it gives a few example tickets.",
            discussion: """
                For each version and scope, prints the first-reply and resolution deadlines and at-risk instants, in the \
                contract's time zone, of tickets created on a Monday at 09:00, a Friday at 19:30, the evening before a \
                holiday and just before a daylight-saving change. Exits non-zero, naming file:line, if the contract is invalid.
                """
        )

        @Argument(help: "The contract file (YAML).") var file: String

        func run() async throws {
            let contract: Contract
            do {
                contract = try Contract.load(file: self.file)
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode.failure
            }
            print(ContractReport.render(contract, file: self.file))
        }
    }
}

/// The text `contracts check` prints.
enum ContractReport {
    static func render(_ contract: Contract, file: String) -> String {
        var lines: [String] = []
        let versions = contract.versions.count
        lines.append("\(file): valid — provider \(contract.provider), \(versions) version\(versions == 1 ? "" : "s")")
        if let name = contract.name { lines.append("  \(name)") }
        for (index, version) in contract.versions.enumerated() {
            let until = index + 1 < versions ? " until \(contract.versions[index + 1].effectiveFrom)" : ""
            lines.append("")
            lines.append("Version in force from \(version.effectiveFrom)\(until)")
            lines.append(
                "  at risk at \(Self.percent(version.atRiskShare)); pause statuses: "
                    + (version.pauseStatuses.isEmpty ? "none" : version.pauseStatuses.map(\.rawValue).sorted().joined(separator: ", "))
                    + "; \(version.aggregates.count) aggregate target(s) and \(version.credits?.rules.count ?? 0) service credit(s) (parsed, not yet computed)"
            )
            let scopes: [ContractScope?] = [nil] + version.scopes.map { $0 }
            for scope in scopes {
                let terms = version.terms(scope: scope)
                lines.append("")
                lines.append(Self.describe(scope: scope, terms: terms))
                lines.append(contentsOf: Self.examples(version: version, scope: scope, terms: terms, provider: contract.provider))
            }
        }
        return lines.joined(separator: "\n")
    }

    static func describe(scope: ContractScope?, terms: ContractTerms) -> String {
        let name = scope.map { "Scope \($0.name) (\(Self.describe($0.match)))" } ?? "Default terms"
        let calendar = terms.calendar
        var targets: [String] = []
        if let value = terms.targets.firstReply { targets.append("first reply \(Self.hours(value))") }
        if let value = terms.targets.nextReply { targets.append("next reply \(Self.hours(value))") }
        if let value = terms.targets.periodicUpdate { targets.append("periodic update \(Self.hours(value))") }
        if let value = terms.targets.resolution { targets.append("resolution \(Self.hours(value))") }
        let hours =
            calendar.hours.isTwentyFourSeven
            ? "24/7"
            : zip(WeeklyHours.dayNames, calendar.hours.ranges).filter { !$1.isEmpty }
                .map { "\($0.prefix(3)) \($1.map(\.description).joined(separator: ","))" }.joined(separator: "; ")
        return """
            \(name): \(targets.isEmpty ? "no ticket targets" : targets.joined(separator: ", ")) of business time
              calendar \(terms.calendarName ?? "(inline)"): \(calendar.timeZone.identifier), \(hours)
            """
    }

    static func describe(_ match: ScopeMatch) -> String {
        var parts: [String] = []
        if let sites = match.sites { parts.append("site " + sites.sorted().joined(separator: "|")) }
        if let queues = match.queues { parts.append("queue " + queues.sorted().joined(separator: "|")) }
        if let channels = match.channels { parts.append("channel " + channels.map(\.rawValue).sorted().joined(separator: "|")) }
        if let priorities = match.priorities { parts.append("priority " + priorities.map(\.rawValue).sorted().joined(separator: "|")) }
        return parts.joined(separator: ", ")
    }

    /// Example tickets: Monday 09:00, Friday 19:30, 17:00 the day before a holiday, one hour before a DST change.
    static func examples(version: ContractVersion, scope: ContractScope?, terms: ContractTerms, provider: String) -> [String] {
        let calendar = terms.calendar
        let zone = calendar.timeZone
        var monday = version.effectiveFrom
        while monday.weekday != 0 { monday = monday.adding(days: 1) }
        var examples: [(label: String, created: Date)] = [
            ("Monday 09:00", Self.instant(monday, hour: 9, minute: 0, zone: zone)),
            ("Friday 19:30", Self.instant(monday.adding(days: 4), hour: 19, minute: 30, zone: zone)),
        ]
        let holidays = calendar.holidays.dates(from: version.effectiveFrom.adding(days: 1), through: version.effectiveFrom.adding(days: 366))
        if let holiday = holidays.first(where: { $0.date.weekday < 5 }) ?? holidays.first {
            let name = holiday.name.isEmpty ? "" : " (\(holiday.name))"
            examples.append(("eve of \(holiday.date)\(name) 17:00", Self.instant(holiday.date.adding(days: -1), hour: 17, minute: 0, zone: zone)))
        }
        if let change = zone.nextDaylightSavingTimeTransition(after: version.effectiveInstant),
            change.timeIntervalSince(version.effectiveInstant) < 400 * 86_400
        {
            examples.append(("1 h before the DST change", change - 3600))
        } else {
            examples.append(("(no DST change in \(zone.identifier))", Self.instant(monday.adding(days: 2), hour: 12, minute: 0, zone: zone)))
        }

        var table = TextTable(columns: ["  EXAMPLE TICKET", "CREATED", "FIRST REPLY DUE", "AT RISK", "RESOLUTION DUE", "AT RISK"])
        for (label, created) in examples {
            let ticket = TicketRecord(
                provider: provider, site: scope?.match.sites?.sorted().first ?? "site", id: "example",
                channel: scope?.match.channels?.map { $0 }.first ?? .email, priority: scope?.match.priorities?.map { $0 }.first ?? .normal,
                status: .new, createdAt: created, updatedAt: created, queue: scope?.match.queues?.sorted().first
            )
            let clocks = TicketClocks(ticket: ticket, terms: terms, now: created)
            table.add([
                "  \(label)", Self.format(created, zone),
                clocks.firstReply.map { Self.format($0.deadline, zone) } ?? "-", clocks.firstReply.map { Self.format($0.atRiskAt, zone) } ?? "-",
                clocks.resolution.map { Self.format($0.deadline, zone) } ?? "-", clocks.resolution.map { Self.format($0.atRiskAt, zone) } ?? "-",
            ])
        }
        return table.render().split(separator: "\n").map(String.init)
    }

    static func instant(_ date: CivilDate, hour: Int, minute: Int, zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: date.year, month: date.month, day: date.day, hour: hour, minute: minute)
        return calendar.date(from: components) ?? Date(timeIntervalSince1970: Double(date.dayNumber) * 86_400)
    }

    static func format(_ date: Date?, _ zone: TimeZone) -> String {
        guard let date else { return "none" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "EEE yyyy-MM-dd HH:mm xxx"
        return formatter.string(from: date)
    }

    /// A business duration in hours and minutes (`24h`, `1h30m`, `5m`): a day of business time is not 24 hours of a day.
    static func hours(_ duration: Duration) -> String {
        let minutes = Int(duration.components.seconds / 60)
        switch (minutes / 60, minutes % 60) {
        case (0, let rest): return "\(rest)m"
        case (let hours, 0): return "\(hours)h"
        case (let hours, let rest): return "\(hours)h\(rest)m"
        }
    }

    static func percent(_ share: Double) -> String {
        let value = share * 100
        return value == value.rounded() ? "\(Int(value)) %" : String(format: "%.1f %%", value)
    }
}
