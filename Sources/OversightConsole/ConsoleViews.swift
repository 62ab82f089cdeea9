//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What the JSON API returns.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore

/// A ticket with its SLA standing and the batch it last came in.
package struct TicketView: Sendable, Codable {
    /// Where the ticket came from.
    package struct BatchRef: Sendable, Codable {
        package var agentId: String
        package var seq: Int64
        package var hash: String?
        package var receivedAt: Date?
        package var recordCount: Int?
    }
    package var ticket: TicketRecord
    package var sla: TicketSLAState?
    package var batch: BatchRef
    /// The batch's signature, verified again for this request.
    package var signature: SignatureCheck
}

/// One SLA event with its id (the pagination cursor).
package struct SLAEventView: Sendable, Codable {
    package var id: Int64
    package var provider: String
    package var site: String
    package var ticketId: String
    package var clock: String
    package var kind: String
    package var at: Date
    package var detectedAt: Date
    package var lateData: Bool
}

/// A page of SLA events; pass `nextCursor` as `cursor` for the next page.
package struct SLAEventPage: Sendable, Codable {
    package var events: [SLAEventView]
    package var nextCursor: String?
}

/// An agent as the API shows it.
package struct AgentView: Sendable, Codable {
    package var id: String
    package var provider: String
    package var site: String
    package var hostname: String
    package var version: String?
    package var online: Bool
    package var connected: Bool
    package var revoked: Bool
    package var revokedAt: Date?
    package var lastSeq: Int64
    package var lastBatchAt: Date?
    package var lastHeartbeatAt: Date?
    package var outboxDepth: Int?
    package var certificateNotAfter: Date
    package var enrolledAt: Date

    init(_ row: AgentRow, now: Date, offlineAfter: Duration) {
        self.id = row.id
        self.provider = row.provider
        self.site = row.site
        self.hostname = row.hostname
        self.version = row.version
        self.online = row.isOnline(now: now, offlineAfter: offlineAfter)
        self.connected = row.connected
        self.revoked = row.revokedAt != nil
        self.revokedAt = row.revokedAt
        self.lastSeq = row.lastSeq
        self.lastBatchAt = row.lastBatchAt
        self.lastHeartbeatAt = row.lastHeartbeatAt
        self.outboxDepth = row.outboxDepth
        self.certificateNotAfter = row.certificateNotAfter
        self.enrolledAt = row.enrolledAt
    }
}
