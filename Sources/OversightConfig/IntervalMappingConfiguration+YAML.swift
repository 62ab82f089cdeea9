//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reading the `mapping` section of an `intervals` source.
//
//===----------------------------------------------------------------------===//

internal import Foundation
internal import OversightModel

extension IntervalMappingConfiguration {
    /// Reads the `mapping` section of an `intervals` source.
    ///
    /// Keys, all optional: `fields` (replaces the reference columns as a whole), `dates` (`format`, `time_zone`),
    /// `channels`, `defaults` (`channel`, `minutes`, `threshold_seconds`, `short_abandon_seconds`). See
    /// docs/configuration.md.
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem.
    package init(node: ConfigNode) throws(ConfigError) {
        try node.rejectUnknownKeys(allowed: ["fields", "dates", "channels", "defaults"])
        self.init()
        if let fieldsNode = try node.optional("fields") {
            var fields: [IntervalField: String] = [:]
            var columns: [String: IntervalField] = [:]
            for (key, column, valueNode) in try fieldsNode.stringMap() {
                guard let field = IntervalField(rawValue: key) else {
                    var message = "unknown interval field '\(key.prefix(64))'"
                    if let suggestion = ConfigNode.closest(to: key, in: IntervalField.allCases.map(\.rawValue)) {
                        message += " (did you mean '\(suggestion)'?)"
                    }
                    message += "; fields: " + IntervalField.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ConfigError(
                        code: .unknownKey, file: valueNode.file, line: valueNode.line, column: valueNode.column,
                        keyPath: fieldsNode.keyPath, message: message
                    )
                }
                guard !column.isEmpty else { throw valueNode.invalid(expected: "a column name or JSON key") }
                if let other = columns[column] {
                    throw valueNode.error("column '\(column.prefix(64))' is already mapped to '\(other.rawValue)'")
                }
                columns[column] = field
                fields[field] = column
            }
            self.fields = fields
            for field in IntervalField.required where fields[field] == nil {
                throw ConfigError(
                    code: .missingKey, file: fieldsNode.file, line: fieldsNode.valueLine, column: fieldsNode.valueColumn,
                    keyPath: fieldsNode.keyPath, message: "missing required field '\(field.rawValue)'"
                )
            }
        }
        if let dates = try node.optional("dates") {
            try dates.rejectUnknownKeys(allowed: ["format", "time_zone"])
            if let format = try dates.optional("format") { self.dateFormat = try FieldMappingConfiguration.dateFormat(format) }
            if let zoneNode = try dates.optional("time_zone") { self.timeZone = try FieldMappingConfiguration.timeZone(zoneNode) }
        }
        if let channels = try node.optional("channels") {
            self.channels = try FieldMappingConfiguration.valueMap(channels, ContactChannel.self)
        }
        if let defaults = try node.optional("defaults") {
            try defaults.rejectUnknownKeys(allowed: ["channel", "minutes", "threshold_seconds", "short_abandon_seconds"])
            if let channel = try defaults.optional("channel") { self.defaultChannel = try channel.choice(ContactChannel.self) }
            if let minutes = try defaults.optional("minutes") {
                self.defaultMinutes = try minutes.int(in: 1...IntervalRecord.Limits.maxMinutes)
            }
            if let threshold = try defaults.optional("threshold_seconds") {
                self.defaultThresholdSeconds = try threshold.int(in: 0...IntervalRecord.Limits.maxThresholdSeconds)
            }
            if let short = try defaults.optional("short_abandon_seconds") {
                self.defaultShortAbandonSeconds = try short.int(in: 0...IntervalRecord.Limits.maxThresholdSeconds)
            }
        }
        if let missing = self.missingRequirement {
            throw node.error(.missingKey, missing)
        }
    }
}
