//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Opening and deciding breach disputes under the contract's rules: the reason must be one of the contract's, head
// office decides within the contract's business days, after which the contract's default stands and no one decides.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSLA
import OversightStore

/// Breach disputes with the contract's rules applied; the store keeps them (append-only).
package struct BreachDisputeDesk: Sendable {
    let store: any BreachDisputeStore & AnnotationStore
    let contracts: [String: Contract]

    /// Creates a desk over `store` with the loaded contracts (by provider).
    package init(store: any BreachDisputeStore & AnnotationStore, contracts: [String: Contract]) {
        self.store = store
        self.contracts = contracts
    }

    /// The dispute terms of the contract version in force when `provider`'s ticket breached `clock`.
    /// - Throws: ``CoordinatorError`` `invalidArgument` naming what is missing: the contract, the breach, the terms.
    func terms(provider: String, ticketId: String, clock: String) async throws -> (DisputeTerms, ContractVersion) {
        guard let contract = self.contracts[provider] else {
            throw CoordinatorError(.invalidArgument, "no contract is loaded for provider '\(provider.prefix(64))'")
        }
        let breaches = try await self.store.ticketBreaches(provider: provider, ticketId: ticketId).filter { $0.clock == clock }
        let at = breaches.map(\.at).min() ?? Date()
        guard let version = contract.version(at: at) else {
            throw CoordinatorError(.invalidArgument, "the contract of \(provider) has no version in force at the breach")
        }
        guard let terms = version.disputes else {
            throw CoordinatorError(
                .invalidArgument,
                "the contract of \(provider) in force from \(version.effectiveFrom) has no disputes: section, so its breaches cannot be disputed"
            )
        }
        return (terms, version)
    }

    /// Opens a dispute of the `clock` breach of `provider`'s ticket, by provider staff `user`.
    /// - Throws: ``CoordinatorError`` when the contract allows no disputes or `reason` is not one of its reasons;
    ///   ``AnnotationError`` from the store (no such ticket or breach, one open already, blank note).
    package func open(
        provider: String, ticketId: String, clock: String, by user: String, reason: String, note: String, now: Date = Date()
    ) async throws -> BreachDisputeOutcome {
        let (terms, version) = try await self.terms(provider: provider, ticketId: ticketId, clock: clock)
        guard terms.reasons.contains(reason) else {
            throw CoordinatorError(
                .invalidArgument, "'\(reason.prefix(64))' is not a dispute reason of the contract of \(provider); use one of \(terms.reasons.joined(separator: ", "))"
            )
        }
        let dispute = try await self.store.openBreachDispute(
            provider: provider, ticketId: ticketId, clock: clock, by: user, reason: reason, note: note, at: now
        )
        return BreachDisputeOutcome(dispute: dispute, terms: terms, calendar: version.calendar, now: now)
    }

    /// The closed period `label` (`2026-11-03`, `2026-W45`, `2026-11`) of `provider`'s target `targetId`, with the contract
    /// version in force at its start and the target as that version defines it.
    /// - Throws: ``CoordinatorError`` `invalidArgument` naming what is wrong.
    package func period(provider: String, targetId: String, label: String) throws -> (ContractPeriod, ContractVersion, AggregateTarget) {
        guard let contract = self.contracts[provider] else {
            throw CoordinatorError(.invalidArgument, "no contract is loaded for provider '\(provider.prefix(64))'")
        }
        let named = contract.versions.compactMap { version in version.aggregates.first { $0.id == targetId }.map { (version, $0) } }
        guard let (anyVersion, anyTarget) = named.first else {
            throw CoordinatorError(.invalidArgument, "the contract of \(provider) has no target '\(targetId.prefix(64))'")
        }
        guard let day = Self.firstDay(of: label, kind: anyTarget.period) else {
            let form = switch anyTarget.period {
            case .day: "YYYY-MM-DD"
            case .week: "YYYY-Www"
            case .month: "YYYY-MM"
            }
            throw CoordinatorError(
                .invalidArgument, "'\(label.prefix(32))' is not a \(anyTarget.period.rawValue) of target \(targetId) (write it as \(form))"
            )
        }
        let period = ContractPeriod(anyTarget.period, containing: day, in: anyVersion.calendar.timeZone)
        guard let version = contract.version(at: period.start), let target = version.aggregates.first(where: { $0.id == targetId }),
            target.period == anyTarget.period
        else {
            throw CoordinatorError(.invalidArgument, "target \(targetId) is not in the contract version in force in \(period.description)")
        }
        let inZone = ContractPeriod(target.period, containing: day, in: version.calendar.timeZone)
        return (inZone, version, target)
    }

    /// The first local date of the period `label` of `kind`, or `nil` when it is not one.
    static func firstDay(of label: String, kind: AggregateTarget.Period) -> CivilDate? {
        switch kind {
        case .day:
            guard label.count == 10, let day = CivilDate(parsing: label), day.description == label else { return nil }
            return day
        case .month:
            guard label.count == 7, let day = CivilDate(parsing: label + "-01"), day.description == label + "-01" else { return nil }
            return day
        case .week:
            let parts = label.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), parts[1].count == 3, parts[1].first == "W",
                let week = Int(parts[1].dropFirst()), (1...53).contains(week)
            else { return nil }
            // ISO 8601: week 1 holds 4 January; weeks start on Monday.
            let january4 = CivilDate(year: year, month: 1, day: 4)
            let monday = january4.adding(days: -january4.weekday + 7 * (week - 1))
            let period = ContractPeriod(.week, containing: monday, in: .gmt)
            guard period.description == label else { return nil }
            return monday
        }
    }

    /// Opens a dispute of `provider`'s aggregate miss: target `targetId` in the closed period `label`, asking that
    /// `from ..< to` (the whole period when both are `nil`) be taken out of the figure, by provider staff `user`.
    /// - Throws: ``CoordinatorError`` when the contract allows no disputes, the reason is not one of its, the target or
    ///   period is unknown, the period has not closed, its figure did not miss, or the window is not inside it;
    ///   ``AnnotationError`` from the store (one open or accepted already, blank note).
    package func openPeriod(
        provider: String, targetId: String, label: String, from: Date?, to: Date?, by user: String, reason: String, note: String,
        evaluator: AggregateEvaluator, now: Date = Date()
    ) async throws -> BreachDisputeOutcome {
        let (period, version, target) = try self.period(provider: provider, targetId: targetId, label: label)
        guard let terms = version.disputes else {
            throw CoordinatorError(
                .invalidArgument,
                "the contract of \(provider) in force from \(version.effectiveFrom) has no disputes: section, so its figures cannot be disputed"
            )
        }
        guard terms.reasons.contains(reason) else {
            throw CoordinatorError(
                .invalidArgument, "'\(reason.prefix(64))' is not a dispute reason of the contract of \(provider); use one of \(terms.reasons.joined(separator: ", "))"
            )
        }
        guard period.isClosed(at: now) else {
            throw CoordinatorError(.invalidArgument, "\(target.id) \(period.description) has not closed yet; only a closed period's miss can be disputed")
        }
        let excludedFrom = from ?? period.start
        let excludedTo = to ?? period.end
        guard excludedFrom < excludedTo, period.start <= excludedFrom, excludedTo <= period.end else {
            let format = ISO8601DateFormatter()
            throw CoordinatorError(
                .invalidArgument,
                "the excluded window must be a non-empty part of \(period.description) (\(format.string(from: period.start)) to \(format.string(from: period.end)))"
            )
        }
        // Measured, as the figure stands after the disputes accepted so far.
        let exclusions = try await evaluator.acceptedExclusions(provider: provider, from: period.start, to: period.end, now: now)
        let totals = try await evaluator.adjusted(
            try await evaluator.totals(provider: provider, match: target.match, from: period.start, to: period.end), provider: provider,
            target: target, period: period, exclusions: exclusions
        )
        let assessment = target.assess(totals: totals, period: period, at: now, calendar: version.calendar)
        guard assessment.state == .missed else {
            throw CoordinatorError(
                .invalidArgument, "\(target.id) \(period.description) did not miss its target (\(assessment.state.rawValue)); only a miss can be disputed"
            )
        }
        let dispute = try await self.store.openPeriodDispute(
            provider: provider,
            period: DisputedPeriod(
                targetId: target.id, label: period.description, start: period.start, end: period.end, excludedFrom: excludedFrom, excludedTo: excludedTo
            ),
            by: user, reason: reason, note: note, at: now
        )
        return BreachDisputeOutcome(dispute: dispute, terms: terms, calendar: version.calendar, now: now)
    }

    /// Decides `provider`'s open dispute `id` at head office (supervisor or admin `user`): accepted or rejected, with a note.
    /// - Throws: ``CoordinatorError`` when the decision time has passed (the contract's default stands);
    ///   ``AnnotationError`` from the store (no such dispute, already decided, blank note).
    package func decide(
        provider: String, id: Int64, decision: DisputeTerms.Decision, by user: String, note: String, now: Date = Date()
    ) async throws -> BreachDisputeOutcome {
        guard let dispute = try await self.store.breachDispute(provider: provider, id: id) else {
            throw AnnotationError.notFound("no such breach dispute")
        }
        let outcome = BreachDisputeOutcome(dispute: dispute, contract: self.contracts[provider], now: now)
        if outcome.byDefault, let deadline = outcome.deadline {
            throw CoordinatorError(
                .invalidArgument,
                "breach dispute \(id) was not decided by \(ISO8601DateFormatter().string(from: deadline)); the contract's default (\(outcome.state.rawValue)) stands"
            )
        }
        let decided = try await self.store.decideBreachDispute(
            provider: provider, id: id, decision: decision == .accepted ? .accepted : .rejected, by: user, note: note, at: now
        )
        return BreachDisputeOutcome(dispute: decided, contract: self.contracts[provider], now: now)
    }

    /// `provider`'s disputes of breaches at `from ..< to` (all when `nil`), each with its outcome at `now`.
    package func outcomes(provider: String, from: Date? = nil, to: Date? = nil, now: Date = Date()) async throws -> [BreachDisputeOutcome] {
        try await self.store.breachDisputes(provider: provider, ticketId: nil, breachFrom: from, breachTo: to).map {
            BreachDisputeOutcome(dispute: $0, contract: self.contracts[provider], now: now)
        }
    }
}

/// How often disputes of one reason were decided for the provider.
package struct OverturnRate: Sendable, Hashable {
    /// The reason, or `all`.
    package var reason: String
    package var opened: Int
    package var open: Int
    package var accepted: Int
    package var rejected: Int
    /// Of the accepted and rejected, how many by the contract's default.
    package var byDefault: Int
    /// accepted ÷ (accepted + rejected); `nil` while none is decided.
    package var rate: Double? { self.accepted + self.rejected == 0 ? nil : Double(self.accepted) / Double(self.accepted + self.rejected) }

    /// The rate per reason (in the order reasons first appear) and for `all`, of `outcomes`.
    package static func rates(_ outcomes: [BreachDisputeOutcome]) -> [OverturnRate] {
        var order: [String] = []
        var byReason: [String: OverturnRate] = [:]
        var all = OverturnRate(reason: "all", opened: 0, open: 0, accepted: 0, rejected: 0, byDefault: 0)
        for outcome in outcomes {
            let reason = outcome.dispute.reason
            if byReason[reason] == nil {
                order.append(reason)
                byReason[reason] = OverturnRate(reason: reason, opened: 0, open: 0, accepted: 0, rejected: 0, byDefault: 0)
            }
            for keyPath in [\OverturnRate.opened] {
                byReason[reason]?[keyPath: keyPath] += 1
                all[keyPath: keyPath] += 1
            }
            let field: WritableKeyPath<OverturnRate, Int> =
                switch outcome.state {
                case .open: \.open
                case .accepted: \.accepted
                case .rejected: \.rejected
                }
            byReason[reason]?[keyPath: field] += 1
            all[keyPath: field] += 1
            if outcome.byDefault {
                byReason[reason]?.byDefault += 1
                all.byDefault += 1
            }
        }
        return order.compactMap { byReason[$0] } + [all]
    }
}
