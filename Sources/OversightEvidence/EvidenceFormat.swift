//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The names and limits of an evidence bundle (docs/evidence.md).
//
//===----------------------------------------------------------------------===//

/// File names, format version and the limits a reader holds a bundle to.
package enum EvidenceFormat {
    /// The `format` member of `manifest.json` and `bundle.json`.
    package static let name = "oversight-evidence"
    /// The bundle format version this code writes and reads.
    package static let version = 1

    /// Lists every other file with its SHA-256.
    package static let manifest = "manifest.json"
    /// Provider, month, export instant, contract file, what the bundle holds.
    package static let bundle = "bundle.json"
    /// The provider's agents with their registered signing keys and certificate details.
    package static let agents = "agents.json"
    /// One entry per stored batch (agent, seq, hash, prev, record count, received at, file).
    package static let batches = "batches.json"
    /// The folder of batch files: `batches/<agent id>/<seq, 10 digits>.jws.json`.
    package static let batchFolder = "batches"
    /// The folder holding the contract file and its iCalendar files.
    package static let contractFolder = "contract"
    /// The coordinator's CA certificate (PEM), the issuer of every agent certificate.
    package static let caCertificate = "ca.pem"
    /// QA disputes of the month's evaluations, with every step.
    package static let disputes = "disputes.json"
    /// Breach disputes of the month's breaches, with every step and the effective state at export (absent in older bundles).
    package static let breachDisputes = "breach-disputes.json"
    /// The figures the coordinator computed.
    package static let figures = "figures.json"
    /// The credit statement the coordinator computed (absent when the contract has no service credits).
    package static let credits = "credits.json"
    /// The credit statement after the accepted disputes (ticket breaches and aggregate misses), in the shape of
    /// `credits.json`; present with it in bundles from issue 11's disputed statements on.
    package static let disputedCredits = "disputed-credits.json"

    /// The batch file of `seq` of `agentId`, relative to the bundle.
    package static func batchFile(agentId: String, seq: Int64) -> String {
        let digits = String(seq)
        return "\(Self.batchFolder)/\(agentId)/\(String(repeating: "0", count: max(0, 10 - digits.count)))\(digits).jws.json"
    }

    /// Largest file a reader accepts (a batch is at most a 4 MiB frame; JSON listings of a month stay well below).
    package static let maxFileBytes = 64 * 1024 * 1024
    /// Largest number of files in a bundle.
    package static let maxFiles = 2_000_000
    /// Largest total size a reader hashes.
    package static let maxTotalBytes: Int64 = 64 * 1024 * 1024 * 1024
}
