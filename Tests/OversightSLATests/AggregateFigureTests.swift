//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import OversightSLA
import Testing

/// Every figure and variant on the worked example of docs/sla.md ("Figures"): one day of one chat queue.
@Suite struct AggregateFigureTests {
    /// offered 1,000; answered 940 (800 within 20 s); abandoned 60 (20 short); answer delay 14,100 s;
    /// handle time 394,800 s over 940 handled; FCR survey 540 of 720; CSAT 352 of 400, score sum 1,720.
    static let day = IntervalTotals(
        intervals: 48, coveredTime: .seconds(86_400), staffedTime: .seconds(86_400 * 12), offered: 1_000, answered: 940,
        answeredWithinThreshold: 800, abandoned: 60, shortAbandons: 20, totalAnswerDelay: .seconds(14_100), handled: 940,
        totalHandleTime: .seconds(394_800), csatResponses: 400, csatSatisfied: 352, csatScoreSum: 1_720, fcrResponses: 720, fcrYes: 540
    )
    /// FCR by ticket 780 of 1,200; attainment: first reply 1,140 of 1,200, resolution 414 of 450.
    static let tickets = TicketTotals(
        firstReplyDue: 1_200, firstReplyMet: 1_140, resolutionDue: 450, resolutionMet: 414, solved: 1_200, solvedFirstContact: 780
    )
    /// 120 evaluations, score sum 10,152 (mean 84.6), 3 with a high-impact error.
    static let qa = QATotals(evaluations: 120, scoreSum: 10_152, highImpact: 3)
    static let totals = AggregateTotals(intervals: day, tickets: tickets, qa: qa)

    static let workedExamples: [(AggregateTarget.Figure, Double, String)] = [
        (.serviceLevel(threshold: .seconds(20), variant: .offeredMinusShortAbandons), 800.0 / 980, "81.6 %"),
        (.serviceLevel(threshold: .seconds(20), variant: .offered), 0.8, "80.0 %"),
        (.serviceLevel(threshold: .seconds(20), variant: .answered), 800.0 / 940, "85.1 %"),
        (.abandonment(shortAbandon: .seconds(5)), 40.0 / 980, "4.1 %"),
        (.asa, 15, "15.0 s"),
        (.aht, 420, "7 m 00 s"),
        (.fcr(method: .survey), 0.75, "75.0 %"),
        (.fcr(method: .ticket), 0.65, "65.0 %"),
        (.csat(variant: .top2Box), 0.88, "88.0 %"),
        (.csat(variant: .meanScore), 4.3, "4.30"),
        (.qaScore, 84.6, "84.6"),
        (.highImpactErrorRate, 0.025, "2.5 %"),
        (.ticketAttainment(target: .firstReply), 0.95, "95.0 %"),
        (.ticketAttainment(target: .resolution), 0.92, "92.0 %"),
    ]

    @Test func everyFigureAndVariantOnTheWorkedExample() {
        for (figure, expected, text) in Self.workedExamples {
            let value = figure.value(in: Self.totals)
            #expect(value.map { abs($0 - expected) < 1e-12 } == true, "\(figure): \(String(describing: value)) ≠ \(expected)")
            #expect(value.map(figure.format) == text, "\(figure)")
        }
    }

    @Test func workedExamplesCoverEveryFigureAndVariant() {
        let names = Set(Self.workedExamples.map { "\($0.0.name)/\($0.0.variantName ?? "")" })
        let expected =
            AggregateTarget.ServiceLevelVariant.allCases.map { "service_level/\($0.rawValue)" }
            + AggregateTarget.FCRMethod.allCases.map { "fcr/\($0.rawValue)" }
            + AggregateTarget.CSATVariant.allCases.map { "csat/\($0.rawValue)" }
            + AggregateTarget.TicketTargetKind.allCases.map { "ticket_attainment/\($0.rawValue)" }
            + ["abandonment/", "asa/", "aht/", "qa_score/", "high_impact_error_rate/"]
        #expect(names == Set(expected))
    }

    @Test func ratioKeepsNumeratorAndDenominator() {
        let ratio = AggregateTarget.Figure.serviceLevel(threshold: .seconds(20), variant: .offeredMinusShortAbandons).ratio(in: Self.totals)
        #expect(ratio == FigureRatio(numerator: 800, denominator: 980))
        #expect(AggregateTarget.Figure.asa.ratio(in: Self.totals) == FigureRatio(numerator: 14_100, denominator: 940))
    }

    @Test(arguments: workedExamples.map(\.0))
    func noDataIsNeitherZeroNorHundredPercent(figure: AggregateTarget.Figure) {
        #expect(figure.value(in: .zero) == nil)
        #expect(figure.reading(of: .zero).referenceValue == nil)
    }

    @Test func serviceLevelWithEveryOfferedContactShortAbandonedIsNoData() {
        let totals = AggregateTotals(intervals: IntervalTotals(offered: 5, abandoned: 5, shortAbandons: 5))
        #expect(AggregateTarget.Figure.serviceLevel(threshold: .seconds(20), variant: .offeredMinusShortAbandons).value(in: totals) == nil)
        #expect(AggregateTarget.Figure.serviceLevel(threshold: .seconds(20), variant: .offered).value(in: totals) == 0)
        #expect(AggregateTarget.Figure.abandonment(shortAbandon: .seconds(5)).value(in: totals) == nil)
    }

    @Test func oneYardstickReadsTheReferenceVariantToo() {
        let offered = AggregateTarget.Figure.serviceLevel(threshold: .seconds(30), variant: .offered)
        let reading = offered.reading(of: Self.totals)
        #expect(reading.value == 0.8)
        #expect(reading.reference == .serviceLevel(threshold: .seconds(30), variant: .offeredMinusShortAbandons))
        #expect(reading.referenceValue == 800.0 / 980)
        #expect(!offered.isReference)

        let fcrTicket = AggregateTarget.Figure.fcr(method: .ticket).reading(of: Self.totals)
        #expect(fcrTicket.value == 0.65 && fcrTicket.reference == .fcr(method: .survey) && fcrTicket.referenceValue == 0.75)
        let mean = AggregateTarget.Figure.csat(variant: .meanScore).reading(of: Self.totals)
        #expect(mean.value == 4.3 && mean.reference == .csat(variant: .top2Box) && mean.referenceValue == 0.88)

        let asa = AggregateTarget.Figure.asa.reading(of: Self.totals)
        #expect(asa.reference == .asa && asa.referenceValue == asa.value)
        #expect(AggregateTarget.Figure.csat(variant: .top2Box).isReference)
    }

    @Test func csatFallsBackToTicketAnswersWithoutSurveyCounts() {
        var totals = Self.totals
        totals.intervals.csatResponses = 0
        totals.intervals.csatSatisfied = 0
        totals.intervals.csatScoreSum = 0
        #expect(AggregateTarget.Figure.csat(variant: .top2Box).value(in: totals) == nil)
        totals.tickets.csatAnswers = 50
        totals.tickets.csatSatisfied = 40
        totals.tickets.csatScoreSum = 205
        #expect(AggregateTarget.Figure.csat(variant: .top2Box).value(in: totals) == 0.8)
        #expect(AggregateTarget.Figure.csat(variant: .meanScore).value(in: totals) == 4.1)
        // Survey counts win when there are any.
        #expect(AggregateTarget.Figure.csat(variant: .top2Box).value(in: Self.totals + AggregateTotals(tickets: totals.tickets)) == 0.88)
    }

    @Test func targetsCompareAsTheDocsSay() {
        func target(_ figure: AggregateTarget.Figure, _ value: Double) -> AggregateTarget {
            AggregateTarget(id: "t", figure: figure, period: .day, comparison: figure.defaultComparison, target: value)
        }
        for variant in AggregateTarget.ServiceLevelVariant.allCases {
            let figure = AggregateTarget.Figure.serviceLevel(threshold: .seconds(20), variant: variant)
            #expect(target(figure, 0.8).isMet(by: figure.value(in: Self.totals)!))
        }
        #expect(target(.abandonment(shortAbandon: .seconds(5)), 0.05).isMet(by: AggregateTarget.Figure.abandonment(shortAbandon: .seconds(5)).value(in: Self.totals)!))
        #expect(target(.asa, 30).isMet(by: AggregateTarget.Figure.asa.value(in: Self.totals)!))
        #expect(!target(.aht, 360).isMet(by: AggregateTarget.Figure.aht.value(in: Self.totals)!))
    }

    @Test func inconsistentCountsAreNamed() {
        #expect(Self.day.problems.isEmpty)
        #expect(IntervalTotals.zero.problems.isEmpty)
        var bad = Self.day
        bad.answered = 990
        bad.answeredWithinThreshold = 995
        bad.shortAbandons = 70
        bad.csatScoreSum = 2_100
        bad.fcrYes = 721
        bad.handled = -1
        #expect(
            bad.problems == [
                "handled -1 is negative", "answered 990 + abandoned 60 > offered 1000", "answered within threshold 995 > answered 990",
                "short abandons 70 > abandoned 60", "CSAT score sum 2100 is not between 1 and 5 per response (400 responses)",
                "FCR yes 721 > FCR responses 720",
            ]
        )
    }

    @Test func formatting() {
        #expect(AggregateTarget.Figure.asa.format(59.96) == "60.0 s")
        #expect(AggregateTarget.Figure.asa.format(61) == "1 m 01 s")
        #expect(AggregateTarget.Figure.highImpactErrorRate.format(0.0005) == "0.1 %")
        #expect(AggregateTarget.Figure.highImpactErrorRate.format(0) == "0.0 %")
        #expect(AggregateTarget.Figure.qaScore.format(100) == "100.0")
    }
}
