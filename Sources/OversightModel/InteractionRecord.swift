//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One interaction (transcript, e-mail thread, call notes) an agent returns for a head-office sample request, redacted
// at the provider, or the reason it could not be returned.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Whether a requested interaction came back.
public enum InteractionStatus: String, Codable, Sendable, CaseIterable {
    /// The redacted text is in the record.
    case returned
    /// It could not be returned; ``InteractionRecord/reason`` says why.
    case missing
}

/// How the interaction was written.
public enum InteractionFormat: String, Codable, Sendable, CaseIterable {
    /// Plain text (call notes, a chat log exported as text).
    case text
    /// An e-mail thread (`.eml`): headers and body, as text.
    case email
    /// A JSON chat transcript, as the source wrote it.
    case chat
}

/// One interaction of a sample request (docs/protocol.md 4.4, docs/audits.md). Upserted at the coordinator by
/// `(provider, requestId, ticketId)` and ordered by ``updatedAt`` like every other record: returning it twice changes
/// nothing.
public struct InteractionRecord: Codable, Sendable, Hashable {
    /// The agent's provider.
    public var provider: String
    /// The site whose ticket it is.
    public var site: String
    /// The sample request (`smp_…`) that asked for it.
    public var requestId: String
    /// The sampled ticket.
    public var ticketId: String
    public var status: InteractionStatus
    /// With `missing`: why (no file, unreadable, too large …). Never quotes the interaction.
    public var reason: String?
    /// With `returned`: how it was written.
    public var format: InteractionFormat?
    /// With `returned`: the interaction after redaction (line breaks kept, no other control character).
    public var text: String?
    /// With `returned`: how many items of each kind redaction replaced (`email`: 2, `card`: 1 …).
    public var redactions: [String: Int]?
    /// When the agent read it; orders a re-read.
    public var updatedAt: Date

    /// Creates a record.
    public init(
        provider: String, site: String, requestId: String, ticketId: String, status: InteractionStatus, reason: String? = nil,
        format: InteractionFormat? = nil, text: String? = nil, redactions: [String: Int]? = nil, updatedAt: Date
    ) {
        self.provider = provider
        self.site = site
        self.requestId = requestId
        self.ticketId = ticketId
        self.status = status
        self.reason = reason
        self.format = format
        self.text = text
        self.redactions = redactions
        self.updatedAt = updatedAt
    }

    /// `requestId/ticketId`: the record's key within its provider.
    public var key: String { self.requestId + "/" + self.ticketId }

    /// Limits on a record that comes from outside.
    public enum Limits {
        /// Longest interaction text, in UTF-8 bytes (256 KiB: a long e-mail thread; a batch frame still holds several).
        public static let maxTextLength = 256 * 1024
        /// Longest reason, in UTF-8 bytes.
        public static let maxReasonLength = 500
        /// Most redaction kinds counted.
        public static let maxRedactionKinds = 32
    }

    /// Checks the record's own consistency; returns the first problem found, naming the field.
    public func validationProblem() -> String? {
        for (name, value) in [("provider", self.provider), ("site", self.site), ("requestId", self.requestId), ("ticketId", self.ticketId)] {
            if value.isEmpty { return "\(name) is empty" }
            if value.utf8.count > TicketRecord.Limits.maxStringLength { return "\(name) is longer than \(TicketRecord.Limits.maxStringLength) bytes" }
        }
        switch self.status {
        case .returned:
            guard let text = self.text else { return "a returned interaction has no text" }
            if text.utf8.count > Limits.maxTextLength { return "text is longer than \(Limits.maxTextLength) bytes (\(text.utf8.count))" }
            if self.format == nil { return "a returned interaction has no format" }
            if self.reason != nil { return "a returned interaction has a reason; only a missing one has" }
        case .missing:
            guard let reason = self.reason, !reason.isEmpty else { return "a missing interaction has no reason" }
            if reason.utf8.count > Limits.maxReasonLength { return "reason is longer than \(Limits.maxReasonLength) bytes" }
            if self.text != nil { return "a missing interaction has text" }
        }
        if let redactions = self.redactions {
            if redactions.count > Limits.maxRedactionKinds { return "more than \(Limits.maxRedactionKinds) redaction kinds" }
            for (kind, count) in redactions {
                if kind.isEmpty || kind.utf8.count > 32 { return "redactions has a kind that is empty or longer than 32 bytes" }
                if count < 0 || count > 1_000_000 { return "redactions[\(kind.prefix(32))] must be 0 to 1000000, got \(count)" }
            }
        }
        return nil
    }
}
