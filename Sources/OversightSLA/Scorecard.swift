//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A head-office QA scorecard: versions, sections, items with weights and impacts.
//
//===----------------------------------------------------------------------===//

import Foundation

/// A QA scorecard of head office (`*.scorecard.yaml`, docs/audits.md "Scorecards"): one id, and its versions oldest first.
///
/// A provider's QA evaluation names a scorecard id and version; head office recomputes its score from the item results
/// with that version (``ScorecardVersion/score(_:)``). Pure: no I/O beyond ``load(file:)``, so an offline verifier can use it.
package struct Scorecard: Sendable, Hashable {
    /// The scorecard's id, as evaluations name it (`support-v2`).
    package var id: String
    /// A human-readable name.
    package var name: String?
    /// Versions, ordered by `effectiveFrom`, each with a distinct version string.
    package var versions: [ScorecardVersion]
    /// The file it was read from, for messages.
    package var file: String

    /// Creates a scorecard.
    /// - Parameters:
    ///   - id: The id evaluations name.
    ///   - name: A human-readable name.
    ///   - versions: Versions oldest first.
    ///   - file: The file it was read from.
    package init(id: String, name: String? = nil, versions: [ScorecardVersion], file: String = "") {
        self.id = id
        self.name = name
        self.versions = versions
        self.file = file
    }

    /// The version an evaluation names by its version string (`3`, `2026.1`), if the scorecard has it.
    package func version(named version: String) -> ScorecardVersion? {
        self.versions.first { $0.version == version }
    }

    /// The version in force at `instant`: the newest whose `effective_from` (00:00 UTC) is not after it; `nil` before the first.
    package func version(at instant: Date) -> ScorecardVersion? {
        self.versions.last { $0.effectiveInstant <= instant }
    }
}

/// One version of a scorecard: when it takes effect, whether a high-impact error zeroes the evaluation, its sections.
package struct ScorecardVersion: Sendable, Hashable {
    /// The version string evaluations carry (`3`, `2026.1`).
    package var version: String
    /// The first day it is in force.
    package var effectiveFrom: CivilDate
    /// Whether an evaluation with a failed high-impact item scores 0.
    package var highImpactZeroes: Bool
    /// The sections, in file order.
    package var sections: [ScorecardSection]

    /// Creates a version.
    /// - Parameters:
    ///   - version: The version string.
    ///   - effectiveFrom: The first day in force.
    ///   - highImpactZeroes: Whether a high-impact error zeroes the evaluation.
    ///   - sections: The sections.
    package init(version: String, effectiveFrom: CivilDate, highImpactZeroes: Bool, sections: [ScorecardSection]) {
        self.version = version
        self.effectiveFrom = effectiveFrom
        self.highImpactZeroes = highImpactZeroes
        self.sections = sections
    }

    /// 00:00 UTC of ``effectiveFrom``.
    package var effectiveInstant: Date { Date(timeIntervalSince1970: Double(self.effectiveFrom.dayNumber) * 86_400) }

    /// Every item of every section, in file order.
    package var items: [ScorecardItem] { self.sections.flatMap(\.items) }

    /// The sum of all items' weights (the denominator when no item is N/A).
    package var totalWeight: Double { self.items.reduce(0) { $0 + $1.weight } }
}

/// A titled group of items.
package struct ScorecardSection: Sendable, Hashable {
    /// The section's id, unique in its version.
    package var id: String
    /// Its title on the console.
    package var title: String?
    /// Its items, in file order.
    package var items: [ScorecardItem]

    /// Creates a section.
    /// - Parameters:
    ///   - id: Unique in the version.
    ///   - title: The title shown.
    ///   - items: The items.
    package init(id: String, title: String? = nil, items: [ScorecardItem]) {
        self.id = id
        self.title = title
        self.items = items
    }
}

/// What failing an item means (PRODUCT.md §2): a high-impact error acts against the SOP and harms the process or the
/// customer; a low-impact error leaves out a step without direct harm.
package enum ScorecardImpact: String, Sendable, Hashable, CaseIterable {
    /// Failing it is a high-impact (critical) error.
    case high
    /// Failing it is a low-impact error.
    case low
}

/// One item of a scorecard.
package struct ScorecardItem: Sendable, Hashable {
    /// The item's id, unique in its version; evaluations' item results name it.
    package var id: String
    /// What the auditor checks.
    package var text: String
    /// Its weight in the score (above 0).
    package var weight: Double
    /// The impact of failing it.
    package var impact: ScorecardImpact
    /// Whether an evaluation may leave it N/A (no result): it then leaves the denominator.
    package var naAllowed: Bool
    /// Whether it judges communication style (tone, empathy, language) rather than the process.
    package var communicationStyle: Bool

    /// Creates an item.
    /// - Parameters:
    ///   - id: Unique in the version.
    ///   - text: What is checked.
    ///   - weight: Above 0.
    ///   - impact: High or low.
    ///   - naAllowed: Whether it may be N/A.
    ///   - communicationStyle: Whether it is a communication-style item.
    package init(id: String, text: String, weight: Double, impact: ScorecardImpact, naAllowed: Bool = false, communicationStyle: Bool = false) {
        self.id = id
        self.text = text
        self.weight = weight
        self.impact = impact
        self.naAllowed = naAllowed
        self.communicationStyle = communicationStyle
    }
}
