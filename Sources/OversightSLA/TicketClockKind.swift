//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The ticket clocks Oversight measures.
//
//===----------------------------------------------------------------------===//

/// A ticket clock.
package enum TicketClockKind: String, Hashable, Sendable, CaseIterable, Codable {
    /// Created → first public agent reply; met once.
    case firstReply = "first_reply"
    /// Customer message → the next public agent reply, in business time; one cycle per unanswered customer message.
    case nextReply = "next_reply"
    /// The longest stretch of provider-held, unpaused business time without a public agent update, from the first reply on.
    case periodicUpdate = "periodic_update"
    /// Created → solved, counting provider-held, unpaused business time; resumes on reopen.
    case resolution
}
