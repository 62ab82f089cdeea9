//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Breach disputes on the ticket page: provider staff dispute a breach with a contract reason, head office (supervisor or
// admin) accepts or rejects it before the contract's deadline; after it the contract's default stands.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import OversightLocalization
import OversightStore

extension ConsoleRole {
    /// Whether the role may dispute a breach (a provider's own staff).
    package var canDisputeBreaches: Bool { self == .provider }
    /// Whether the role may accept or reject a breach dispute (head office).
    package var canDecideBreachDisputes: Bool { self == .supervisor || self == .admin }
}

extension ConsoleHandlers {
    /// How a dispute stands now: its stored decision, or open until the deadline and the contract default after it.
    func breachDisputeState(_ dispute: StoredBreachDispute, _ l: Localizer = .english) -> (state: String, overdue: Bool) {
        guard dispute.state == .open else { return (l.term("dispute.state", dispute.state.rawValue), false) }
        guard let deadline = self.configuration.breachDisputeDeadline(dispute) else { return (l.term("dispute.state", "open"), false) }
        if self.now >= deadline {
            let fallback = self.configuration.contracts[dispute.provider]?.disputeDefault ?? "decided"
            return (l.t("disputes.by_default", ["state": l.term("dispute.state", fallback), "time": l.time(deadline)]), true)
        }
        return (l.t("disputes.open_until", ["time": l.time(deadline)]), false)
    }

    func openBreachDispute(provider: String, ticketId: String, clock: String, reason: String, note: String, by user: ConsoleUser) async throws
        -> StoredBreachDispute
    {
        guard user.canSee(provider: provider), try await self.store.ticket(provider: provider, id: ticketId) != nil else {
            throw ConsoleError.notFound("error.no_such_ticket")
        }
        guard user.role.canDisputeBreaches else { throw ConsoleError.forbidden("error.dispute_breach_provider_only") }
        guard (1...64).contains(clock.count), clock.allSatisfy({ $0.isASCII && ($0.isLowercase || $0 == "_") }) else {
            throw ConsoleError.badRequest("error.clock_name")
        }
        let reasons = self.configuration.contracts[provider]?.disputeReasons ?? []
        guard !reasons.isEmpty else {
            throw ConsoleError(.conflict, status: .conflict, "error.no_disputes_section", ["provider": provider])
        }
        guard reasons.contains(reason) else {
            throw ConsoleError.badRequest("error.reason_not_in_contract", ["reasons": reasons.joined(separator: ", ")])
        }
        return try await Self.annotating {
            try await self.store.openBreachDispute(
                provider: provider, ticketId: ticketId, clock: clock, by: user.username, reason: reason, note: note, at: self.now
            )
        }
    }

    func decideBreachDispute(provider: String, id: Int64, decision text: String, note: String, by user: ConsoleUser) async throws
        -> StoredBreachDispute
    {
        guard user.canSee(provider: provider), let dispute = try await self.store.breachDispute(provider: provider, id: id) else {
            throw ConsoleError.notFound("error.no_such_breach_dispute")
        }
        guard user.role.canDecideBreachDisputes else { throw ConsoleError.forbidden("error.decide_breach_dispute_supervisor_only") }
        guard let decision = BreachDisputeState(rawValue: text), decision != .open else {
            throw ConsoleError.badRequest("error.decision_accepted_rejected")
        }
        if dispute.state == .open, self.breachDisputeState(dispute).overdue {
            throw ConsoleError(.conflict, status: .conflict, "error.decision_time_passed")
        }
        return try await Self.annotating {
            try await self.store.decideBreachDispute(provider: provider, id: id, decision: decision, by: user.username, note: note, at: self.now)
        }
    }

    /// The ticket page's *Breach disputes* section: the disputes with their state, the provider's form to open one and
    /// head office's form to decide an open one.
    func addBreachDisputes(to page: inout ConsolePage, provider: String, ticketId: String, context: ConsoleRequestContext) async throws {
        let user = try context.requireUser()
        guard user.canSee(provider: provider) else { return }
        let l = context.localizer.in(timeZone: self.timeZone(of: provider))
        let disputes = try await self.store.breachDisputes(provider: provider, ticketId: ticketId)
        let breaches = try await self.store.ticketBreaches(provider: provider, ticketId: ticketId)
        var table = ConsoleTable(
            id: "breach-disputes", title: l.t("disputes.title"),
            columns: [
                l.t("audits.dispute"), l.t("column.clock"), l.t("audits.reason"), l.t("audits.opened"), l.t("column.note"), l.t("alerts.state"),
                l.t("audits.decided"), l.t("audits.decision_note"),
            ],
            empty: breaches.isEmpty ? l.t("notes.no_breach") : l.t("disputes.none")
        )
        table.rows = disputes.map { dispute in
            [
                .text("#\(dispute.id)"), .text(l.term("clock", dispute.clock)), .text(l.term("dispute.reason", dispute.reason)),
                .text("\(dispute.openedBy), \(l.time(dispute.openedAt))"), .text(dispute.note), .text(self.breachDisputeState(dispute, l).state),
                .text(dispute.decidedBy.map { "\($0), \(l.time(dispute.decidedAt))" } ?? ""), .text(dispute.decisionNote ?? ""),
            ]
        }
        page.add("<section id=\"disputes\">")
        page.add(table)
        page.add("<p class=\"meta\">\(HTML.escape(l.t("disputes.explained"))) (<code>oversight-coordinator sla credits</code>)</p>")
        let base = "/tickets/\(HTML.path(provider))/\(HTML.path(ticketId))/disputes"
        let reasons = self.configuration.contracts[provider]?.disputeReasons ?? []
        if user.role.canDisputeBreaches, !breaches.isEmpty, !reasons.isEmpty {
            var clocks: [String] = []
            for breach in breaches where !clocks.contains(breach.clock) { clocks.append(breach.clock) }
            let clockOptions = clocks.map { "<option value=\"\(HTML.escape($0))\">\(HTML.escape(l.term("clock", $0)))</option>" }.joined()
            let reasonOptions = reasons.map { "<option value=\"\(HTML.escape($0))\">\(HTML.escape(l.term("dispute.reason", $0)))</option>" }.joined()
            page.add(
                """
                <form method="post" action="\(base)" class="annotate">\(HTML.csrfField(context.identity))
                <label>\(HTML.escape(l.t("column.clock"))) <select name="clock">\(clockOptions)</select></label>
                <label>\(HTML.escape(l.t("audits.reason"))) <select name="reason">\(reasonOptions)</select></label>
                <label>\(HTML.escape(l.t("column.note"))) <textarea name="note" required maxlength="\(AnnotationText.maxLength)" rows="2"></textarea></label>
                <button type="submit">\(HTML.escape(l.t("disputes.dispute_breach")))</button></form>
                """
            )
        }
        if user.role.canDecideBreachDisputes {
            for dispute in disputes where dispute.state == .open && !self.breachDisputeState(dispute).overdue {
                page.add(
                    """
                    <form method="post" action="\(base)/\(dispute.id)/decision" class="annotate">\(HTML.csrfField(context.identity))
                    <label>\(HTML.escape(l.t("disputes.decide_number", ["id": String(dispute.id)]))) <select name="decision">\
                    <option value="accepted">\(HTML.escape(l.t("disputes.accept")))</option><option value="rejected">\(HTML.escape(l.t("disputes.reject")))</option></select></label>
                    <label>\(HTML.escape(l.t("column.note"))) <textarea name="note" required maxlength="\(AnnotationText.maxLength)" rows="2"></textarea></label>
                    <button type="submit">\(HTML.escape(l.t("disputes.decide")))</button></form>
                    """
                )
            }
        }
        page.add("</section>")
    }

    /// The breach-dispute forms of the ticket page.
    func addBreachDisputeRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.post("/tickets/:provider/:id/disputes") { request, context in
            let form = try await Self.form(request)
            let user = try self.checkPost(form, context: context)
            let provider = try context.parameters.require("provider")
            let id = try context.parameters.require("id")
            _ = try await self.openBreachDispute(
                provider: provider, ticketId: id, clock: form["clock"] ?? "", reason: form["reason"] ?? "", note: form["note"] ?? "", by: user
            )
            return Response(status: .seeOther, headers: [.location: "/tickets/\(HTML.path(provider))/\(HTML.path(id))#disputes"])
        }
        group.post("/tickets/:provider/:id/disputes/:dispute/decision") { request, context in
            let form = try await Self.form(request)
            let user = try self.checkPost(form, context: context)
            let provider = try context.parameters.require("provider")
            let id = try context.parameters.require("id")
            guard let dispute = Int64(try context.parameters.require("dispute")) else { throw ConsoleError.notFound("error.no_such_breach_dispute") }
            _ = try await self.decideBreachDispute(provider: provider, id: dispute, decision: form["decision"] ?? "", note: form["note"] ?? "", by: user)
            return Response(status: .seeOther, headers: [.location: "/tickets/\(HTML.path(provider))/\(HTML.path(id))#disputes"])
        }
    }
}

/// A breach dispute as the API returns it: as stored, plus its state now (the contract default once overdue). A dispute
/// of an aggregate miss has an empty ticket id and clock and names its target, period and excluded window.
package struct BreachDisputeView: Codable, Sendable, Hashable {
    package var id: Int64
    package var provider: String
    package var ticketId: String
    package var clock: String
    package var breachAt: Date
    package var openedBy: String
    package var openedAt: Date
    package var reason: String
    package var note: String
    package var state: String
    package var decidedBy: String?
    package var decidedAt: Date?
    package var decisionNote: String?
    /// `open`, `accepted`, `rejected`, or `accepted`/`rejected` by the contract default.
    package var effectiveState: String
    package var decideBy: Date?
    /// `ticket` (a ticket's breach) or `period` (an aggregate miss).
    package var kind: String
    package var target: String?
    package var period: String?
    package var excludedFrom: Date?
    package var excludedTo: Date?

    /// The view of `dispute` whose effective state is `effectiveState` (its decision deadline `decideBy`).
    package init(_ dispute: StoredBreachDispute, effectiveState: String, decideBy: Date?) {
        self.id = dispute.id
        self.provider = dispute.provider
        self.ticketId = dispute.ticketId
        self.clock = dispute.clock
        self.breachAt = dispute.breachAt
        self.openedBy = dispute.openedBy
        self.openedAt = dispute.openedAt
        self.reason = dispute.reason
        self.note = dispute.note
        self.state = dispute.state.rawValue
        self.decidedBy = dispute.decidedBy
        self.decidedAt = dispute.decidedAt
        self.decisionNote = dispute.decisionNote
        self.effectiveState = effectiveState
        self.decideBy = decideBy
        self.kind = dispute.period == nil ? "ticket" : "period"
        self.target = dispute.period?.targetId
        self.period = dispute.period?.label
        self.excludedFrom = dispute.period?.excludedFrom
        self.excludedTo = dispute.period?.excludedTo
    }
}

/// The body of `POST …/breach-disputes`.
struct BreachDisputeRequest: Decodable {
    var clock: String
    var reason: String
    var note: String
}

/// The body of `POST …/breach-disputes/{dispute}/decision`.
struct BreachDisputeDecisionRequest: Decodable {
    var decision: String
    var note: String
}

extension ConsoleHandlers {
    func breachDisputeView(_ dispute: StoredBreachDispute) -> BreachDisputeView {
        var effective = dispute.state.rawValue
        let deadline = self.configuration.breachDisputeDeadline(dispute)
        if dispute.state == .open, let deadline, self.now >= deadline {
            effective = self.configuration.contracts[dispute.provider]?.disputeDefault ?? "open"
        }
        return BreachDisputeView(dispute, effectiveState: effective, decideBy: deadline)
    }

    /// `GET`/`POST /api/v1/tickets/{provider}/{id}/breach-disputes` and `POST …/{dispute}/decision`.
    func addBreachDisputeAPIRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("tickets/:provider/:id/breach-disputes") { _, context in
            let user = try context.requireUser()
            let provider = try context.parameters.require("provider")
            let id = try context.parameters.require("id")
            guard user.canSee(provider: provider), try await self.store.ticket(provider: provider, id: id) != nil else {
                throw ConsoleError.notFound("error.no_such_ticket")
            }
            return try Self.json(try await self.store.breachDisputes(provider: provider, ticketId: id).map(self.breachDisputeView))
        }
        group.post("tickets/:provider/:id/breach-disputes") { request, context in
            let user = try self.checkAPIWrite(request, context: context)
            let body = try await Self.jsonBody(request, as: BreachDisputeRequest.self)
            try Self.checkLength(body.note, "note")
            let dispute = try await self.openBreachDispute(
                provider: try context.parameters.require("provider"), ticketId: try context.parameters.require("id"), clock: body.clock,
                reason: body.reason, note: body.note, by: user
            )
            var response = try Self.json(self.breachDisputeView(dispute))
            response.status = .created
            return response
        }
        group.post("tickets/:provider/:id/breach-disputes/:dispute/decision") { request, context in
            let user = try self.checkAPIWrite(request, context: context)
            let body = try await Self.jsonBody(request, as: BreachDisputeDecisionRequest.self)
            try Self.checkLength(body.note, "note")
            guard let id = Int64(try context.parameters.require("dispute")) else { throw ConsoleError.notFound("error.no_such_breach_dispute") }
            let dispute = try await self.decideBreachDispute(
                provider: try context.parameters.require("provider"), id: id, decision: body.decision, note: body.note, by: user
            )
            return try Self.json(self.breachDisputeView(dispute))
        }
    }
}
