//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The contracts the console shows: each loaded contract's version in force, as the console's summary.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConsole
import OversightCoordinator
import OversightSLA

extension ConsoleContract {
    /// The console's summary of `contract` as in force at `instant`; `nil` before its first version.
    init?(_ contract: Contract, at instant: Date) {
        guard let version = contract.version(at: instant) ?? contract.versions.first else { return nil }
        var ticketTargets: [String: Int] = [:]
        let targets = version.targets
        for (clock, duration) in [("first_reply", targets.firstReply), ("next_reply", targets.nextReply), ("periodic_update", targets.periodicUpdate), ("resolution", targets.resolution)] {
            if let duration { ticketTargets[clock] = Int(duration.components.seconds) }
        }
        let aggregates = version.aggregates.map { target in
            var detail = target.figure.variantName
            if case .serviceLevel(let threshold, let variant) = target.figure {
                detail = "\(threshold.components.seconds)s \(variant.rawValue)"
            }
            let unit: String =
                switch target.figure.unit {
                case .percentage: "percentage"
                case .duration: "duration"
                case .score: "score"
                }
            return Target(
                id: target.id, figure: target.figure.name, detail: detail, period: target.period.rawValue, atMost: target.comparison == .atMost,
                target: target.target, unit: unit, match: Self.words(target.match)
            )
        }
        self.init(
            provider: contract.provider, name: contract.name, timeZone: version.calendar.timeZone.identifier, effectiveFrom: version.effectiveFrom.description,
            ticketTargets: ticketTargets, targets: aggregates, monthlyFee: version.credits?.monthlyFee, currency: version.credits?.currency,
            monthlyCap: version.credits?.monthlyCap,
            credits: version.credits?.rules.map { CreditRule(target: $0.target, share: $0.share, weight: $0.weight) } ?? []
        )
        self.disputeReasons = version.disputes?.reasons ?? []
        self.disputeDefault = version.disputes?.defaultDecision.rawValue
    }

    /// A scope in words (`channel chat, priority urgent`), or `nil` when it matches everything.
    static func words(_ match: ScopeMatch) -> String? {
        var parts: [String] = []
        if let sites = match.sites { parts.append("site " + sites.sorted().joined(separator: "/")) }
        if let queues = match.queues { parts.append("queue " + queues.sorted().joined(separator: "/")) }
        if let channels = match.channels { parts.append("channel " + channels.map(\.rawValue).sorted().joined(separator: "/")) }
        if let priorities = match.priorities { parts.append("priority " + priorities.map(\.rawValue).sorted().joined(separator: "/")) }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// The console's summaries of the contracts in `directory` (the coordinator's: `--contracts`, else `DATA/contracts`
    /// when it exists), as in force at `instant`.
    static func load(directory: String?, dataDirectory: String, at instant: Date = Date()) throws -> [String: ConsoleContract] {
        let folder = directory ?? (dataDirectory + "/contracts")
        guard FileManager.default.fileExists(atPath: folder) else { return [:] }
        return try SLAEngine.loadContracts(directory: folder).compactMapValues { ConsoleContract($0, at: instant) }
    }
}
