//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightSLA
import Testing

@Suite struct DisputeTermsTests {
    static func contract(_ disputes: String) throws -> Contract {
        let yaml = """
            provider: p
            versions:
              - effective_from: 2025-01-01
                calendar: {time_zone: UTC, hours: {weekdays: "09:00-17:00"}}
                targets: {first_reply: 1h}
                disputes:
            \(disputes)
            """
        return try Contract(yaml: yaml, file: "p.contract.yaml", baseDirectory: "/nonexistent")
    }

    @Test func parsesReasonsDaysAndDefault() throws {
        let contract = try Self.contract(
            """
                  reasons: [client_caused_delay, force_majeure, wrong_clock_holder, data_error]
                  decide_within_business_days: 5
                  default_decision: accepted
            """
        )
        let terms = try #require(contract.versions.first?.disputes)
        #expect(terms.reasons == ["client_caused_delay", "force_majeure", "wrong_clock_holder", "data_error"])
        #expect(terms.decideWithinBusinessDays == 5)
        #expect(terms.defaultDecision == .accepted)
    }

    @Test func theShippedAcmeContractAllowsDisputes() throws {
        let file = TestSupport.repositoryRoot.appendingPathComponent("deploy/contracts/acme-support.contract.yaml").path
        let terms = try #require(try Contract.load(file: file).versions.last?.disputes)
        #expect(terms.reasons.count == 4 && terms.decideWithinBusinessDays == 5 && terms.defaultDecision == .accepted)
    }

    @Test(arguments: [
        ("      reasons: []\n      decide_within_business_days: 5\n      default_decision: accepted", 7, "at least one dispute reason"),
        ("      reasons: [force_majeure, force_majeure]\n      decide_within_business_days: 5\n      default_decision: accepted", 7, "listed twice"),
        ("      reasons: [Force Majeure]\n      decide_within_business_days: 5\n      default_decision: accepted", 7, "lower-case"),
        ("      reasons: [force_majeure]\n      decide_within_business_days: 0\n      default_decision: accepted", 8, "1"),
        ("      reasons: [force_majeure]\n      decide_within_business_days: 5\n      default_decision: maybe", 9, "accepted, rejected"),
        ("      reasons: [force_majeure]\n      decide_within: 5\n      default_decision: accepted", 8, "decide_within"),
    ])
    func problemsNameTheirFileAndLine(section: String, line: Int, fragment: String) {
        #expect {
            _ = try Self.contract(section)
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            let matches = error.file == "p.contract.yaml" && error.line == line && error.description.contains(fragment)
            if !matches { Issue.record("got \(error)") }
            return matches
        }
    }

    /// Opened on Friday 2026-11-06: three business days are Mon 9, Tue 10, Wed 11, so the deadline is Thursday 00:00 UTC.
    @Test func deadlineCountsBusinessDaysOfTheCalendar() throws {
        let contract = try Self.contract(
            "      reasons: [force_majeure]\n      decide_within_business_days: 3\n      default_decision: rejected"
        )
        let version = try #require(contract.versions.first)
        let terms = try #require(version.disputes)
        let opened = try #require(ISO8601DateFormatter().date(from: "2026-11-06T15:00:00Z"))
        let deadline = terms.decisionDeadline(openedAt: opened, calendar: version.calendar)
        #expect(deadline == ISO8601DateFormatter().date(from: "2026-11-12T00:00:00Z"))
    }
}
