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
            self.fields = try FieldMappingConfiguration.fieldMap(fieldsNode, kind: "interval", required: IntervalField.required)
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
