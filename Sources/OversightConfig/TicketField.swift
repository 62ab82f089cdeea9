//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The ticket fields a provider's columns can be mapped to.
//
//===----------------------------------------------------------------------===//

/// A field of a ticket record, named as in the `mapping.fields` section of a source.
package enum TicketField: String, Sendable, CaseIterable, Hashable {
    case id
    case status
    case createdAt = "created_at"
    case updatedAt = "updated_at"
    case firstReplyAt = "first_reply_at"
    case solvedAt = "solved_at"
    case closedAt = "closed_at"
    case channel
    case priority
    case reopenCount = "reopen_count"
    case assignee
    case queue
    case tags
    case csat
    case contactCount = "contact_count"
    case heldBy = "held_by"
    case statusHistory = "status_history"
    /// Times of the public agent replies: a JSON array of timestamps or `time;time;…` (next reply, periodic update).
    case agentReplies = "agent_replies"
    /// Times of the customer's messages after the first: a JSON array of timestamps or `time;time;…` (next reply).
    case customerMessages = "customer_messages"

    /// Fields every mapping must name.
    package static let required: [TicketField] = [.id, .status, .createdAt]

    /// Fields whose values may be replaced by a keyed hash (`mapping.pseudonymise`).
    package static let pseudonymisable: [TicketField] = [.id, .assignee, .queue, .tags]
}
