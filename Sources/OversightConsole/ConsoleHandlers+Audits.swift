//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Quality audits (QA evaluations), the provider's disputes of their findings with the auditor's decision, and notes on
// SLA breaches: pages, forms and the JSON API.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import OversightModel
import OversightStore

extension ConsoleRole {
    /// Whether the role may dispute a QA evaluation's findings (a provider's own staff).
    package var canDispute: Bool { self == .provider }
    /// Whether the role may uphold or reject an open dispute.
    package var canDecideDisputes: Bool { self == .admin || self == .auditor }
    /// Whether the role may add a note to a breach.
    package var canAnnotateBreaches: Bool { self == .provider || self == .supervisor || self == .admin }
}

extension ConsoleHandlers {
    // MARK: Reading

    /// The evaluations `user` may see, newest first, filtered by provider, site and month (`YYYY-MM`, in each provider's
    /// contract time zone; UTC without a contract).
    func audits(for user: ConsoleUser, provider: String?, site: String?, month: String?, limit: Int, offset: Int) async throws -> AuditPage {
        var windows: [AuditWindow] = []
        for name in try await self.store.evaluationProviders() where user.canSee(provider: name) && (provider == nil || provider == name) {
            if let month {
                guard let period = PeriodCalendar(timeZone: self.timeZone(of: name)).month(month) else {
                    throw ConsoleError.badRequest("month must be YYYY-MM")
                }
                windows.append(AuditWindow(provider: name, from: period.from, to: period.to))
            } else {
                windows.append(AuditWindow(provider: name))
            }
        }
        if let month, PeriodCalendar(timeZone: .gmt).month(month) == nil { throw ConsoleError.badRequest("month must be YYYY-MM") }
        let rows = try await self.store.auditRows(windows: windows, site: site, limit: limit + 1, offset: offset)
        return AuditPage(
            audits: rows.prefix(limit).map { AuditView($0, recomputation: self.recomputation(of: $0.evaluation.record)) },
            nextOffset: rows.count > limit ? offset + limit : nil, providers: try await self.recomputationCounts(windows: windows, site: site)
        )
    }

    /// One evaluation, or 404 when it is unknown or out of scope.
    func audit(provider: String, id: String, for user: ConsoleUser) async throws -> AuditDetail {
        guard user.canSee(provider: provider), let row = try await self.store.auditRow(provider: provider, id: id) else {
            throw ConsoleError.notFound("no such evaluation")
        }
        let batch = try await self.store.batch(agentId: row.evaluation.agentId, seq: row.evaluation.batchSeq)
        let recomputation = self.recomputation(of: row.evaluation.record)
        return AuditDetail(
            audit: AuditView(row, recomputation: recomputation), items: row.evaluation.record.items, comments: row.evaluation.record.comments,
            recomputation: RecomputationDetail(recomputation),
            batch: .init(
                agentId: row.evaluation.agentId, seq: row.evaluation.batchSeq, hash: batch?.hash, receivedAt: batch?.receivedAt,
                recordCount: batch?.recordCount
            ),
            signature: SignatureCheck.check(
                batch: batch, agent: try await self.store.agent(id: row.evaluation.agentId), agentId: row.evaluation.agentId,
                seq: row.evaluation.batchSeq, kind: "evaluation", id: id, provider: provider, now: self.now
            ),
            disputes: try await self.store.disputes(provider: provider, evaluationId: id)
        )
    }

    /// A ticket's breaches and notes, or 404 when the ticket is unknown or out of scope.
    func breachNotes(provider: String, ticketId: String, for user: ConsoleUser) async throws -> BreachNotesView {
        guard user.canSee(provider: provider), try await self.store.ticket(provider: provider, id: ticketId) != nil else {
            throw ConsoleError.notFound("no such ticket")
        }
        let breaches = try await self.store.ticketBreaches(provider: provider, ticketId: ticketId)
        return BreachNotesView(
            provider: provider, ticketId: ticketId,
            breaches: breaches.map { .init(clock: $0.clock, at: $0.at, detectedAt: $0.detectedAt, lateData: $0.lateData) },
            notes: try await self.store.breachNotes(provider: provider, ticketId: ticketId)
        )
    }

    // MARK: Writing (shared by the forms and the API; scope first (404), then the role (403), then the state)

    /// Runs a store annotation, turning its refusals into console errors (404, 409, 400).
    static func annotating<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as AnnotationError {
            switch error {
            case .notFound(let message): throw ConsoleError.notFound(message)
            case .conflict(let message): throw ConsoleError(.conflict, status: .conflict, message)
            case .invalid(let message): throw ConsoleError.badRequest(message)
            }
        }
    }

    func openDispute(provider: String, id: String, reason: String, by user: ConsoleUser) async throws -> StoredDispute {
        guard user.canSee(provider: provider), try await self.store.auditRow(provider: provider, id: id) != nil else {
            throw ConsoleError.notFound("no such evaluation")
        }
        guard user.role.canDispute else { throw ConsoleError.forbidden("only the provider's own staff may dispute an evaluation") }
        return try await Self.annotating {
            try await self.store.openDispute(provider: provider, evaluationId: id, by: user.username, reason: reason, at: self.now)
        }
    }

    func decideDispute(provider: String, id: String, decision text: String, note: String, by user: ConsoleUser) async throws -> StoredDispute {
        guard user.canSee(provider: provider), try await self.store.auditRow(provider: provider, id: id) != nil else {
            throw ConsoleError.notFound("no such evaluation")
        }
        guard user.role.canDecideDisputes else { throw ConsoleError.forbidden("only an auditor or an admin may decide a dispute") }
        guard let decision = DisputeState(rawValue: text), decision != .open else {
            throw ConsoleError.badRequest("decision must be upheld or rejected")
        }
        return try await Self.annotating {
            try await self.store.decideDispute(provider: provider, evaluationId: id, decision: decision, by: user.username, note: note, at: self.now)
        }
    }

    func addBreachNote(provider: String, ticketId: String, clock: String?, text: String, by user: ConsoleUser) async throws -> StoredBreachNote {
        guard user.canSee(provider: provider), try await self.store.ticket(provider: provider, id: ticketId) != nil else {
            throw ConsoleError.notFound("no such ticket")
        }
        guard user.role.canAnnotateBreaches else { throw ConsoleError.forbidden("viewers and auditors may not annotate breaches") }
        return try await Self.annotating {
            try await self.store.addBreachNote(
                provider: provider, ticketId: ticketId, clock: clock, author: user.username, role: user.role.rawValue, text: text, at: self.now
            )
        }
    }

    // MARK: Pages

    /// `/audits`, `/audits/{provider}/{id}` and their forms; the breach-note form of the ticket page.
    func addAuditPageRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("/audits") { request, context in try await self.auditsPage(request: request, context: context) }
        group.get("/audits/:provider/:id") { request, context in
            try await self.auditPage(
                provider: try context.parameters.require("provider"), id: try context.parameters.require("id"), request: request, context: context
            )
        }
        group.post("/audits/:provider/:id/dispute") { request, context in
            let form = try await Self.form(request)
            let user = try self.checkPost(form, context: context)
            let provider = try context.parameters.require("provider")
            let id = try context.parameters.require("id")
            _ = try await self.openDispute(provider: provider, id: id, reason: form["reason"] ?? "", by: user)
            return Response(status: .seeOther, headers: [.location: "/audits/\(HTML.path(provider))/\(HTML.path(id))#disputes"])
        }
        group.post("/audits/:provider/:id/decision") { request, context in
            let form = try await Self.form(request)
            let user = try self.checkPost(form, context: context)
            let provider = try context.parameters.require("provider")
            let id = try context.parameters.require("id")
            _ = try await self.decideDispute(provider: provider, id: id, decision: form["decision"] ?? "", note: form["note"] ?? "", by: user)
            return Response(status: .seeOther, headers: [.location: "/audits/\(HTML.path(provider))/\(HTML.path(id))#disputes"])
        }
        group.post("/tickets/:provider/:id/notes") { request, context in
            let form = try await Self.form(request)
            let user = try self.checkPost(form, context: context)
            let provider = try context.parameters.require("provider")
            let id = try context.parameters.require("id")
            let clock = form["clock"].flatMap { $0.isEmpty ? nil : $0 }
            _ = try await self.addBreachNote(provider: provider, ticketId: id, clock: clock, text: form["text"] ?? "", by: user)
            return Response(status: .seeOther, headers: [.location: "/tickets/\(HTML.path(provider))/\(HTML.path(id))#notes"])
        }
    }

    static let auditColumns = [
        "Evaluated", "Provider", "Site", "Evaluation", "Interaction", "Agent", "Score", "Recomputed", "High-impact errors", "Low-impact errors",
        "Scorecard", "Evaluator", "Signed batch", "Dispute",
    ]

    /// The *Recomputed* cell: head office's score, `DIFFERS` when it is more than 0.01 from the provider's, else why there is none.
    static func recomputedCell(_ audit: AuditView) -> ConsoleTable.Cell {
        guard let score = audit.recomputedScore else {
            let why = ["unknown_scorecard": "— (unknown scorecard)", "unknown_version": "— (unknown version)", "no_items": "— (no items)"]
            return .text(why[audit.recomputation] ?? "— (items do not fit)", class: "num")
        }
        let text = SVGChart.number(score, digits: 2)
        return audit.scoreDiffers ? .text("\(text) DIFFERS", class: "num flagged differs") : .text(text, class: "num")
    }

    /// The page shows at most this many evaluations; the month filter reaches older ones.
    static let auditPageRows = 500

    func auditsPage(request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let query = request.uri.queryParameters
        let provider = query.get("provider").flatMap { $0.isEmpty ? nil : $0 }
        let site = query.get("site").flatMap { $0.isEmpty ? nil : $0 }
        let month = query.get("month").flatMap { $0.isEmpty ? nil : $0 }
        let result = try await self.audits(for: user, provider: provider, site: site, month: month, limit: Self.auditPageRows, offset: 0)
        var table = ConsoleTable(id: "audits", columns: Self.auditColumns, empty: "No QA evaluations match.")
        for audit in result.audits {
            let path = "/audits/\(HTML.path(audit.provider))/\(HTML.path(audit.id))"
            let flagged = audit.flagged ? "\(audit.highImpactErrors) HIGH-IMPACT" : "0"
            table.rows.append([
                .text(HTML.time(audit.evaluatedAt)), .link(audit.provider, "/providers/\(HTML.path(audit.provider))"), .text(audit.site),
                .link(audit.id, path), .text(audit.interactionRef), .text(audit.agent ?? "—"),
                .text(SVGChart.number(audit.score, digits: 1), class: "num"), Self.recomputedCell(audit),
                .text(flagged, class: audit.flagged ? "num flagged" : "num"), .number(audit.lowImpactErrors),
                .text("\(audit.scorecard) v\(audit.scorecardVersion)"), .text(audit.evaluator), .text("\(audit.batch.agentId) #\(audit.batch.seq)"),
                .text(audit.dispute.map { $0.rawValue.uppercased() } ?? "—", class: audit.dispute.map { "dispute \($0.rawValue)" }),
            ])
        }
        let providers = try await self.store.evaluationProviders().filter { user.canSee(provider: $0) }
        let options = (["<option value=\"\">all</option>"] + providers.map {
            "<option value=\"\(HTML.escape($0))\"\($0 == provider ? " selected" : "")>\(HTML.escape($0))</option>"
        }).joined()
        let more = result.nextOffset != nil ? " (the newest \(Self.auditPageRows); choose a month for older ones)" : ""
        var page = ConsolePage(title: "Audits", name: "audits")
        page.add(
            """
            <h1>Quality audits</h1>
            <form method="get" action="/audits" class="filters">
            <label>Provider <select name="provider">\(options)</select></label>
            <label>Site <input name="site" value="\(HTML.escape(site ?? ""))" maxlength="128"></label>
            <label>Month <input name="month" type="month" value="\(HTML.escape(month ?? ""))" placeholder="YYYY-MM" \
            pattern="[0-9]{4}-[0-9]{2}"></label>
            <button type="submit">Filter</button></form>
            <p class="meta">QA evaluations, newest first\(more). \
            A high-impact error flags the evaluation. Agents and evaluators are pseudonymised at the provider; months are in the \
            provider's contract time zone.</p>
            """
        )
        // The list first: it is the CSV export by default.
        page.add(table)
        if !result.providers.isEmpty {
            var counts = ConsoleTable(
                id: "recomputation", title: "Scores recomputed at head office",
                columns: ["Provider", "Evaluations", "Recomputed", "Differ from the provider's total"]
            )
            counts.rows = result.providers.map {
                [
                    .link($0.provider, "/audits?provider=\(ConsolePage.encode($0.provider))"), .number($0.evaluations), .number($0.recomputed),
                    .text(String($0.differs), class: $0.differs > 0 ? "num flagged" : "num"),
                ]
            }
            page.add(counts)
            page.add(
                "<p class=\"meta\">Each evaluation that names a scorecard version head office has loaded is scored again from its item "
                    + "results (weights, N/A, high-impact zeroing: docs/audits.md); DIFFERS marks a total more than 0.01 away from the "
                    + "provider's. \(self.configuration.scorecards.scorecards.count) scorecard(s) loaded.</p>"
            )
        }
        return try page.response(for: request, identity: context.identity)
    }

    func auditPage(provider: String, id: String, request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let detail = try await self.audit(provider: provider, id: id, for: user)
        let audit = detail.audit
        func pairs(_ id: String, _ title: String, _ rows: [(String, String)]) -> ConsoleTable {
            var table = ConsoleTable(id: id, title: title, columns: ["Field", "Value"], rows: rows.map { [.text($0.0, class: "name"), .text($0.1)] })
            table.className = "fields"
            return table
        }
        let fields = pairs("evaluation", "Evaluation", [
            ("Provider", audit.provider), ("Site", audit.site), ("Evaluation", audit.id), ("Interaction", audit.interactionRef),
            ("Channel", audit.channel ?? "—"), ("Queue", audit.queue ?? "—"), ("Agent", audit.agent ?? "—"), ("Evaluator", audit.evaluator),
            ("Scorecard", "\(audit.scorecard) v\(audit.scorecardVersion)"), ("Evaluated", HTML.time(audit.evaluatedAt)),
            ("Score", SVGChart.number(audit.score, digits: 1)),
            ("Recomputed at head office", Self.recomputedText(detail.recomputation)),
            ("High-impact errors", audit.flagged ? "\(audit.highImpactErrors) (FLAGGED)" : "0"), ("Low-impact errors", String(audit.lowImpactErrors)),
            ("Dispute", audit.dispute?.rawValue ?? "none"),
        ])
        var items = ConsoleTable(
            id: "items", title: "Items", columns: ["Item", "Result", "Impact", "Weight"], empty: "The export gave only the counts and score."
        )
        for item in detail.items {
            let highFail = !item.passed && item.impact == .high
            items.rows.append([
                .text(item.item), .text(item.passed ? "passed" : "FAILED", class: highFail ? "flagged" : nil), .text(item.impact.rawValue),
                .text(item.weight.map { SVGChart.number($0, digits: 2) } ?? "—", class: "num"),
            ])
        }
        let batch = detail.batch
        let batchTable = pairs("batch", "Signed batch", [
            ("Agent", batch.agentId), ("Sequence", String(batch.seq)), ("Hash", batch.hash ?? "—"), ("Received", HTML.time(batch.receivedAt)),
            ("Records", batch.recordCount.map(String.init) ?? "—"), ("Signature", detail.signature.summary(of: "evaluation")),
        ])
        var thread = ConsoleTable(
            id: "disputes", title: "Disputes", columns: ["Opened", "By", "Reason", "State", "Decided", "Decided by", "Decision note"],
            empty: "Not disputed."
        )
        for dispute in detail.disputes {
            thread.rows.append([
                .text(HTML.time(dispute.openedAt)), .text(dispute.openedBy), .text(dispute.reason),
                .text(dispute.state.rawValue.uppercased(), class: "dispute \(dispute.state.rawValue)"), .text(HTML.time(dispute.decidedAt)),
                .text(dispute.decidedBy ?? "—"), .text(dispute.decisionNote ?? "—"),
            ])
        }
        let base = "/audits/\(HTML.path(provider))/\(HTML.path(id))"
        let open = detail.disputes.contains { $0.state == .open }
        var forms = ""
        if user.role.canDispute, !open {
            forms += """
                <form method="post" action="\(base)/dispute" class="annotate">\(HTML.csrfField(context.identity))
                <label>Reason for disputing this evaluation
                <textarea name="reason" required maxlength="\(AnnotationText.maxLength)" rows="3"></textarea></label>
                <button type="submit">Open dispute</button></form>
                """
        }
        if user.role.canDecideDisputes, open {
            forms += """
                <form method="post" action="\(base)/decision" class="annotate">\(HTML.csrfField(context.identity))
                <label>Decision note <textarea name="note" required maxlength="\(AnnotationText.maxLength)" rows="3"></textarea></label>
                <button type="submit" name="decision" value="upheld">Uphold dispute</button>
                <button type="submit" name="decision" value="rejected">Reject dispute</button></form>
                """
        }
        var page = ConsolePage(title: "Evaluation \(audit.id)", name: "audit-\(provider)-\(audit.id)")
        // The evaluated interaction is usually a ticket: link it when the store has it.
        var ticketLink = ""
        if try await self.store.ticket(provider: provider, id: audit.interactionRef) != nil {
            let href = "/tickets/\(HTML.path(provider))/\(HTML.path(audit.interactionRef))"
            ticketLink = " · <a href=\"\(href)\">Ticket \(HTML.escape(audit.interactionRef))</a>"
        }
        page.add(
            "<h1>Evaluation \(HTML.escape(audit.id))</h1>"
                + "<p><a href=\"/audits?provider=\(ConsolePage.encode(provider))\">Audits of \(HTML.escape(provider))</a>\(ticketLink)</p>"
        )
        page.add("<div class=\"columns\"><section>")
        page.add(fields)
        page.add("</section><section>")
        page.add(items)
        page.add("</section></div>")
        page.add("<h2>Comments</h2><p class=\"comments\">\(HTML.escape(detail.comments ?? "None."))</p>")
        page.add(batchTable)
        page.add("<section id=\"disputes\">")
        page.add(thread)
        page.add(forms + "</section>")
        return try page.response(for: request, identity: context.identity)
    }

    /// The evaluation page's *Recomputed at head office* value: the score with its sums and N/A items, or why there is none.
    static func recomputedText(_ detail: RecomputationDetail) -> String {
        let superseded = detail.versionInForce == false ? "; the version was not in force when evaluated" : ""
        guard let score = detail.score, let earned = detail.earned, let possible = detail.possible else {
            return "not recomputed: \(detail.reason ?? detail.status)" + (superseded.isEmpty ? "" : " (\(superseded.dropFirst(2)))")
        }
        var text = SVGChart.number(score, digits: 2) + (detail.differs ? " — DIFFERS from the provider's total" : " — matches")
        text += " (\(SVGChart.number(earned, digits: 2)) of \(SVGChart.number(possible, digits: 2)) weight"
        if let na = detail.notApplicable, !na.isEmpty { text += "; N/A: \(na.joined(separator: ", "))" }
        if detail.zeroed == true { text += "; zeroed by \(detail.failedHighImpact?.joined(separator: ", ") ?? "a high-impact error")" }
        if let mismatches = detail.impactMismatches, !mismatches.isEmpty {
            text += "; impact as on the scorecard for \(mismatches.joined(separator: ", "))"
        }
        return text + superseded + ")"
    }

    /// The ticket page's *Breach notes* section: the breaches, their notes and, for those who may, the form to add one.
    func addBreachNotes(to page: inout ConsolePage, provider: String, ticketId: String, context: ConsoleRequestContext) async throws {
        let user = try context.requireUser()
        let view = try await self.breachNotes(provider: provider, ticketId: ticketId, for: user)
        var table = ConsoleTable(
            id: "notes", title: "Breach notes", columns: ["At", "Clock", "Author", "Role", "Note"],
            empty: view.breaches.isEmpty ? "No breach on this ticket." : "No notes on this breach yet."
        )
        table.rows = view.notes.map {
            [.text(HTML.time($0.at)), .text($0.clock.replacingOccurrences(of: "_", with: " ")), .text($0.author), .text($0.role), .text($0.text)]
        }
        page.add("<section id=\"notes\">")
        page.add(table)
        if !view.breaches.isEmpty {
            let breaches = view.breaches.map { "\($0.clock.replacingOccurrences(of: "_", with: " ")) at \(HTML.time($0.at))" }.joined(separator: "; ")
            page.add(
                "<p class=\"meta\">Breached: \(HTML.escape(breaches)). Notes are evidence: they are kept as written and never edited or deleted.</p>"
            )
            if user.role.canAnnotateBreaches {
                var clocks: [String] = []
                for breach in view.breaches.reversed() where !clocks.contains(breach.clock) { clocks.append(breach.clock) }
                let options = clocks.map {
                    "<option value=\"\(HTML.escape($0))\">\(HTML.escape($0.replacingOccurrences(of: "_", with: " ")))</option>"
                }.joined()
                let action = "/tickets/\(HTML.path(provider))/\(HTML.path(ticketId))/notes"
                page.add(
                    """
                    <form method="post" action="\(action)" class="annotate">\(HTML.csrfField(context.identity))
                    <label>Clock <select name="clock">\(options)</select></label>
                    <label>Note <textarea name="text" required maxlength="\(AnnotationText.maxLength)" rows="2"></textarea></label>
                    <button type="submit">Add note</button></form>
                    """
                )
            }
        }
        page.add("</section>")
    }

    // MARK: API

    /// `GET /audits`, `GET /audits/{provider}/{id}`, dispute writes, and a ticket's breach notes.
    func addAuditAPIRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("audits") { request, context in
            let query = request.uri.queryParameters
            let user = try context.requireUser()
            var limit = 50
            if let text = query.get("limit") {
                guard let value = Int(text), (1...500).contains(value) else { throw ConsoleError.badRequest("limit must be 1–500") }
                limit = value
            }
            var offset = 0
            if let text = query.get("offset") {
                guard let value = Int(text), (0...100_000).contains(value) else { throw ConsoleError.badRequest("offset must be 0–100000") }
                offset = value
            }
            return try Self.json(
                try await self.audits(
                    for: user, provider: query.get("provider"), site: query.get("site"), month: query.get("month"), limit: limit, offset: offset
                )
            )
        }
        group.get("audits/:provider/:id") { _, context in
            try Self.json(
                try await self.audit(
                    provider: try context.parameters.require("provider"), id: try context.parameters.require("id"), for: try context.requireUser()
                )
            )
        }
        group.post("audits/:provider/:id/disputes") { request, context in
            let user = try self.checkAPIWrite(request, context: context)
            let provider = try context.parameters.require("provider")
            let id = try context.parameters.require("id")
            let body = try await Self.jsonBody(request, as: DisputeRequest.self)
            try Self.checkLength(body.reason, "reason")
            var response = try Self.json(try await self.openDispute(provider: provider, id: id, reason: body.reason, by: user))
            response.status = .created
            return response
        }
        group.post("audits/:provider/:id/disputes/decision") { request, context in
            let user = try self.checkAPIWrite(request, context: context)
            let body = try await Self.jsonBody(request, as: DisputeDecisionRequest.self)
            try Self.checkLength(body.note, "note")
            return try Self.json(
                try await self.decideDispute(
                    provider: try context.parameters.require("provider"), id: try context.parameters.require("id"), decision: body.decision,
                    note: body.note, by: user
                )
            )
        }
        group.get("tickets/:provider/:id/notes") { _, context in
            try Self.json(
                try await self.breachNotes(
                    provider: try context.parameters.require("provider"), ticketId: try context.parameters.require("id"),
                    for: try context.requireUser()
                )
            )
        }
        group.post("tickets/:provider/:id/notes") { request, context in
            let user = try self.checkAPIWrite(request, context: context)
            let body = try await Self.jsonBody(request, as: BreachNoteRequest.self)
            try Self.checkLength(body.text, "text")
            var response = try Self.json(
                try await self.addBreachNote(
                    provider: try context.parameters.require("provider"), ticketId: try context.parameters.require("id"), clock: body.clock,
                    text: body.text, by: user
                )
            )
            response.status = .created
            return response
        }
    }

    /// Refuses a text over the limit before anything else is read (the document's `maxLength`, in code points).
    static func checkLength(_ text: String, _ what: String) throws {
        guard text.unicodeScalars.count <= AnnotationText.maxLength else {
            throw ConsoleError.badRequest("\(what) must be at most \(AnnotationText.maxLength) characters")
        }
    }
}
