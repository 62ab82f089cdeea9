//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reading and validating a *.scorecard.yaml file.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightModel

extension Scorecard {
    /// Reads and validates a scorecard file.
    /// - Parameter path: The `*.scorecard.yaml` file.
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem.
    package static func load(file path: String) throws(ConfigError) -> Scorecard {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(code: .unreadableFile, file: path, message: "cannot read the scorecard file")
        }
        return try Scorecard(yaml: text, file: path)
    }

    /// Largest item weight (as an evaluation record's).
    package static let maxWeight = EvaluationRecord.Limits.maxWeight

    /// Parses and validates a scorecard. The format is documented in docs/audits.md ("Scorecards"):
    ///
    /// ```yaml
    /// id: support-v2
    /// name: Support interactions
    /// versions:
    ///   - version: "2"
    ///     effective_from: 2026-01-01
    ///     high_impact_zeroes: true
    ///     sections:
    ///       - id: opening
    ///         title: Opening
    ///         items:
    ///           - {id: greeting, text: Greets the customer, weight: 1, impact: low, communication_style: true}
    ///           - {id: verification, text: Verifies the caller, weight: 2, impact: high, na_allowed: true}
    /// ```
    /// - Parameters:
    ///   - yaml: The file's text.
    ///   - file: The file name to show in errors.
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem.
    package init(yaml: String, file: String) throws(ConfigError) {
        let root = try ConfigNode.parse(yaml: yaml, file: file)
        try root.rejectUnknownKeys(allowed: ["id", "name", "versions"])
        let id = try Self.identifier(try root.required("id"), what: "a scorecard id")
        let name = try root.optional("name")?.string(maxLength: 256)
        let versionsNode = try root.required("versions")
        var versions: [ScorecardVersion] = []
        for node in try versionsNode.items() {
            let version = try Self.version(node)
            if let previous = versions.last, version.effectiveFrom <= previous.effectiveFrom {
                throw try node.required("effective_from").error(
                    "effective_from must be after the previous version's (\(previous.effectiveFrom)); list versions oldest first"
                )
            }
            if versions.contains(where: { $0.version == version.version }) {
                throw try node.required("version").error("version '\(version.version)' is already defined in this scorecard")
            }
            versions.append(version)
        }
        guard !versions.isEmpty else { throw versionsNode.invalid(expected: "a list of at least one scorecard version") }
        self.init(id: id, name: name, versions: versions, file: file)
    }

    /// An id of letters, digits, `-`, `_` or `.`, at most 256 characters (an evaluation's item and scorecard limit).
    static func identifier(_ node: ConfigNode, what: String) throws(ConfigError) -> String {
        let value = try node.string(maxLength: EvaluationRecord.Limits.maxStringLength)
        guard value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw node.invalid(expected: "\(what) of letters, digits, '-', '_' or '.'")
        }
        return value
    }

    static func version(_ node: ConfigNode) throws(ConfigError) -> ScorecardVersion {
        try node.rejectUnknownKeys(allowed: ["version", "effective_from", "high_impact_zeroes", "sections"])
        let versionNode = try node.required("version")
        let version = try versionNode.string(maxLength: EvaluationRecord.Limits.maxVersionLength)
        guard !version.contains(where: \.isWhitespace) else { throw versionNode.invalid(expected: "a version without spaces (such as 3 or 2026.1)") }
        let effectiveFrom = try node.required("effective_from").civilDate()
        let zeroes = try node.required("high_impact_zeroes").bool()
        let sectionsNode = try node.required("sections")
        var sections: [ScorecardSection] = []
        var itemIds: Set<String> = []
        for sectionNode in try sectionsNode.items() {
            try sectionNode.rejectUnknownKeys(allowed: ["id", "title", "items"])
            let idNode = try sectionNode.required("id")
            let sectionId = try Self.identifier(idNode, what: "a section id")
            if sections.contains(where: { $0.id == sectionId }) {
                throw idNode.error("a section with id '\(sectionId)' is already defined in this version")
            }
            let title = try sectionNode.optional("title")?.string(maxLength: 256)
            let itemsNode = try sectionNode.required("items")
            var items: [ScorecardItem] = []
            for itemNode in try itemsNode.items() {
                let item = try Self.item(itemNode)
                guard itemIds.insert(item.id).inserted else {
                    throw try itemNode.required("id").error(
                        "an item with id '\(item.id)' is already defined in this version (ids are unique across sections)")
                }
                items.append(item)
            }
            guard !items.isEmpty else { throw itemsNode.invalid(expected: "a list of at least one item") }
            sections.append(ScorecardSection(id: sectionId, title: title, items: items))
        }
        guard !sections.isEmpty else { throw sectionsNode.invalid(expected: "a list of at least one section") }
        guard itemIds.count <= EvaluationRecord.Limits.maxItems else {
            throw sectionsNode.error("\(itemIds.count) items; an evaluation carries at most \(EvaluationRecord.Limits.maxItems)")
        }
        return ScorecardVersion(version: version, effectiveFrom: effectiveFrom, highImpactZeroes: zeroes, sections: sections)
    }

    static func item(_ node: ConfigNode) throws(ConfigError) -> ScorecardItem {
        try node.rejectUnknownKeys(allowed: ["id", "text", "weight", "impact", "na_allowed", "communication_style"])
        let id = try Self.identifier(try node.required("id"), what: "an item id")
        let text = try node.required("text").string(maxLength: 1000)
        let weightNode = try node.required("weight")
        let weight = try weightNode.decimal(in: 0...Self.maxWeight)
        guard weight > 0 else { throw weightNode.invalid(expected: "a weight above 0 (leave an item out rather than weigh it 0)") }
        let impact = try node.required("impact").choice(ScorecardImpact.self)
        return ScorecardItem(
            id: id, text: text, weight: weight, impact: impact, naAllowed: try node.optional("na_allowed")?.bool() ?? false,
            communicationStyle: try node.optional("communication_style")?.bool() ?? false
        )
    }
}
