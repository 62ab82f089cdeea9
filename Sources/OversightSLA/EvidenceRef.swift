//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A reference to a stored record that a figure or credit was computed from.
//
//===----------------------------------------------------------------------===//

/// Names one record a figure was computed from — an interval report, a ticket, a QA evaluation —
/// and the signed batch that brought it, so a credit can be traced back to what the provider's own
/// agent sent. The SLA library only carries these; the caller supplies them.
package struct EvidenceRef: Hashable, Sendable {
    /// The kind of record. A struct with static members so that new kinds do not break callers.
    package struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The name, such as `interval`.
        package var rawValue: String
        /// Creates a kind.
        package init(rawValue: String) { self.rawValue = rawValue }
        /// An interval report (interval metric).
        package static let interval = Kind(rawValue: "interval")
        /// A ticket.
        package static let ticket = Kind(rawValue: "ticket")
        /// A QA evaluation.
        package static let evaluation = Kind(rawValue: "evaluation")
        /// The name.
        package var description: String { self.rawValue }
    }

    /// The kind of record.
    package var kind: Kind
    /// Its key: a ticket id, an interval key (queue and start), an evaluation id.
    package var key: String
    /// The agent that sent it.
    package var agent: String
    /// The sequence number of the batch that carried it, if known.
    package var seq: Int64?

    /// Creates a reference.
    /// - Parameters:
    ///   - kind: The kind of record.
    ///   - key: Its key.
    ///   - agent: The sending agent.
    ///   - seq: The batch sequence number.
    package init(kind: Kind, key: String, agent: String, seq: Int64? = nil) {
        self.kind = kind
        self.key = key
        self.agent = agent
        self.seq = seq
    }
}
