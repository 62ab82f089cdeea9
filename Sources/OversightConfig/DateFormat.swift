//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// How a provider writes its timestamps.
//
//===----------------------------------------------------------------------===//

/// How a source writes timestamps (`mapping.dates.format`).
package enum DateFormat: Sendable, Hashable, CustomStringConvertible {
    /// ISO 8601 / RFC 3339: `2026-03-29T01:30:00Z`, `2026-03-29 01:30:00.250+02:00`, `2026-03-29T01:30`,
    /// `2026-03-29`; values without an offset are read in the configured time zone.
    case iso8601
    /// Seconds since 1970-01-01T00:00:00Z, optionally with a fraction.
    case unix
    /// Milliseconds since 1970-01-01T00:00:00Z.
    case unixMilliseconds
    /// A fixed layout, read in the configured time zone.
    case pattern(DatePattern)

    /// The format as written in the configuration.
    package var description: String {
        switch self {
        case .iso8601: "iso8601"
        case .unix: "unix"
        case .unixMilliseconds: "unix_ms"
        case .pattern(let pattern): pattern.text
        }
    }
}
