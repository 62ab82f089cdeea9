//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reading the `mapping` section of an `evaluations` source.
//
//===----------------------------------------------------------------------===//

internal import Foundation
internal import OversightModel

extension EvaluationMappingConfiguration {
    /// Reads the `mapping` section of an `evaluations` source.
    ///
    /// Keys, all optional: `fields` (replaces the reference keys as a whole), `dates` (`format`, `time_zone`),
    /// `channels`, `defaults` (`scorecard_version`). See docs/configuration.md.
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem.
    package init(node: ConfigNode) throws(ConfigError) {
        try node.rejectUnknownKeys(allowed: ["fields", "dates", "channels", "defaults"])
        self.init()
        if let fieldsNode = try node.optional("fields") {
            var fields: [EvaluationField: String] = [:]
            var columns: [String: EvaluationField] = [:]
            for (key, column, valueNode) in try fieldsNode.stringMap() {
                guard let field = EvaluationField(rawValue: key) else {
                    var message = "unknown evaluation field '\(key.prefix(64))'"
                    if let suggestion = ConfigNode.closest(to: key, in: EvaluationField.allCases.map(\.rawValue)) {
                        message += " (did you mean '\(suggestion)'?)"
                    }
                    message += "; fields: " + EvaluationField.allCases.map(\.rawValue).joined(separator: ", ")
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
            for field in EvaluationField.required where fields[field] == nil {
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
            try defaults.rejectUnknownKeys(allowed: ["scorecard_version"])
            if let version = try defaults.optional("scorecard_version") {
                self.defaultScorecardVersion = try version.string(maxLength: EvaluationRecord.Limits.maxVersionLength)
            }
        }
        if let missing = self.missingRequirement {
            throw node.error(.missingKey, missing)
        }
    }
}
