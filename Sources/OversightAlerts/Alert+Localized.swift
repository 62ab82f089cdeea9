//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Alert texts in a language: the message's catalogue key and arguments, rendered for each reader.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightLocalization

/// An alert's text as a catalogue entry (`alert.ticket_breached`, …) and its arguments, kept with the alert so that each
/// receiver and each console user reads it in their own language.
package struct AlertMessage: Hashable, Sendable, Codable {
    /// The catalogue key.
    package var key: String
    /// Placeholders filled as they are (names, ids, the SLA engine's own sentence).
    package var texts: [String: String]
    /// Placeholders filled with a catalogue term: placeholder → `prefix.value` (`clock.first_reply`), shown raw when the
    /// catalogue has no such term.
    package var terms: [String: String]
    /// Placeholders filled with a moment, in the reader's locale.
    package var dates: [String: Date]
    /// Placeholders filled with a figure in the reader's locale: a percentage (`0.935` → `93.5%`, `93,5 %`), a duration
    /// in seconds, or a score.
    package var figures: [String: Figure] = [:]

    /// A figure's value and unit (`percentage`, `duration`, `score`), as the contract's targets give them.
    package struct Figure: Hashable, Sendable, Codable {
        package var value: Double
        package var unit: String

        package init(_ value: Double, unit: String) {
            self.value = value
            self.unit = unit
        }

        func render(_ l: Localizer) -> String {
            switch self.unit {
            case "percentage": l.percent(self.value)
            case "duration": l.duration(Int(self.value.rounded()))
            default: l.number(self.value, digits: 2)
            }
        }
    }

    /// Creates a message.
    package init(
        _ key: String, texts: [String: String] = [:], terms: [String: String] = [:], dates: [String: Date] = [:], figures: [String: Figure] = [:]
    ) {
        self.key = key
        self.texts = texts
        self.terms = terms
        self.dates = dates
        self.figures = figures
    }

    enum CodingKeys: String, CodingKey { case key, texts, terms, dates, figures }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.key = try container.decode(String.self, forKey: .key)
        self.texts = try container.decodeIfPresent([String: String].self, forKey: .texts) ?? [:]
        self.terms = try container.decodeIfPresent([String: String].self, forKey: .terms) ?? [:]
        self.dates = try container.decodeIfPresent([String: Date].self, forKey: .dates) ?? [:]
        self.figures = try container.decodeIfPresent([String: Figure].self, forKey: .figures) ?? [:]
    }

    /// The text in `l`'s language.
    package func render(_ l: Localizer) -> String {
        var arguments = self.texts
        for (name, term) in self.terms {
            guard let dot = term.firstIndex(of: ".") else { continue }
            arguments[name] = l.term(String(term[..<dot]), String(term[term.index(after: dot)...]))
        }
        for (name, date) in self.dates { arguments[name] = l.time(date) }
        for (name, figure) in self.figures { arguments[name] = figure.render(l) }
        return l.t(self.key, arguments)
    }
}

extension NewAlert {
    /// An alert whose summary is `message` (stored in English as well, for logs and older readers).
    package init(
        kind: AlertKind, subject: AlertSubject, message: AlertMessage, consolePath: String, severity: AlertSeverity? = nil,
        details: String? = nil, startsAt: Date? = nil
    ) {
        self.init(
            kind: kind, subject: subject, summary: message.render(.english), consolePath: consolePath, severity: severity, details: details,
            startsAt: startsAt
        )
        self.message = message
    }
}

extension Alert {
    /// The summary in `l`'s language; an alert stored without a message keeps its text.
    package func summary(in l: Localizer) -> String { self.message?.render(l) ?? self.summary }
}
