//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The acceptance verdict: the acceptance sample is the n smallest rank keys of the unbiased sample; no verdict before
// n are audited or while the period is open; accepted at d ≤ c, rejected above; quota and targeted tickets never count.
//
//===----------------------------------------------------------------------===//

import Foundation
import Testing

@testable import OversightSampling

@Suite struct AcceptanceVerdictTests {
    static let terms = AcceptanceTerms(aql: 0.05, producerRisk: 0.1, rql: 0.4, consumerRisk: 0.1)

    /// 20 tickets (8 chat, 12 email), 4 of them assigned to one staff member with a weekly quota of 2 (so quota tickets exist).
    static func draw() -> SampleDraw {
        let start = Date(timeIntervalSince1970: 1_789_372_800)  // 2026-09-14 08:00 UTC, a Monday
        var units: [SampleUnit] = []
        for number in 1...20 {
            let channel = number % 5 < 2 ? "chat" : "email"
            let assignee: String? = number > 16 ? "p_staff" : nil
            let csat: Int? = number == 20 ? 1 : nil
            let created = start.addingTimeInterval(Double(number) * 600)
            units.append(SampleUnit(id: "T\(number)", site: "s", channel: channel, solved: true, createdAt: created, assignee: assignee, csat: csat))
        }
        let plan = SamplingPlan(
            provider: "acme", size: .fixed(2), strata: [.channel], perStaffPerWeek: 3, targeted: [(.lowCSAT, 1)], acceptance: Self.terms
        )
        let seed = SampleSeed(bytes: Array(0..<32))
        return SampleDraw(units: units, plan: plan, seed: seed) { _ in "2026-W38" }
    }

    @Test func theAcceptanceSampleIsTheSmallestKeysOfTheUnbiasedSample() throws {
        let draw = Self.draw()
        let plan = try #require(draw.acceptance)
        #expect(plan.n == 8 && plan.c == 1 && draw.size == 8, "the unbiased sample is raised to n")
        let sample = AcceptanceVerdict.acceptanceSample(of: draw, n: plan.n)
        let estimate = draw.selections.filter { $0.purpose == .estimate }
        #expect(Set(sample) == Set(estimate.map(\.ticketId)), "n = the unbiased sample's size: all of it")
        #expect(sample == estimate.sorted { $0.key < $1.key }.map(\.ticketId))
        // A smaller n takes the smallest keys across strata.
        let three = AcceptanceVerdict.acceptanceSample(of: draw, n: 3)
        #expect(three == Array(sample.prefix(3)))
        #expect(draw.selections.contains { $0.purpose != .estimate }, "the draw has quota or targeted tickets")
    }

    @Test func verdicts() throws {
        let draw = Self.draw()
        let plan = try #require(draw.acceptance)
        let sample = AcceptanceVerdict.acceptanceSample(of: draw, n: plan.n)
        let others = draw.selections.filter { $0.purpose != .estimate }.map(\.ticketId)
        var defects = Dictionary(uniqueKeysWithValues: sample.map { ($0, false) })
        // Every other ticket audited with a defect changes nothing: only the acceptance sample counts.
        for ticket in others { defects[ticket] = true }
        let requested = Set(sample)

        var verdict = AcceptanceVerdict(plan: plan, draw: draw, closed: true, defects: defects, missing: [], requested: requested)
        #expect(verdict.state == .accepted && verdict.audited == 8 && verdict.defects == 0)
        defects[sample[0]] = true
        verdict = AcceptanceVerdict(plan: plan, draw: draw, closed: true, defects: defects, missing: [], requested: requested)
        #expect(verdict.state == .accepted && verdict.defects == 1, "d = c accepts")
        defects[sample[1]] = true
        verdict = AcceptanceVerdict(plan: plan, draw: draw, closed: true, defects: defects, missing: [], requested: requested)
        #expect(verdict.state == .rejected && verdict.defects == 2)

        // Open: in progress, whatever the counts.
        verdict = AcceptanceVerdict(plan: plan, draw: draw, closed: false, defects: defects, missing: [], requested: requested)
        #expect(verdict.state == .inProgress && verdict.audited == 8)

        // One not audited (reported missing): no verdict, even with more than c defects already.
        defects[sample[7]] = nil
        verdict = AcceptanceVerdict(plan: plan, draw: draw, closed: true, defects: defects, missing: [sample[7]], requested: requested)
        #expect(verdict.state == .notEnoughAudits && verdict.audited == 7 && verdict.missing == 1 && verdict.defects == 2)
        verdict = AcceptanceVerdict(plan: plan, draw: draw, closed: true, defects: [:], missing: [], requested: [])
        #expect(verdict.state == .notEnoughAudits && verdict.audited == 0 && verdict.notRequested == 8)
    }
}
