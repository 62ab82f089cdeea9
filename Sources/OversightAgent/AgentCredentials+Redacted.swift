//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Descriptions that never carry key material, whatever prints or logs them.
//
//===----------------------------------------------------------------------===//

// swift-service-lifecycle logs each service at debug level with `"\(service)"`; Swift's default description of a
// struct prints every stored property, nested ones included, so the agent's private keys would reach the log.

extension AgentCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The agent id and provider, never the keys.
    package var description: String {
        "AgentCredentials(agent: \(self.identity.agentId), provider: \(self.identity.provider), keys: redacted)"
    }
    package var debugDescription: String { self.description }
    /// What `dump` and reflection see: the identity, not the keys.
    package var customMirror: Mirror { Mirror(self, children: ["identity": self.identity, "keys": "redacted"], displayStyle: .struct) }
}

extension SourceService: CustomStringConvertible {
    package var description: String { "SourceService" }
}

extension SyncService: CustomStringConvertible {
    package var description: String { "SyncService" }
}
