//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Which tickets a contract scope applies to.
//
//===----------------------------------------------------------------------===//

import OversightModel

/// A filter on site, queue, channel and priority. Each given field must match (any of its listed
/// values); a field that is not given matches everything.
package struct ScopeMatch: Hashable, Sendable {
    /// Sites, or `nil` for any.
    package var sites: Set<String>?
    /// Queues, or `nil` for any (a ticket without a queue matches only `nil`).
    package var queues: Set<String>?
    /// Channels, or `nil` for any.
    package var channels: Set<ContactChannel>?
    /// Priorities, or `nil` for any.
    package var priorities: Set<Priority>?

    /// Creates a filter; everything matches by default.
    package init(sites: Set<String>? = nil, queues: Set<String>? = nil, channels: Set<ContactChannel>? = nil, priorities: Set<Priority>? = nil) {
        self.sites = sites
        self.queues = queues
        self.channels = channels
        self.priorities = priorities
    }

    /// Whether a ticket matches.
    package func matches(_ ticket: TicketRecord) -> Bool {
        if let sites = self.sites, !sites.contains(ticket.site) { return false }
        if let queues = self.queues, !(ticket.queue.map(queues.contains) ?? false) { return false }
        if let channels = self.channels, !channels.contains(ticket.channel) { return false }
        if let priorities = self.priorities, !priorities.contains(ticket.priority) { return false }
        return true
    }

    /// The keys a `match:` mapping accepts.
    package static let keys = ["site", "queue", "channel", "priority"]
}
