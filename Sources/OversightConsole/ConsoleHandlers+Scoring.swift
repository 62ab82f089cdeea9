//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Head-office scoring pages and API: sample requests and their interactions, the scorecard form, head-office
// evaluations with their disputes, and calibration (HeadOfficeScoring.swift holds what they read and write).
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import OversightLocalization
import OversightSampling
import OversightStore

extension ConsoleHandlers {
    // MARK: Page parts

    /// The audits page's *Sample requests* section: requested / returned / missing / pending per request, newest first.
    func addSampleRequests(to page: inout ConsolePage, provider: String?, context: ConsoleRequestContext) async throws {
        let user = try context.requireUser()
        let l = context.localizer
        let requests = try await self.sampleRequests(for: user, provider: provider, period: nil)
        var table = ConsoleTable(
            id: "sample-requests", title: l.t("hoaudit.requests_title"),
            columns: [
                l.t("hoaudit.requested_at"), l.t("column.provider"), l.t("column.site"), l.t("hoaudit.period"), l.t("hoaudit.request"),
                l.t("hoaudit.requested"), l.t("hoaudit.returned"), l.t("hoaudit.missing"), l.t("hoaudit.pending"), l.t("hoaudit.scored"),
                l.t("hoaudit.taken_at"),
            ],
            empty: l.t("hoaudit.no_requests")
        )
        for request in requests.prefix(200) {
            let rl = l.in(timeZone: self.timeZone(of: request.provider))
            table.rows.append([
                .text(rl.time(request.createdAt)), .link(request.provider, "/audits?provider=\(ConsolePage.encode(request.provider))"), .text(request.site),
                .link(request.period, "/calibration?provider=\(ConsolePage.encode(request.provider))&period=\(ConsolePage.encode(request.period))"),
                .link(request.id, "/samples/\(HTML.path(request.provider))/\(HTML.path(request.id))"), .number(request.requested, l),
                .number(request.returned, l), .text(l.integer(request.missing), class: request.missing > 0 ? "num flagged" : "num"),
                .number(request.pending, l), .number(request.scored, l), .text(rl.time(request.acknowledgedAt)),
            ])
        }
        page.add("<section id=\"sample-requests\">")
        page.add(table)
        page.add("<p class=\"meta\">\(HTML.escape(l.t("hoaudit.requests_explained")))</p></section>")
    }

    func fieldTable(_ id: String, _ title: String, _ rows: [(String, String)]) -> ConsoleTable {
        var table = ConsoleTable(id: id, title: title, columns: ["", ""], rows: rows.map { [.text($0.0, class: "name"), .text($0.1)] })
        table.className = "fields"
        return table
    }

    // MARK: Pages

    func sampleRequestPage(provider: String, id: String, request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let l = context.localizer.in(timeZone: self.timeZone(of: provider))
        let detail = try await self.sampleRequestDetail(provider: provider, id: id, for: user)
        let r = detail.request
        let title = l.t("hoaudit.request_title", ["id": r.id])
        var page = ConsolePage(title: title, name: "sample-\(r.id)")
        page.add(
            "<h1>\(HTML.escape(title))</h1><p><a href=\"/audits?provider=\(ConsolePage.encode(provider))#sample-requests\">"
                + "\(HTML.escape(l.t("audits.audits_of", ["provider": provider])))</a></p>"
        )
        page.add(
            self.fieldTable("request", l.t("hoaudit.request"), [
                (l.t("column.provider"), r.provider), (l.t("column.site"), r.site), (l.t("hoaudit.period"), r.period), (l.t("column.agent"), r.agentId),
                (l.t("hoaudit.seed_commitment"), r.seedCommitment), (l.t("hoaudit.requested_at"), l.time(r.createdAt)),
                (l.t("hoaudit.taken_at"), l.time(r.acknowledgedAt)),
                (
                    l.t("hoaudit.counts"),
                    l.t("hoaudit.counts_text", [
                        "requested": l.integer(r.requested), "returned": l.integer(r.returned), "missing": l.integer(r.missing),
                        "pending": l.integer(r.pending), "scored": l.integer(r.scored),
                    ])
                ),
            ])
        )
        var table = ConsoleTable(
            id: "interactions", title: l.t("hoaudit.interactions"),
            columns: [l.t("hoaudit.ticket"), l.t("hoaudit.status"), l.t("hoaudit.format_or_reason"), l.t("hoaudit.redacted"), l.t("hoaudit.head_office_score")]
        )
        for interaction in detail.interactions {
            let href = "/samples/\(HTML.path(provider))/\(HTML.path(id))/\(HTML.path(interaction.ticketId))"
            let redactions = (interaction.redactions ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \(l.integer($0.value))" }.joined(separator: ", ")
            table.rows.append([
                interaction.status == "returned" ? .link(interaction.ticketId, href) : .text(interaction.ticketId),
                .text(l.term("hoaudit.state", interaction.status), class: interaction.status == "missing" ? "flagged" : nil),
                .text(interaction.status == "missing" ? (interaction.reason ?? "—") : interaction.format.map { l.term("hoaudit.format", $0) } ?? "—"),
                .text(redactions.isEmpty ? "—" : redactions),
                interaction.headOfficeEvaluationId.map { .link(l.number(interaction.headOfficeScore ?? 0, digits: 2), "/head-office-evaluations/\(HTML.path(provider))/\(HTML.path($0))") }
                    ?? .text(interaction.status == "returned" ? l.t("hoaudit.not_scored") : "—"),
            ])
        }
        page.add(table)
        return try page.response(for: request, context: context)
    }

    func interactionPage(provider: String, requestId: String, ticket: String, request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let l = context.localizer.in(timeZone: self.timeZone(of: provider))
        let chosen = request.uri.queryParameters.get("scorecard").flatMap { $0.isEmpty ? nil : $0 }
        let detail = try await self.interactionDetail(provider: provider, requestId: requestId, ticket: ticket, for: user, scorecard: chosen)
        let title = l.t("hoaudit.interaction_title", ["ticket": ticket])
        var page = ConsolePage(title: title, name: "interaction-\(requestId)-\(ticket)")
        page.add(
            "<h1>\(HTML.escape(title))</h1><p><a href=\"/samples/\(HTML.path(provider))/\(HTML.path(requestId))\">"
                + "\(HTML.escape(l.t("hoaudit.request_title", ["id": requestId])))</a></p>"
        )
        let interaction = detail.interaction
        page.add("<div class=\"columns\"><section class=\"interaction\"><h2>\(HTML.escape(l.t("hoaudit.redacted_text")))</h2>")
        if interaction.status == "returned" {
            page.add("<p class=\"meta\">\(HTML.escape(interaction.format.map { l.term("hoaudit.format", $0) } ?? ""))</p>")
            page.add("<pre class=\"interaction\" id=\"interaction-text\">\(HTML.escape(interaction.text ?? ""))</pre>")
        } else {
            page.add("<p>\(HTML.escape(l.term("hoaudit.state", interaction.status))): \(HTML.escape(interaction.reason ?? "—"))</p>")
        }
        page.add("</section><section class=\"scorecard\">")
        if let card = detail.scorecard {
            page.add(
                "<h2>\(HTML.escape(l.t("hoaudit.scorecard_title", ["scorecard": card.id, "version": card.version])))</h2>"
                    + "<p class=\"meta\">\(HTML.escape(l.t("hoaudit.version_in_force", ["date": card.interactionDate, "from": card.effectiveFrom])))"
                    + (card.highImpactZeroes ? " " + HTML.escape(l.t("hoaudit.zeroes")) : "") + "</p>"
            )
            if user.role.canScore, interaction.status == "returned" {
                let action = "/samples/\(HTML.path(provider))/\(HTML.path(requestId))/\(HTML.path(ticket))/evaluations"
                var rows = ""
                for item in card.items {
                    let name = HTML.escape("item.\(item.id)")
                    var choices = """
                        <label><input type="radio" name="\(name)" value="pass" required> \(HTML.escape(l.t("audits.passed")))</label> \
                        <label><input type="radio" name="\(name)" value="fail"> \(HTML.escape(l.t("audits.failed")))</label>
                        """
                    if item.naAllowed { choices += " <label><input type=\"radio\" name=\"\(name)\" value=\"na\"> N/A</label>" }
                    rows += "<tr><td>\(HTML.escape(item.section))</td><td>\(HTML.escape(item.text)) <code>\(HTML.escape(item.id))</code></td>"
                        + "<td class=\"num\">\(HTML.escape(l.number(item.weight, digits: 2)))</td>"
                        + "<td class=\"\(item.impact == "high" ? "flagged" : "")\">\(HTML.escape(l.term("audits.impact", item.impact)))</td><td>\(choices)</td></tr>"
                }
                page.add(
                    """
                    <form method="post" action="\(action)" class="score" id="score-form">\(HTML.csrfField(context.identity))
                    <input type="hidden" name="scorecard" value="\(HTML.escape(card.id))">
                    <table class="grid"><thead><tr><th>\(HTML.escape(l.t("hoaudit.section")))</th><th>\(HTML.escape(l.t("audits.item")))</th>\
                    <th>\(HTML.escape(l.t("audits.weight")))</th><th>\(HTML.escape(l.t("audits.impact")))</th><th>\(HTML.escape(l.t("audits.result")))</th></tr></thead>
                    <tbody>\(rows)</tbody></table>
                    <label>\(HTML.escape(l.t("audits.comments"))) <textarea name="comments" maxlength="\(AnnotationText.maxLength)" rows="3"></textarea></label>
                    <button type="submit">\(HTML.escape(l.t("hoaudit.submit")))</button></form>
                    """
                )
            } else {
                var items = ConsoleTable(id: "scorecard", columns: [l.t("hoaudit.section"), l.t("audits.item"), l.t("audits.weight"), l.t("audits.impact")])
                items.rows = card.items.map {
                    [.text($0.section), .text($0.text), .text(l.number($0.weight, digits: 2), class: "num"), .text(l.term("audits.impact", $0.impact))]
                }
                page.add(items)
            }
        } else {
            page.add("<p class=\"flagged\">\(HTML.escape(detail.scorecardProblem ?? ""))</p>")
        }
        page.add("</section></div>")
        var done = ConsoleTable(
            id: "head-office-evaluations", title: l.t("hoaudit.evaluations_title"),
            columns: [l.t("ticket.evaluated"), l.t("audits.evaluator"), l.t("audits.scorecard"), l.t("audits.score"), l.t("audits.high_impact_errors"),
                      l.t("audits.low_impact_errors")],
            empty: l.t("hoaudit.not_scored")
        )
        done.rows = detail.evaluations.map {
            [
                .link(l.time($0.evaluatedAt), "/head-office-evaluations/\(HTML.path(provider))/\(HTML.path($0.id))"), .text($0.evaluator),
                .text("\($0.scorecard) v\($0.scorecardVersion)"), .text(l.number($0.score, digits: 2), class: $0.zeroed ? "num flagged" : "num"),
                .number($0.highImpactErrors, l), .number($0.lowImpactErrors, l),
            ]
        }
        page.add(done)
        return try page.response(for: request, context: context)
    }

    func headOfficeEvaluationPage(provider: String, id: String, request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let l = context.localizer.in(timeZone: self.timeZone(of: provider))
        let detail = try await self.headOfficeEvaluationDetail(provider: provider, id: id, for: user)
        let e = detail.evaluation
        let title = l.t("hoaudit.evaluation_title", ["id": e.id])
        var page = ConsolePage(title: title, name: "head-office-evaluation-\(e.id)")
        let back = "/samples/\(HTML.path(provider))/\(HTML.path(e.requestId))/\(HTML.path(e.ticketId))"
        page.add("<h1>\(HTML.escape(title))</h1><p><a href=\"\(back)\">\(HTML.escape(l.t("hoaudit.interaction_title", ["ticket": e.ticketId])))</a></p>")
        let open = detail.disputes.contains { $0.state == .open }
        page.add(
            self.fieldTable("evaluation", l.t("hoaudit.evaluation"), [
                (l.t("column.provider"), e.provider), (l.t("column.site"), e.site), (l.t("hoaudit.request"), e.requestId), (l.t("hoaudit.ticket"), e.ticketId),
                (l.t("hoaudit.period"), e.period), (l.t("audits.scorecard"), "\(e.scorecard) v\(e.scorecardVersion)"),
                (l.t("audits.evaluator"), "\(e.evaluator) (\(l.term("role", e.evaluatorRole)))"), (l.t("ticket.evaluated"), l.time(e.evaluatedAt)),
                (l.t("audits.score"), l.number(e.score, digits: 2) + (e.zeroed ? " — " + l.t("hoaudit.zeroed") : "")),
                (l.t("audits.high_impact_errors"), l.integer(e.highImpactErrors)), (l.t("audits.low_impact_errors"), l.integer(e.lowImpactErrors)),
                (l.t("hoaudit.not_applicable_items"), (detail.notApplicable ?? []).isEmpty ? "—" : (detail.notApplicable ?? []).joined(separator: ", ")),
                (l.t("audits.dispute"), detail.disputes.last.map { l.term("dispute.state", $0.state.rawValue) } ?? l.t("audits.no_dispute")),
            ])
        )
        var items = ConsoleTable(id: "items", title: l.t("audits.items"), columns: [l.t("audits.item"), l.t("audits.result"), l.t("audits.impact"), l.t("audits.weight")])
        items.rows = e.items.map {
            [
                .text($0.item), .text($0.passed ? l.t("audits.passed") : l.t("audits.failed"), class: !$0.passed && $0.impact == .high ? "flagged" : nil),
                .text(l.term("audits.impact", $0.impact.rawValue)), .text($0.weight.map { l.number($0, digits: 2) } ?? "—", class: "num"),
            ]
        } + (detail.notApplicable ?? []).map { [.text($0), .text("N/A"), .text("—"), .text("—", class: "num")] }
        page.add(items)
        page.add("<h2>\(HTML.escape(l.t("audits.comments")))</h2><p class=\"comments\">\(HTML.escape(e.comments ?? l.t("table.none")))</p>")
        var thread = ConsoleTable(
            id: "disputes", title: l.t("audits.disputes"),
            columns: [l.t("audits.opened"), l.t("audits.by"), l.t("audits.reason"), l.t("alerts.state"), l.t("audits.decided"), l.t("audits.decided_by"),
                      l.t("audits.decision_note")],
            empty: l.t("audits.not_disputed")
        )
        thread.rows = detail.disputes.map {
            [
                .text(l.time($0.openedAt)), .text($0.openedBy), .text($0.reason),
                .text(l.term("dispute.state", $0.state.rawValue).uppercased(), class: "dispute \($0.state.rawValue)"), .text(l.time($0.decidedAt)),
                .text($0.decidedBy ?? "—"), .text($0.decisionNote ?? "—"),
            ]
        }
        page.add("<section id=\"disputes\">")
        page.add(thread)
        let base = "/head-office-evaluations/\(HTML.path(provider))/\(HTML.path(id))"
        if user.role.canDispute, !open {
            page.add(
                """
                <form method="post" action="\(base)/dispute" class="annotate">\(HTML.csrfField(context.identity))
                <label>\(HTML.escape(l.t("audits.dispute_reason")))
                <textarea name="reason" required maxlength="\(AnnotationText.maxLength)" rows="3"></textarea></label>
                <button type="submit">\(HTML.escape(l.t("audits.open_dispute")))</button></form>
                """
            )
        }
        if user.role.canDecideDisputes, open {
            page.add(
                """
                <form method="post" action="\(base)/decision" class="annotate">\(HTML.csrfField(context.identity))
                <label>\(HTML.escape(l.t("audits.decision_note"))) <textarea name="note" required maxlength="\(AnnotationText.maxLength)" rows="3"></textarea></label>
                <button type="submit" name="decision" value="upheld">\(HTML.escape(l.t("audits.uphold")))</button>
                <button type="submit" name="decision" value="rejected">\(HTML.escape(l.t("audits.reject")))</button></form>
                """
            )
        }
        page.add("</section>")
        return try page.response(for: request, context: context)
    }

    /// A coefficient to three decimals, or a dash.
    static func coefficient(_ value: Double?, _ l: Localizer) -> String { value.map { l.number($0, digits: 3) } ?? "—" }

    func calibrationPage(request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let l = context.localizer
        let query = request.uri.queryParameters
        let requests = try await self.sampleRequests(for: user, provider: nil, period: nil)
        let providers = Array(Set(requests.map(\.provider))).sorted()
        let provider = query.get("provider").flatMap { $0.isEmpty ? nil : $0 } ?? providers.first
        let period = query.get("period").flatMap { $0.isEmpty ? nil : $0 }
        let title = l.t("hoaudit.calibration_title")
        var page = ConsolePage(title: title, name: "calibration")
        let options = providers.map {
            "<option value=\"\(HTML.escape($0))\"\($0 == provider ? " selected" : "")>\(HTML.escape($0))</option>"
        }.joined()
        let periods = Array(Set(requests.filter { $0.provider == provider }.map(\.period))).sorted(by: >)
        let periodOptions = "<option value=\"\">\(HTML.escape(l.t("hoaudit.all_periods")))</option>" + periods.map {
            "<option value=\"\(HTML.escape($0))\"\($0 == period ? " selected" : "")>\(HTML.escape($0))</option>"
        }.joined()
        page.add(
            """
            <h1>\(HTML.escape(title))</h1>
            <form method="get" action="/calibration" class="filter">
            <label>\(HTML.escape(l.t("column.provider"))) <select name="provider">\(options)</select></label>
            <label>\(HTML.escape(l.t("hoaudit.period"))) <select name="period">\(periodOptions)</select></label>
            <button type="submit">\(HTML.escape(l.t("audits.filter")))</button></form>
            """
        )
        guard let provider else {
            page.add("<p>\(HTML.escape(l.t("hoaudit.no_requests")))</p>")
            return try page.response(for: request, context: context)
        }
        let report = try await self.calibration(provider: provider, period: period, for: user)
        var figures = ConsoleTable(
            id: "calibration", title: l.t("hoaudit.agreement_title"),
            columns: [
                l.t("audits.evaluator"), l.t("hoaudit.pairs"), l.t("hoaudit.items"), l.t("hoaudit.percent_agreement"), l.t("hoaudit.kappa"), l.t("hoaudit.ac1"),
                l.t("hoaudit.provider_higher"), l.t("hoaudit.head_office_higher"), l.t("hoaudit.ties"), l.t("hoaudit.mean_difference"), l.t("hoaudit.p_value"),
                l.t("hoaudit.verdict"),
            ]
        )
        for row in [report.overall] + report.evaluators {
            let verdict =
                row.pairs < report.minimumPairs
                ? l.t("hoaudit.too_few_pairs", ["minimum": l.integer(report.minimumPairs)])
                : (row.lenient ? l.t("hoaudit.lenient") : l.t("hoaudit.not_lenient"))
            figures.rows.append([
                .text(row.evaluator ?? l.t("hoaudit.all_evaluators")), .number(row.pairs, l), .number(row.items, l),
                .text(row.percentAgreement.map { l.percent($0) } ?? "—", class: "num"), .text(Self.coefficient(row.cohenKappa, l), class: "num"),
                .text(Self.coefficient(row.gwetAC1, l), class: "num"), .number(row.providerHigher, l), .number(row.headOfficeHigher, l), .number(row.ties, l),
                .text(row.meanDifference.map { l.number($0, digits: 2) } ?? "—", class: "num"), .text(l.number(row.pValue, digits: 4), class: "num"),
                .text(verdict, class: row.lenient ? "flagged" : nil),
            ])
        }
        page.add(figures)
        page.add(
            "<p class=\"meta\">\(HTML.escape(l.t("hoaudit.calibration_explained", ["minimum": l.integer(report.minimumPairs), "categories": l.integer(report.categories)])))</p>"
        )
        var pairs = ConsoleTable(
            id: "pairs", title: l.t("hoaudit.pairs_title"),
            columns: [
                l.t("hoaudit.ticket"), l.t("hoaudit.period"), l.t("audits.evaluator"), l.t("audits.scorecard"), l.t("hoaudit.provider_score"),
                l.t("hoaudit.head_office_score"), l.t("hoaudit.difference"), l.t("hoaudit.items_agreed"),
            ],
            empty: l.t("hoaudit.no_pairs")
        )
        pairs.rows = report.pairs.map {
            [
                .text($0.ticketId), .text($0.period), .text($0.evaluator), .text("\($0.scorecard) v\($0.scorecardVersion)"),
                .link(l.number($0.providerScore, digits: 2), "/audits/\(HTML.path(provider))/\(HTML.path($0.providerEvaluationId))"),
                .link(l.number($0.headOfficeScore, digits: 2), "/head-office-evaluations/\(HTML.path(provider))/\(HTML.path($0.headOfficeEvaluationId))"),
                .text(l.number($0.difference, digits: 2), class: $0.difference > SignTest.tieTolerance ? "num flagged" : "num"),
                .text("\(l.integer($0.itemsAgreed)) / \(l.integer($0.items))", class: "num"),
            ]
        }
        page.add(pairs)
        return try page.response(for: request, context: context)
    }

    // MARK: Routes

    /// The scoring pages and their forms.
    func addScoringPageRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("/samples/:provider/:request") { request, context in
            try await self.sampleRequestPage(
                provider: try context.parameters.require("provider"), id: try context.parameters.require("request"), request: request, context: context
            )
        }
        group.get("/samples/:provider/:request/:ticket") { request, context in
            try await self.interactionPage(
                provider: try context.parameters.require("provider"), requestId: try context.parameters.require("request"),
                ticket: try context.parameters.require("ticket"), request: request, context: context
            )
        }
        group.post("/samples/:provider/:request/:ticket/evaluations") { request, context in
            let form = try await Self.form(request)
            let user = try self.checkPost(form, context: context)
            let provider = try context.parameters.require("provider")
            var results: [String: String] = [:]
            for (key, value) in form where key.hasPrefix("item.") { results[String(key.dropFirst(5))] = value }
            let evaluation = try await self.scoreInteraction(
                provider: provider, requestId: try context.parameters.require("request"), ticket: try context.parameters.require("ticket"),
                scorecard: form["scorecard"].flatMap { $0.isEmpty ? nil : $0 }, results: results, comments: form["comments"], by: user
            )
            return Response(status: .seeOther, headers: [.location: "/head-office-evaluations/\(HTML.path(provider))/\(HTML.path(evaluation.id))"])
        }
        group.get("/head-office-evaluations/:provider/:id") { request, context in
            try await self.headOfficeEvaluationPage(
                provider: try context.parameters.require("provider"), id: try context.parameters.require("id"), request: request, context: context
            )
        }
        group.post("/head-office-evaluations/:provider/:id/dispute") { request, context in
            let form = try await Self.form(request)
            let user = try self.checkPost(form, context: context)
            let provider = try context.parameters.require("provider")
            let id = try context.parameters.require("id")
            _ = try await self.openHeadOfficeDispute(provider: provider, id: id, reason: form["reason"] ?? "", by: user)
            return Response(status: .seeOther, headers: [.location: "/head-office-evaluations/\(HTML.path(provider))/\(HTML.path(id))#disputes"])
        }
        group.post("/head-office-evaluations/:provider/:id/decision") { request, context in
            let form = try await Self.form(request)
            let user = try self.checkPost(form, context: context)
            let provider = try context.parameters.require("provider")
            let id = try context.parameters.require("id")
            _ = try await self.decideHeadOfficeDispute(provider: provider, id: id, decision: form["decision"] ?? "", note: form["note"] ?? "", by: user)
            return Response(status: .seeOther, headers: [.location: "/head-office-evaluations/\(HTML.path(provider))/\(HTML.path(id))#disputes"])
        }
        group.get("/calibration") { request, context in try await self.calibrationPage(request: request, context: context) }
    }

    /// The scoring routes of the JSON API (OpenAPIDocument+Scoring.swift).
    func addScoringAPIRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("samples") { request, context in
            let query = request.uri.queryParameters
            let period = query.get("period")
            if let period { guard Self.isPeriodLabel(period) else { throw ConsoleError.badRequest("hoaudit.error.period") } }
            return try Self.json(try await self.sampleRequests(for: try context.requireUser(), provider: query.get("provider"), period: period))
        }
        group.get("samples/:provider/:request") { _, context in
            try Self.json(
                try await self.sampleRequestDetail(
                    provider: try context.parameters.require("provider"), id: try context.parameters.require("request"), for: try context.requireUser()
                )
            )
        }
        group.get("samples/:provider/:request/:ticket") { request, context in
            try Self.json(
                try await self.interactionDetail(
                    provider: try context.parameters.require("provider"), requestId: try context.parameters.require("request"),
                    ticket: try context.parameters.require("ticket"), for: try context.requireUser(),
                    scorecard: request.uri.queryParameters.get("scorecard").flatMap { $0.isEmpty ? nil : $0 }
                )
            )
        }
        group.post("samples/:provider/:request/:ticket/evaluations") { request, context in
            let user = try self.checkAPIWrite(request, context: context)
            let body = try await Self.jsonBody(request, as: HeadOfficeScoreRequest.self)
            var response = try Self.json(
                try await self.scoreInteraction(
                    provider: try context.parameters.require("provider"), requestId: try context.parameters.require("request"),
                    ticket: try context.parameters.require("ticket"), scorecard: body.scorecard, results: body.items, comments: body.comments, by: user
                )
            )
            response.status = .created
            return response
        }
        group.get("head-office-evaluations/:provider/:id") { _, context in
            try Self.json(
                try await self.headOfficeEvaluationDetail(
                    provider: try context.parameters.require("provider"), id: try context.parameters.require("id"), for: try context.requireUser()
                )
            )
        }
        group.post("head-office-evaluations/:provider/:id/disputes") { request, context in
            let user = try self.checkAPIWrite(request, context: context)
            let body = try await Self.jsonBody(request, as: DisputeRequest.self)
            try Self.checkLength(body.reason, "reason")
            var response = try Self.json(
                try await self.openHeadOfficeDispute(
                    provider: try context.parameters.require("provider"), id: try context.parameters.require("id"), reason: body.reason, by: user
                )
            )
            response.status = .created
            return response
        }
        group.post("head-office-evaluations/:provider/:id/disputes/decision") { request, context in
            let user = try self.checkAPIWrite(request, context: context)
            let body = try await Self.jsonBody(request, as: DisputeDecisionRequest.self)
            try Self.checkLength(body.note, "note")
            return try Self.json(
                try await self.decideHeadOfficeDispute(
                    provider: try context.parameters.require("provider"), id: try context.parameters.require("id"), decision: body.decision,
                    note: body.note, by: user
                )
            )
        }
        group.get("calibration") { request, context in
            let query = request.uri.queryParameters
            guard let provider = query.get("provider"), !provider.isEmpty else { throw ConsoleError.badRequest("hoaudit.error.provider_required") }
            return try Self.json(try await self.calibration(provider: provider, period: query.get("period"), for: try context.requireUser()))
        }
    }
}
