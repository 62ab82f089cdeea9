//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The draw: a deterministic function of the period's tickets, the plan and the seed (docs/audits.md, "Recomputing a
// draw", specifies it step by step with a test vector).
//
//===----------------------------------------------------------------------===//

import Foundation

/// One ticket of the period, as the draw sees it.
package struct SampleUnit: Sendable, Equatable {
    package var id: String
    package var site: String
    package var channel: String
    /// Solved or closed.
    package var solved: Bool
    package var createdAt: Date
    package var assignee: String?
    package var csat: Int?
    package var reopenCount: Int
    package var breached: Bool

    package init(
        id: String, site: String, channel: String, solved: Bool, createdAt: Date, assignee: String? = nil, csat: Int? = nil, reopenCount: Int = 0,
        breached: Bool = false
    ) {
        self.id = id
        self.site = site
        self.channel = channel
        self.solved = solved
        self.createdAt = createdAt
        self.assignee = assignee
        self.csat = csat
        self.reopenCount = reopenCount
        self.breached = breached
    }
}

/// What a draw selected, and why.
package struct SampleDraw: Sendable {
    /// Why a ticket is in the sample.
    package enum Purpose: String, Sendable {
        /// The unbiased sample: the only part the error-rate estimate and the acceptance verdict use.
        case estimate
        /// The per-staff weekly quota, beside the unbiased sample.
        case quota
        /// A targeted stratum (low CSAT, reopened, breached), reported apart.
        case targeted
    }

    package struct Selection: Sendable, Equatable {
        package var ticketId: String
        /// The stratum: `email/solved` for the unbiased sample, `quota/<staff>/2026-W49`, `targeted/low_csat`.
        package var stratum: String
        package var purpose: Purpose
        /// 1 for the smallest rank key in its stratum.
        package var rank: Int
        /// The rank key, hexadecimal.
        package var key: String
    }

    package struct Stratum: Sendable, Equatable {
        package var name: String
        /// Tickets of the period in the stratum.
        package var population: Int
        /// Tickets drawn from it.
        package var drawn: Int
    }

    /// The unbiased sample's strata, by name.
    package var strata: [Stratum]
    /// Every selection: the unbiased sample (by stratum, then rank), then quota, then targeted.
    package var selections: [Selection]
    /// Tickets in the period.
    package var population: Int
    /// The unbiased sample's size: the plan's size, or the acceptance plan's n when that is larger (so the period's
    /// verdict rests on the unbiased sample alone), never more than the period's tickets.
    package var size: Int
    /// Every ticket's place in its stratum of the unbiased sample (drawn or not), by ticket id: what `samples explain`
    /// shows for a ticket that was not drawn.
    package var positions: [String: Selection]
    /// The acceptance plan for the period, when the plan has acceptance terms.
    package var acceptance: AcceptancePlan?

    /// Draws from `units` (the period's tickets, in any order) by `plan` with `seed`:
    ///
    /// 1. Each ticket's stratum is its values of the plan's stratum keys joined by `/` (`email/solved`); strata sort by name.
    /// 2. The sample size n comes from the plan's size for N tickets (or the acceptance plan's n, when larger); n is shared among strata by the plan's allocation
    ///    (``Allocation/shares(total:sizes:weights:)``; Neyman weights √(p(1−p)) from the channel's expected rate).
    /// 3. In each stratum the n_h tickets with the smallest rank keys (``SampleSeed/rankKey(stratum:ticket:)``, the
    ///    stratum name as above; ties, which SHA-256 makes practically impossible, by ticket id) are the unbiased sample.
    /// 4. Quota: for each ISO week of the period (the week of createdAt in the plan's time zone) and each assignee
    ///    (sorted), tickets are added by smallest rank key in stratum `quota/<assignee>/<week>` among the assignee's
    ///    tickets of that week not yet drawn, until the assignee has `per_staff_per_week` drawn tickets that week.
    /// 5. Targeted: for low_csat, reopened, breached in that order, the `count` not yet drawn matching tickets with the
    ///    smallest rank keys in stratum `targeted/<name>`.
    package init(units: [SampleUnit], plan: SamplingPlan, seed: SampleSeed, calendar: (Date) -> String) {
        self.population = units.count
        self.acceptance = plan.acceptance.flatMap { AcceptancePlan.compute($0, population: units.count) }
        self.size = min(units.count, max(plan.size.size(population: units.count), self.acceptance?.n ?? 0))
        func stratumName(_ unit: SampleUnit) -> String {
            plan.strata.map { key in
                switch key {
                case .channel: unit.channel
                case .outcome: unit.solved ? "solved" : "open"
                }
            }.joined(separator: "/")
        }
        func ranked(_ candidates: [SampleUnit], stratum: String) -> [(unit: SampleUnit, key: [UInt8])] {
            candidates.map { ($0, seed.rankKey(stratum: stratum, ticket: $0.id)) }
                .sorted { $0.key.lexicographicallyPrecedes($1.key) || ($0.key == $1.key && $0.unit.id < $1.unit.id) }
        }
        func hex(_ key: [UInt8]) -> String { SampleSeed.hex(key) }

        let byStratum = Dictionary(grouping: units, by: stratumName)
        let names = byStratum.keys.sorted()
        let sizes = names.map { byStratum[$0]!.count }
        let weights = names.map { name -> Double in
            guard plan.allocation == .neyman else { return 1 }
            let channel = byStratum[name]!.first!.channel
            let rate = plan.expectedRates[channel] ?? plan.defaultRate
            return (rate * (1 - rate)).squareRoot()
        }
        let shares = Allocation.shares(total: self.size, sizes: sizes, weights: weights)
        var selections: [Selection] = []
        var drawn = Set<String>()
        self.strata = []
        self.positions = [:]
        for (index, name) in names.enumerated() {
            for (position, entry) in ranked(byStratum[name]!, stratum: name).enumerated() {
                let selection = Selection(ticketId: entry.unit.id, stratum: name, purpose: .estimate, rank: position + 1, key: hex(entry.key))
                self.positions[entry.unit.id] = selection
                guard position < shares[index] else { continue }
                selections.append(selection)
                drawn.insert(entry.unit.id)
            }
            self.strata.append(Stratum(name: name, population: sizes[index], drawn: shares[index]))
        }
        if let quota = plan.perStaffPerWeek {
            var groups: [String: [SampleUnit]] = [:]
            for unit in units { if let staff = unit.assignee { groups["\(calendar(unit.createdAt))\u{0}\(staff)", default: []].append(unit) } }
            for group in groups.keys.sorted() {
                let members = groups[group]!
                let parts = group.split(separator: "\u{0}", maxSplits: 1)
                let stratum = "quota/\(parts[1])/\(parts[0])"
                var have = members.filter { drawn.contains($0.id) }.count
                for (position, entry) in ranked(members.filter { !drawn.contains($0.id) }, stratum: stratum).enumerated() where have < quota {
                    selections.append(Selection(ticketId: entry.unit.id, stratum: stratum, purpose: .quota, rank: position + 1, key: hex(entry.key)))
                    drawn.insert(entry.unit.id)
                    have += 1
                }
            }
        }
        for (target, count) in plan.targeted {
            let matching = units.filter { unit in
                guard !drawn.contains(unit.id) else { return false }
                switch target {
                case .lowCSAT: return (unit.csat ?? 5) <= 2
                case .reopened: return unit.reopenCount > 0
                case .breached: return unit.breached
                }
            }
            let stratum = "targeted/\(target.rawValue)"
            for (position, entry) in ranked(matching, stratum: stratum).prefix(count).enumerated() {
                selections.append(Selection(ticketId: entry.unit.id, stratum: stratum, purpose: .targeted, rank: position + 1, key: hex(entry.key)))
                drawn.insert(entry.unit.id)
            }
        }
        self.selections = selections
    }
}
