//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// bundle.json: what a bundle is about and the instant its figures were computed at.
//
//===----------------------------------------------------------------------===//

import Foundation

/// `bundle.json`.
package struct EvidenceBundleInfo: Codable, Sendable, Hashable {
    /// ``EvidenceFormat/name``.
    package var format: String
    /// ``EvidenceFormat/version``.
    package var version: Int
    /// The provider.
    package var provider: String
    /// `YYYY-MM`, in the contract's time zone.
    package var month: String
    /// The month's first and end instants (`[monthStart, monthEnd)`).
    package var monthStart: Date
    package var monthEnd: Date
    /// The contract's time zone (IANA name).
    package var timeZone: String
    /// The instant the coordinator computed the figures at (which periods were over, and the SLA clocks of tickets
    /// still open); a verifier recomputes at the same instant.
    package var exportedAt: Date
    /// The coordinator's version.
    package var coordinatorVersion: String
    /// The contract file, relative to the bundle (`contract/<name>.contract.yaml`).
    package var contractFile: String
    /// `effective_from` of the contract versions in force during the month (oldest first); the first one decides the
    /// month's targets and credits.
    package var contractVersions: [String]
    /// The calendar of the deciding version (its name in the contract file, if it has one).
    package var calendar: String?
    /// Whether `credits.json` is present (the deciding version has service credits).
    package var hasCreditStatement: Bool
    /// Whether `disputed-credits.json` is present (bundles written before it have `nil`).
    package var hasDisputedStatement: Bool?
    /// Files the coordinator could not write, with why (the PostgreSQL store does not serve every read yet): a
    /// verifier reports each as a difference, never as verified.
    package var unavailable: [String: String]?

    /// Creates the description of a bundle.
    package init(
        provider: String, month: String, monthStart: Date, monthEnd: Date, timeZone: String, exportedAt: Date, coordinatorVersion: String,
        contractFile: String, contractVersions: [String], calendar: String?, hasCreditStatement: Bool, unavailable: [String: String]? = nil,
        hasDisputedStatement: Bool? = nil
    ) {
        self.hasDisputedStatement = hasDisputedStatement
        self.format = EvidenceFormat.name
        self.version = EvidenceFormat.version
        self.provider = provider
        self.month = month
        self.monthStart = monthStart
        self.monthEnd = monthEnd
        self.timeZone = timeZone
        self.exportedAt = exportedAt
        self.coordinatorVersion = coordinatorVersion
        self.contractFile = contractFile
        self.contractVersions = contractVersions
        self.calendar = calendar
        self.hasCreditStatement = hasCreditStatement
        self.unavailable = unavailable
    }
}
