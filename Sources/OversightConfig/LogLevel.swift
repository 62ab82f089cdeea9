//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The log level an operator asks for.
//
//===----------------------------------------------------------------------===//

/// The least severe level that is logged. Raw values equal swift-log's `Logger.Level` raw values,
/// so `Logger.Level(rawValue: level.rawValue)` always succeeds.
package enum LogLevel: String, Sendable, CaseIterable, Comparable {
    case trace, debug, info, notice, warning, error, critical

    /// Orders levels from least (`trace`) to most severe (`critical`).
    package static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        Self.allCases.firstIndex(of: lhs)! < Self.allCases.firstIndex(of: rhs)!
    }
}
