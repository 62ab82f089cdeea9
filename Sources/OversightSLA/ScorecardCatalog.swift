//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The scorecards head office has loaded, by id: a folder of *.scorecard.yaml files.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig

/// The loaded scorecards, by id (the coordinator's `scorecards:` folder, default `DATA/scorecards`).
package struct ScorecardCatalog: Sendable, Hashable {
    /// Scorecards by id.
    package var scorecards: [String: Scorecard]

    /// A catalog of `scorecards`.
    /// - Parameter scorecards: Scorecards with distinct ids.
    package init(_ scorecards: [Scorecard] = []) {
        self.scorecards = Dictionary(scorecards.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Whether no scorecard is loaded.
    package var isEmpty: Bool { self.scorecards.isEmpty }

    /// The scorecard version an evaluation names, if loaded.
    package func version(scorecard id: String, version: String) -> ScorecardVersion? {
        self.scorecards[id]?.version(named: version)
    }

    /// Reads every `*.scorecard.yaml` of `directory` (not its subfolders), in name order.
    /// - Throws: ``ConfigError`` for the first invalid file, or naming both files when two define the same id.
    package static func load(directory: String) throws(ConfigError) -> ScorecardCatalog {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".scorecard.yaml") }.sorted()
        } catch {
            throw ConfigError(code: .unreadableFile, file: directory, message: "cannot list the scorecards folder")
        }
        var loaded: [Scorecard] = []
        for name in names {
            let scorecard = try Scorecard.load(file: (directory as NSString).appendingPathComponent(name))
            if let other = loaded.first(where: { $0.id == scorecard.id }) {
                throw ConfigError(
                    code: .invalidValue, file: scorecard.file, keyPath: "id", message: "scorecard '\(scorecard.id)' is also defined in \(other.file)"
                )
            }
            loaded.append(scorecard)
        }
        return ScorecardCatalog(loaded)
    }
}
