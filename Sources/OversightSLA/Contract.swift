//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A provider's contract with head office: its versions over time.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel

/// A provider's contract: versions in order of `effective_from`. Loaded from a
/// `*.contract.yaml` file (see `Contract+YAML.swift` and docs/sla.md).
package struct Contract: Sendable {
    /// The provider the contract binds, as agents name it.
    package var provider: String
    /// A human name for the contract.
    package var name: String?
    /// Versions, oldest first, with strictly increasing `effective_from`.
    package var versions: [ContractVersion]
    /// The file it was loaded from, if any.
    package var file: String?

    /// Creates a contract.
    package init(provider: String, name: String? = nil, versions: [ContractVersion], file: String? = nil) {
        self.provider = provider
        self.name = name
        self.versions = versions.sorted { $0.effectiveFrom < $1.effectiveFrom }
        self.file = file
    }

    /// The version in force at `instant`: the last one whose start is not after it; `nil` before the first.
    package func version(at instant: Date) -> ContractVersion? {
        self.versions.last { $0.effectiveInstant <= instant }
    }

    /// The terms a ticket is measured by: the version in force at its creation, with its scope applied.
    /// - Returns: `nil` if the ticket was created before the first version.
    package func terms(for ticket: TicketRecord) -> ContractTerms? {
        self.version(at: ticket.createdAt)?.terms(for: ticket)
    }
}
