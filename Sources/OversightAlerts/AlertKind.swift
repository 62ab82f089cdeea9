//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What an alert is about, and how loud it is.
//
//===----------------------------------------------------------------------===//

/// The kind of an alert: what happened. Sent to receivers as the `kind` and `alertname` labels.
package struct AlertKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The label value, e.g. `ticket_breached`.
    package let rawValue: String

    /// Creates a kind from its label value.
    package init(rawValue: String) { self.rawValue = rawValue }

    /// A ticket's clock has used its at-risk share of the target (first reply, resolution, …).
    package static let ticketAtRisk = AlertKind(rawValue: "ticket_at_risk")
    /// A ticket's clock exceeded its target.
    package static let ticketBreached = AlertKind(rawValue: "ticket_breached")
    /// An aggregate figure (service level, ASA, …) is projected to miss its target by the end of the period.
    package static let aggregateAtRisk = AlertKind(rawValue: "aggregate_at_risk")
    /// An aggregate figure missed its target for a closed period.
    package static let aggregateMissed = AlertKind(rawValue: "aggregate_missed")
    /// An agent sent no heartbeat for longer than allowed: the feed itself is late.
    package static let agentSilent = AlertKind(rawValue: "agent_silent")
    /// A chain or signature problem in what an agent sent.
    package static let securityEvent = AlertKind(rawValue: "security_event")
    /// A line of a provider's invoice differs from what the agents measured by more than the contract's tolerance.
    package static let invoiceLineBeyondTolerance = AlertKind(rawValue: "invoice_line_beyond_tolerance")

    /// The provider's QA scored the interactions head office also scored significantly higher than head office did
    /// (one-sided sign test, p < 0.05, at least 10 pairs; docs/audits.md "Calibration"). Once per provider and period.
    package static let calibrationLenient = AlertKind(rawValue: "calibration_lenient")

    /// Every kind the coordinator raises.
    package static let all: [AlertKind] = [
        .ticketAtRisk, .ticketBreached, .aggregateAtRisk, .aggregateMissed, .agentSilent, .securityEvent, .calibrationLenient, .invoiceLineBeyondTolerance,
    ]

    /// The severity used when the raiser does not choose one.
    package var defaultSeverity: AlertSeverity {
        switch self {
        case .ticketBreached, .aggregateMissed, .securityEvent: .critical
        default: .warning
        }
    }

    package var description: String { self.rawValue }
}

/// How urgent an alert is. Sent as the `severity` label (Alertmanager routes on it).
package enum AlertSeverity: String, Hashable, Sendable, Codable, CaseIterable {
    /// Someone should look during business hours.
    case warning
    /// Someone should look now (pager).
    case critical
}

/// Where an alert is in its life.
package enum AlertState: String, Hashable, Sendable, Codable, CaseIterable {
    /// Raised and nobody has taken it yet.
    case firing
    /// Someone said they are on it; still open.
    case acknowledged
    /// Over: the condition cleared or someone closed it.
    case resolved

    /// Whether the alert is still open (firing or acknowledged).
    package var isOpen: Bool { self != .resolved }
}

/// What a delivery tells a receiver.
package enum AlertEvent: String, Hashable, Sendable, Codable, CaseIterable {
    /// A new alert (or a resolved one that came back).
    case firing
    /// Someone acknowledged the alert.
    case acknowledged
    /// The alert is over.
    case resolved
    /// The alert is still firing (sent only on a webhook receiver's repeat interval).
    case `repeat`
}
