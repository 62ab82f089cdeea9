//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reading one item of the agent's `sources` list.
//
//===----------------------------------------------------------------------===//

extension SourceConfiguration {
    /// Reads one item of `sources`.
    ///
    /// Keys: `name` and `path` (required), `kind` (`tickets`, the default, `intervals` or `evaluations`), `mapping`
    /// (required for tickets; optional for intervals and evaluations, whose default is the reference export's columns),
    /// `format`, `poll_interval`, `settle_time`, `site`, `csv`. A tickets source with `from: rt5` has an `rt5` block
    /// instead of `path` (see ``RequestTrackerConfiguration``), and its `mapping` is optional (overrides of RT's).
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem.
    package init(node: ConfigNode) throws(ConfigError) {
        try node.rejectUnknownKeys(allowed: [
            "name", "kind", "path", "format", "poll_interval", "settle_time", "site", "csv", "mapping", "from", "rt5",
        ])
        let nameNode = try node.required("name")
        let name = try nameNode.string(maxLength: 64)
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-".unicodeScalars)
        guard name.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
            throw nameNode.invalid(expected: "a name of 1 to 64 characters from A-Z a-z 0-9 _ . -")
        }
        let kind = try node.optional("kind").map { node throws(ConfigError) in try node.choice(Kind.self) } ?? .tickets
        if let fromNode = try node.optional("from") {
            guard try fromNode.string(maxLength: 16) == "rt5" else { throw fromNode.invalid(expected: "rt5") }
            guard kind == .tickets else { throw fromNode.error("from: rt5 reads tickets; use kind: tickets") }
            for key in ["path", "format", "settle_time", "csv"] {
                if let refused = try node.optional(key) { throw refused.error("not used with from: rt5 (the agent reads RT through REST2)") }
            }
            let rt = try RequestTrackerConfiguration(node: node.required("rt5"))
            var mapping = ExportPreset.rt5.mapping
            if let mappingNode = try node.optional("mapping") { mapping = try FieldMappingConfiguration(overriding: mapping, node: mappingNode) }
            self.init(name: name, path: rt.url, mapping: mapping)
            self.requestTracker = rt
            self.pollInterval = .seconds(30)
            if let poll = try node.optional("poll_interval") { self.pollInterval = try poll.duration(in: .seconds(1) ... .seconds(3_600)) }
            if let site = try node.optional("site") { self.site = try site.string(maxLength: 256) }
            return
        }
        if let rt = try node.optional("rt5") { throw rt.error("an rt5 block needs from: rt5") }
        let path = try node.required("path").string()
        switch kind {
        case .tickets:
            self.init(name: name, path: path, mapping: try FieldMappingConfiguration(node: node.required("mapping")))
        case .intervals:
            let mapping = try node.optional("mapping").map { node throws(ConfigError) in try IntervalMappingConfiguration(node: node) }
            self.init(name: name, path: path, intervalMapping: mapping ?? IntervalMappingConfiguration())
        case .evaluations:
            let mapping = try node.optional("mapping").map { node throws(ConfigError) in try EvaluationMappingConfiguration(node: node) }
            self.init(name: name, path: path, evaluationMapping: mapping ?? EvaluationMappingConfiguration())
        }
        if let formatNode = try node.optional("format") {
            self.format = try formatNode.choice(Format.self)
            if let preset = self.mapping.preset, self.format == .csv {
                throw formatNode.error("preset \(preset.name) reads JSON exports; use format auto (.json, .jsonl, .ndjson files) or jsonl")
            }
        }
        if let poll = try node.optional("poll_interval") {
            self.pollInterval = try poll.duration(in: .milliseconds(100) ... .seconds(3_600))
        }
        if let settle = try node.optional("settle_time") {
            self.settleTime = try settle.duration(in: .zero ... .seconds(3_600))
        }
        if let site = try node.optional("site") { self.site = try site.string(maxLength: 256) }
        if let csv = try node.optional("csv") {
            try csv.rejectUnknownKeys(allowed: ["delimiter", "quote"])
            if let delimiter = try csv.optional("delimiter") { self.csv.delimiter = try Self.csvCharacter(delimiter) }
            if let quote = try csv.optional("quote") { self.csv.quote = try Self.csvCharacter(quote) }
            if self.csv.delimiter == self.csv.quote {
                throw csv.error("delimiter and quote must be different characters")
            }
        }
    }

    private static func csvCharacter(_ node: ConfigNode) throws(ConfigError) -> UInt8 {
        let text = try node.string(maxLength: 1)
        guard let scalar = text.unicodeScalars.first, text.unicodeScalars.count == 1, scalar.isASCII,
            scalar != "\n", scalar != "\r"
        else {
            throw node.invalid(expected: "a single ASCII character other than a line break, such as \",\" \";\" or \"\\t\"")
        }
        return UInt8(scalar.value)
    }
}
