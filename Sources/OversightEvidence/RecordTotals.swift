//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The sums behind contract figures, computed from rebuilt records with the SLA engine: what the coordinator's store
// sums with SQL (SQLiteStore+Aggregates.swift), here over records in memory.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightSLA

/// Sums of rebuilt records for any target match and period, with each ticket's SLA clocks evaluated once.
package struct RecordTotals: Sendable {
    /// A ticket's SLA outcome: whether the contract measures it, and when each clock breached.
    struct TicketOutcome: Sendable {
        var ticket: RecordSet.Versioned<TicketRecord>
        var measured: Bool
        /// Breach instants by clock (`first_reply`, `resolution`, `next_reply`, `periodic_update`).
        var breaches: [String: Date]
    }

    let records: RecordSet
    let outcomes: [TicketOutcome]

    /// Evaluates every ticket's clocks at `now` with the terms `contract` measures it by.
    package init(records: RecordSet, contract: Contract, now: Date) {
        self.records = records
        self.outcomes = records.tickets.values.sorted { $0.record.id < $1.record.id }.map { versioned in
            guard let terms = contract.terms(for: versioned.record) else { return TicketOutcome(ticket: versioned, measured: false, breaches: [:]) }
            let clocks = TicketClocks(ticket: versioned.record, terms: terms, now: now)
            var breaches: [String: Date] = [:]
            for evaluation in clocks.all {
                if let at = evaluation.breachedAt { breaches[evaluation.kind.rawValue] = at }
            }
            return TicketOutcome(ticket: versioned, measured: true, breaches: breaches)
        }
    }

    /// When `ticketId`'s `clock` breached, as its latest version evaluates; `nil` when it did not (or is not measured).
    package func breach(ticketId: String, clock: String) -> Date? {
        self.outcomes.first { $0.ticket.record.id == ticketId }?.breaches[clock]
    }

    /// The sums of the records within `match` in `[from, to)`.
    package func totals(match: ScopeMatch, from: Date, to: Date) -> AggregateTotals {
        AggregateTotals(intervals: self.intervalTotals(match: match, from: from, to: to), tickets: self.ticketTotals(match: match, from: from, to: to), qa: self.qaTotals(match: match, from: from, to: to))
    }

    /// Interval reports that start in the period (site, queue, channel narrow them; priority does not).
    func intervalTotals(match: ScopeMatch, from: Date, to: Date) -> IntervalTotals {
        var count = 0, minutes = 0, staffedMinutes = 0, offered = 0, answered = 0, within = 0, abandoned = 0, short = 0
        var handled = 0, csatResponses = 0, csatSatisfied = 0, csatScoreSum = 0, fcrResponses = 0, fcrYes = 0
        var delay = 0.0, handle = 0.0
        for versioned in self.records.intervals.values {
            let r = versioned.record
            guard r.start >= from, r.start < to else { continue }
            if let sites = match.sites, !sites.contains(r.site) { continue }
            if let queues = match.queues, !queues.contains(r.queue) { continue }
            if let channels = match.channels, !channels.contains(r.channel) { continue }
            count += 1
            minutes += r.minutes
            staffedMinutes += (r.agentsStaffed ?? 0) * r.minutes
            offered += r.offered
            answered += r.answered
            within += r.answeredWithinThreshold
            abandoned += r.abandoned
            short += r.shortAbandons
            delay += r.totalAnswerDelaySeconds
            handled += r.handled
            handle += r.totalHandleTimeSeconds
            csatResponses += r.csatResponses
            csatSatisfied += r.csatSatisfied
            csatScoreSum += r.csatScoreSum ?? 0
            fcrResponses += r.fcrResponses
            fcrYes += r.fcrYes
        }
        return IntervalTotals(
            intervals: count, coveredTime: .seconds(minutes * 60), staffedTime: .seconds(staffedMinutes * 60), offered: offered,
            answered: answered, answeredWithinThreshold: within, abandoned: abandoned, shortAbandons: short,
            totalAnswerDelay: Self.duration(delay), handled: handled, totalHandleTime: Self.duration(handle), csatResponses: csatResponses,
            csatSatisfied: csatSatisfied, csatScoreSum: csatScoreSum, fcrResponses: fcrResponses, fcrYes: fcrYes
        )
    }

    /// Tickets: first-reply and resolution clocks that breached in the period (due and missed), first replies (or
    /// solves without one) in the period without a first-reply breach (due and met), and tickets solved or closed in the
    /// period (resolution met unless breached; first-contact resolution; CSAT).
    func ticketTotals(match: ScopeMatch, from: Date, to: Date) -> TicketTotals {
        var totals = TicketTotals()
        func within(_ date: Date?) -> Bool { date.map { $0 >= from && $0 < to } ?? false }
        for outcome in self.outcomes where match.matches(outcome.ticket.record) {
            let ticket = outcome.ticket.record
            if within(outcome.breaches["first_reply"]) { totals.firstReplyDue += 1 }
            if within(outcome.breaches["resolution"]) { totals.resolutionDue += 1 }
            if outcome.measured, outcome.breaches["first_reply"] == nil, within(ticket.firstReplyAt ?? ticket.solvedAt) {
                totals.firstReplyMet += 1
                totals.firstReplyDue += 1
            }
            guard !ticket.status.isOpen, within(ticket.solvedAt ?? ticket.closedAt) else { continue }
            totals.solved += 1
            if ticket.reopenCount == 0 && ticket.contactCount <= 1 { totals.solvedFirstContact += 1 }
            if let csat = ticket.csat {
                totals.csatAnswers += 1
                if csat >= 4 { totals.csatSatisfied += 1 }
                totals.csatScoreSum += csat
            }
            if outcome.measured, outcome.breaches["resolution"] == nil {
                totals.resolutionMet += 1
                totals.resolutionDue += 1
            }
        }
        return totals
    }

    /// QA evaluations completed in the period (site, queue, channel narrow them; one without a queue or channel does
    /// not match a target that names some).
    func qaTotals(match: ScopeMatch, from: Date, to: Date) -> QATotals {
        var totals = QATotals()
        for versioned in self.records.evaluations.values.sorted(by: { ($0.record.evaluatedAt, $0.record.id) < ($1.record.evaluatedAt, $1.record.id) }) {
            let r = versioned.record
            guard r.evaluatedAt >= from, r.evaluatedAt < to else { continue }
            if let sites = match.sites, !sites.contains(r.site) { continue }
            if let queues = match.queues, !(r.queue.map(queues.contains) ?? false) { continue }
            if let channels = match.channels, !(r.channel.map(channels.contains) ?? false) { continue }
            totals.evaluations += 1
            totals.scoreSum += r.score
            if r.highImpactErrors > 0 { totals.highImpact += 1 }
        }
        return totals
    }

    /// The records a month's credit statement cites: tickets with a breach in the period, interval reports that start
    /// in it, evaluations completed in it; each with the batch that last wrote it, at most `limit` of each kind.
    package func evidence(from: Date, to: Date, limit: Int = 10_000) -> [EvidenceRef] {
        var refs: [EvidenceRef] = []
        let breached = self.outcomes.filter { outcome in outcome.breaches.values.contains { $0 >= from && $0 < to } }
        for outcome in breached.prefix(limit) {
            refs.append(EvidenceRef(kind: .ticket, key: outcome.ticket.record.id, agent: outcome.ticket.agentId, seq: outcome.ticket.seq))
        }
        let intervals = self.records.intervals.values.filter { $0.record.start >= from && $0.record.start < to }
            .sorted { ($0.record.start, $0.record.queue) < ($1.record.start, $1.record.queue) }
        for versioned in intervals.prefix(limit) {
            refs.append(EvidenceRef(kind: .interval, key: versioned.record.key, agent: versioned.agentId, seq: versioned.seq))
        }
        let evaluations = self.records.evaluations.values.filter { $0.record.evaluatedAt >= from && $0.record.evaluatedAt < to }
            .sorted { ($0.record.evaluatedAt, $0.record.id) < ($1.record.evaluatedAt, $1.record.id) }
        for versioned in evaluations.prefix(limit) {
            refs.append(EvidenceRef(kind: .evaluation, key: versioned.record.id, agent: versioned.agentId, seq: versioned.seq))
        }
        return refs
    }

    static func duration(_ seconds: Double) -> Duration { .milliseconds(Int64((seconds * 1000).rounded())) }
}
