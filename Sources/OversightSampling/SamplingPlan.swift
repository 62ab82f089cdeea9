//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A provider's sampling plan: how big each period's unbiased sample is, how it is stratified and allocated, the
// per-staff quota, the targeted strata, and the acceptance terms.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightSLA

/// A `*.sampling.yaml` file (docs/audits.md, "Sampling plans").
package struct SamplingPlan: Sendable {
    /// What the unbiased sample is stratified by, in this order.
    package enum StratumKey: String, Sendable, CaseIterable {
        /// The ticket's channel.
        case channel
        /// `solved` (solved or closed) or `open`.
        case outcome
    }

    /// The targeted strata, drawn in this order after the unbiased sample and reported apart from it.
    package enum Target: String, Sendable, CaseIterable {
        /// A CSAT answer of 1 or 2.
        case lowCSAT = "low_csat"
        /// Reopened at least once.
        case reopened
        /// A first-reply or resolution breach recorded.
        case breached
    }

    package var provider: String
    package var timeZone: TimeZone
    package var size: SampleSize
    package var strata: [StratumKey]
    package var allocation: Allocation
    /// Expected error rate per channel, for Neyman allocation (a channel not listed uses the plan's expected rate).
    package var expectedRates: [String: Double]
    /// The rate Neyman allocation assumes for a channel without its own (the Cochran expected rate, else 0.1).
    package var defaultRate: Double
    /// Interactions per staff member (assignee pseudonym) per ISO week, drawn beside the unbiased sample.
    package var perStaffPerWeek: Int?
    package var targeted: [(target: Target, count: Int)]
    package var acceptance: AcceptanceTerms?
    package var file: String

    package init(
        provider: String, timeZone: TimeZone = TimeZone(identifier: "UTC")!, size: SampleSize, strata: [StratumKey] = [.channel], allocation: Allocation = .proportional,
        expectedRates: [String: Double] = [:], defaultRate: Double = 0.1, perStaffPerWeek: Int? = nil,
        targeted: [(target: Target, count: Int)] = [], acceptance: AcceptanceTerms? = nil, file: String = "plan"
    ) {
        self.provider = provider
        self.timeZone = timeZone
        self.size = size
        self.strata = strata
        self.allocation = allocation
        self.expectedRates = expectedRates
        self.defaultRate = defaultRate
        self.perStaffPerWeek = perStaffPerWeek
        self.targeted = targeted
        self.acceptance = acceptance
        self.file = file
    }

    static let keys = ["provider", "time_zone", "size", "strata", "allocation", "expected_rates", "per_staff_per_week", "targeted", "acceptance"]

    /// Reads a plan:
    ///
    /// ```yaml
    /// provider: acme-support
    /// time_zone: Europe/Lisbon
    /// size: { method: cochran, precision: 5%, confidence: 95%, expected_rate: 10% }
    /// strata: [channel, outcome]
    /// allocation: neyman
    /// expected_rates: { email: 12%, chat: 4% }
    /// per_staff_per_week: 2
    /// targeted: { low_csat: 5, reopened: 5, breached: 5 }
    /// acceptance: { aql: 2.5%, producer_risk: 5%, rql: 10%, consumer_risk: 10% }
    /// ```
    /// - Throws: ``ConfigError`` with the file, line and key of what is wrong.
    package init(yaml: String, file: String) throws(ConfigError) {
        let root = try ConfigNode.parse(yaml: yaml, file: file)
        try root.rejectUnknownKeys(allowed: Self.keys)
        self.file = file
        self.provider = try root.required("provider").string(maxLength: 128)
        if let zone = try root.optional("time_zone") {
            guard let timeZone = TimeZone(identifier: try zone.string(maxLength: 64)) else {
                throw zone.invalid(expected: "an IANA time zone such as Europe/Lisbon")
            }
            self.timeZone = timeZone
        } else {
            self.timeZone = TimeZone(identifier: "UTC")!
        }
        let sizeNode = try root.required("size")
        let method = try sizeNode.required("method").choice(["fixed": 0, "cochran": 1, "zero_error": 2])
        switch method {
        case 0:
            try sizeNode.rejectUnknownKeys(allowed: ["method", "count"])
            self.size = .fixed(try sizeNode.required("count").int(in: 1...10_000))
            self.defaultRate = 0.1
        case 1:
            try sizeNode.rejectUnknownKeys(allowed: ["method", "precision", "confidence", "expected_rate"])
            let rate = try sizeNode.required("expected_rate").fraction(in: 0.001...0.999)
            self.size = .cochran(
                precision: try sizeNode.required("precision").fraction(in: 0.001...0.5),
                confidence: try sizeNode.required("confidence").fraction(in: 0.5...0.9999), expectedRate: rate
            )
            self.defaultRate = rate
        default:
            try sizeNode.rejectUnknownKeys(allowed: ["method", "max_rate", "confidence"])
            self.size = .zeroError(
                maxRate: try sizeNode.required("max_rate").fraction(in: 0.001...0.5),
                confidence: try sizeNode.required("confidence").fraction(in: 0.5...0.9999)
            )
            self.defaultRate = 0.1
        }
        var strata: [StratumKey] = []
        if let node = try root.optional("strata") {
            for item in try node.items() {
                let key = try item.choice(StratumKey.self)
                guard !strata.contains(key) else { throw item.error("the stratum key '\(key.rawValue)' is listed twice") }
                strata.append(key)
            }
        } else {
            strata = [.channel]
        }
        self.strata = strata
        self.allocation = try root.optional("allocation")?.choice(Allocation.self) ?? .proportional
        var rates: [String: Double] = [:]
        if let node = try root.optional("expected_rates") {
            for (channel, child) in try node.entries() { rates[channel] = try child.fraction(in: 0.0...1.0) }
        }
        self.expectedRates = rates
        self.perStaffPerWeek = try root.optional("per_staff_per_week")?.int(in: 1...100)
        var targeted: [(Target, Int)] = []
        if let node = try root.optional("targeted") {
            try node.rejectUnknownKeys(allowed: Target.allCases.map(\.rawValue))
            for target in Target.allCases {
                if let count = try node.optional(target.rawValue) { targeted.append((target, try count.int(in: 0...1_000))) }
            }
        }
        self.targeted = targeted
        if let node = try root.optional("acceptance") {
            try node.rejectUnknownKeys(allowed: ["aql", "producer_risk", "rql", "consumer_risk"])
            let terms = AcceptanceTerms(
                aql: try node.required("aql").fraction(in: 0.0001...0.5), producerRisk: try node.required("producer_risk").fraction(in: 0.001...0.5),
                rql: try node.required("rql").fraction(in: 0.0001...0.9), consumerRisk: try node.required("consumer_risk").fraction(in: 0.001...0.5)
            )
            guard terms.rql > terms.aql else { throw node.error("rql (\(terms.rql)) must be above aql (\(terms.aql))") }
            self.acceptance = terms
        }
    }

    /// Reads the plan file at `path`.
    package init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw SamplingError("cannot read the sampling plan \(path)") }
        try self.init(yaml: String(decoding: data, as: UTF8.self), file: path)
    }
}
