//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// How a provider's columns become the fields of a ticket record.
//
//===----------------------------------------------------------------------===//

package import Foundation
package import OversightModel

/// How a source's columns (CSV header names) or keys (JSON Lines, dotted paths allowed) map onto a
/// ``TicketRecord`` (`mapping` in a source of the agent configuration).
package struct FieldMappingConfiguration: Sendable {
    /// Oversight field → provider column or JSON key. `id`, `status` and `created_at` are required.
    package var fields: [TicketField: String]
    /// How timestamps are written.
    package var dateFormat: DateFormat = .iso8601
    /// Time zone for timestamps that carry no offset (patterns, offset-less ISO 8601).
    package var timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .gmt
    /// Provider status (lower-cased) → Oversight status. Oversight's own names are always accepted.
    package var statuses: [String: TicketStatus] = [:]
    /// Provider channel (lower-cased) → Oversight channel. Oversight's own names are always accepted.
    package var channels: [String: ContactChannel] = [:]
    /// Provider priority (lower-cased) → Oversight priority. Oversight's own names are always accepted.
    package var priorities: [String: Priority] = [:]
    /// Channel when the column is absent or empty.
    package var defaultChannel: ContactChannel = .email
    /// Priority when the column is absent or empty.
    package var defaultPriority: Priority = .normal
    /// Separator of tags in a text column (JSON arrays need none).
    package var tagsSeparator: String = ","
    /// Fields replaced by a keyed hash before anything is stored. Always contains `assignee`.
    package var pseudonymise: Set<TicketField> = [.assignee]
    /// The helpdesk export the files are in (`mapping.preset`), or `nil` for CSV and JSON Lines read by ``fields``.
    /// With a preset the connector normalises each exported ticket first, and ``fields`` name keys of that object.
    package var preset: ExportPreset?

    /// Creates a mapping.
    /// - Parameter fields: Oversight field → provider column or JSON key; must name `id`, `status` and `created_at`.
    package init(fields: [TicketField: String]) {
        self.fields = fields
    }
}
