//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// An alert as stored and sent: identity, labels, lifecycle.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Who acknowledged an alert, when, and what they said.
package struct AlertAcknowledgement: Hashable, Sendable, Codable {
    /// The person (a console user name or e-mail address).
    package var by: String
    /// When.
    package var at: Date
    /// Their note, if any.
    package var comment: String?

    /// Creates an acknowledgement.
    package init(by: String, at: Date, comment: String?) {
        self.by = by
        self.at = at
        self.comment = comment
    }
}

/// What the SLA engine (or the agent listener) hands to ``AlertCenter/raise(_:)``.
package struct NewAlert: Hashable, Sendable {
    /// What happened.
    package var kind: AlertKind
    /// What it is about; with `kind` this is the alert's identity.
    package var subject: AlertSubject
    /// How urgent; fixed when the alert first fires (it is a label, so part of Alertmanager's identity).
    package var severity: AlertSeverity
    /// One line for a person, e.g. "Ticket T-1042 (acme-support/lisbon) breached its resolution target by 12 min".
    package var summary: String
    /// The summary as a catalogue entry, for readers in other languages; `nil` for a plain English summary.
    package var message: AlertMessage?
    /// Longer text, if any.
    package var details: String?
    /// Path of the console page that shows the matter, appended to the console base URL, e.g. `/tickets/acme-support/T-1042`.
    package var consolePath: String
    /// When the condition began (e.g. the true breach time of a late-data breach); `nil` means now.
    package var startsAt: Date?

    /// Creates an alert to raise.
    /// - Parameters:
    ///   - kind: what happened.
    ///   - subject: what it is about.
    ///   - summary: one line for a person.
    ///   - consolePath: the console page's path.
    ///   - severity: how urgent; the kind's default if `nil`.
    ///   - details: longer text.
    ///   - startsAt: when the condition began; now if `nil`.
    package init(
        kind: AlertKind, subject: AlertSubject, summary: String, consolePath: String, severity: AlertSeverity? = nil,
        details: String? = nil, startsAt: Date? = nil
    ) {
        self.kind = kind
        self.subject = subject
        self.severity = severity ?? kind.defaultSeverity
        self.summary = summary
        self.details = details
        self.consolePath = consolePath
        self.startsAt = startsAt
    }

    /// The dedupe key: the kind and every subject field, e.g.
    /// `ticket_breached|provider=acme-support|site=lisbon|ticket=T-1042|clock=resolution`.
    package var key: String { Alert.dedupeKey(kind: self.kind, subject: self.subject) }
}

/// A stored alert: one occurrence of a dedupe key, from firing to resolved.
package struct Alert: Hashable, Sendable, Codable {
    /// The store's id of this occurrence (a key that fires again after being resolved is a new occurrence).
    package var id: Int64
    /// The dedupe key.
    package var key: String
    /// What happened.
    package var kind: AlertKind
    /// How urgent.
    package var severity: AlertSeverity
    /// What it is about.
    package var subject: AlertSubject
    /// One line for a person (the latest raise's).
    package var summary: String
    /// The summary as a catalogue entry (``summary(in:)``); `nil` for alerts raised with a plain English summary.
    package var message: AlertMessage? = nil
    /// Longer text (the latest raise's).
    package var details: String?
    /// The console page's path.
    package var consolePath: String
    /// Firing, acknowledged or resolved.
    package var state: AlertState
    /// When the condition began.
    package var startsAt: Date
    /// When it ended (set once resolved).
    package var endsAt: Date?
    /// When it was last raised (a repeat raise of an open alert updates this, not `startsAt`).
    package var lastRaisedAt: Date
    /// How many times it was raised while open.
    package var raiseCount: Int
    /// The acknowledgement, once acknowledged.
    package var acknowledgement: AlertAcknowledgement?

    /// Creates an alert (the store does this; tests may too).
    package init(
        id: Int64, key: String, kind: AlertKind, severity: AlertSeverity, subject: AlertSubject, summary: String, details: String?,
        consolePath: String, state: AlertState, startsAt: Date, endsAt: Date?, lastRaisedAt: Date, raiseCount: Int,
        acknowledgement: AlertAcknowledgement?
    ) {
        self.id = id
        self.key = key
        self.kind = kind
        self.severity = severity
        self.subject = subject
        self.summary = summary
        self.details = details
        self.consolePath = consolePath
        self.state = state
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.lastRaisedAt = lastRaisedAt
        self.raiseCount = raiseCount
        self.acknowledgement = acknowledgement
    }

    /// The labels receivers get: `alertname` and `kind` (the kind), `severity`, and every subject field.
    package var labels: [String: String] {
        var labels = ["alertname": self.kind.rawValue, "kind": self.kind.rawValue, "severity": self.severity.rawValue]
        for field in self.subject.fields { labels[field.name] = field.value }
        return labels
    }

    /// The console link: `consoleBaseURL` (trailing `/` ignored) + the alert's path (leading `/` added if missing).
    package func consoleURL(base consoleBaseURL: String) -> String {
        var base = consoleBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        let path = self.consolePath.hasPrefix("/") ? self.consolePath : "/" + self.consolePath
        return base + path
    }

    /// Builds the dedupe key: the kind then `name=value` for each subject field, joined by `|` (values have `%`, `|`
    /// and `=` percent-escaped, so distinct subjects always give distinct keys).
    package static func dedupeKey(kind: AlertKind, subject: AlertSubject) -> String {
        var parts = [Self.escape(kind.rawValue)]
        for field in subject.fields { parts.append("\(field.name)=\(Self.escape(field.value))") }
        return parts.joined(separator: "|")
    }

    private static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "%": out += "%25"
            case "|": out += "%7C"
            case "=": out += "%3D"
            default: out.append(character)
            }
        }
        return out
    }
}
