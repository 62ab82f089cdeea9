//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One folder of provider exports the agent reads.
//
//===----------------------------------------------------------------------===//

/// A folder into which a provider's export jobs drop CSV or JSON Lines files (an item of `sources`).
package struct SourceConfiguration: Sendable {
    /// What a source holds.
    package enum Kind: String, Sendable, CaseIterable {
        /// Ticket exports, mapped to ``OversightModel/TicketRecord``.
        case tickets
        /// Interval reports (counts and sums per queue and interval), mapped to ``OversightModel/IntervalRecord``.
        case intervals
        /// QA evaluations (audit samples), mapped to ``OversightModel/EvaluationRecord``.
        case evaluations
    }

    /// How files in the folder are read.
    package enum Format: String, Sendable, CaseIterable {
        /// By extension: `.csv` → CSV, `.jsonl` / `.ndjson` → JSON Lines; other files are ignored. With a
        /// `mapping.preset`, `.json`, `.jsonl` and `.ndjson` files are read as the preset's JSON export.
        case auto
        /// Every file is CSV, whatever its extension.
        case csv
        /// Every file is JSON Lines (with a preset: the preset's JSON export), whatever its extension.
        case jsonl
    }

    /// CSV dialect.
    package struct CSVOptions: Sendable, Hashable {
        /// Field separator, one ASCII character.
        package var delimiter: UInt8 = UInt8(ascii: ",")
        /// Quote character, one ASCII character; doubled inside a quoted field.
        package var quote: UInt8 = UInt8(ascii: "\"")

        /// Creates CSV options; the defaults are RFC 4180's.
        package init(delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\"")) {
            self.delimiter = delimiter
            self.quote = quote
        }
    }

    /// The Request Tracker 5 that a `from: rt5` source polls; `nil` for a folder source.
    package var requestTracker: RequestTrackerConfiguration?
    /// Unique name of the source, `[A-Za-z0-9_.-]{1,64}`; appears in logs and the agent's status.
    package var name: String
    /// What the source holds.
    package var kind: Kind = .tickets
    /// The folder to watch (a `from: rt5` source: RT's URL, shown in status).
    package var path: String
    /// How files are read.
    package var format: Format = .auto
    /// How often the folder is listed.
    package var pollInterval: Duration = .milliseconds(500)
    /// How long a file must stay unchanged (size and modification time) before it is read.
    package var settleTime: Duration = .milliseconds(500)
    /// Site that the records belong to; `nil` means the agent's enrolled site.
    package var site: String?
    /// CSV dialect.
    package var csv: CSVOptions = .init()
    /// How columns become ticket fields (a `tickets` source).
    package var mapping: FieldMappingConfiguration
    /// How columns become interval fields (an `intervals` source); the reference export's columns by default.
    package var intervalMapping: IntervalMappingConfiguration = .init()
    /// How columns become QA evaluation fields (an `evaluations` source); the reference export's keys by default.
    package var evaluationMapping: EvaluationMappingConfiguration = .init()

    /// Creates a `tickets` source configuration with defaults for everything but its name, folder and mapping.
    /// - Parameters:
    ///   - name: Unique name of the source.
    ///   - path: The folder to watch.
    ///   - mapping: How columns become ticket fields.
    package init(name: String, path: String, mapping: FieldMappingConfiguration) {
        self.name = name
        self.path = path
        self.mapping = mapping
    }

    /// Creates an `intervals` source configuration with defaults for everything but its name, folder and mapping.
    /// - Parameters:
    ///   - name: Unique name of the source.
    ///   - path: The folder to watch.
    ///   - intervalMapping: How columns become interval fields.
    package init(name: String, path: String, intervalMapping: IntervalMappingConfiguration) {
        self.name = name
        self.kind = .intervals
        self.path = path
        self.mapping = FieldMappingConfiguration(fields: [:])
        self.intervalMapping = intervalMapping
    }

    /// Creates an `evaluations` source configuration with defaults for everything but its name, folder and mapping.
    /// - Parameters:
    ///   - name: Unique name of the source.
    ///   - path: The folder to watch.
    ///   - evaluationMapping: How columns become QA evaluation fields.
    package init(name: String, path: String, evaluationMapping: EvaluationMappingConfiguration) {
        self.name = name
        self.kind = .evaluations
        self.path = path
        self.mapping = FieldMappingConfiguration(fields: [:])
        self.evaluationMapping = evaluationMapping
    }
}
