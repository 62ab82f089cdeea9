//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Quality audits (QA evaluations), the provider's disputes of their findings with the auditor's decision, and notes on
// SLA breaches: pages, forms and the JSON API.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import OversightLocalization
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
                    throw ConsoleError.badRequest("error.month")
                }
                windows.append(AuditWindow(provider: name, from: period.from, to: period.to))
            } else {
                windows.append(AuditWindow(provider: name))
            }
        }
        if let month, PeriodCalendar(timeZone: .gmt).month(month) == nil { throw ConsoleError.badRequest("error.month") }
        let rows = try await self.store.auditRows(windows: windows, site: site, limit: limit + 1, offset: offset)
        return AuditPage(
            audits: rows.prefix(limit).map { AuditView($0, recomputation: self.recomputation(of: $0.evaluation.record)) },
            nextOffset: rows.count > limit ? offset + limit : nil, providers: try await self.recomputationCounts(windows: windows, site: site)
        )
    }

    /// One evaluation, or 404 when it is unknown or out of scope.
    func audit(provider: String, id: String, for user: ConsoleUser) async throws -> AuditDetail {
        guard user.canSee(provider: provider), let row = try await self.store.auditRow(provider: provider, id: id) else {
            throw ConsoleError.notFound("error.no_such_evaluation")
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
            throw ConsoleError.notFound("error.no_such_ticket")
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
            let (key, arguments) = Self.messageKey(of: error)
            switch error {
            case .notFound: throw ConsoleError.notFound(key, arguments)
            case .conflict: throw ConsoleError(.conflict, status: .conflict, key, arguments)
            case .invalid: throw ConsoleError.badRequest(key, arguments)
            }
        }
    }

    /// The catalogue key and arguments of a store's refusal (its English sentences, OversightStore/AnnotationText.swift and
    /// the stores' annotation and breach-dispute files); one the table does not know keeps its English text.
    static func messageKey(of error: AnnotationError) -> (String, [String: String]) {
        let message: String
        switch error {
        case .notFound(let text), .conflict(let text), .invalid(let text): message = text
        }
        let fixed = [
            "no such breach dispute": "error.no_such_breach_dispute", "no such evaluation": "error.no_such_evaluation",
            "no such ticket": "error.no_such_ticket", "a dispute of this breach was already accepted": "error.breach_dispute_accepted",
            "this breach already has an open dispute": "error.breach_dispute_open", "this breach dispute was already decided": "error.breach_dispute_decided",
            "this evaluation already has an open dispute": "error.evaluation_dispute_open",
            "this evaluation has no open dispute to decide": "error.evaluation_no_open_dispute",
            "this ticket has no breach to annotate": "error.no_breach_to_annotate", "this ticket has no breach to dispute": "error.no_breach_to_dispute",
            "decision must be accepted or rejected": "error.decision_accepted_rejected",
            "this period already has an open dispute": "error.period_dispute_open",
            "a dispute of this period was already accepted": "error.period_dispute_accepted",
            "the excluded window must lie inside the period and not be empty": "error.period_window", "decision must be upheld or rejected": "error.decision_upheld_rejected",
        ]
        if let key = fixed[message] { return (key, [:]) }
        if let match = message.wholeMatch(of: /this breach dispute was already (\w+)/) {
            return ("error.breach_dispute_already", ["state": String(match.1)])
        }
        if let match = message.wholeMatch(of: /this ticket has no (\w+) breach \(breached: (.*)\)/) {
            return ("error.no_breach_of_clock", ["clock": String(match.1), "breached": String(match.2)])
        }
        if let match = message.wholeMatch(of: /(\w+) is required and must not be blank/) { return ("error.text_blank", ["field": String(match.1)]) }
        if let match = message.wholeMatch(of: /(\w+) holds a NUL character \(U\+0000\)/) { return ("error.text_nul", ["field": String(match.1)]) }
        if let match = message.wholeMatch(of: /(\w+) must be at most (\d+) characters \(it has (\d+)\)/) {
            return ("error.text_too_long", ["field": String(match.1), "max": String(match.2)])
        }
        return ("error.store_refused", ["detail": message])
    }

    func openDispute(provider: String, id: String, reason: String, by user: ConsoleUser) async throws -> StoredDispute {
        guard user.canSee(provider: provider), try await self.store.auditRow(provider: provider, id: id) != nil else {
            throw ConsoleError.notFound("error.no_such_evaluation")
        }
        guard user.role.canDispute else { throw ConsoleError.forbidden("error.dispute_evaluation_provider_only") }
        return try await Self.annotating {
            try await self.store.openDispute(provider: provider, evaluationId: id, by: user.username, reason: reason, at: self.now)
        }
    }

    func decideDispute(provider: String, id: String, decision text: String, note: String, by user: ConsoleUser) async throws -> StoredDispute {
        guard user.canSee(provider: provider), try await self.store.auditRow(provider: provider, id: id) != nil else {
            throw ConsoleError.notFound("error.no_such_evaluation")
        }
        guard user.role.canDecideDisputes else { throw ConsoleError.forbidden("error.decide_dispute_auditor_only") }
        guard let decision = DisputeState(rawValue: text), decision != .open else {
            throw ConsoleError.badRequest("error.decision_upheld_rejected")
        }
        return try await Self.annotating {
            try await self.store.decideDispute(provider: provider, evaluationId: id, decision: decision, by: user.username, note: note, at: self.now)
        }
    }

    func addBreachNote(provider: String, ticketId: String, clock: String?, text: String, by user: ConsoleUser) async throws -> StoredBreachNote {
        guard user.canSee(provider: provider), try await self.store.ticket(provider: provider, id: ticketId) != nil else {
            throw ConsoleError.notFound("error.no_such_ticket")
        }
        guard user.role.canAnnotateBreaches else { throw ConsoleError.forbidden("error.annotate_not_allowed") }
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

    static func auditColumns(_ l: Localizer) -> [String] {
        [
            l.t("ticket.evaluated"), l.t("column.provider"), l.t("column.site"), l.t("audits.evaluation"), l.t("audits.interaction"),
            l.t("column.agent"), l.t("audits.score"), l.t("audits.recomputed"), l.t("audits.high_impact_errors"), l.t("audits.low_impact_errors"),
            l.t("audits.scorecard"), l.t("audits.evaluator"), l.t("ticket.signed_batch"), l.t("audits.dispute"),
        ]
    }

    /// The *Recomputed* cell: head office's score, `DIFFERS` when it is more than 0.01 from the provider's, else why there is none.
    static func recomputedCell(_ audit: AuditView, _ l: Localizer) -> ConsoleTable.Cell {
        guard let score = audit.recomputedScore else {
            let why = ["unknown_scorecard", "unknown_version", "no_items"].contains(audit.recomputation) ? audit.recomputation : "items_do_not_fit"
            return .text("— (\(l.t("audits.not_recomputed.\(why)")))", class: "num")
        }
        let text = l.number(score, digits: 2)
        return audit.scoreDiffers ? .text(l.t("audits.differs_cell", ["score": text]), class: "num flagged differs") : .text(text, class: "num")
    }

    /// The page shows at most this many evaluations; the month filter reaches older ones.
    static let auditPageRows = 500

    func auditsPage(request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let l = context.localizer
        let query = request.uri.queryParameters
        let provider = query.get("provider").flatMap { $0.isEmpty ? nil : $0 }
        let site = query.get("site").flatMap { $0.isEmpty ? nil : $0 }
        let month = query.get("month").flatMap { $0.isEmpty ? nil : $0 }
        let result = try await self.audits(for: user, provider: provider, site: site, month: month, limit: Self.auditPageRows, offset: 0)
        var table = ConsoleTable(id: "audits", columns: Self.auditColumns(l), empty: l.t("audits.none_match"))
        for audit in result.audits {
            let path = "/audits/\(HTML.path(audit.provider))/\(HTML.path(audit.id))"
            let flagged = audit.flagged ? l.t("audits.high_impact_count", ["count": l.integer(audit.highImpactErrors)]) : l.integer(0)
            let al = l.in(timeZone: self.timeZone(of: audit.provider))
            table.rows.append([
                .text(al.time(audit.evaluatedAt)), .link(audit.provider, "/providers/\(HTML.path(audit.provider))"), .text(audit.site),
                .link(audit.id, path), .text(audit.interactionRef), .text(audit.agent ?? "—"),
                .text(l.number(audit.score, digits: 1), class: "num"), Self.recomputedCell(audit, l),
                .text(flagged, class: audit.flagged ? "num flagged" : "num"), .number(audit.lowImpactErrors, l),
                .text("\(audit.scorecard) v\(audit.scorecardVersion)"), .text(audit.evaluator), .text("\(audit.batch.agentId) #\(audit.batch.seq)"),
                .text(audit.dispute.map { l.term("dispute.state", $0.rawValue).uppercased() } ?? "—", class: audit.dispute.map { "dispute \($0.rawValue)" }),
            ])
        }
        let providers = try await self.store.evaluationProviders().filter { user.canSee(provider: $0) }
        let options = (["<option value=\"\">\(HTML.escape(l.t("audits.all")))</option>"] + providers.map {
            "<option value=\"\(HTML.escape($0))\"\($0 == provider ? " selected" : "")>\(HTML.escape($0))</option>"
        }).joined()
        let intro = result.nextOffset != nil ? l.t("audits.intro_more", ["count": l.integer(Self.auditPageRows)]) : l.t("audits.intro")
        var page = ConsolePage(title: l.t("nav.audits"), name: "audits")
        page.add(
            """
            <h1>\(HTML.escape(l.t("audits.title")))</h1>
            <form method="get" action="/audits" class="filters">
            <label>\(HTML.escape(l.t("column.provider"))) <select name="provider">\(options)</select></label>
            <label>\(HTML.escape(l.t("column.site"))) <input name="site" value="\(HTML.escape(site ?? ""))" maxlength="128"></label>
            <label>\(HTML.escape(l.t("audits.month"))) <input name="month" type="month" value="\(HTML.escape(month ?? ""))" placeholder="YYYY-MM" \
            pattern="[0-9]{4}-[0-9]{2}"></label>
            <button type="submit">\(HTML.escape(l.t("audits.filter")))</button></form>
            <p class="meta">\(HTML.escape(intro))</p>
            """
        )
        // The list first: it is the CSV export by default.
        page.add(table)
        if !result.providers.isEmpty {
            var counts = ConsoleTable(
                id: "recomputation", title: l.t("audits.recomputed_title"),
                columns: [l.t("column.provider"), l.t("audits.evaluations"), l.t("audits.recomputed"), l.t("audits.differ_column")]
            )
            counts.rows = result.providers.map {
                [
                    .link($0.provider, "/audits?provider=\(ConsolePage.encode($0.provider))"), .number($0.evaluations, l), .number($0.recomputed, l),
                    .text(l.integer($0.differs), class: $0.differs > 0 ? "num flagged" : "num"),
                ]
            }
            page.add(counts)
            page.add(
                "<p class=\"meta\">\(HTML.escape(l.t("audits.recomputed_explained", count: self.configuration.scorecards.scorecards.count)))</p>"
            )
        }
        try await self.addSampleRequests(to: &page, provider: provider, context: context)  // head-office scoring: ConsoleHandlers+Scoring.swift
        try await self.addAuditPeriods(to: &page, provider: provider, context: context)  // verdicts, seeds: ConsoleHandlers+AuditPeriods.swift
        return try page.response(for: request, context: context)
    }

    func auditPage(provider: String, id: String, request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let l = context.localizer.in(timeZone: self.timeZone(of: provider))
        let detail = try await self.audit(provider: provider, id: id, for: user)
        let audit = detail.audit
        func pairs(_ id: String, _ title: String, _ rows: [(String, String)]) -> ConsoleTable {
            var table = ConsoleTable(
                id: id, title: title, columns: [l.t("table.field"), l.t("table.value")], rows: rows.map { [.text($0.0, class: "name"), .text($0.1)] }
            )
            table.className = "fields"
            return table
        }
        let fields = pairs("evaluation", l.t("audits.evaluation"), [
            (l.t("column.provider"), audit.provider), (l.t("column.site"), audit.site), (l.t("audits.evaluation"), audit.id),
            (l.t("audits.interaction"), audit.interactionRef), (l.t("ticket.channel"), audit.channel.map { l.term("ticket.channel", $0) } ?? "—"),
            (l.t("ticket.queue"), audit.queue ?? "—"), (l.t("column.agent"), audit.agent ?? "—"), (l.t("audits.evaluator"), audit.evaluator),
            (l.t("audits.scorecard"), "\(audit.scorecard) v\(audit.scorecardVersion)"), (l.t("ticket.evaluated"), l.time(audit.evaluatedAt)),
            (l.t("audits.score"), l.number(audit.score, digits: 1)),
            (l.t("audits.recomputed_at_head_office"), Self.recomputedText(detail.recomputation, l)),
            (l.t("audits.high_impact_errors"), audit.flagged ? l.t("audits.flagged_count", ["count": l.integer(audit.highImpactErrors)]) : l.integer(0)),
            (l.t("audits.low_impact_errors"), l.integer(audit.lowImpactErrors)),
            (l.t("audits.dispute"), audit.dispute.map { l.term("dispute.state", $0.rawValue) } ?? l.t("audits.no_dispute")),
        ])
        var items = ConsoleTable(
            id: "items", title: l.t("audits.items"),
            columns: [l.t("audits.item"), l.t("audits.result"), l.t("audits.impact"), l.t("audits.weight")], empty: l.t("audits.no_items")
        )
        for item in detail.items {
            let highFail = !item.passed && item.impact == .high
            items.rows.append([
                .text(item.item), .text(item.passed ? l.t("audits.passed") : l.t("audits.failed"), class: highFail ? "flagged" : nil),
                .text(l.term("audits.impact", item.impact.rawValue)),
                .text(item.weight.map { l.number($0, digits: 2) } ?? "—", class: "num"),
            ])
        }
        let batch = detail.batch
        let batchTable = pairs("batch", l.t("ticket.signed_batch"), [
            (l.t("column.agent"), batch.agentId), (l.t("ticket.sequence"), l.integer(Int(batch.seq))), (l.t("ticket.hash"), batch.hash ?? "—"),
            (l.t("ticket.received"), l.time(batch.receivedAt)), (l.t("ticket.records"), batch.recordCount.map(l.integer) ?? "—"),
            (l.t("ticket.signature"), detail.signature.summary(of: "evaluation", localizer: l)),
        ])
        var thread = ConsoleTable(
            id: "disputes", title: l.t("audits.disputes"),
            columns: [
                l.t("audits.opened"), l.t("audits.by"), l.t("audits.reason"), l.t("alerts.state"), l.t("audits.decided"), l.t("audits.decided_by"),
                l.t("audits.decision_note"),
            ],
            empty: l.t("audits.not_disputed")
        )
        for dispute in detail.disputes {
            thread.rows.append([
                .text(l.time(dispute.openedAt)), .text(dispute.openedBy), .text(dispute.reason),
                .text(l.term("dispute.state", dispute.state.rawValue).uppercased(), class: "dispute \(dispute.state.rawValue)"), .text(l.time(dispute.decidedAt)),
                .text(dispute.decidedBy ?? "—"), .text(dispute.decisionNote ?? "—"),
            ])
        }
        let base = "/audits/\(HTML.path(provider))/\(HTML.path(id))"
        let open = detail.disputes.contains { $0.state == .open }
        var forms = ""
        if user.role.canDispute, !open {
            forms += """
                <form method="post" action="\(base)/dispute" class="annotate">\(HTML.csrfField(context.identity))
                <label>\(HTML.escape(l.t("audits.dispute_reason")))
                <textarea name="reason" required maxlength="\(AnnotationText.maxLength)" rows="3"></textarea></label>
                <button type="submit">\(HTML.escape(l.t("audits.open_dispute")))</button></form>
                """
        }
        if user.role.canDecideDisputes, open {
            forms += """
                <form method="post" action="\(base)/decision" class="annotate">\(HTML.csrfField(context.identity))
                <label>\(HTML.escape(l.t("audits.decision_note"))) <textarea name="note" required maxlength="\(AnnotationText.maxLength)" rows="3"></textarea></label>
                <button type="submit" name="decision" value="upheld">\(HTML.escape(l.t("audits.uphold")))</button>
                <button type="submit" name="decision" value="rejected">\(HTML.escape(l.t("audits.reject")))</button></form>
                """
        }
        let title = l.t("audits.evaluation_title", ["id": audit.id])
        var page = ConsolePage(title: title, name: "audit-\(provider)-\(audit.id)")
        // The evaluated interaction is usually a ticket: link it when the store has it.
        var ticketLink = ""
        if try await self.store.ticket(provider: provider, id: audit.interactionRef) != nil {
            let href = "/tickets/\(HTML.path(provider))/\(HTML.path(audit.interactionRef))"
            ticketLink = " · <a href=\"\(href)\">\(HTML.escape(l.t("ticket.title", ["id": audit.interactionRef])))</a>"
        }
        page.add(
            "<h1>\(HTML.escape(title))</h1>"
                + "<p><a href=\"/audits?provider=\(ConsolePage.encode(provider))\">\(HTML.escape(l.t("audits.audits_of", ["provider": provider])))</a>\(ticketLink)</p>"
        )
        page.add("<div class=\"columns\"><section>")
        page.add(fields)
        page.add("</section><section>")
        page.add(items)
        page.add("</section></div>")
        page.add("<h2>\(HTML.escape(l.t("audits.comments")))</h2><p class=\"comments\">\(HTML.escape(detail.comments ?? l.t("table.none")))</p>")
        page.add(batchTable)
        page.add("<section id=\"disputes\">")
        page.add(thread)
        page.add(forms + "</section>")
        return try page.response(for: request, context: context)
    }

    /// The evaluation page's *Recomputed at head office* value: the score with its sums and N/A items, or why there is none.
    static func recomputedText(_ detail: RecomputationDetail, _ l: Localizer = .english) -> String {
        let superseded = detail.versionInForce == false ? l.t("audits.version_not_in_force") : nil
        guard let score = detail.score, let earned = detail.earned, let possible = detail.possible else {
            let reason = l.t("audits.recomputation.\(detail.status)", ["detail": detail.reason ?? detail.status])
            return l.t("audits.not_recomputed", ["reason": reason]) + (superseded.map { " (\($0))" } ?? "")
        }
        var text = l.number(score, digits: 2) + " — " + (detail.differs ? l.t("audits.differs_long") : l.t("audits.matches"))
        var parts = [l.t("audits.of_weight", ["earned": l.number(earned, digits: 2), "possible": l.number(possible, digits: 2)])]
        if let na = detail.notApplicable, !na.isEmpty { parts.append(l.t("audits.not_applicable", ["items": na.joined(separator: ", ")])) }
        if detail.zeroed == true {
            parts.append(l.t("audits.zeroed_by", ["items": detail.failedHighImpact?.joined(separator: ", ") ?? l.t("audits.a_high_impact_error")]))
        }
        if let mismatches = detail.impactMismatches, !mismatches.isEmpty {
            parts.append(l.t("audits.impact_as_scorecard", ["items": mismatches.joined(separator: ", ")]))
        }
        if let superseded { parts.append(superseded) }
        text += " (" + parts.joined(separator: "; ") + ")"
        return text
    }

    /// The ticket page's *Breach notes* section: the breaches, their notes and, for those who may, the form to add one.
    func addBreachNotes(to page: inout ConsolePage, provider: String, ticketId: String, context: ConsoleRequestContext) async throws {
        let user = try context.requireUser()
        let l = context.localizer.in(timeZone: self.timeZone(of: provider))
        let view = try await self.breachNotes(provider: provider, ticketId: ticketId, for: user)
        var table = ConsoleTable(
            id: "notes", title: l.t("provider.breach_notes"),
            columns: [l.t("column.at"), l.t("column.clock"), l.t("notes.author"), l.t("notes.role"), l.t("column.note")],
            empty: view.breaches.isEmpty ? l.t("notes.no_breach") : l.t("notes.none_yet")
        )
        table.rows = view.notes.map {
            [.text(l.time($0.at)), .text(l.term("clock", $0.clock)), .text($0.author), .text(l.term("role", $0.role)), .text($0.text)]
        }
        page.add("<section id=\"notes\">")
        page.add(table)
        if !view.breaches.isEmpty {
            let breaches = view.breaches.map { l.t("notes.breach_at", ["clock": l.term("clock", $0.clock), "time": l.time($0.at)]) }.joined(separator: "; ")
            page.add("<p class=\"meta\">\(HTML.escape(l.t("notes.breached", ["breaches": breaches])))</p>")
            if user.role.canAnnotateBreaches {
                var clocks: [String] = []
                for breach in view.breaches.reversed() where !clocks.contains(breach.clock) { clocks.append(breach.clock) }
                let options = clocks.map {
                    "<option value=\"\(HTML.escape($0))\">\(HTML.escape(l.term("clock", $0)))</option>"
                }.joined()
                let action = "/tickets/\(HTML.path(provider))/\(HTML.path(ticketId))/notes"
                page.add(
                    """
                    <form method="post" action="\(action)" class="annotate">\(HTML.csrfField(context.identity))
                    <label>\(HTML.escape(l.t("column.clock"))) <select name="clock">\(options)</select></label>
                    <label>\(HTML.escape(l.t("column.note"))) <textarea name="text" required maxlength="\(AnnotationText.maxLength)" rows="2"></textarea></label>
                    <button type="submit">\(HTML.escape(l.t("notes.add")))</button></form>
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
                guard let value = Int(text), (1...500).contains(value) else { throw ConsoleError.badRequest("error.limit") }
                limit = value
            }
            var offset = 0
            if let text = query.get("offset") {
                guard let value = Int(text), (0...100_000).contains(value) else { throw ConsoleError.badRequest("error.offset") }
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
            throw ConsoleError.badRequest("error.text_too_long", ["field": what, "max": String(AnnotationText.maxLength)])
        }
    }
}
