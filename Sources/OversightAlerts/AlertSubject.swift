//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What an alert is about: the fields that identify it, sent as labels.
//
//===----------------------------------------------------------------------===//

/// The thing an alert is about. Every non-empty field becomes a label and is part of the dedupe key, so two alerts
/// with the same kind and subject are the same alert (in the store and in Alertmanager, whose identity is the label
/// set).
package struct AlertSubject: Hashable, Sendable, Codable {
    /// The provider (always set).
    package var provider: String
    /// The provider's site, where the alert concerns one.
    package var site: String?
    /// The contract the target comes from.
    package var contract: String?
    /// The ticket id (ticket alerts).
    package var ticket: String?
    /// The ticket clock: `first_reply`, `next_reply`, `update`, `resolution` (ticket alerts).
    package var clock: String?
    /// The aggregate figure: `service_level`, `asa`, `abandonment`, … (aggregate alerts).
    package var figure: String?
    /// The contract period, e.g. `2026-05` or `2026-W21` (aggregate alerts).
    package var period: String?
    /// The agent id (agent silent, security events).
    package var agent: String?
    /// Anything else that tells two alerts of the same kind apart (e.g. the security event type).
    package var detail: String?

    /// Creates a subject.
    /// - Parameters:
    ///   - provider: the provider id.
    ///   - site: the site, if any.
    ///   - contract: the contract id, if any.
    ///   - ticket: the ticket id, if any.
    ///   - clock: the ticket clock, if any.
    ///   - figure: the aggregate figure, if any.
    ///   - period: the period, if any.
    ///   - agent: the agent id, if any.
    ///   - detail: a further distinguishing value, if any.
    package init(
        provider: String, site: String? = nil, contract: String? = nil, ticket: String? = nil, clock: String? = nil,
        figure: String? = nil, period: String? = nil, agent: String? = nil, detail: String? = nil
    ) {
        self.provider = provider
        self.site = site
        self.contract = contract
        self.ticket = ticket
        self.clock = clock
        self.figure = figure
        self.period = period
        self.agent = agent
        self.detail = detail
    }

    /// The subject's fields as `(label, value)` pairs in a fixed order, empty ones left out.
    package var fields: [(name: String, value: String)] {
        let all: [(String, String?)] = [
            ("provider", self.provider), ("site", self.site), ("contract", self.contract), ("ticket", self.ticket),
            ("clock", self.clock), ("figure", self.figure), ("period", self.period), ("agent", self.agent), ("detail", self.detail),
        ]
        return all.compactMap { name, value in
            guard let value, !value.isEmpty else { return nil }
            return (name, value)
        }
    }
}
