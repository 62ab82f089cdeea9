//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The seed commitments head office sends a provider's agents before the periods start (docs/audits.md).
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightSLA
import OversightSampling

/// The commitments of a provider's current and next week and month, from its sampling plan and the sampling secret.
package enum SeedAnnouncement {
    /// `nil` when the provider has no plan in `directory/sampling` (nothing is drawn for it, so nothing is announced).
    package static func commitments(provider: String, dataDirectory: String, now: Date) throws -> [SampleSeedsCommand.PeriodSeed]? {
        let planPath = "\(dataDirectory)/sampling/\(provider).sampling.yaml"
        guard FileManager.default.fileExists(atPath: planPath) else { return nil }
        let plan = try SamplingPlan(contentsOf: planPath)
        let secret = try SamplingSecret.load(path: "\(dataDirectory)/sampling-secret")
        var seeds: [SampleSeedsCommand.PeriodSeed] = []
        for kind in [AggregateTarget.Period.week, .month] {
            let current = ContractPeriod(kind, containing: now, in: plan.timeZone)
            let next = ContractPeriod(kind, containing: current.end.addingTimeInterval(1), in: plan.timeZone)
            for period in [current, next] {
                let label = period.description
                seeds.append(.init(period: label, seedCommitment: SampleSeed(secret: secret, provider: provider, period: label).commitment))
            }
        }
        return seeds
    }
}
