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
            self.fields = try FieldMappingConfiguration.fieldMap(fieldsNode, kind: "evaluation", required: EvaluationField.required)
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
