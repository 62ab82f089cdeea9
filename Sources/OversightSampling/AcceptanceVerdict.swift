//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The acceptance verdict of a provider-period: accepted or rejected at the AQL once the acceptance sample's n
// interactions are audited at head office, in progress while the period is open (docs/audits.md, "The verdict").
//
//===----------------------------------------------------------------------===//

import Foundation

/// What head office's audits say about a provider-period under its acceptance plan (n, c).
///
/// The **acceptance sample** is the n tickets of the draw's unbiased sample with the smallest rank keys (as bytes,
/// across strata; then by ticket id): a deterministic subset, so nobody chooses which audits count. A ticket is
/// **audited** when head office has scored its interaction; it is a **defect** when that (newest) evaluation has at
/// least one failed high-impact item. Quota and targeted tickets never count.
package struct AcceptanceVerdict: Sendable, Equatable {
    package enum State: String, Sendable, Codable {
        /// Closed, all n audited, at most c defects.
        case accepted
        /// Closed, all n audited, more than c defects.
        case rejected
        /// The period is still open: k of n audited so far.
        case inProgress = "in_progress"
        /// Closed, but fewer than n of the acceptance sample audited: no verdict.
        case notEnoughAudits = "not_enough_audits"
    }

    package var state: State
    package var n: Int
    package var c: Int
    /// Tickets of the acceptance sample audited at head office (k).
    package var audited: Int
    /// Audited tickets with a high-impact error (d).
    package var defects: Int
    /// Tickets of the acceptance sample the provider reported missing (never audited).
    package var missing: Int
    /// Tickets of the acceptance sample no sample request asked for yet.
    package var notRequested: Int
    /// The acceptance sample, in rank-key order.
    package var sample: [String]

    /// The n smallest-key tickets of `draw`'s unbiased sample.
    package static func acceptanceSample(of draw: SampleDraw, n: Int) -> [String] {
        draw.selections.filter { $0.purpose == .estimate }
            .sorted { $0.key < $1.key || ($0.key == $1.key && $0.ticketId < $1.ticketId) }
            .prefix(max(0, n)).map(\.ticketId)
    }

    /// - Parameters:
    ///   - plan: the period's acceptance plan.
    ///   - draw: the period's draw (its unbiased sample holds at least n tickets: the draw's size is raised to n).
    ///   - closed: whether the period has ended.
    ///   - defects: for each audited ticket, whether its newest head-office evaluation has a high-impact error.
    ///   - missing: tickets the provider reported missing (and never returned).
    ///   - requested: tickets some sample request asked for.
    package init(plan: AcceptancePlan, draw: SampleDraw, closed: Bool, defects: [String: Bool], missing: Set<String>, requested: Set<String>) {
        let sample = Self.acceptanceSample(of: draw, n: plan.n)
        let audited = sample.filter { defects[$0] != nil }
        self.n = plan.n
        self.c = plan.c
        self.sample = sample
        self.audited = audited.count
        self.defects = audited.filter { defects[$0] == true }.count
        self.missing = sample.filter { defects[$0] == nil && missing.contains($0) }.count
        self.notRequested = sample.filter { !requested.contains($0) }.count
        if !closed {
            self.state = .inProgress
        } else if audited.count < plan.n {
            self.state = .notEnoughAudits
        } else {
            self.state = plan.accepts(defects: self.defects) ? .accepted : .rejected
        }
    }
}
