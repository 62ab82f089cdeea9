//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// How a provider's interval report columns become the fields of an interval record.
//
//===----------------------------------------------------------------------===//

package import Foundation
package import OversightModel

/// How an `intervals` source's columns (CSV header names) or keys (JSON Lines, dotted paths allowed) map onto an
/// ``OversightModel/IntervalRecord`` (`mapping` of a source with `kind: intervals`).
///
/// Without `mapping.fields` the reference export's columns are used (``IntervalField/referenceColumns``).
package struct IntervalMappingConfiguration: Sendable {
    /// Oversight field → provider column or JSON key.
    package var fields: [IntervalField: String] = IntervalField.referenceColumns
    /// How timestamps are written.
    package var dateFormat: DateFormat = .iso8601
    /// Time zone for timestamps that carry no offset (patterns, offset-less ISO 8601).
    package var timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .gmt
    /// Provider channel (lower-cased) → Oversight channel. Oversight's own names are always accepted.
    package var channels: [String: ContactChannel] = [:]
    /// Channel when the column is unmapped or empty.
    package var defaultChannel: ContactChannel = .phone
    /// Interval length in minutes when the column is unmapped or empty.
    package var defaultMinutes: Int?
    /// Service-level threshold in seconds when the column is unmapped or empty.
    package var defaultThresholdSeconds: Int?
    /// Short-abandon limit in seconds when the column is unmapped or empty.
    package var defaultShortAbandonSeconds: Int?

    /// Creates a mapping; the default is the reference export's columns.
    /// - Parameter fields: Oversight field → provider column or JSON key.
    package init(fields: [IntervalField: String] = IntervalField.referenceColumns) {
        self.fields = fields
    }

    /// What is missing for a row to give every required value, or `nil` when nothing is.
    package var missingRequirement: String? {
        for field in IntervalField.required where self.fields[field] == nil {
            return "missing required field '\(field.rawValue)'"
        }
        if self.fields[.minutes] == nil && self.defaultMinutes == nil {
            return "map 'minutes' under mapping.fields or set mapping.defaults.minutes"
        }
        if self.fields[.thresholdSeconds] == nil && self.defaultThresholdSeconds == nil {
            return "map 'threshold_seconds' under mapping.fields or set mapping.defaults.threshold_seconds"
        }
        return nil
    }
}
