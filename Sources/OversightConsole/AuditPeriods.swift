//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A provider's audit periods: each period's seed commitment (published before it starts, the seed revealed once it
// has closed) and its acceptance verdict at the AQL from head office's audits (docs/audits.md, "Seed commitments",
// "The acceptance verdict"). The console, the API and `samples verdict` show the same figures.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightLocalization
import OversightSLA
import OversightSampling
import OversightStore

/// A period's seed commitment.
package struct SeedCommitmentView: Sendable, Codable, Equatable {
    /// SHA-256 of the period's 32-byte seed, hexadecimal.
    package var commitment: String
    /// When the coordinator first published it (sent it to an agent of the provider, or showed it here); absent when
    /// it has never been published.
    package var publishedAt: Date?
    /// Whether that first publication came before the period started.
    package var publishedBeforeStart: Bool
    /// Another commitment was published for this period (the sampling secret was replaced): the draw cannot be trusted.
    package var changed: Bool
    /// The seed itself, hexadecimal: only once the period has closed.
    package var seed: String?
    /// How to recompute the draw with the revealed seed.
    package var recompute: String?
}

/// A period's acceptance verdict under the plan's acceptance terms.
package struct AcceptanceView: Sendable, Codable, Equatable {
    /// `accepted`, `rejected`, `in_progress`, `not_enough_audits`; or why there is none: `no_tickets`, `no_plan` (no
    /// plan of at most 10,000 audits meets the risks), `too_many_tickets`.
    package var state: String
    package var aql: Double
    package var producerRisk: Double
    package var rql: Double
    package var consumerRisk: Double
    /// Tickets in the period (so far, while it is open).
    package var population: Int
    package var n: Int?
    package var c: Int?
    /// `binomial` or `hypergeometric`.
    package var model: String?
    /// Tickets of the acceptance sample audited at head office (k), and of them with a high-impact error (d).
    package var audited: Int
    package var defects: Int
    /// Tickets of the acceptance sample the provider reported missing, and those no sample request asked for yet.
    package var missing: Int
    package var notRequested: Int
    /// The acceptance sample (the n smallest rank keys of the unbiased sample).
    package var sample: [String]
}

/// One provider-period.
package struct AuditPeriodView: Sendable, Codable, Equatable {
    package var provider: String
    /// `2026-W49` or `2026-11`.
    package var period: String
    package var start: Date
    package var end: Date
    /// `next` (not started), `open` or `closed`.
    package var status: String
    package var seed: SeedCommitmentView
    /// Absent before the period starts and when the plan has no acceptance terms.
    package var acceptance: AcceptanceView?
}

/// `GET /api/v1/audit-periods`.
package struct AuditPeriodsReport: Sendable, Codable {
    package var provider: String
    /// Whether the provider has a sampling plan (without one nothing is drawn and `periods` is empty).
    package var samplingPlan: Bool
    package var periods: [AuditPeriodView]
}

/// Computes audit periods from the store, the sampling plan and the sampling secret.
package enum AuditPeriods {
    /// The most tickets a period's draw reads.
    package static let frameLimit = 200_000
    /// The most periods with sample requests listed beside the current and next ones.
    package static let requestedPeriods = 8

    /// The current and next ISO week and month in the plan's time zone.
    package static func currentPeriods(_ plan: SamplingPlan, now: Date) -> [ContractPeriod] {
        [AggregateTarget.Period.week, .month].flatMap { kind -> [ContractPeriod] in
            let current = ContractPeriod(kind, containing: now, in: plan.timeZone)
            return [current.next, current]
        }
    }

    /// The command that recomputes a closed period's draw from its revealed seed.
    package static func recomputeCommand(provider: String, period: String, seed: String) -> String {
        "oversight-coordinator samples draw --provider \(provider) --period \(period) --seed \(seed)"
    }

    /// The periods of `provider`: `labels` when given, else the current and next week and month and the periods of its
    /// newest sample requests; newest first. Commitments of periods not yet closed are recorded as published at `now`
    /// (the first publication time stays).
    package static func report(
        store: any CoordinatorStore, files: SamplingFiles, provider: String, labels: [String]? = nil, now: Date
    ) async throws -> AuditPeriodsReport {
        guard let plan = try files.plan(provider: provider) else { return AuditPeriodsReport(provider: provider, samplingPlan: false, periods: []) }
        let requests = try await store.sampleRequests(provider: provider, period: nil)
        var periods: [ContractPeriod] = []
        if let labels {
            for label in labels {
                guard let period = ContractPeriod(sampleLabel: label, in: plan.timeZone) else { throw SamplingError("not a period: \(label)") }
                periods.append(period)
            }
        } else {
            periods = Self.currentPeriods(plan, now: now)
            var seen = Set(periods.map(\.description))
            for request in requests where seen.count < periods.count + Self.requestedPeriods {
                guard !seen.contains(request.period), let period = ContractPeriod(sampleLabel: request.period, in: plan.timeZone) else { continue }
                seen.insert(request.period)
                periods.append(period)
            }
        }
        periods.sort { ($0.start, $0.kind == .week ? 1 : 0) > ($1.start, $1.kind == .week ? 1 : 0) }

        let seeds = try periods.map { try files.seed(provider: provider, period: $0.description) }
        let publish = zip(periods, seeds).filter { !$0.0.isClosed(at: now) }.map {
            SeedCommitmentRow(provider: provider, period: $0.0.description, commitment: $0.1.commitment, publishedAt: now)
        }
        try await store.publishSeedCommitments(publish)

        // What head office's audits say, once for every period: the newest evaluation of each ticket, the requested and
        // the missing tickets.
        var defects: [String: Bool] = [:]
        for evaluation in try await store.headOfficeEvaluations(provider: provider, period: nil, ticketId: nil, limit: 10_000)
        where defects[evaluation.ticketId] == nil {
            defects[evaluation.ticketId] = evaluation.highImpactErrors > 0
        }
        var requested = Set<String>()
        var missing = Set<String>()
        var returned = Set<String>()
        for request in requests.prefix(1_000) {
            requested.formUnion(request.ticketIds)
            for interaction in try await store.interactions(requestId: request.id) {
                if interaction.record.status == .returned { returned.insert(interaction.record.ticketId) } else { missing.insert(interaction.record.ticketId) }
            }
        }
        missing.subtract(returned)

        var views: [AuditPeriodView] = []
        for (period, seed) in zip(periods, seeds) {
            let label = period.description
            let recorded = try await store.seedCommitments(provider: provider, period: label, limit: 100)
            let first = recorded.first { $0.commitment == seed.commitment }
            let closed = period.isClosed(at: now)
            let status = now < period.start ? "next" : (closed ? "closed" : "open")
            var view = AuditPeriodView(
                provider: provider, period: label, start: period.start, end: period.end, status: status,
                seed: SeedCommitmentView(
                    commitment: seed.commitment, publishedAt: first?.publishedAt, publishedBeforeStart: first.map { $0.publishedAt < period.start } ?? false,
                    changed: recorded.contains { $0.commitment != seed.commitment }, seed: closed ? seed.hex : nil,
                    recompute: closed ? Self.recomputeCommand(provider: provider, period: label, seed: seed.hex) : nil
                )
            )
            if status != "next", let terms = plan.acceptance {
                view.acceptance = try await Self.acceptance(
                    store: store, plan: plan, terms: terms, period: period, seed: seed, closed: closed, defects: defects, missing: missing,
                    requested: requested
                )
            }
            views.append(view)
        }
        return AuditPeriodsReport(provider: provider, samplingPlan: true, periods: views)
    }

    static func acceptance(
        store: any CoordinatorStore, plan: SamplingPlan, terms: AcceptanceTerms, period: ContractPeriod, seed: SampleSeed, closed: Bool,
        defects: [String: Bool], missing: Set<String>, requested: Set<String>
    ) async throws -> AcceptanceView {
        var view = AcceptanceView(
            state: "no_tickets", aql: terms.aql, producerRisk: terms.producerRisk, rql: terms.rql, consumerRisk: terms.consumerRisk, population: 0,
            audited: 0, defects: 0, missing: 0, notRequested: 0, sample: []
        )
        let rows = try await store.sampleFrame(provider: plan.provider, from: period.start, to: period.end, limit: Self.frameLimit + 1)
        view.population = rows.count
        guard rows.count <= Self.frameLimit else {
            view.state = "too_many_tickets"
            return view
        }
        guard !rows.isEmpty else { return view }
        let draw = Self.draw(rows, plan: plan, seed: seed)
        guard let acceptance = draw.acceptance else {
            view.state = "no_plan"
            return view
        }
        let verdict = AcceptanceVerdict(plan: acceptance, draw: draw, closed: closed, defects: defects, missing: missing, requested: requested)
        view.state = verdict.state.rawValue
        view.n = verdict.n
        view.c = verdict.c
        view.model = acceptance.model.rawValue
        view.audited = verdict.audited
        view.defects = verdict.defects
        view.missing = verdict.missing
        view.notRequested = verdict.notRequested
        view.sample = verdict.sample
        return view
    }

    /// The draw of a period's frame, as `samples draw` makes it.
    package static func draw(_ rows: [SampleFrameRow], plan: SamplingPlan, seed: SampleSeed) -> SampleDraw {
        let units = rows.map {
            SampleUnit(
                id: $0.id, site: $0.site, channel: $0.channel, solved: $0.status == "solved" || $0.status == "closed", createdAt: $0.createdAt,
                assignee: $0.assignee, csat: $0.csat, reopenCount: $0.reopenCount, breached: $0.breached
            )
        }
        let zone = plan.timeZone
        return SampleDraw(units: units, plan: plan, seed: seed) { instant in ContractPeriod(.week, containing: instant, in: zone).description }
    }

    /// The verdict line: "accepted at AQL 2.5 %: n = 78, c = 4, defects found 1", "in progress: 3 of 78 audited, …".
    package static func verdictText(_ a: AcceptanceView, _ l: Localizer) -> String {
        let values = [
            "aql": l.percent(a.aql), "n": a.n.map { l.integer($0) } ?? "—", "c": a.c.map { l.integer($0) } ?? "—", "audited": l.integer(a.audited),
            "defects": l.integer(a.defects), "missing": l.integer(a.missing), "not_requested": l.integer(a.notRequested),
            "population": l.integer(a.population),
        ]
        return l.t("aql.state.\(a.state)", values)
    }

    /// The publication line of a commitment.
    package static func publicationText(_ s: SeedCommitmentView, _ l: Localizer) -> String {
        guard let published = s.publishedAt else { return l.t("aql.not_published") }
        var text = l.t(s.publishedBeforeStart ? "aql.published_before" : "aql.published_late", ["time": l.time(published)])
        if s.changed { text += " " + l.t("aql.commitment_changed") }
        return text
    }
}
