//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A ticket as the agent normalised it from a provider's export.
//
//===----------------------------------------------------------------------===//

import Foundation

/// A customer-service ticket, normalised by the agent from the provider's own export.
///
/// Tickets are upserted at the coordinator by `(provider, id)` and ordered by ``updatedAt``:
/// an update whose `updatedAt` is not newer than the stored one changes nothing.
public struct TicketRecord: Codable, Sendable, Hashable {
    /// Provider that owns the ticket (the agent's provider; the coordinator rejects any other).
    public var provider: String
    /// Site within the provider that handled the ticket.
    public var site: String
    /// Provider-scoped ticket id.
    public var id: String
    public var channel: ContactChannel
    public var priority: Priority
    public var status: TicketStatus
    public var createdAt: Date
    /// When the provider's system last changed the ticket; orders updates.
    public var updatedAt: Date
    public var firstReplyAt: Date?
    public var solvedAt: Date?
    public var closedAt: Date?
    public var reopenCount: Int
    /// Pseudonymised assignee (never a name).
    public var assignee: String?
    public var queue: String?
    public var tags: [String]
    /// CSAT answer on a 1–5 scale, if the customer answered.
    public var csat: Int?
    public var contactCount: Int
    /// Who holds the clock now, if the source says: `provider`, `client` or `customer`.
    public var heldBy: String?
    /// Status history, oldest first; needed to pause SLA clocks.
    public var statusChanges: [StatusChange]
    /// When an agent of the provider wrote publicly to the customer, oldest first, if the source says: measures the
    /// next-reply and periodic-update clocks. `nil` (absent on the wire) when the source has no reply history.
    public var agentReplies: [Date]?
    /// When the customer wrote, oldest first (the messages after the one that opened the ticket), if the source says:
    /// each starts a next-reply clock. `nil` when the source has no message history.
    public var customerMessages: [Date]?

    /// Creates a ticket record.
    public init(
        provider: String, site: String, id: String, channel: ContactChannel = .email, priority: Priority = .normal,
        status: TicketStatus, createdAt: Date, updatedAt: Date, firstReplyAt: Date? = nil, solvedAt: Date? = nil,
        closedAt: Date? = nil, reopenCount: Int = 0, assignee: String? = nil, queue: String? = nil, tags: [String] = [],
        csat: Int? = nil, contactCount: Int = 1, heldBy: String? = nil, statusChanges: [StatusChange] = [],
        agentReplies: [Date]? = nil, customerMessages: [Date]? = nil
    ) {
        self.provider = provider
        self.site = site
        self.id = id
        self.channel = channel
        self.priority = priority
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.firstReplyAt = firstReplyAt
        self.solvedAt = solvedAt
        self.closedAt = closedAt
        self.reopenCount = reopenCount
        self.assignee = assignee
        self.queue = queue
        self.tags = tags
        self.csat = csat
        self.contactCount = contactCount
        self.heldBy = heldBy
        self.statusChanges = statusChanges
        self.agentReplies = agentReplies
        self.customerMessages = customerMessages
    }

    /// One status transition.
    public struct StatusChange: Codable, Sendable, Hashable {
        public var status: TicketStatus
        public var at: Date
        /// Creates a status change.
        public init(status: TicketStatus, at: Date) {
            self.status = status
            self.at = at
        }
    }
}

/// Contact channel of a ticket.
public enum ContactChannel: String, Codable, Sendable, CaseIterable {
    case email, chat, phone, social, web
}

/// Ticket priority.
public enum Priority: String, Codable, Sendable, CaseIterable {
    case low, normal, high, urgent
}

/// Ticket status as Oversight names it; providers' own names are mapped onto these.
public enum TicketStatus: String, Codable, Sendable, CaseIterable {
    case new, open, pending
    case onHold = "on-hold"
    case solved, closed

    /// Whether the ticket still needs work from someone.
    public var isOpen: Bool { self != .solved && self != .closed }
}

extension TicketRecord {
    /// Limits on a record that comes from outside.
    public enum Limits {
        public static let maxIdLength = 128
        public static let maxStringLength = 256
        public static let maxTags = 64
        public static let maxStatusChanges = 1_000
        /// Most entries in ``TicketRecord/agentReplies`` and in ``TicketRecord/customerMessages``.
        public static let maxMessages = 1_000
    }

    /// Checks the record's own consistency; returns the first problem found, naming the field.
    public func validationProblem() -> String? {
        if self.id.isEmpty { return "id is empty" }
        if self.id.utf8.count > Limits.maxIdLength { return "id is longer than \(Limits.maxIdLength) bytes" }
        if self.provider.isEmpty { return "provider is empty" }
        if self.site.isEmpty { return "site is empty" }
        for (name, value) in [("assignee", self.assignee), ("queue", self.queue), ("heldBy", self.heldBy)] {
            if let value, value.utf8.count > Limits.maxStringLength {
                return "\(name) is longer than \(Limits.maxStringLength) bytes"
            }
        }
        if self.tags.count > Limits.maxTags { return "more than \(Limits.maxTags) tags" }
        if self.tags.contains(where: { $0.utf8.count > Limits.maxStringLength }) { return "a tag is too long" }
        if self.statusChanges.count > Limits.maxStatusChanges {
            return "more than \(Limits.maxStatusChanges) status changes"
        }
        if let csat = self.csat, !(1...5).contains(csat) { return "csat must be 1–5, got \(csat)" }
        if self.reopenCount < 0 { return "reopenCount is negative" }
        if self.contactCount < 0 { return "contactCount is negative" }
        if self.updatedAt < self.createdAt { return "updatedAt is before createdAt" }
        for (name, times) in [("agentReplies", self.agentReplies), ("customerMessages", self.customerMessages)] {
            guard let times else { continue }
            if times.count > Limits.maxMessages { return "more than \(Limits.maxMessages) \(name)" }
            if zip(times, times.dropFirst()).contains(where: { $0 > $1 }) { return "\(name) are not in time order" }
            if let first = times.first, first < self.createdAt { return "\(name) has a time before createdAt" }
        }
        return nil
    }
}
