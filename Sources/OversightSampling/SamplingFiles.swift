//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Where a coordinator keeps its sampling plans and sampling secret: DATA/sampling/PROVIDER.sampling.yaml and
// DATA/sampling-secret (docs/audits.md).
//
//===----------------------------------------------------------------------===//

import Foundation

/// The sampling plans and secret of a data directory.
package struct SamplingFiles: Sendable {
    package var dataDirectory: String

    package init(dataDirectory: String) { self.dataDirectory = dataDirectory }

    /// `DATA/sampling/PROVIDER.sampling.yaml`.
    package func planPath(provider: String) -> String { "\(self.dataDirectory)/sampling/\(provider).sampling.yaml" }

    /// `DATA/sampling-secret`.
    package var secretPath: String { "\(self.dataDirectory)/sampling-secret" }

    /// The provider's plan; `nil` when it has none (or the name cannot be a file name).
    /// - Throws: ``SamplingError`` when the plan is invalid or for another provider.
    package func plan(provider: String) throws -> SamplingPlan? {
        guard !provider.isEmpty, !provider.contains("/"), !provider.hasPrefix("."), !provider.contains("\u{0}") else { return nil }
        let path = self.planPath(provider: provider)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let plan: SamplingPlan
        do { plan = try SamplingPlan(contentsOf: path) } catch { throw SamplingError("\(error)") }
        guard plan.provider == provider else { throw SamplingError("the sampling plan \(path) is for provider \(plan.provider), not \(provider)") }
        return plan
    }

    /// The seed of `provider`'s period `label` (the secret is made on first use).
    package func seed(provider: String, period label: String) throws -> SampleSeed {
        SampleSeed(secret: try SamplingSecret.load(path: self.secretPath), provider: provider, period: label)
    }
}
