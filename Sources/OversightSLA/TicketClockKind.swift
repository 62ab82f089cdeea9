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
    /// Created → solved, counting provider-held, unpaused business time; resumes on reopen.
    case resolution
}
