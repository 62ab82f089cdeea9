//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

/// Log metadata keys, declared once.
package enum LogKey {
    package static let agentId = "oversight.agent.id"
    package static let provider = "oversight.provider"
    package static let site = "oversight.site"
    package static let peer = "oversight.peer.address"
    package static let seq = "oversight.batch.seq"
    package static let securityKind = "oversight.security.kind"
    package static let error = "oversight.error"
}
