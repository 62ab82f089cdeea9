//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// How log events are written.
//
//===----------------------------------------------------------------------===//

/// The shape of the log on standard error: `text` (one readable line per event) or `json` (one JSON object per line).
package enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}
