//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The one logging bootstrap both executables call.
//
//===----------------------------------------------------------------------===//

import Logging

/// Bootstraps swift-log once per process: events at `level` or above go to standard error, as readable text
/// (swift-log's `StreamLogHandler`) or as one JSON object per line (``JSONLogHandler``).
package enum LogBootstrap {
    /// Bootstraps the logging system and returns the executable's root logger.
    /// - Parameters:
    ///   - label: the root logger's label (`oversight.coordinator`, `oversight.agent`).
    ///   - level: a swift-log level name; unknown names mean `info`.
    ///   - format: `text` or `json`; anything else means `text`.
    package static func bootstrap(label: String, level: String, format: String) -> Logger {
        let parsed = Logger.Level(rawValue: level) ?? .info
        let json = format == "json"
        LoggingSystem.bootstrap { label in
            if json {
                var handler = JSONLogHandler(label: label)
                handler.logLevel = parsed
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = parsed
            return handler
        }
        var logger = Logger(label: label)
        logger.logLevel = parsed
        return logger
    }
}
