//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Flags an agent whose clock is off: each heartbeat's `sentAt` against the coordinator's clock when it arrives.
//
//===----------------------------------------------------------------------===//

import Foundation
import Synchronization

/// Compares the time an agent says it sent each heartbeat with the time the heartbeat arrived.
///
/// Record times come from the provider's exports, not from the agent's clock, so a wrong agent clock changes no
/// figure; it does misdate the agent's heartbeats and outbox ages, and it is often the sign of a host whose other
/// clocks (the helpdesk's, the export job's) are wrong too. A skew beyond ``threshold`` is reported once per agent
/// and direction, again after ``repeatAfter`` while it lasts, and forgotten once the clock is right again.
package final class ClockSkewWatch: Sendable {
    /// Skew that is reported: two minutes, far above the network's delay and NTP's error.
    package static let threshold: TimeInterval = 120
    /// How often a lasting skew is reported again.
    package static let repeatAfter: TimeInterval = 3_600

    private struct Report { var at: Date; var ahead: Bool }
    private let reported = Mutex<[String: Report]>([:])

    /// Creates a watch with nothing reported.
    package init() {}

    /// The skew to report now for this heartbeat (positive: the agent's clock is ahead), or `nil`.
    package func check(agentId: String, sentAt: Date, receivedAt: Date) -> TimeInterval? {
        let skew = sentAt.timeIntervalSince(receivedAt)
        return self.reported.withLock { reported in
            guard abs(skew) > Self.threshold else {
                reported[agentId] = nil
                return nil
            }
            if let last = reported[agentId], last.ahead == (skew > 0), receivedAt.timeIntervalSince(last.at) < Self.repeatAfter {
                return nil
            }
            reported[agentId] = Report(at: receivedAt, ahead: skew > 0)
            return skew
        }
    }

    /// `the agent's clock is 3 h 0 min 12 s ahead of the coordinator's (heartbeat sent at …, received at …)`.
    package static func describe(skew: TimeInterval, sentAt: Date, receivedAt: Date) -> String {
        let seconds = Int(abs(skew).rounded())
        let parts = [(seconds / 3600, "h"), (seconds % 3600 / 60, "min"), (seconds % 60, "s")]
        let amount = parts.drop { $0.0 == 0 }.map { "\($0.0) \($0.1)" }.joined(separator: " ")
        let formatter = ISO8601DateFormatter()
        return "the agent's clock is \(amount) \(skew > 0 ? "ahead of" : "behind") the coordinator's (heartbeat sent at "
            + "\(formatter.string(from: sentAt)) by its clock, received at \(formatter.string(from: receivedAt)))"
    }
}
