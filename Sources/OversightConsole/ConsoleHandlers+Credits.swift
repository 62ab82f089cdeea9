//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A provider's monthly credit statement in the console: each credit-bearing line as measured and after the accepted
// disputes, each accepted dispute's effect (figure and credit before and after), the month's disputes, and the forms to
// dispute an aggregate miss (provider staff) and decide it (head office). The JSON API returns the same document.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import OversightLocalization
import OversightSLA
import OversightStore

/// What the credits page needs from the coordinator: the statement (measured and after disputes) and opening a
/// dispute of an aggregate miss under the contract's rules.
package struct ConsoleCredits: Sendable {
    /// The statement of `provider` for `month` (`YYYY-MM`). Throws ``ConsoleCreditsRefusal`` for a month or provider
    /// without a statement.
    package var statement: @Sendable (_ provider: String, _ month: String) async throws -> CreditStatementDocument
    /// Opens a dispute of an aggregate miss. Throws ``ConsoleCreditsRefusal`` when the contract's rules refuse it,
    /// ``AnnotationError`` from the store.
    package var openPeriodDispute: @Sendable (_ request: PeriodDisputeRequest, _ provider: String, _ user: String) async throws -> StoredBreachDispute

    /// Creates the hooks.
    package init(
        statement: @escaping @Sendable (_ provider: String, _ month: String) async throws -> CreditStatementDocument,
        openPeriodDispute: @escaping @Sendable (_ request: PeriodDisputeRequest, _ provider: String, _ user: String) async throws -> StoredBreachDispute
    ) {
        self.statement = statement
        self.openPeriodDispute = openPeriodDispute
    }
}

/// The coordinator's refusal of a statement or a period dispute, in English (the contract's rules: unknown target,
/// period not closed, figure not missed, window outside the period …).
package struct ConsoleCreditsRefusal: Error, Sendable {
    package var message: String
    package init(_ message: String) { self.message = message }
}

/// The body of `POST /api/v1/providers/{provider}/period-disputes` (and the page's form).
package struct PeriodDisputeRequest: Codable, Sendable {
    /// The contract target (`targets[].id`).
    package var target: String
    /// The closed period as the contract names it: `2026-11-03`, `2026-W45`, `2026-11`.
    package var period: String
    /// The excluded window inside the period; the whole period when both are absent.
    package var from: Date?
    package var to: Date?
    package var reason: String
    package var note: String

    package init(target: String, period: String, from: Date?, to: Date?, reason: String, note: String) {
        self.target = target
        self.period = period
        self.from = from
        self.to = to
        self.reason = reason
        self.note = note
    }
}

/// The JSON body of `POST /api/v1/providers/{provider}/period-disputes`: the window as RFC 3339 instants.
struct PeriodDisputeBody: Decodable {
    var target: String
    var period: String
    var from: String?
    var to: String?
    var reason: String
    var note: String
}

/// A month's credit statement as measured and after the accepted disputes (`GET /api/v1/providers/{provider}/credits/{month}`).
package struct CreditStatementDocument: Codable, Sendable, Hashable {
    /// One credit-bearing target in one period: measured, and after the disputes.
    package struct Line: Codable, Sendable, Hashable {
        package var target: String
        package var figure: String
        /// `percentage`, `duration` (seconds) or `score`.
        package var unit: String
        package var period: String
        package var comparison: String
        package var targetValue: Double
        package var measuredActual: Double?
        package var measuredState: String
        package var measuredAmount: Double?
        package var actual: Double?
        /// `met`, `owed`, `waived`, `pending earn-back` or `no data`.
        package var state: String
        package var amount: Double?

        package init(
            target: String, figure: String, unit: String, period: String, comparison: String, targetValue: Double, measuredActual: Double?,
            measuredState: String, measuredAmount: Double?, actual: Double?, state: String, amount: Double?
        ) {
            self.target = target
            self.figure = figure
            self.unit = unit
            self.period = period
            self.comparison = comparison
            self.targetValue = targetValue
            self.measuredActual = measuredActual
            self.measuredState = measuredState
            self.measuredAmount = measuredAmount
            self.actual = actual
            self.state = state
            self.amount = amount
        }
    }

    /// A line one accepted dispute moved.
    package struct Change: Codable, Sendable, Hashable {
        package var target: String
        package var period: String
        package var unit: String
        package var actualBefore: Double?
        package var actualAfter: Double?
        package var stateBefore: String
        package var stateAfter: String
        package var amountBefore: Double?
        package var amountAfter: Double?

        package init(
            target: String, period: String, unit: String, actualBefore: Double?, actualAfter: Double?, stateBefore: String, stateAfter: String,
            amountBefore: Double?, amountAfter: Double?
        ) {
            self.target = target
            self.period = period
            self.unit = unit
            self.actualBefore = actualBefore
            self.actualAfter = actualAfter
            self.stateBefore = stateBefore
            self.stateAfter = stateAfter
            self.amountBefore = amountBefore
            self.amountAfter = amountAfter
        }
    }

    /// One accepted dispute applied on top of those before it.
    package struct Step: Codable, Sendable, Hashable {
        package var dispute: Int64
        package var owedShareBefore: Double
        package var owedShareAfter: Double
        package var owedAmountBefore: Double?
        package var owedAmountAfter: Double?
        package var changes: [Change]

        package init(dispute: Int64, owedShareBefore: Double, owedShareAfter: Double, owedAmountBefore: Double?, owedAmountAfter: Double?, changes: [Change]) {
            self.dispute = dispute
            self.owedShareBefore = owedShareBefore
            self.owedShareAfter = owedShareAfter
            self.owedAmountBefore = owedAmountBefore
            self.owedAmountAfter = owedAmountAfter
            self.changes = changes
        }
    }

    /// How often disputes of one reason were accepted (`all` last): accepted ÷ decided, `nil` while none is decided.
    package struct OverturnRate: Codable, Sendable, Hashable {
        package var reason: String
        package var opened: Int
        package var open: Int
        package var accepted: Int
        package var rejected: Int
        /// Of the accepted and rejected, how many by the contract's default.
        package var byDefault: Int
        package var rate: Double?

        package init(reason: String, opened: Int, open: Int, accepted: Int, rejected: Int, byDefault: Int, rate: Double?) {
            self.reason = reason
            self.opened = opened
            self.open = open
            self.accepted = accepted
            self.rejected = rejected
            self.byDefault = byDefault
            self.rate = rate
        }
    }

    package var provider: String
    package var month: String
    package var currency: String?
    package var monthlyFee: Double?
    package var measuredOwedShare: Double
    package var measuredOwedAmount: Double?
    package var owedShare: Double
    package var owedAmount: Double?
    package var lines: [Line]
    /// The accepted disputes in the order they took effect.
    package var steps: [Step]
    /// Every dispute (ticket breaches and aggregate misses) whose breach or period counts in the month.
    package var disputes: [BreachDisputeView]
    /// The month's overturn rates per reason, then `all`.
    package var overturnRates: [OverturnRate]
    /// The net of the month's latest invoice: its total minus the credits after the accepted disputes (and as measured);
    /// absent while no invoice is stored for the month.
    package var invoice: InvoiceNet? = nil

    package init(
        provider: String, month: String, currency: String?, monthlyFee: Double?, measuredOwedShare: Double, measuredOwedAmount: Double?,
        owedShare: Double, owedAmount: Double?, lines: [Line], steps: [Step], disputes: [BreachDisputeView], overturnRates: [OverturnRate]
    ) {
        self.overturnRates = overturnRates
        self.provider = provider
        self.month = month
        self.currency = currency
        self.monthlyFee = monthlyFee
        self.measuredOwedShare = measuredOwedShare
        self.measuredOwedAmount = measuredOwedAmount
        self.owedShare = owedShare
        self.owedAmount = owedAmount
        self.lines = lines
        self.steps = steps
        self.disputes = disputes
    }
}

extension ConsoleHandlers {
    /// The credits hooks, or 404 when the coordinator gave none.
    func creditsHooks() throws -> ConsoleCredits {
        guard let credits = self.configuration.credits else { throw ConsoleError.notFound() }
        return credits
    }

    /// `YYYY-MM`, or the month before the current one in the provider's contract zone when absent.
    func creditMonth(_ text: String?, provider: String) throws -> String {
        guard let text, !text.isEmpty else {
            return ContractPeriod(.month, containing: self.now, in: self.timeZone(of: provider)).previous.description
        }
        guard text.count == 7, let day = CivilDate(parsing: text + "-01"), day.description == text + "-01" else {
            throw ConsoleError.badRequest("error.credits_month")
        }
        return text
    }

    /// The statement document for `user`, who must see `provider`.
    func creditStatement(provider: String, month: String, for user: ConsoleUser) async throws -> CreditStatementDocument {
        guard user.canSee(provider: provider), self.configuration.contracts[provider] != nil else {
            throw ConsoleError.notFound("error.no_statement", ["provider": provider])
        }
        do {
            return try await self.creditsHooks().statement(provider, month)
        } catch let refusal as ConsoleCreditsRefusal {
            throw ConsoleError.notFound("error.credits_refused", ["detail": refusal.message])
        }
    }

    /// Opens a dispute of an aggregate miss for provider staff `user`.
    func openPeriodDispute(_ request: PeriodDisputeRequest, provider: String, by user: ConsoleUser) async throws -> StoredBreachDispute {
        guard user.canSee(provider: provider), self.configuration.contracts[provider] != nil else {
            throw ConsoleError.notFound("error.no_statement", ["provider": provider])
        }
        guard user.role.canDisputeBreaches else { throw ConsoleError.forbidden("error.dispute_period_provider_only") }
        let reasons = self.configuration.contracts[provider]?.disputeReasons ?? []
        guard !reasons.isEmpty else { throw ConsoleError(.conflict, status: .conflict, "error.no_disputes_section", ["provider": provider]) }
        guard reasons.contains(request.reason) else {
            throw ConsoleError.badRequest("error.reason_not_in_contract", ["reasons": reasons.joined(separator: ", ")])
        }
        guard (1...64).contains(request.target.count), (7...10).contains(request.period.count) else {
            throw ConsoleError.badRequest("error.period_dispute_subject")
        }
        try Self.checkLength(request.note, "note")
        let hooks = try self.creditsHooks()
        do {
            return try await Self.annotating { try await hooks.openPeriodDispute(request, provider, user.username) }
        } catch let refusal as ConsoleCreditsRefusal {
            throw ConsoleError(.conflict, status: .conflict, "error.period_dispute_refused", ["detail": refusal.message])
        }
    }

    /// An RFC 3339 instant of the API (`2026-11-03T14:00:00Z`, an offset, optional fractions); `nil` when absent.
    static func instant(_ text: String?, field: String) throws -> Date? {
        guard let text else { return nil }
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard text.count <= 40, let date = plain.date(from: text) ?? fractional.date(from: text) else {
            throw ConsoleError.badRequest("error.instant", ["field": field])
        }
        return date
    }

    /// A `datetime-local` form value (`2026-11-03T14:00`) read in `zone`; `nil` when empty.
    static func localTime(_ text: String?, in zone: TimeZone, field: String) throws -> Date? {
        guard let text, !text.isEmpty else { return nil }
        let parts = text.split(separator: "T")
        guard parts.count == 2, let day = CivilDate(parsing: String(parts[0])) else { throw ConsoleError.badRequest("error.local_time", ["field": field]) }
        let clock = parts[1].split(separator: ":")
        guard (2...3).contains(clock.count), let hour = Int(clock[0]), let minute = Int(clock[1]), (0..<24).contains(hour), (0..<60).contains(minute)
        else { throw ConsoleError.badRequest("error.local_time", ["field": field]) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour, minute: minute)) else {
            throw ConsoleError.badRequest("error.local_time", ["field": field])
        }
        return date
    }

    func creditsPage(provider: String, request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let zone = self.timeZone(of: provider)
        let l = context.localizer.in(timeZone: zone)
        let month = try self.creditMonth(request.uri.queryParameters.get("month"), provider: provider)
        let document = try await self.creditStatement(provider: provider, month: month, for: user)
        let money = { (value: Double?) -> String in value.map { l.money($0) + (document.currency.map { " " + $0 } ?? "") } ?? "—" }
        let figure = { (value: Double?, unit: String) -> String in FigureFormat.text(value, unit: unit, localizer: l) }
        let creditState = { (state: String) -> String in l.term("credit.state", state.replacingOccurrences(of: " ", with: "_")) }
        var page = ConsolePage(title: l.t("credits.title", ["provider": provider, "month": month]), name: "credits-\(provider)-\(month)")
        page.add(
            """
            <h1>\(HTML.escape(l.t("credits.title", ["provider": provider, "month": month])))</h1>
            <p class="meta"><a href="/providers/\(HTML.path(provider))">\(HTML.escape(provider))</a> ·
            \(HTML.escape(l.t("common.times_in", ["zone": l.timeZoneName])))</p>
            <form method="get" action="/providers/\(HTML.path(provider))/credits"><label>\(HTML.escape(l.t("credits.month")))
            <input type="month" name="month" value="\(HTML.escape(month))"></label> <button type="submit">\(HTML.escape(l.t("credits.show")))</button></form>
            <p id="owed"><strong>\(HTML.escape(l.t("credits.owed", ["measured": money(document.measuredOwedAmount), "after": money(document.owedAmount)])))</strong></p>
            """
        )
        if self.configuration.invoices != nil {
            let invoices = "/providers/\(HTML.path(provider))/invoices?month=\(month)"
            if let net = document.invoice {
                page.add("<p id=\"net\"><strong>\(HTML.escape(Self.netText(net, l)))</strong> <a href=\"\(invoices)\">\(HTML.escape(l.t("invoices.link")))</a></p>")
            } else {
                page.add("<p id=\"net\">\(HTML.escape(l.t("invoices.none"))) <a href=\"\(invoices)\">\(HTML.escape(l.t("invoices.link")))</a></p>")
            }
        }
        var lines = ConsoleTable(
            id: "lines", title: l.t("credits.lines"),
            columns: [
                l.t("credits.target"), l.t("credits.period"), l.t("credits.target_value"), l.t("credits.measured"), l.t("credits.measured_state"),
                l.t("credits.measured_amount"), l.t("credits.after"), l.t("credits.state"), l.t("credits.amount"),
            ],
            empty: l.t("credits.no_lines")
        )
        lines.rows = document.lines.map { line in
            [
                .text(line.target), .text(line.period), .text(FigureFormat.target(line.targetValue, atMost: line.comparison == "<=", unit: line.unit, localizer: l)),
                .text(figure(line.measuredActual, line.unit), class: "num"), .text(creditState(line.measuredState)),
                .text(money(line.measuredAmount), class: "num"), .text(figure(line.actual, line.unit), class: "num"),
                .text(creditState(line.state)), .text(money(line.amount), class: "num"),
            ]
        }
        page.add(lines)
        var steps = ConsoleTable(
            id: "steps", title: l.t("credits.steps"),
            columns: [l.t("audits.dispute"), l.t("credits.target"), l.t("credits.period"), l.t("credits.before"), l.t("credits.after"), l.t("credits.owed_before"), l.t("credits.owed_after")],
            empty: l.t("credits.no_steps")
        )
        for step in document.steps {
            let changes = step.changes.isEmpty ? [nil] : step.changes.map(Optional.some)
            for change in changes {
                steps.rows.append([
                    .text("#\(step.dispute)"), .text(change?.target ?? "—"), .text(change?.period ?? "—"),
                    .text(change.map { "\(figure($0.actualBefore, $0.unit)) (\(creditState($0.stateBefore)))" } ?? "—", class: "num"),
                    .text(change.map { "\(figure($0.actualAfter, $0.unit)) (\(creditState($0.stateAfter)))" } ?? "—", class: "num"),
                    .text(money(step.owedAmountBefore), class: "num"), .text(money(step.owedAmountAfter), class: "num"),
                ])
            }
        }
        page.add(steps)
        var disputes = ConsoleTable(
            id: "disputes", title: l.t("credits.disputes"),
            columns: [
                l.t("audits.dispute"), l.t("credits.subject"), l.t("credits.excluded"), l.t("audits.reason"), l.t("audits.opened"), l.t("column.note"),
                l.t("alerts.state"), l.t("audits.decided"), l.t("audits.decision_note"),
            ],
            empty: l.t("credits.no_disputes")
        )
        disputes.rows = document.disputes.map { dispute in
            let subject: ConsoleTable.Cell =
                dispute.kind == "period"
                ? .text("\(dispute.target ?? "") \(dispute.period ?? "")")
                : .link("\(dispute.ticketId) (\(l.term("clock", dispute.clock)))", "/tickets/\(HTML.path(provider))/\(HTML.path(dispute.ticketId))#disputes")
            let window = dispute.excludedFrom.map { "\(l.time($0)) – \(l.time(dispute.excludedTo))" } ?? ""
            let state =
                dispute.state == "open" && dispute.effectiveState != "open"
                ? l.t("disputes.by_default", ["state": l.term("dispute.state", dispute.effectiveState), "time": l.time(dispute.decideBy)])
                : dispute.state == "open" ? l.t("disputes.open_until", ["time": l.time(dispute.decideBy)]) : l.term("dispute.state", dispute.state)
            return [
                .text("#\(dispute.id)"), subject, .text(window), .text(l.term("dispute.reason", dispute.reason)),
                .text("\(dispute.openedBy), \(l.time(dispute.openedAt))"), .text(dispute.note), .text(state),
                .text(dispute.decidedBy.map { "\($0), \(l.time(dispute.decidedAt))" } ?? ""), .text(dispute.decisionNote ?? ""),
            ]
        }
        page.add("<section id=\"disputes\">")
        page.add(disputes)
        var rates = ConsoleTable(
            id: "overturn", title: l.t("credits.overturn"),
            columns: [
                l.t("audits.reason"), l.t("credits.opened"), l.t("dispute.state.open"), l.t("dispute.state.accepted"), l.t("dispute.state.rejected"),
                l.t("credits.by_default"), l.t("credits.overturn_rate"),
            ]
        )
        rates.rows = document.overturnRates.map { rate in
            [
                .text(rate.reason == "all" ? l.t("credits.all_reasons") : l.term("dispute.reason", rate.reason)), .number(rate.opened, l), .number(rate.open, l),
                .number(rate.accepted, l), .number(rate.rejected, l), .number(rate.byDefault, l), .text(rate.rate.map(l.percent) ?? "—", class: "num"),
            ]
        }
        if !document.disputes.isEmpty { page.add(rates) }
        page.add("<p class=\"meta\">\(HTML.escape(l.t("credits.explained")))</p>")
        let base = "/providers/\(HTML.path(provider))/credits/disputes"
        let reasons = self.configuration.contracts[provider]?.disputeReasons ?? []
        let missed = document.lines.filter { ["owed", "waived", "pending earn-back"].contains($0.measuredState) }
        if user.role.canDisputeBreaches, !reasons.isEmpty, !missed.isEmpty {
            let reasonOptions = reasons.map { "<option value=\"\(HTML.escape($0))\">\(HTML.escape(l.term("dispute.reason", $0)))</option>" }.joined()
            let lineOptions = missed.map { "<option value=\"\(HTML.escape($0.target + "|" + $0.period))\">\(HTML.escape($0.target + " " + $0.period))</option>" }
                .joined()
            page.add(
                """
                <form method="post" action="\(base)" class="annotate">\(HTML.csrfField(context.identity))
                <input type="hidden" name="month" value="\(HTML.escape(month))">
                <label>\(HTML.escape(l.t("credits.missed_line"))) <select name="line">\(lineOptions)</select></label>
                <label>\(HTML.escape(l.t("credits.excluded_from"))) <input type="datetime-local" name="from"></label>
                <label>\(HTML.escape(l.t("credits.excluded_to"))) <input type="datetime-local" name="to"></label>
                <label>\(HTML.escape(l.t("audits.reason"))) <select name="reason">\(reasonOptions)</select></label>
                <label>\(HTML.escape(l.t("column.note"))) <textarea name="note" required maxlength="\(AnnotationText.maxLength)" rows="2"></textarea></label>
                <button type="submit">\(HTML.escape(l.t("credits.dispute_miss")))</button></form>
                <p class="meta">\(HTML.escape(l.t("credits.window_explained")))</p>
                """
            )
        }
        if user.role.canDecideBreachDisputes {
            for dispute in document.disputes where dispute.kind == "period" && dispute.state == "open" && dispute.effectiveState == "open" {
                page.add(
                    """
                    <form method="post" action="\(base)/\(dispute.id)/decision" class="annotate">\(HTML.csrfField(context.identity))
                    <input type="hidden" name="month" value="\(HTML.escape(month))">
                    <label>\(HTML.escape(l.t("disputes.decide_number", ["id": String(dispute.id)]))) <select name="decision">\
                    <option value="accepted">\(HTML.escape(l.t("disputes.accept")))</option><option value="rejected">\(HTML.escape(l.t("disputes.reject")))</option></select></label>
                    <label>\(HTML.escape(l.t("column.note"))) <textarea name="note" required maxlength="\(AnnotationText.maxLength)" rows="2"></textarea></label>
                    <button type="submit">\(HTML.escape(l.t("disputes.decide")))</button></form>
                    """
                )
            }
        }
        page.add("</section>")
        return try page.response(for: request, context: context)
    }

    /// The credits page and its forms.
    func addCreditRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("/providers/:provider/credits") { request, context in
            try await self.creditsPage(provider: try context.parameters.require("provider"), request: request, context: context)
        }
        group.post("/providers/:provider/credits/disputes") { request, context in
            let form = try await Self.form(request)
            let user = try self.checkPost(form, context: context)
            let provider = try context.parameters.require("provider")
            let month = try self.creditMonth(form["month"], provider: provider)
            let line = (form["line"] ?? "").split(separator: "|", maxSplits: 1).map(String.init)
            guard line.count == 2 else { throw ConsoleError.badRequest("error.period_dispute_subject") }
            let zone = self.timeZone(of: provider)
            let body = PeriodDisputeRequest(
                target: line[0], period: line[1], from: try Self.localTime(form["from"], in: zone, field: "from"),
                to: try Self.localTime(form["to"], in: zone, field: "to"), reason: form["reason"] ?? "", note: form["note"] ?? ""
            )
            _ = try await self.openPeriodDispute(body, provider: provider, by: user)
            return Response(status: .seeOther, headers: [.location: "/providers/\(HTML.path(provider))/credits?month=\(month)#disputes"])
        }
        group.post("/providers/:provider/credits/disputes/:dispute/decision") { request, context in
            let form = try await Self.form(request)
            let user = try self.checkPost(form, context: context)
            let provider = try context.parameters.require("provider")
            let month = try self.creditMonth(form["month"], provider: provider)
            guard let id = Int64(try context.parameters.require("dispute")) else { throw ConsoleError.notFound("error.no_such_breach_dispute") }
            _ = try await self.decideBreachDispute(provider: provider, id: id, decision: form["decision"] ?? "", note: form["note"] ?? "", by: user)
            return Response(status: .seeOther, headers: [.location: "/providers/\(HTML.path(provider))/credits?month=\(month)#disputes"])
        }
    }

    /// `GET /api/v1/providers/{provider}/credits/{month}`, `POST …/period-disputes` and `POST …/period-disputes/{dispute}/decision`.
    func addCreditAPIRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("providers/:provider/credits/:month") { _, context in
            let provider = try context.parameters.require("provider")
            let user = try context.requireUser()
            guard user.canSee(provider: provider), self.configuration.contracts[provider] != nil else {
                throw ConsoleError.notFound("error.no_statement", ["provider": provider])
            }
            let month = try self.creditMonth(try context.parameters.require("month"), provider: provider)
            return try Self.json(try await self.creditStatement(provider: provider, month: month, for: try context.requireUser()))
        }
        group.post("providers/:provider/period-disputes") { request, context in
            let user = try self.checkAPIWrite(request, context: context)
            let api = try await Self.jsonBody(request, as: PeriodDisputeBody.self)
            let body = PeriodDisputeRequest(
                target: api.target, period: api.period, from: try Self.instant(api.from, field: "from"), to: try Self.instant(api.to, field: "to"),
                reason: api.reason, note: api.note
            )
            let dispute = try await self.openPeriodDispute(body, provider: try context.parameters.require("provider"), by: user)
            var response = try Self.json(self.breachDisputeView(dispute))
            response.status = .created
            return response
        }
        group.post("providers/:provider/period-disputes/:dispute/decision") { request, context in
            let user = try self.checkAPIWrite(request, context: context)
            let body = try await Self.jsonBody(request, as: BreachDisputeDecisionRequest.self)
            try Self.checkLength(body.note, "note")
            let provider = try context.parameters.require("provider")
            guard let id = Int64(try context.parameters.require("dispute")),
                let stored = try await self.store.breachDispute(provider: provider, id: id), stored.period != nil
            else { throw ConsoleError.notFound("error.no_such_breach_dispute") }
            let dispute = try await self.decideBreachDispute(provider: provider, id: id, decision: body.decision, note: body.note, by: user)
            return try Self.json(self.breachDisputeView(dispute))
        }
    }
}
