//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightTesting
import Testing

extension EndToEnd {
    /// Issue 10: `oversight-coordinator scorecards check FILE…` validates scorecards with file:line errors and a non-zero
    /// exit; `scorecards list` shows the folder the coordinator loads.
    @Suite struct ScorecardsCommandTests {
        static var examples: String { Binaries.repositoryRoot.appendingPathComponent("deploy/scorecards").path }

        @Test(.timeLimit(.minutes(1)))
        func theExampleScorecardsAreValid() async throws {
            let files = ["email-quality", "support-v2"].map { "\(Self.examples)/\($0).scorecard.yaml" }
            let result = try await runCommand(try Binaries.coordinator(), ["scorecards", "check"] + files)
            #expect(result.exitCode == 0, "\(result)")
            #expect(result.stdout.contains("\(files[1]): valid — scorecard support-v2, 2 versions"), "\(result)")
            #expect(result.stdout.contains("Version 2, in force from 2026-01-01: 5 items, 2 high-impact, total weight 9; a high-impact error zeroes"))
            #expect(result.stdout.contains("Version 1, in force from 2025-01-01 until 2026-01-01"))
            #expect(result.stderr.isEmpty, "\(result.stderr)")
        }

        @Test(.timeLimit(.minutes(1)))
        func anInvalidFileIsNamedWithItsLineAndFailsTheCommand() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-scorecards-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let bad = folder.appendingPathComponent("bad.scorecard.yaml").path
            try """
                id: bad
                versions:
                  - version: "1"
                    effective_from: 2026-01-01
                    high_impact_zeroes: true
                    sections:
                      - id: all
                        items:
                          - id: greeting
                            text: Greets
                            weight: 1
                            impact: critical

                """.write(toFile: bad, atomically: true, encoding: .utf8)
            let good = "\(Self.examples)/email-quality.scorecard.yaml"
            // The valid file is still checked and reported; the invalid one fails the command.
            let result = try await runCommand(try Binaries.coordinator(), ["scorecards", "check", bad, good])
            #expect(result.exitCode != 0, "\(result)")
            #expect(
                result.stderr == "\(bad):12:21: versions[0].sections[0].items[0].impact: expected one of high, low, got 'critical'\n", "\(result)"
            )
            #expect(result.stdout.contains("\(good): valid"))
            let missing = try await runCommand(try Binaries.coordinator(), ["scorecards", "check", folder.appendingPathComponent("nope.yaml").path])
            #expect(missing.exitCode != 0 && missing.stderr.contains("nope.yaml: cannot read the scorecard file"), "\(missing)")

            // `list` reads a folder; an invalid file there fails it too.
            let list = try await runCommand(try Binaries.coordinator(), ["scorecards", "list", "--scorecards", Self.examples, "--json"])
            #expect(list.exitCode == 0, "\(list)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
            #expect(rows.map { "\($0["id"] ?? "") v\($0["version"] ?? "")" } == ["email-quality v3", "support-v2 v1", "support-v2 v2"])
            let invalidFolder = try await runCommand(try Binaries.coordinator(), ["scorecards", "list", "--scorecards", folder.path])
            #expect(invalidFolder.exitCode != 0 && invalidFolder.stderr.contains("bad.scorecard.yaml:12:21:"), "\(invalidFolder)")
        }
    }
}
