//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reading a source's `mapping` section.
//
//===----------------------------------------------------------------------===//

internal import Foundation
internal import OversightModel

extension FieldMappingConfiguration {
    /// Reads a `mapping` section.
    ///
    /// Keys: `fields` (required unless `preset` is given), `preset` (`zendesk`, `freshdesk`), `dates` (`format`,
    /// `time_zone`), `statuses`, `channels`, `priorities`, `defaults` (`channel`, `priority`), `tags_separator`,
    /// `pseudonymise`. With a preset, `fields`, `statuses`, `channels` and `priorities` add to (and override) the
    /// preset's, and `dates` and `tags_separator` are refused (the vendors write ISO 8601 and JSON arrays). See
    /// docs/configuration.md.
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem.
    package init(node: ConfigNode) throws(ConfigError) {
        try node.rejectUnknownKeys(allowed: [
            "fields", "preset", "dates", "statuses", "channels", "priorities", "defaults", "tags_separator", "pseudonymise",
        ])

        if let presetNode = try node.optional("preset") {
            let name = try presetNode.string(maxLength: 64)
            guard let preset = ExportPreset.all.first(where: { $0.name == name.lowercased() }) else {
                throw presetNode.invalid(expected: "one of " + ExportPreset.all.map(\.name).joined(separator: ", "))
            }
            for key in ["dates", "tags_separator"] {
                if let refused = try node.optional(key) {
                    throw refused.error("not used with preset \(preset.name): its files are read as \(preset.name) writes them (ISO 8601 times, JSON arrays)")
                }
            }
            self = preset.mapping
            self.preset = preset
            if let fieldsNode = try node.optional("fields") {
                for (field, key) in try Self.fieldMap(fieldsNode, kind: "ticket", required: [TicketField]()) { self.fields[field] = key }
            }
        } else {
            let fieldsNode = try node.required("fields")
            let fields = try Self.fieldMap(fieldsNode, kind: "ticket", required: TicketField.required)
            self.init(fields: fields)
        }

        if let dates = try node.optional("dates") {
            try dates.rejectUnknownKeys(allowed: ["format", "time_zone"])
            if let format = try dates.optional("format") {
                self.dateFormat = try Self.dateFormat(format)
            }
            if let zoneNode = try dates.optional("time_zone") { self.timeZone = try Self.timeZone(zoneNode) }
        }
        if let statuses = try node.optional("statuses") { self.statuses.merge(try Self.valueMap(statuses, TicketStatus.self)) { $1 } }
        if let channels = try node.optional("channels") { self.channels.merge(try Self.valueMap(channels, ContactChannel.self)) { $1 } }
        if let priorities = try node.optional("priorities") { self.priorities.merge(try Self.valueMap(priorities, Priority.self)) { $1 } }
        if let defaults = try node.optional("defaults") {
            try defaults.rejectUnknownKeys(allowed: ["channel", "priority"])
            if let channel = try defaults.optional("channel") { self.defaultChannel = try channel.choice(ContactChannel.self) }
            if let priority = try defaults.optional("priority") { self.defaultPriority = try priority.choice(Priority.self) }
        }
        if let separator = try node.optional("tags_separator") {
            self.tagsSeparator = try separator.string(maxLength: 8)
        }
        if let pseudonymise = try node.optional("pseudonymise") {
            for item in try pseudonymise.items() {
                let field = try item.choice(
                    KeyValuePairs(dictionaryLiteral: ("id", TicketField.id), ("assignee", .assignee), ("queue", .queue), ("tags", .tags))
                )
                self.pseudonymise.insert(field)
            }
        }
    }

    /// Reads the `mapping` of a source whose connector fixes the preset (`from: rt5`): `fields`, `statuses`,
    /// `channels`, `priorities`, `defaults` and `pseudonymise` add to (and override) `base`; nothing else is allowed.
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem.
    package init(overriding base: FieldMappingConfiguration, node: ConfigNode) throws(ConfigError) {
        try node.rejectUnknownKeys(allowed: ["fields", "statuses", "channels", "priorities", "defaults", "pseudonymise"])
        self = base
        if let fieldsNode = try node.optional("fields") {
            for (field, key) in try Self.fieldMap(fieldsNode, kind: "ticket", required: [TicketField]()) { self.fields[field] = key }
        }
        if let statuses = try node.optional("statuses") { self.statuses.merge(try Self.valueMap(statuses, TicketStatus.self)) { $1 } }
        if let channels = try node.optional("channels") { self.channels.merge(try Self.valueMap(channels, ContactChannel.self)) { $1 } }
        if let priorities = try node.optional("priorities") { self.priorities.merge(try Self.valueMap(priorities, Priority.self)) { $1 } }
        if let defaults = try node.optional("defaults") {
            try defaults.rejectUnknownKeys(allowed: ["channel", "priority"])
            if let channel = try defaults.optional("channel") { self.defaultChannel = try channel.choice(ContactChannel.self) }
            if let priority = try defaults.optional("priority") { self.defaultPriority = try priority.choice(Priority.self) }
        }
        if let pseudonymise = try node.optional("pseudonymise") {
            for item in try pseudonymise.items() {
                let field = try item.choice(
                    KeyValuePairs(dictionaryLiteral: ("id", TicketField.id), ("assignee", .assignee), ("queue", .queue), ("tags", .tags))
                )
                self.pseudonymise.insert(field)
            }
        }
    }

    /// Reads an IANA time zone name (`mapping.dates.time_zone`).
    static func timeZone(_ node: ConfigNode) throws(ConfigError) -> TimeZone {
        let name = try node.string(maxLength: 64)
        guard let zone = TimeZone(identifier: name) else {
            throw node.invalid(expected: "an IANA time zone such as UTC, Europe/Paris or America/New_York")
        }
        return zone
    }

    /// Reads `mapping.dates.format`: `iso8601`, `unix`, `unix_ms` or a date pattern (shared by every source kind).
    static func dateFormat(_ node: ConfigNode) throws(ConfigError) -> DateFormat {
        let text = try node.string(maxLength: 64)
        switch text {
        case "iso8601": return .iso8601
        case "unix": return .unix
        case "unix_ms": return .unixMilliseconds
        default:
            switch DatePattern.compile(text) {
            case .success(let pattern): return .pattern(pattern)
            case .failure(let error):
                throw node.error("expected iso8601, unix, unix_ms or a date pattern; \(error.message)")
            }
        }
    }

    /// Reads `provider value: oversight value` pairs; keys are lower-cased for case-insensitive matching.
    static func valueMap<Value: RawRepresentable & CaseIterable>(
        _ node: ConfigNode, _ type: Value.Type
    ) throws(ConfigError) -> [String: Value] where Value.RawValue == String {
        var result: [String: Value] = [:]
        for (key, _, valueNode) in try node.stringMap() {
            let lowered = key.lowercased()
            guard result[lowered] == nil else {
                throw valueNode.error("'\(key.prefix(64))' is mapped twice (provider values are matched case-insensitively)")
            }
            result[lowered] = try valueNode.choice(Value.self)
        }
        return result
    }
}

extension FieldMappingConfiguration {
    /// Reads a `fields` section (Oversight field → the source's column or JSON key) of any record kind: unknown fields
    /// (with a suggestion), empty names, a column mapped twice and missing required fields are refused at their line.
    /// - Parameters:
    ///   - fieldsNode: the `fields` mapping.
    ///   - kind: the record kind named in messages (`ticket`, `interval`, `evaluation`).
    ///   - required: fields every mapping of the kind must name.
    static func fieldMap<Field>(_ fieldsNode: ConfigNode, kind: String, required: [Field]) throws(ConfigError) -> [Field: String]
    where Field: RawRepresentable & CaseIterable & Hashable, Field.RawValue == String {
        var fields: [Field: String] = [:]
        var columns: [String: Field] = [:]
        for (key, column, valueNode) in try fieldsNode.stringMap() {
            guard let field = Field(rawValue: key) else {
                var message = "unknown \(kind) field '\(key.prefix(64))'"
                if let suggestion = ConfigNode.closest(to: key, in: Field.allCases.map(\.rawValue)) {
                    message += " (did you mean '\(suggestion)'?)"
                }
                message += "; fields: " + Field.allCases.map(\.rawValue).joined(separator: ", ")
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
        for field in required where fields[field] == nil {
            throw ConfigError(
                code: .missingKey, file: fieldsNode.file, line: fieldsNode.valueLine, column: fieldsNode.valueColumn,
                keyPath: fieldsNode.keyPath, message: "missing required field '\(field.rawValue)'"
            )
        }
        return fields
    }
}
