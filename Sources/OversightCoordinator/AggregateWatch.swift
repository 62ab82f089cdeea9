//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Aggregate targets at the coordinator: each contract target's figure in its current period (and the one just
// closed), computed from the stored interval reports and tickets (sums, never averaged percentages), projected to the
// period's end, recorded for the console and `status`, and raised as alerts; and the month's credit statement.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightModel
import OversightSLA
import OversightStore
import ServiceLifecycle

/// Computes contract aggregate figures from the store.
package struct AggregateEvaluator: Sendable {
    let store: any FiguresStore
    let contracts: [String: Contract]
    /// How far back the Erlang C projection looks for the recent arrival rate, handle time and staffing.
    package var recentWindow: Duration = .seconds(3600)
    /// Where accepted breach disputes are read from: when set, ``standings(at:)`` takes their tickets out of their clock's
    /// attainment (as `sla credits` does); `nil` gives the measured figures.
    package var disputes: (any BreachDisputeStore & SLAStore)?

    /// Creates an evaluator; with `disputes`, the standings count accepted breach disputes.
    package init(store: any FiguresStore, contracts: [String: Contract], disputes: (any BreachDisputeStore & SLAStore)? = nil) {
        self.store = store
        self.contracts = contracts
        self.disputes = disputes
    }

    /// The summed records of `provider` in `[from, to)` within a target's `match`.
    package func totals(provider: String, match: ScopeMatch = ScopeMatch(), from: Date, to: Date) async throws -> AggregateTotals {
        let scope = Self.scope(match)
        let intervals = try await self.store.intervalTotals(provider: provider, scope: scope, from: from, to: to)
        let tickets = try await self.store.periodTicketCounts(provider: provider, scope: scope, from: from, to: to)
        let qa = try await self.store.qaTotals(provider: provider, scope: scope, from: from, to: to)
        return AggregateTotals(intervals: Self.intervalTotals(intervals), tickets: Self.ticketTotals(tickets), qa: Self.qaTotals(qa))
    }

    static func qaTotals(_ sums: QAEvaluationTotals) -> QATotals {
        QATotals(evaluations: sums.evaluations, scoreSum: sums.scoreSum, highImpact: sums.flagged)
    }

    static func scope(_ match: ScopeMatch) -> RecordScope {
        RecordScope(
            sites: match.sites, queues: match.queues, channels: match.channels.map { Set($0.map(\.rawValue)) },
            priorities: match.priorities.map { Set($0.map(\.rawValue)) }
        )
    }

    static func intervalTotals(_ sums: IntervalMetricTotals) -> IntervalTotals {
        IntervalTotals(
            intervals: sums.intervals, coveredTime: .seconds(sums.minutes * 60), staffedTime: .seconds(sums.staffedMinutes * 60),
            offered: sums.offered, answered: sums.answered, answeredWithinThreshold: sums.answeredWithinThreshold, abandoned: sums.abandoned,
            shortAbandons: sums.shortAbandons, totalAnswerDelay: Self.duration(sums.totalAnswerDelaySeconds),
            handled: sums.handled, totalHandleTime: Self.duration(sums.totalHandleTimeSeconds),
            csatResponses: sums.csatResponses, csatSatisfied: sums.csatSatisfied, csatScoreSum: sums.csatScoreSum,
            fcrResponses: sums.fcrResponses, fcrYes: sums.fcrYes
        )
    }

    static func duration(_ seconds: Double) -> Duration { .milliseconds(Int64((seconds * 1000).rounded())) }

    static func ticketTotals(_ counts: PeriodTicketCounts) -> TicketTotals {
        TicketTotals(
            firstReplyDue: counts.firstReplyDue, firstReplyMet: counts.firstReplyMet, resolutionDue: counts.resolutionDue,
            resolutionMet: counts.resolutionMet, solved: counts.solved, solvedFirstContact: counts.solvedFirstContact,
            csatAnswers: counts.csatAnswers, csatSatisfied: counts.csatSatisfied, csatScoreSum: counts.csatScoreSum
        )
    }

    /// Every aggregate target of every contract in the period containing `now` and in the period just before it (so a
    /// period's final standing is recorded once it closes).
    package func standings(at now: Date) async throws -> [(row: AggregateStandingRow, contract: String?)] {
        var result: [(row: AggregateStandingRow, contract: String?)] = []
        for provider in self.contracts.keys.sorted() {
            guard let contract = self.contracts[provider], let version = contract.version(at: now), !version.aggregates.isEmpty else { continue }
            let calendar = version.calendar
            struct CacheKey: Hashable {
                var period: ContractPeriod
                var match: ScopeMatch
            }
            var cache: [CacheKey: AggregateTotals] = [:]
            let recentStart = now.addingTimeInterval(-Double(self.recentWindow.components.seconds))
            // Accepted disputes of breaches since the start of the earliest period evaluated (the previous month at most).
            let earliest = version.aggregates.map { ContractPeriod($0.period, containing: now, in: calendar.timeZone).previous.start }.min() ?? now
            let exclusions = try await self.acceptedExclusions(provider: provider, from: earliest, to: now, now: now)
            for target in version.aggregates {
                let current = ContractPeriod(target.period, containing: now, in: calendar.timeZone)
                let recent = Self.intervalTotals(
                    try await self.store.intervalTotals(provider: provider, scope: Self.scope(target.match), from: recentStart, to: now)
                )
                for period in [current.previous, current] {
                    var totals: AggregateTotals
                    let key = CacheKey(period: period, match: target.match)
                    if let cached = cache[key] {
                        totals = cached
                    } else {
                        totals = try await self.totals(provider: provider, match: target.match, from: period.start, to: period.end)
                        cache[key] = totals
                    }
                    totals = try await self.adjusted(totals, provider: provider, target: target, period: period, exclusions: exclusions)
                    let assessment = target.assess(
                        totals: totals, period: period, at: now, calendar: calendar, recent: period == current ? recent : nil
                    )
                    result.append((Self.row(provider: provider, target: target, assessment: assessment, now: now), contract.name))
                }
            }
        }
        return result
    }

    static func row(provider: String, target: AggregateTarget, assessment: AggregateAssessment, now: Date) -> AggregateStandingRow {
        var summary = assessment.summary
        if assessment.state == .noData, summary.isEmpty { summary = "no data" }
        let reading = assessment.soFar
        return AggregateStandingRow(
            provider: provider, targetId: target.id, figure: target.figure.name, variant: target.figure.variantName,
            periodKind: assessment.period.kind.rawValue, periodLabel: assessment.period.description, periodStart: assessment.period.start,
            periodEnd: assessment.period.end, value: reading.value, referenceValue: reading.referenceValue,
            referenceVariant: reading.reference.variantName, projected: assessment.projected, target: target.target,
            comparison: target.comparison.rawValue, unit: Self.unitName(target.figure.unit), state: assessment.state.rawValue,
            summary: summary, elapsedShare: assessment.elapsedShare, evaluatedAt: now
        )
    }

    package static func unitName(_ unit: AggregateTarget.Unit) -> String {
        switch unit {
        case .percentage: "percentage"
        case .duration: "duration"
        case .score: "score"
        }
    }

    /// The credit statement of `provider` for `month` (`YYYY-MM`, in the contract's time zone), with the evidence: the
    /// tickets that breached, the interval reports and the QA evaluations of the month, each with the signed batch that carried it.
    ///
    /// `excluding` takes tickets out of their clock's attainment and windows out of disputed periods (accepted disputes;
    /// see ``disputedCreditStatement(provider:month:disputes:now:)``); without it the statement is the measured one.
    package func creditStatement(
        provider: String, month: String, now: Date = Date(), excluding: DisputeExclusions = .none
    ) async throws -> CreditStatement {
        guard let contract = self.contracts[provider] else {
            throw CoordinatorError(.invalidArgument, "no contract is loaded for provider '\(provider.prefix(64))'")
        }
        let plan: MonthFigurePlan
        do {
            plan = try MonthFigurePlan(contract: contract, month: month, now: now)
        } catch {
            throw CoordinatorError(.invalidArgument, error.message)
        }
        guard let credits = plan.credits else {
            throw CoordinatorError(.invalidArgument, "the contract of \(provider) in force in \(month) has no service credits")
        }
        let period = plan.month
        var results: [TargetResult] = []
        for item in plan.items where item.bearsCredit {
            var totals = try await self.totals(provider: provider, match: item.target.match, from: item.period.start, to: item.period.end)
            totals = try await self.adjusted(totals, provider: provider, target: item.target, period: item.period, exclusions: excluding)
            results.append(TargetResult(targetID: item.target.id, period: item.period, value: item.target.figure.value(in: totals)))
        }
        let evidence = try await self.store.evidence(provider: provider, from: period.start, to: period.end).map { row in
            EvidenceRef(kind: EvidenceRef.Kind(rawValue: row.kind), key: row.key, agent: row.agentId, seq: row.batchSeq)
        }
        do {
            return try credits.statement(month: period, targets: plan.version.aggregates, results: results, evidence: evidence)
        } catch {
            throw CoordinatorError(.invalidArgument, "cannot compute the credit statement: \(error)")
        }
    }
}

/// Evaluates every contract's aggregate targets every `interval`: records the standings and raises or ends aggregate
/// alerts. Its cost is one summing query per provider and period, whatever the number of stored records per period
/// (the sums use the `(provider, start)` index of interval reports and the time indexes of tickets).
package struct AggregateWatch: Service {
    let evaluator: AggregateEvaluator
    let router: AlertRouter
    let interval: Duration
    let logger: Logger

    /// Creates the watch.
    package init(evaluator: AggregateEvaluator, router: AlertRouter, interval: Duration = .seconds(30), logger: Logger) {
        self.evaluator = evaluator
        self.router = router
        self.interval = interval
        self.logger = logger
    }

    /// One evaluation: records standings, raises and ends alerts.
    package func evaluate(now: Date = Date()) async throws {
        let standings = try await self.evaluator.standings(at: now)
        try await self.evaluator.store.recordAggregateStandings(standings.map(\.row))
        for (row, contract) in standings {
            await self.router.aggregateStanding(row, contract: contract, now: now)
        }
    }

    package func run() async throws {
        guard !self.evaluator.contracts.values.allSatisfy({ $0.versions.allSatisfy(\.aggregates.isEmpty) }) else {
            // Nothing to evaluate, but a service that returns early stops the whole ServiceGroup: idle until shutdown.
            try? await gracefulShutdown()
            return
        }
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    do {
                        try await self.evaluate()
                    } catch {
                        self.logger.error("cannot evaluate aggregate targets", metadata: [LogKey.error: "\(error)"])
                    }
                    try await Task.sleep(for: self.interval)
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
