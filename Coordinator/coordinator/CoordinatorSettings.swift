//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Maps the YAML configuration onto the library's settings (CLI > file > defaults).
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightCoordinator
import OversightConfig
import OversightStore

struct CoordinatorSettings {
    var paths: CoordinatorPaths
    var listener = ListenerConfiguration()
    var synchronous: SQLiteStore.Synchronous = .full
    /// `store:` of the file (backend, PostgreSQL server); SQLite in the data directory by default.
    var store = CoordinatorConfiguration.Store()
    var logLevel = "info"
    var logFormat = "text"
    var serverHostnames: [String]?
    var contractsDirectory: String?
    var scorecardsDirectory: String?
    var alerts: CoordinatorConfiguration.Alerts?
    var aggregateInterval: Duration = .seconds(30)

    static func load(file: String?, dataOverride: String?) throws -> CoordinatorSettings {
        var settings = CoordinatorSettings(paths: CoordinatorPaths(directory: dataOverride ?? CoordinatorPaths.defaultDirectory))
        if let file {
            try settings.apply(file: file, dataOverride: dataOverride)
        }
        return settings
    }
}
