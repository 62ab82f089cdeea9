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
            }
            return nil
        }
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
