//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Console roles and what each may do.
//
//===----------------------------------------------------------------------===//

/// What a console user is allowed to do.
package enum ConsoleRole: String, Sendable, Codable, CaseIterable, Hashable {
    /// Everything: users, agents, enrollment tokens, every provider.
    case admin
    /// Head-office supervisor, scoped to a set of providers; may acknowledge alerts.
    case supervisor
    /// Quality auditor: read-only outside audits.
    case auditor
    /// Read-only.
    case viewer
    /// A provider's own staff: sees only their provider.
    case provider

    /// Whether the role may acknowledge alerts.
    package var canAcknowledge: Bool { self == .admin || self == .supervisor }
    /// Whether the role may revoke agents and create enrollment tokens.
    package var canManageAgents: Bool { self == .admin }
    /// Whether the role may post any state-changing form (besides logging out).
    package var canPost: Bool { self != .viewer }
}

/// A console user as stored (never with the password hash).
package struct ConsoleUser: Sendable, Hashable, Codable {
    package var id: Int64
    package var username: String
    package var role: ConsoleRole
    /// Providers the user may see; empty means every provider (not allowed for ``ConsoleRole/provider``).
    package var providers: [String]
    package var disabled: Bool
    package var createdAt: Date
    /// The console language the user chose (`en`, `de`, `ru`), or `nil` to follow the browser's `Accept-Language`.
    package var language: String? = nil

    /// Creates a user as a store read it.
    package init(
        id: Int64, username: String, role: ConsoleRole, providers: [String], disabled: Bool, createdAt: Date, language: String? = nil
    ) {
        self.id = id
        self.username = username
        self.role = role
        self.providers = providers
        self.disabled = disabled
        self.createdAt = createdAt
        self.language = language
    }

    /// Whether the user may see anything of `provider`.
    package func canSee(provider: String) -> Bool {
        if self.role == .admin { return true }
        if self.providers.isEmpty { return self.role != .provider }
        return self.providers.contains(provider)
    }
}

import Foundation
