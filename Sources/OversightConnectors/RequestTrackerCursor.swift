//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// How far a Request Tracker source has read: the `LastUpdated` second and the tickets already taken at it.
//
//===----------------------------------------------------------------------===//

internal import Foundation

/// A source's position in RT: every ticket last updated before ``since`` has been taken, and so have the tickets in
/// ``takenAtSince`` (last updated exactly at ``since``). RT keeps `LastUpdated` to the second, so the next search asks
/// for `LastUpdated >= since` and skips those tickets: a restart re-reads at most one second's window.
package struct RequestTrackerCursor: Sendable, Hashable, Codable {
    /// A UTC time as TicketSQL takes it, `YYYY-MM-DD HH:MM:SS`.
    package var since: String
    /// Ids of tickets taken whose `LastUpdated` is ``since``, in their version at that second.
    package var takenAtSince: [String]

    /// The start: everything in the queues is read (from 2000: RT cannot parse the epoch with a zone as a search date).
    package static let start = RequestTrackerCursor(since: "2000-01-01 00:00:00", takenAtSince: [])

    /// Creates a cursor.
    package init(since: String, takenAtSince: [String]) {
        self.since = since
        self.takenAtSince = takenAtSince
    }

    /// The cursor as stored in the outbox's state table.
    package var stored: String {
        (try? JSONEncoder().encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// A stored cursor, or `nil` when the text is not one.
    package init?(stored: String) {
        guard let cursor = try? JSONDecoder().decode(Self.self, from: Data(stored.utf8)) else { return nil }
        self = cursor
    }

    /// The TicketSQL form (`YYYY-MM-DD HH:MM:SS`, UTC) of an RT time (`2026-12-07T04:31:00Z`).
    static func sqlTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(parts.year ?? 1970)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))"
    }
}
