//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What `oversight-verify` found: counts and every difference, each naming its file, batch or figure.
//
//===----------------------------------------------------------------------===//

/// One difference between a bundle and what its batches, keys and contract prove.
package struct VerificationFinding: Sendable, Hashable, CustomStringConvertible {
    /// What kind of check failed.
    package struct Kind: RawRepresentable, Sendable, Hashable {
        package var rawValue: String
        /// Creates a kind.
        package init(rawValue: String) { self.rawValue = rawValue }
        /// A file's size or SHA-256 differs from the manifest, or a file is missing or unlisted.
        package static let manifest = Kind(rawValue: "manifest")
        /// A batch's JWS does not verify with its agent's registered key.
        package static let signature = Kind(rawValue: "bad signature")
        /// A sequence gap, duplicate or broken hash link.
        package static let chain = Kind(rawValue: "chain")
        /// A batch's payload or listing disagrees with itself or with `batches.json`.
        package static let batch = Kind(rawValue: "batch")
        /// A figure differs from the recomputed one.
        package static let figure = Kind(rawValue: "figure difference")
        /// A credit-statement line, total or evidence item differs from the recomputed one.
        package static let credit = Kind(rawValue: "credit difference")
        /// A dispute refers to no evaluation of the bundle.
        package static let dispute = Kind(rawValue: "dispute")
        /// A bundle file is missing or unreadable.
        package static let bundle = Kind(rawValue: "bundle")
    }

    package var kind: Kind
    /// The file, batch or figure it concerns.
    package var subject: String
    package var message: String

    /// Creates a finding.
    package init(_ kind: Kind, _ subject: String, _ message: String) {
        self.kind = kind
        self.subject = subject
        self.message = message
    }

    package var description: String { "\(self.kind.rawValue): \(self.subject): \(self.message)" }
}

/// The outcome of verifying a bundle.
package struct VerificationReport: Sendable {
    /// Batch files whose signature verified.
    package var verifiedBatches = 0
    /// Batches in the bundle.
    package var batches = 0
    /// Records rebuilt from the verified batches.
    package var tickets = 0
    package var intervals = 0
    package var evaluations = 0
    /// Figures recomputed and compared.
    package var figures = 0
    /// Credit-statement lines recomputed and compared (0 when the contract has no credits).
    package var creditLines = 0
    /// Disputes in the bundle.
    package var disputes = 0
    /// Invoice lines whose reconciliation was recomputed and compared (0 when the bundle has no invoice).
    package var reconciliationLines = 0
    /// Whether the figures could be recomputed (the contract loaded); when `false`, ``findings`` says why.
    package var figuresRecomputed = false
    /// Every difference, in the order found.
    package var findings: [VerificationFinding] = []

    /// Creates an empty report.
    package init() {}

    /// Nothing differs and every check ran.
    package var isClean: Bool { self.findings.isEmpty && self.figuresRecomputed }
}
