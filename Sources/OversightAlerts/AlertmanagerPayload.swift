//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The body of Alertmanager's `POST /api/v2/alerts`.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightLocalization

/// One element of the JSON array Alertmanager's API v2 takes (`postableAlert`).
package struct AlertmanagerAlert: Codable, Hashable, Sendable {
    /// The identity: Alertmanager groups, routes and deduplicates on these.
    package var labels: [String: String]
    /// Text for people: `summary`, `description`, `console`, and once acknowledged `acknowledged_by`,
    /// `acknowledged_at`, `acknowledgement`.
    package var annotations: [String: String]
    /// RFC 3339.
    package var startsAt: String
    /// RFC 3339; absent while active (Alertmanager then keeps it for its `resolve_timeout` after the last send).
    package var endsAt: String?
    /// The console link.
    package var generatorURL: String

    /// Builds the Alertmanager form of `alert`.
    /// - Parameters:
    ///   - alert: the alert as it is (or was when the event happened).
    ///   - consoleBaseURL: the console base URL.
    ///   - acknowledged: what to do with acknowledged alerts.
    ///   - language: the receiver's language, for `summary`.
    package init(
        _ alert: Alert, consoleBaseURL: String, acknowledged: ReceiverConfiguration.Alertmanager.AcknowledgedBehavior, language: Language = .english
    ) {
        let console = alert.consoleURL(base: consoleBaseURL)
        var annotations = ["summary": alert.summary(in: Localizer(language)), "console": console, "oversight_key": alert.key]
        if let details = alert.details, !details.isEmpty { annotations["description"] = details }
        if let acknowledgement = alert.acknowledgement {
            annotations["acknowledged_by"] = acknowledgement.by
            annotations["acknowledged_at"] = RFC3339.string(acknowledgement.at)
            if let comment = acknowledgement.comment, !comment.isEmpty { annotations["acknowledgement"] = comment }
        }
        self.labels = alert.labels
        self.annotations = annotations
        self.startsAt = RFC3339.string(alert.startsAt)
        self.generatorURL = console
        switch alert.state {
        case .resolved:
            self.endsAt = RFC3339.string(alert.endsAt ?? alert.lastRaisedAt)
        case .acknowledged where acknowledged == .resolve:
            self.endsAt = RFC3339.string(alert.acknowledgement?.at ?? alert.lastRaisedAt)
        case .firing, .acknowledged:
            self.endsAt = nil
        }
    }

    /// Whether Alertmanager should see `alert` as active: it is re-sent while so.
    package static func isActive(_ alert: Alert, acknowledged: ReceiverConfiguration.Alertmanager.AcknowledgedBehavior) -> Bool {
        switch alert.state {
        case .firing: true
        case .acknowledged: acknowledged == .keepActive
        case .resolved: false
        }
    }

    /// The request body for a batch.
    package static func body(_ alerts: [AlertmanagerAlert]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(alerts)
    }
}

/// RFC 3339 timestamps with milliseconds, in UTC.
package enum RFC3339 {
    /// Formats `date`, e.g. `2026-05-21T09:14:03.250Z`.
    package static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(secondsFromGMT: 0)!))
    }

    /// Parses a timestamp with or without fractional seconds.
    package static func date(_ string: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(string) { return date }
        return try? Date.ISO8601FormatStyle().parse(string)
    }
}
