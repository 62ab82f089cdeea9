//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightModel
import OversightSLA
import Testing

@Suite struct ContractTests {
    static let contractsDirectory = TestSupport.repositoryRoot.appendingPathComponent("deploy/contracts")

    static func shippedContracts() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Self.contractsDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".contract.yaml") }.sorted()
    }

    @Test func everyShippedContractLoads() throws {
        let names = Self.shippedContracts()
        #expect(names.count >= 2)
        for name in names {
            let contract = try Contract.load(file: Self.contractsDirectory.appendingPathComponent(name).path)
            #expect(name == "\(contract.provider).contract.yaml")
            #expect(!contract.versions.isEmpty)
        }
    }

    @Test func acmeSupportExample() throws {
        let contract = try Contract.load(file: Self.contractsDirectory.appendingPathComponent("acme-support.contract.yaml").path)
        #expect(contract.provider == "acme-support")
        #expect(contract.versions.map(\.effectiveFrom.description) == ["2025-01-01", "2026-01-01"])
        let first = contract.versions[0]
        #expect(first.atRiskShare == 0.8)
        #expect(first.pauseStatuses == [.pending, .onHold])
        #expect(first.targets.firstReply == .hours(4))
        let calendar = first.calendar
        #expect(calendar.timeZone.identifier == "Europe/Lisbon")
        #expect(calendar.holidays.isClosed(CivilDate(year: 2026, month: 6, day: 10)))  // from the .ics file
        #expect(calendar.holidays.isClosed(CivilDate(year: 2026, month: 4, day: 3)))  // listed
        #expect(calendar.hours.secondsPerWeek == 5 * 12 * 3600)

        let current = contract.versions[1]
        #expect(current.aggregates.count == 11)
        #expect(current.aggregates.first?.id == "phone-service-level")
        #expect(current.aggregates.first?.match.channels == [.phone])
        #expect(current.aggregates.first(where: { $0.id == "chat-service-level" })?.figure == .serviceLevel(threshold: .seconds(20), variant: .offeredMinusShortAbandons))
        #expect(current.aggregates.first(where: { $0.id == "phone-abandonment" })?.figure == .abandonment(shortAbandon: .seconds(5)))
        #expect(current.aggregates.first(where: { $0.id == "chat-asa" })?.comparison == .atMost)
        #expect(current.aggregates.first(where: { $0.id == "chat-asa" })?.target == 30)
        #expect(current.aggregates.first(where: { $0.id == "fcr" })?.reopenWindow == .seconds(7 * 86_400))
        #expect(current.credits?.monthlyCap == 0.12)
        #expect(current.credits?.rules.count == 4)
        #expect(current.clockHolders.heldBy["head-office"] == .client)

        // A ticket is measured by the version in force at its creation, in the calendar's zone.
        func ticket(created: String, priority: Priority = .normal, channel: ContactChannel = .email) -> TicketRecord {
            let at = TestSupport.date(created, "Europe/Lisbon")
            return TicketRecord(provider: "acme-support", site: "lisbon", id: "T", channel: channel, priority: priority, status: .open, createdAt: at, updatedAt: at)
        }
        #expect(contract.terms(for: ticket(created: "2024-12-31 23:59")) == nil)
        #expect(contract.terms(for: ticket(created: "2025-12-31 23:59"))?.targets.resolution == .hours(24))
        #expect(contract.terms(for: ticket(created: "2026-01-01 00:00"))?.targets.resolution == .hours(16))
        let urgent = try #require(contract.terms(for: ticket(created: "2026-02-02 09:00", priority: .urgent, channel: .chat)))
        #expect(urgent.scopeName == "urgent")
        #expect(urgent.targets.firstReply == .hours(0, minutes: 30))
        #expect(urgent.targets.nextReply == .hours(4))
        #expect(urgent.atRiskShare == 0.5)
        #expect(contract.terms(for: ticket(created: "2026-02-02 09:00", channel: .chat))?.scopeName == "chat")
    }

    @Test func globexCareExample() throws {
        let contract = try Contract.load(file: Self.contractsDirectory.appendingPathComponent("globex-care.contract.yaml").path)
        let version = try #require(contract.versions.first)
        let chat = version.terms(scope: version.scopes.first { $0.name == "chat" })
        #expect(chat.calendar.hours.isTwentyFourSeven)
        #expect(chat.calendarName == "manila-chat")
        let email = version.terms(scope: nil)
        #expect(email.calendar.hours.template(weekday: 0) == [0..<7 * 3600, 22 * 3600..<86_400])
        #expect(email.calendar.hours.template(weekday: 4) == [0..<7 * 3600])
        #expect(email.calendar.hours.template(weekday: 5) == [])
        #expect(email.calendar.hours.template(weekday: 6) == [22 * 3600..<86_400])
        #expect(version.pauseStatuses == [.pending])
        #expect(version.atRiskShare == 0.75)
        #expect(version.aggregates.first(where: { $0.id == "csat-mean" })?.target == 4.3)
    }

    static let minimal = """
        provider: p
        versions:
          - effective_from: 2025-01-01
            calendar: {time_zone: UTC, hours: 24/7}
            targets: {first_reply: 1h}
        """

    @Test func minimalContractTakesTheDefaults() throws {
        let contract = try Contract(yaml: Self.minimal, file: "p.contract.yaml", baseDirectory: "/nonexistent")
        let version = try #require(contract.versions.first)
        #expect(version.atRiskShare == 0.8)
        #expect(version.pauseStatuses == [.pending, .onHold])
        #expect(version.clockHolders.statuses[.onHold] == .client)
        #expect(version.credits == nil)
    }

    @Test(arguments: [
        // (replace this, with this, expected line, message fragment)
        ("targets: {first_reply: 1h}", "targets: {first_reply: 1h, resolutoin: 2h}", 5, "did you mean 'resolution'"),
        ("hours: 24/7", "hours: {monday: \"08:00-08:00\"}", 4, "HH:MM-HH:MM"),
        ("hours: 24/7", "hours: {weekdays: \"08:00-20:00\", monday: \"09:00-10:00\"}", 4, "monday already has hours"),
        ("hours: 24/7", "hours: {sunday: closed}", 4, "no business hours"),
        ("time_zone: UTC", "time_zone: Mars/Olympus", 4, "IANA"),
        ("calendar: {time_zone: UTC, hours: 24/7}", "calendar: office", 4, "no calendar named 'office'"),
        ("effective_from: 2025-01-01", "effective_from: 2025-02-30", 3, "YYYY-MM-DD"),
        ("targets: {first_reply: 1h}", "targets: {first_reply: 10s}", 5, "duration from 1m"),
        ("targets: {first_reply: 1h}", "targets: {first_reply: 1h}\n    at_risk: 120%", 6, "percentage"),
        ("targets: {first_reply: 1h}", "targets: {first_reply: 1h}\n    pause_statuses: [solved]", 6, "open status"),
        ("targets: {first_reply: 1h}", "targets: {first_reply: 1h}\n    clock_holders: {statuses: {pending: vendor}}", 6, "provider, client, customer"),
        ("targets: {first_reply: 1h}", "targets: {first_reply: 1h}\n    aggregates: [{id: sl, figure: service_level, period: day, target: 80%}]", 6, "threshold"),
        ("targets: {first_reply: 1h}", "targets: {first_reply: 1h}\n    aggregates: [{id: a, figure: asa, period: day, target: 80%}]", 6, "duration"),
        ("targets: {first_reply: 1h}", "targets: {first_reply: 1h}\n    aggregates: [{id: a, figure: csat, variant: nps, period: day, target: 80%}]", 6, "top2_box"),
        ("targets: {first_reply: 1h}", "targets: {first_reply: 1h}\n    aggregates: [{id: a, figure: aht, period: year, target: 5m}]", 6, "day, week, month"),
        ("targets: {first_reply: 1h}", "targets: {first_reply: 1h}\n    aggregates: [{id: a, figure: fcr, reopen_window: 3d, period: day, target: 70%}]", 6, "method: ticket"),
        ("targets: {first_reply: 1h}", "targets: {first_reply: 1h}\n    aggregates: [{id: a, figure: aht, period: day, target: 5m}]\n    credits: {monthly_cap: 10%, per_miss: [{target: b, share: 1%}]}", 7, "no aggregate target with id 'b'"),
        ("provider: p", "provider: p q", 1, "provider name"),
    ])
    func problemsNameTheirFileAndLine(replace: String, with: String, line: Int, fragment: String) {
        let yaml = Self.minimal.replacingOccurrences(of: replace, with: with)
        #expect {
            _ = try Contract(yaml: yaml, file: "p.contract.yaml", baseDirectory: "/nonexistent")
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            let matches = error.file == "p.contract.yaml" && error.line == line && error.description.contains(fragment)
            if !matches { Issue.record("got \(error)") }
            return matches
        }
    }

    @Test func versionsMustBeInOrder() {
        let yaml = Self.minimal + "\n  - effective_from: 2024-06-01\n    calendar: {time_zone: UTC, hours: 24/7}\n    targets: {first_reply: 1h}\n"
        #expect {
            _ = try Contract(yaml: yaml, file: "p.contract.yaml", baseDirectory: "/")
        } throws: { error in
            (error as? ConfigError)?.line == 6 && "\(error)".contains("after the previous version")
        }
    }

    @Test func aMissingIcsFileIsReportedAtItsKey() {
        let yaml = Self.minimal.replacingOccurrences(of: "hours: 24/7", with: "hours: 24/7, holidays: {ics: nowhere.ics}")
        #expect {
            _ = try Contract(yaml: yaml, file: "p.contract.yaml", baseDirectory: "/nonexistent")
        } throws: { error in
            (error as? ConfigError)?.code == .unreadableFile && (error as? ConfigError)?.line == 4
        }
    }
}
