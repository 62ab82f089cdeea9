//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// How a QA tool's export columns become the fields of a QA evaluation record.
//
//===----------------------------------------------------------------------===//

package import Foundation
package import OversightModel

/// How an `evaluations` source's columns (CSV header names) or keys (JSON Lines, dotted paths allowed) map onto an
/// ``OversightModel/EvaluationRecord`` (`mapping` of a source with `kind: evaluations`).
///
/// Without `mapping.fields` the reference export's keys are used (``EvaluationField/referenceColumns``).
package struct EvaluationMappingConfiguration: Sendable {
    /// Oversight field → provider column or JSON key.
    package var fields: [EvaluationField: String] = EvaluationField.referenceColumns
    /// How timestamps are written.
    package var dateFormat: DateFormat = .iso8601
    /// Time zone for timestamps that carry no offset (patterns, offset-less ISO 8601).
    package var timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .gmt
    /// Provider channel (lower-cased) → Oversight channel. Oversight's own names are always accepted.
    package var channels: [String: ContactChannel] = [:]
    /// Scorecard version when the column is unmapped or empty.
    package var defaultScorecardVersion: String?

    /// Creates a mapping; the default is the reference export's keys.
    /// - Parameter fields: Oversight field → provider column or JSON key.
    package init(fields: [EvaluationField: String] = EvaluationField.referenceColumns) {
        self.fields = fields
    }

    /// What is missing for a row to give every required value, or `nil` when nothing is.
    package var missingRequirement: String? {
        for field in EvaluationField.required where self.fields[field] == nil {
            return "missing required field '\(field.rawValue)'"
        }
        if self.fields[.scorecardVersion] == nil && self.defaultScorecardVersion == nil {
            return "map 'scorecard_version' under mapping.fields or set mapping.defaults.scorecard_version"
        }
        if self.fields[.items] == nil && (self.fields[.highImpactErrors] == nil || self.fields[.lowImpactErrors] == nil) {
            return "map 'items', or both 'high_impact_errors' and 'low_impact_errors', under mapping.fields"
        }
        return nil
    }
}
