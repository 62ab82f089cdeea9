//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Which figures a month's credit statement rests on: shared by the coordinator (figures from its store) and
// `oversight-verify` (figures from the signed batches of an evidence bundle), so both pick the same periods.
//
//===----------------------------------------------------------------------===//

import Foundation

/// The contract version, month and (target, period) figures of one provider's month.
///
/// The version in force on the month's first day decides the targets and credits. Every aggregate target gets its
/// periods that end in the month; a credit-bearing target also gets the following periods that decide earn-back
/// (at most the contract's `earn_back` count). Only periods already over at `now` are listed: a running period has
/// no result yet.
package struct MonthFigurePlan: Sendable {
    /// One figure to compute.
    package struct Item: Sendable {
        /// The contract's aggregate target.
        package var target: AggregateTarget
        /// The period whose figure is needed.
        package var period: ContractPeriod
        /// Whether the target carries a service credit (its figure feeds the credit statement).
        package var bearsCredit: Bool
    }

    /// The month, in the contract's time zone.
    package var month: ContractPeriod
    /// The contract version in force on the month's first day.
    package var version: ContractVersion
    /// The version's service credits, if it has any.
    package var credits: ServiceCredits? { self.version.credits }
    /// The figures, target by target in contract order, periods oldest first.
    package var items: [Item]

    /// Plans a month.
    /// - Parameters:
    ///   - contract: The provider's contract.
    ///   - month: `YYYY-MM`.
    ///   - now: The instant that decides which periods are over.
    /// - Throws: ``SLAError`` when the month is not `YYYY-MM` or the contract has no version.
    package init(contract: Contract, month: String, now: Date) throws(SLAError) {
        let firstDay = try Self.firstDay(of: month)
        guard let version = contract.versions.last(where: { $0.effectiveFrom <= firstDay }) ?? contract.versions.first else {
            throw SLAError(.invalidValue, "the contract of \(contract.provider) has no version")
        }
        self.version = version
        let period = ContractPeriod(.month, containing: firstDay, in: version.calendar.timeZone)
        self.month = period
        var items: [Item] = []
        let creditTargets = Set(version.credits?.rules.map(\.target) ?? [])
        for target in version.aggregates {
            let bearsCredit = creditTargets.contains(target.id)
            var periods = period.periods(target.period)
            if bearsCredit, let credits = version.credits {
                // The periods after the month decide earn-back; only those already over count as known.
                var next = periods.last?.next
                for _ in 0..<credits.earnBackPeriods {
                    guard let candidate = next, candidate.isClosed(at: now) else { break }
                    periods.append(candidate)
                    next = candidate.next
                }
            }
            for item in periods where item.isClosed(at: now) {
                items.append(Item(target: target, period: item, bearsCredit: bearsCredit))
            }
        }
        self.items = items
    }

    /// The first day of `YYYY-MM` (years 2000–2200).
    /// - Throws: ``SLAError`` naming the text when it is not a month.
    package static func firstDay(of month: String) throws(SLAError) -> CivilDate {
        let parts = month.split(separator: "-", omittingEmptySubsequences: false)
        guard month.utf8.count == 7, parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]),
            let number = Int(parts[1]), (1...12).contains(number), (2000...2200).contains(year)
        else { throw SLAError(.invalidValue, "month '\(month.prefix(20))' is not YYYY-MM") }
        return CivilDate(year: year, month: number, day: 1)
    }
}
