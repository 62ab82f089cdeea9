//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reading *.scorecard.yaml: every key, every rule, and file:line errors.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightModel
import OversightSLA
import Testing

@Suite struct ScorecardTests {
    static let scorecardsDirectory = TestSupport.repositoryRoot.appendingPathComponent("deploy/scorecards")

    /// A valid two-version scorecard; tests replace one line of it.
    static let valid = """
        id: qa-main
        name: Main QA
        versions:
          - version: "1"
            effective_from: 2026-01-01
            high_impact_zeroes: false
            sections:
              - id: opening
                title: Opening
                items:
                  - {id: greeting, text: Greets, weight: 1, impact: low, communication_style: true}
                  - {id: verification, text: Verifies, weight: 2.5, impact: high, na_allowed: true}
          - version: "2026.2"
            effective_from: 2026-07-01
            high_impact_zeroes: true
            sections:
              - id: all
                items:
                  - {id: greeting, text: Greets, weight: 1, impact: low}
        """

    static func replacing(_ old: String, with new: String) -> String {
        precondition(Self.valid.contains(old), old)
        return Self.valid.replacingOccurrences(of: old, with: new)
    }

    @Test func everyKeyIsRead() throws {
        let scorecard = try Scorecard(yaml: Self.valid, file: "qa.scorecard.yaml")
        #expect(scorecard.id == "qa-main" && scorecard.name == "Main QA")
        #expect(scorecard.versions.map(\.version) == ["1", "2026.2"])
        let first = scorecard.versions[0]
        #expect(first.effectiveFrom.description == "2026-01-01" && !first.highImpactZeroes)
        #expect(first.sections.map(\.id) == ["opening"] && first.sections[0].title == "Opening")
        #expect(
            first.items == [
                ScorecardItem(id: "greeting", text: "Greets", weight: 1, impact: .low, naAllowed: false, communicationStyle: true),
                ScorecardItem(id: "verification", text: "Verifies", weight: 2.5, impact: .high, naAllowed: true, communicationStyle: false),
            ]
        )
        #expect(first.totalWeight == 3.5)
        #expect(scorecard.versions[1].highImpactZeroes && scorecard.versions[1].sections[0].title == nil)
    }

    @Test func versionsByEffectiveDateAndByName() throws {
        let scorecard = try Scorecard(yaml: Self.valid, file: "qa.scorecard.yaml")
        func at(_ text: String) -> String? { scorecard.version(at: ISO8601DateFormatter().date(from: text)!)?.version }
        #expect(at("2025-12-31T23:59:59Z") == nil)
        #expect(at("2026-01-01T00:00:00Z") == "1")
        #expect(at("2026-06-30T23:59:59Z") == "1")
        #expect(at("2026-07-01T00:00:00Z") == "2026.2")
        #expect(at("2030-01-01T00:00:00Z") == "2026.2")
        #expect(scorecard.version(named: "2026.2")?.effectiveFrom.description == "2026-07-01")
        #expect(scorecard.version(named: "3") == nil)
    }

    /// Each rule, with the file:line:column and key path of its error.
    @Test(arguments: [
        (replacing("id: qa-main", with: "id: qa main"), "qa.scorecard.yaml:1:5: id: expected a scorecard id of letters"),
        (replacing("name: Main QA", with: "nmae: Main QA"), "qa.scorecard.yaml:2:1: unknown key 'nmae' (did you mean 'name'?)"),
        (replacing("weight: 2.5", with: "weight: 0"), "qa.scorecard.yaml:12:56: versions[0].sections[0].items[1].weight: expected a weight above 0"),
        (replacing("weight: 2.5", with: "weight: -1"), "qa.scorecard.yaml:12:56: versions[0].sections[0].items[1].weight: expected a number from 0 to 1000000"),
        (replacing("weight: 2.5", with: "weight: lots"), "qa.scorecard.yaml:12:56: versions[0].sections[0].items[1].weight: expected a number"),
        (replacing("impact: high", with: "impact: critical"), "qa.scorecard.yaml:12:69: versions[0].sections[0].items[1].impact: expected one of high, low, got 'critical'"),
        (replacing("na_allowed: true", with: "na_allowed: maybe"), "qa.scorecard.yaml:12:87: versions[0].sections[0].items[1].na_allowed: expected true or false"),
        (replacing("{id: verification, text: Verifies,", with: "{id: greeting, text: Verifies,"), "qa.scorecard.yaml:12:18: versions[0].sections[0].items[1].id: an item with id 'greeting' is already defined"),
        (replacing("effective_from: 2026-07-01", with: "effective_from: 2026-01-01"), "qa.scorecard.yaml:14:21: versions[1].effective_from: effective_from must be after the previous version's (2026-01-01)"),
        (replacing("effective_from: 2026-07-01", with: "effective_from: 1 July"), "qa.scorecard.yaml:14:21: versions[1].effective_from: expected a date YYYY-MM-DD"),
        (replacing("version: \"2026.2\"", with: "version: \"1\""), "qa.scorecard.yaml:13:14: versions[1].version: version '1' is already defined"),
        (replacing("    high_impact_zeroes: true\n", with: ""), "qa.scorecard.yaml:13:5: versions[1]: missing required key 'high_impact_zeroes'"),
        (replacing("high_impact_zeroes: true", with: "high_impact_zeroes: yes"), "qa.scorecard.yaml:15:25: versions[1].high_impact_zeroes: expected true or false"),
        (replacing("{id: greeting, text: Greets, weight: 1, impact: low}", with: "{id: greeting, weight: 1, impact: low}"), "qa.scorecard.yaml:19:13: versions[1].sections[0].items[0]: missing required key 'text'"),
        (replacing("      - id: all\n        items:\n          - {id: greeting, text: Greets, weight: 1, impact: low}", with: "      - id: all\n        items: []"), "qa.scorecard.yaml:18:16: versions[1].sections[0].items: expected a list of at least one item"),
        (replacing("      - id: all", with: "      - id: opening\n      - id: all"), "qa.scorecard.yaml:17:9: versions[1].sections[0]: missing required key 'items'"),
        ("id: x\nversions: []\n", "qa.scorecard.yaml:2:11: versions: expected a list of at least one scorecard version"),
    ])
    func invalidFilesNameFileLineAndKey(yaml: String, expected: String) {
        #expect {
            try Scorecard(yaml: yaml, file: "qa.scorecard.yaml")
        } throws: { error in
            let text = "\(error)"
            let matches = text.hasPrefix(expected)
            if !matches { Issue.record("got: \(text)") }
            return matches
        }
    }

    @Test func everyShippedScorecardLoads() throws {
        let catalog = try ScorecardCatalog.load(directory: Self.scorecardsDirectory.path)
        #expect(catalog.scorecards.keys.sorted() == ["email-quality", "support-v2"])
        for (id, scorecard) in catalog.scorecards {
            #expect(scorecard.file.hasSuffix("/\(id).scorecard.yaml"))
        }
        // The demo's simulated providers evaluate on support-v2 version 2, with these items and weights.
        let version = try #require(catalog.version(scorecard: "support-v2", version: "2"))
        #expect(version.items.map(\.id) == ["greeting", "verification", "accuracy", "tone", "resolution-notes"])
        #expect(version.items.map(\.weight) == [1, 2, 3, 2, 1] && version.highImpactZeroes)
        // The copy the demo bundles is the same as deploy/scorecards.
        for name in ["email-quality.scorecard.yaml", "support-v2.scorecard.yaml"] {
            let bundled = TestSupport.repositoryRoot.appendingPathComponent("Coordinator/coordinator/Samples/scorecards/\(name)")
            #expect(try Data(contentsOf: bundled) == Data(contentsOf: Self.scorecardsDirectory.appendingPathComponent(name)), "\(name)")
        }
    }

    @Test func twoFilesWithOneIdAreRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scorecards-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.valid.write(to: folder.appendingPathComponent("a.scorecard.yaml"), atomically: true, encoding: .utf8)
        try Self.valid.write(to: folder.appendingPathComponent("b.scorecard.yaml"), atomically: true, encoding: .utf8)
        try "not a scorecard".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        #expect {
            try ScorecardCatalog.load(directory: folder.path)
        } throws: { error in
            "\(error)".hasSuffix("b.scorecard.yaml: id: scorecard 'qa-main' is also defined in \(folder.path)/a.scorecard.yaml")
        }
    }
}
