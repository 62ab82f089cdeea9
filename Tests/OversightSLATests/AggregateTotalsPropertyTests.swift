//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import OversightSLA
import PropertyBased
import Testing

/// Figures are computed from sums, never by averaging percentages: however a period's interval
/// reports are split and summed, every figure comes out the same.
@Suite struct AggregateTotalsPropertyTests {
    struct Case: CustomStringConvertible, Sendable {
        var reports: [AggregateTotals]
        /// Cut points splitting the reports into consecutive chunks.
        var cuts: [Int]
        /// A rotation applied to the chunks before summing them (sums in another order).
        var rotation: Int
        var description: String { "\(self.reports.count) reports, cuts \(self.cuts), rotation \(self.rotation)" }
    }

    static func input() -> Generator<Case, some SendableSequenceType> {
        let report = Gen.int(in: 0...10_000).array(of: 16).map { values in
        let offered = values[0] % 300
        let answered = offered == 0 ? 0 : values[1] % (offered + 1)
        let abandoned = offered - answered
        let responses = values[5] % 40
        let evaluations = values[10] % 6
        return AggregateTotals(
            intervals: IntervalTotals(
                intervals: 1, coveredTime: .seconds(900), staffedTime: .seconds(900 * (values[13] % 30)), offered: offered, answered: answered,
                answeredWithinThreshold: answered == 0 ? 0 : values[2] % (answered + 1), abandoned: abandoned,
                shortAbandons: abandoned == 0 ? 0 : values[3] % (abandoned + 1), totalAnswerDelay: .milliseconds(Int64(answered * (values[4] % 90_000))),
                handled: answered, totalHandleTime: .milliseconds(Int64(answered * (values[4] % 600_000))), csatResponses: responses,
                csatSatisfied: responses == 0 ? 0 : values[6] % (responses + 1), csatScoreSum: responses * (1 + values[7] % 5),
                fcrResponses: values[8] % 30, fcrYes: values[8] % 30 == 0 ? 0 : values[9] % (values[8] % 30 + 1)
            ),
            tickets: TicketTotals(
                firstReplyDue: values[11] % 50, firstReplyMet: values[11] % 50 == 0 ? 0 : values[12] % (values[11] % 50 + 1),
                resolutionDue: values[12] % 40, resolutionMet: values[12] % 40 / 2, solved: values[14] % 60, solvedFirstContact: values[14] % 60 / 3
            ),
            qa: QATotals(evaluations: evaluations, scoreSum: Double(evaluations * (values[15] % 101)), highImpact: evaluations / 3)
        )
    }

        return zip(report.array(of: 1...96), Gen.int(in: 0...96).array(of: 0...6), Gen.int(in: 0...7)).map { reports, cuts, rotation in
            Case(reports: reports, cuts: cuts.map { min($0, reports.count) }.sorted(), rotation: rotation)
        }
    }

    static let figures: [AggregateTarget.Figure] =
        AggregateTarget.ServiceLevelVariant.allCases.map { .serviceLevel(threshold: .seconds(20), variant: $0) }
        + AggregateTarget.FCRMethod.allCases.map { .fcr(method: $0) } + AggregateTarget.CSATVariant.allCases.map { .csat(variant: $0) }
        + AggregateTarget.TicketTargetKind.allCases.map { .ticketAttainment(target: $0) }
        + [.abandonment(shortAbandon: .seconds(5)), .asa, .aht, .qaScore, .highImpactErrorRate]

    @Test func anySplitGivesTheSameFigures() {
        seededPropertyCheck(seed: 0x5A_2026, count: 300, input: Self.input()) { testCase in
            let whole = testCase.reports.reduce(AggregateTotals.zero, +)
            var chunks: [AggregateTotals] = []
            var start = 0
            for cut in testCase.cuts + [testCase.reports.count] where cut >= start {
                chunks.append(testCase.reports[start..<cut].reduce(AggregateTotals.zero, +))
                start = cut
            }
            let rotated = Array(chunks[(testCase.rotation % chunks.count)...] + chunks[..<(testCase.rotation % chunks.count)])
            let split = rotated.reduce(AggregateTotals.zero, +)
            guard split == whole else { return "the sums differ: \(split) ≠ \(whole)" }
            for figure in Self.figures {
                let a = figure.reading(of: whole)
                let b = figure.reading(of: split)
                guard a == b else { return "\(figure): \(a) ≠ \(b)" }
                // The figure's numerator and denominator are the sums of the reports' own.
                let ratio = figure.ratio(in: whole)
                let parts = testCase.reports.map { figure.ratio(in: $0) }
                let numerator = parts.reduce(0) { $0 + $1.numerator }
                let denominator = parts.reduce(0) { $0 + $1.denominator }
                guard abs(ratio.numerator - numerator) <= 1e-9 * max(1, abs(numerator)), ratio.denominator == denominator else {
                    return "\(figure): \(ratio) is not the sum of the reports' ratios (\(numerator) / \(denominator))"
                }
            }
            return nil
        }
    }

    @Test func sumAddsEveryField() {
        let a = AggregateTotals(
            intervals: IntervalTotals(
                intervals: 1, coveredTime: .seconds(2), staffedTime: .seconds(3), offered: 4, answered: 5, answeredWithinThreshold: 6, abandoned: 7,
                shortAbandons: 8, totalAnswerDelay: .seconds(9), handled: 10, totalHandleTime: .seconds(11), csatResponses: 12, csatSatisfied: 13,
                csatScoreSum: 14, fcrResponses: 15, fcrYes: 16
            ),
            tickets: TicketTotals(
                firstReplyDue: 17, firstReplyMet: 18, resolutionDue: 19, resolutionMet: 20, solved: 21, solvedFirstContact: 22, csatAnswers: 23,
                csatSatisfied: 24, csatScoreSum: 25
            ),
            qa: QATotals(evaluations: 26, scoreSum: 27, highImpact: 28)
        )
        let doubled = AggregateTotals(
            intervals: IntervalTotals(
                intervals: 2, coveredTime: .seconds(4), staffedTime: .seconds(6), offered: 8, answered: 10, answeredWithinThreshold: 12, abandoned: 14,
                shortAbandons: 16, totalAnswerDelay: .seconds(18), handled: 20, totalHandleTime: .seconds(22), csatResponses: 24, csatSatisfied: 26,
                csatScoreSum: 28, fcrResponses: 30, fcrYes: 32
            ),
            tickets: TicketTotals(
                firstReplyDue: 34, firstReplyMet: 36, resolutionDue: 38, resolutionMet: 40, solved: 42, solvedFirstContact: 44, csatAnswers: 46,
                csatSatisfied: 48, csatScoreSum: 50
            ),
            qa: QATotals(evaluations: 52, scoreSum: 54, highImpact: 56)
        )
        #expect(a + a == doubled)
        var b = a
        b += a
        #expect(b == doubled)
        #expect(a + .zero == a)
        #expect(a.intervals.averageStaffedAgents == 1.5)
        #expect(IntervalTotals.zero.averageStaffedAgents == nil)
    }

    /// The reason the sums matter: averaging the chunks' percentages gives another number.
    @Test func averagingPercentagesWouldBeWrong() {
        let busy = AggregateTotals(intervals: IntervalTotals(offered: 900, answered: 900, answeredWithinThreshold: 630))  // 70 %
        let quiet = AggregateTotals(intervals: IntervalTotals(offered: 100, answered: 100, answeredWithinThreshold: 100))  // 100 %
        let figure = AggregateTarget.Figure.serviceLevel(threshold: .seconds(20), variant: .offered)
        #expect(figure.value(in: busy + quiet) == 0.73)
        #expect((figure.value(in: busy)! + figure.value(in: quiet)!) / 2 == 0.85)
    }
}
