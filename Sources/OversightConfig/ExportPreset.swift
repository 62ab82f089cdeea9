//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Helpdesk export formats a tickets source reads with no field list: `mapping: { preset: zendesk }`.
//
//===----------------------------------------------------------------------===//

internal import OversightModel

/// A helpdesk's documented JSON export that a `tickets` source reads without a field list (`mapping.preset`).
///
/// The agent's connector (`OversightConnectors.PresetExport`) turns each exported ticket into one JSON object: the
/// vendor's ticket as exported, plus a member `_oversight` with what it derived from the rest of the file (ticket
/// metric events, audits, metric sets, stats). ``mapping`` names keys of that object, so a source may still override
/// a field with a dotted path into the vendor's ticket (`fields: { queue: "custom.brand" }`), and add `statuses`,
/// `channels` and `priorities` on top of the preset's (docs/configuration.md, "Presets").
///
/// Closed set: ``zendesk`` and ``freshdesk``.
package struct ExportPreset: Sendable, Hashable, CustomStringConvertible {
    /// The name written in `mapping.preset`.
    package let name: String

    private init(name: String) {
        self.name = name
    }

    package var description: String { self.name }

    /// The mapping the preset reads with (dates are ISO 8601, as both vendors write them).
    package var mapping: FieldMappingConfiguration {
        var mapping = self == .zendesk ? Self.zendeskMapping : self == .rt5 ? Self.rt5Mapping : Self.freshdeskMapping
        mapping.preset = self
        return mapping
    }

    /// Zendesk Support.
    package static let zendesk = ExportPreset(name: "zendesk")
    /// Freshdesk.
    package static let freshdesk = ExportPreset(name: "freshdesk")

    /// Request Tracker 5, read live through REST2 by a source with `from: rt5` (not a file preset: ``all`` leaves it out).
    package static let rt5 = ExportPreset(name: "rt5")

    /// Every file preset, in the order messages list them.
    package static let all: [ExportPreset] = [.zendesk, .freshdesk]

    /// The member of each normalised ticket that holds what the connector derived.
    package static let derivedKey = "_oversight"

    /// Zendesk Support: the incremental ticket export (`GET /api/v2/incremental/tickets/cursor.json`, `{"tickets": […]}`),
    /// with, where present in the same file, ticket metric events (`{"ticket_metric_events": […]}`), ticket audits
    /// (`{"audits": […]}`) and metric sets (`include=metric_sets`).
    private static let zendeskMapping: FieldMappingConfiguration = {
        let derived = ExportPreset.derivedKey
        var mapping = FieldMappingConfiguration(fields: [
            .id: "id", .status: "status", .createdAt: "created_at", .updatedAt: "updated_at", .channel: "via.channel",
            .priority: "priority", .assignee: "assignee_id", .queue: "group_id", .tags: "tags", .csat: "\(derived).csat",
            .firstReplyAt: "\(derived).first_reply_at", .solvedAt: "\(derived).solved_at", .closedAt: "\(derived).closed_at",
            .reopenCount: "\(derived).reopen_count", .statusHistory: "\(derived).status_history", .agentReplies: "\(derived).agent_replies",
            .customerMessages: "\(derived).customer_messages",
        ])
        mapping.statuses = ["hold": .onHold]
        mapping.channels = [
            "web": .web, "email": .email, "mail": .email, "chat": .chat, "native_messaging": .chat, "messaging": .chat,
            "chat_transcript": .chat, "voice": .phone, "phone_call_inbound": .phone, "phone_call_outbound": .phone, "voicemail": .phone,
            "sms": .social, "twitter": .social, "twitter_dm": .social, "facebook": .social, "facebook_message": .social,
            "facebook_post": .social, "instagram_dm": .social, "whatsapp": .social, "line": .social, "wechat": .social,
            "any_channel": .social, "api": .web, "mobile": .web, "mobile_sdk": .web, "help_center": .web, "web_widget": .web,
            "web_service": .web, "sample_ticket": .web, "closed_ticket": .email, "side_conversation": .email, "rule": .web,
        ]
        mapping.defaultChannel = .web
        return mapping
    }()

    /// Request Tracker 5: a REST2 ticket (`GET /REST/2.0/ticket/{id}`) with `_oversight` derived from its history
    /// (`OversightConnectors.RequestTrackerTicket`). RT's statuses: new, open, stalled (on hold), resolved (solved),
    /// rejected (closed), deleted (closed).
    private static let rt5Mapping: FieldMappingConfiguration = {
        let derived = ExportPreset.derivedKey
        var mapping = FieldMappingConfiguration(fields: [
            .id: "id", .status: "Status", .createdAt: "Created", .updatedAt: "LastUpdated", .queue: "\(derived).queue",
            .assignee: "\(derived).owner", .firstReplyAt: "\(derived).first_reply_at", .solvedAt: "\(derived).solved_at",
            .reopenCount: "\(derived).reopen_count", .statusHistory: "\(derived).status_history",
            .agentReplies: "\(derived).agent_replies", .customerMessages: "\(derived).customer_messages",
        ])
        mapping.statuses = ["stalled": .onHold, "resolved": .solved, "rejected": .closed, "deleted": .closed]
        mapping.defaultChannel = .email
        return mapping
    }()

    /// Freshdesk: the tickets as its API v2 exports them (`GET /api/v2/tickets?include=stats`: an array of tickets, or
    /// one ticket per line), status codes 2–5, source and priority codes, and `stats`.
    private static let freshdeskMapping: FieldMappingConfiguration = {
        let derived = ExportPreset.derivedKey
        var mapping = FieldMappingConfiguration(fields: [
            .id: "id", .status: "status", .createdAt: "created_at", .updatedAt: "updated_at", .channel: "source", .priority: "priority",
            .assignee: "responder_id", .queue: "group_id", .tags: "tags", .firstReplyAt: "stats.first_responded_at",
            .solvedAt: "stats.resolved_at", .closedAt: "stats.closed_at", .reopenCount: "\(derived).reopen_count",
            .statusHistory: "\(derived).status_history",
        ])
        mapping.statuses = ["2": .open, "3": .pending, "4": .solved, "5": .closed]
        // 1 Email, 2 Portal, 3 Phone, 7 Chat, 9 Feedback widget, 10 Outbound email; 4 Forum, 5 Twitter, 6 Facebook and
        // 8 Mobihelp in accounts that still have them.
        mapping.channels = [
            "1": .email, "2": .web, "3": .phone, "4": .web, "5": .social, "6": .social, "7": .chat, "8": .web, "9": .web, "10": .email,
        ]
        mapping.priorities = ["1": .low, "2": .normal, "3": .high, "4": .urgent]
        return mapping
    }()
}
