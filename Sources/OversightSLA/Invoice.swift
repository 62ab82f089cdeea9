//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A provider's invoice for one month: billed lines that head office reconciles against what the agents measured
// (docs/invoices.md).
//
//===----------------------------------------------------------------------===//

/// A provider's invoice for one month, as read by ``Invoice/parse(_:file:)``.
package struct Invoice: Hashable, Sendable, Codable {
    /// What a line bills.
    package enum LineKind: String, Hashable, Sendable, Codable, CaseIterable {
        /// Contacts handled, per channel (the line must name its channel).
        case contacts
        /// Handle time (talk + hold + after-contact work), minutes.
        case handleMinutes = "handle_minutes"
        /// Agent hours staffed on the queues.
        case staffedHours = "staffed_hours"
        /// Agent hours spent productively (handling contacts and other billable work).
        case productiveHours = "productive_hours"
    }

    /// One billed line.
    package struct Line: Hashable, Sendable, Codable {
        /// The line's id, unique in the invoice (`L1`, `phone-contacts`).
        package var id: String
        package var kind: LineKind
        /// The contact channel the line is about (`email`, `chat`, `phone`, `social`, `web`); required for `contacts`.
        package var channel: String?
        /// The provider's site, if the line is about one.
        package var site: String?
        /// The queue, if the line is about one.
        package var queue: String?
        /// Contacts, minutes or hours billed (whole for contacts; at most 4 decimals).
        package var quantity: ExactDecimal
        /// Price per unit, in the invoice's currency (at most 4 decimals).
        package var unitPrice: ExactDecimal
        /// The line's amount: quantity × unit price rounded to the cent.
        package var amount: ExactDecimal

        /// Creates a line.
        package init(
            id: String, kind: LineKind, channel: String? = nil, site: String? = nil, queue: String? = nil, quantity: ExactDecimal,
            unitPrice: ExactDecimal, amount: ExactDecimal
        ) {
            self.id = id
            self.kind = kind
            self.channel = channel
            self.site = site
            self.queue = queue
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.amount = amount
        }

        /// The line's scope as one text: `channel email, site lisbon` or `all`.
        package var scopeText: String {
            let parts = [("channel", self.channel), ("site", self.site), ("queue", self.queue)].compactMap { name, value in
                value.map { "\(name) \($0)" }
            }
            return parts.isEmpty ? "all" : parts.joined(separator: ", ")
        }
    }

    /// The provider's own invoice number.
    package var number: String
    package var provider: String
    /// `YYYY-MM`.
    package var month: String
    /// ISO 4217 code, three capital letters.
    package var currency: String
    package var lines: [Line]

    /// Creates an invoice.
    package init(number: String, provider: String, month: String, currency: String, lines: [Line]) {
        self.number = number
        self.provider = provider
        self.month = month
        self.currency = currency
        self.lines = lines
    }

    /// The sum of the lines' amounts.
    package var total: ExactDecimal { self.lines.reduce(.zero) { $0 + $1.amount } }

    /// Limits on an invoice file from outside.
    package enum Limits {
        /// Largest file, bytes.
        package static let maxBytes = 1024 * 1024
        /// Most billed lines.
        package static let maxLines = 1_000
        /// Longest invoice number, line id, provider, site or queue, UTF-8 bytes.
        package static let maxIdentifierBytes = 128
    }

    /// The channels a `contacts` line may name (the channels of ticket and interval records).
    package static let channels = ["email", "chat", "phone", "social", "web"]
}
