//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// oversight-coordinator scorecards check FILE… / scorecards list: head office's QA scorecards.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import OversightConfig
import OversightSLA

/// `oversight-coordinator scorecards …`: head-office QA scorecard files.
struct ScorecardsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scorecards",
        abstract: "Head-office QA scorecards (*.scorecard.yaml) that provider evaluations are recomputed with.",
        subcommands: [Check.self, List.self]
    )

    /// The folder the coordinator reads scorecards from: `--scorecards`, else the config's `scorecards:`, else `DATA/scorecards`.
    static func directory(explicit: String?, config: String?, data: DataOptions) throws -> String {
        if let explicit { return explicit }
        let settings = try CoordinatorSettings.load(file: config, dataOverride: data.data)
        return settings.scorecardsDirectory ?? settings.paths.directory + "/scorecards"
    }

    /// `scorecards check FILE…`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate scorecard files and print their versions, sections and weights.",
            discussion: "Checks every file given; exits non-zero if any is invalid, naming file:line:column and the key of each problem."
        )

        @Argument(help: "Scorecard files (YAML).") var files: [String]

        func validate() throws {
            guard !self.files.isEmpty else { throw ValidationError("name at least one scorecard file") }
        }

        func run() async throws {
            var failed = false
            var reports: [String] = []
            for file in self.files {
                do {
                    reports.append(ScorecardReport.render(try Scorecard.load(file: file)))
                } catch {
                    FileHandle.standardError.write(Data("\(error)\n".utf8))
                    failed = true
                }
            }
            if !reports.isEmpty { print(reports.joined(separator: "\n\n")) }
            if failed { throw ExitCode.failure }
        }
    }

    /// `scorecards list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the scorecards the coordinator loads (--scorecards, the config's scorecards:, else DATA/scorecards)."
        )

        @OptionGroup var data: DataOptions
        @Option(name: .long, help: "Coordinator configuration file (YAML).") var config: String?
        @Option(name: .long, help: "Folder of *.scorecard.yaml files (overrides the config).") var scorecards: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let folder = try ScorecardsCommand.directory(explicit: self.scorecards, config: self.config, data: self.data)
            let catalog: ScorecardCatalog
            if FileManager.default.fileExists(atPath: folder) {
                do {
                    catalog = try ScorecardCatalog.load(directory: folder)
                } catch {
                    FileHandle.standardError.write(Data("\(error)\n".utf8))
                    throw ExitCode.failure
                }
            } else {
                catalog = ScorecardCatalog()
            }
            let rows = catalog.scorecards.values.sorted { $0.id < $1.id }.flatMap { scorecard in
                scorecard.versions.map { ScorecardListRow(scorecard: scorecard, version: $0) }
            }
            if self.json {
                print(try JSONOutput.string(rows))
                return
            }
            guard !rows.isEmpty else {
                print("No scorecards in \(folder). Put *.scorecard.yaml files there (examples: deploy/scorecards).")
                return
            }
            var table = TextTable(columns: ["SCORECARD", "VERSION", "EFFECTIVE FROM", "SECTIONS", "ITEMS", "HIGH-IMPACT", "WEIGHT", "ZEROES", "FILE"])
            for row in rows {
                table.add([
                    row.id, row.version, row.effectiveFrom, "\(row.sections)", "\(row.items)", "\(row.highImpactItems)",
                    ScorecardReport.number(row.totalWeight), row.highImpactZeroes ? "yes" : "no", row.file,
                ])
            }
            print(table.render())
        }
    }
}

/// One scorecard version as `scorecards list --json` prints it.
struct ScorecardListRow: Encodable {
    var id: String
    var name: String?
    var version: String
    var effectiveFrom: String
    var highImpactZeroes: Bool
    var sections: Int
    var items: Int
    var highImpactItems: Int
    var totalWeight: Double
    var file: String

    init(scorecard: Scorecard, version: ScorecardVersion) {
        self.id = scorecard.id
        self.name = scorecard.name
        self.version = version.version
        self.effectiveFrom = version.effectiveFrom.description
        self.highImpactZeroes = version.highImpactZeroes
        self.sections = version.sections.count
        self.items = version.items.count
        self.highImpactItems = version.items.filter { $0.impact == .high }.count
        self.totalWeight = version.totalWeight
        self.file = scorecard.file
    }
}

/// The text `scorecards check` prints for a valid file.
enum ScorecardReport {
    static func render(_ scorecard: Scorecard) -> String {
        let count = scorecard.versions.count
        var lines = ["\(scorecard.file): valid — scorecard \(scorecard.id), \(count) version\(count == 1 ? "" : "s")"]
        if let name = scorecard.name { lines.append("  \(name)") }
        for (index, version) in scorecard.versions.enumerated() {
            let until = index + 1 < count ? " until \(scorecard.versions[index + 1].effectiveFrom)" : ""
            let high = version.items.filter { $0.impact == .high }.count
            lines.append("")
            lines.append(
                "Version \(version.version), in force from \(version.effectiveFrom)\(until): \(version.items.count) items, \(high) high-impact, "
                    + "total weight \(Self.number(version.totalWeight)); "
                    + (version.highImpactZeroes ? "a high-impact error zeroes the evaluation" : "a high-impact error loses its weight only")
            )
            var table = TextTable(columns: ["  SECTION", "ITEM", "WEIGHT", "SHARE", "IMPACT", "N/A", "STYLE"])
            for section in version.sections {
                for item in section.items {
                    table.add([
                        "  \(section.id)", item.id, Self.number(item.weight), String(format: "%.1f %%", 100 * item.weight / version.totalWeight),
                        item.impact.rawValue, item.naAllowed ? "allowed" : "no", item.communicationStyle ? "yes" : "",
                    ])
                }
            }
            lines.append(contentsOf: table.render().split(separator: "\n").map(String.init))
        }
        return lines.joined(separator: "\n")
    }

    /// `2`, `2.5`.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
