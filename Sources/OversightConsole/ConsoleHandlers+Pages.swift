//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Login and the server-rendered pages.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import OversightAlerts
import OversightLocalization
import OversightStore
import OversightWire

/// Name of the cookie that carries the login form's CSRF token.
let loginCookie = "ovc_login"

extension ConsoleHandlers {
    /// Reads an `application/x-www-form-urlencoded` body (at most `FormBody.maxBytes`; FormBody.swift).
    static func form(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: FormBody.maxBytes)
        return FormBody.parse(Substring(String(buffer: buffer)))
    }

    /// Checks the form's CSRF token against the session's and the role's right to post; returns the user.
    func checkPost(_ form: [String: String], context: ConsoleRequestContext, allowViewer: Bool = false) throws -> ConsoleUser {
        guard let identity = context.identity else { throw ConsoleError.unauthorized }
        guard let expected = identity.csrf, let given = form["csrf"], Secrets.constantTimeEquals(given, expected) else {
            throw ConsoleError(.csrf, status: .forbidden, "error.form_stale")
        }
        if !allowViewer, !identity.user.role.canPost { throw ConsoleError.forbidden() }
        return identity.user
    }

    func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: self.configuration.secureCookies, httpOnly: true, sameSite: .strict)
    }

    /// `/login`, `/logout`, `/openapi.json`: reachable without a session.
    func addPublicRoutes(to router: Router<ConsoleRequestContext>) {
        router.get("/login") { _, context in
            if context.identity != nil { return Response(status: .seeOther, headers: [.location: "/"]) }
            return self.loginPage(message: nil, status: .ok, localizer: context.localizer)
        }
        router.post("/language") { request, context in try await self.setLanguage(request, context: context) }
        router.post("/login") { request, context in try await self.login(request, context: context) }
        router.post("/logout") { request, context in
            let form = try await Self.form(request)
            _ = try self.checkPost(form, context: context, allowViewer: true)
            if let id = context.identity?.sessionId { try await self.users.deleteSession(id: id) }
            var response = Response(status: .seeOther, headers: [.location: "/login"])
            response.setCookie(self.cookie(ConsoleAuthMiddleware.sessionCookie, "", maxAge: 0))
            return response
        }
        router.get("/openapi.json") { _, _ in
            let reasons = self.configuration.contracts.values.flatMap(\.disputeReasons)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json(disputeReasons: reasons)))
            )
        }
    }

    /// `POST /language`: stores the chosen language for the signed-in user (CSRF-checked) and in the language cookie
    /// (which the sign-in page and error pages read), then returns to the page the selector was on.
    func setLanguage(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let form = try await Self.form(request)
        guard let language = Language(code: form["language"] ?? "") else { throw ConsoleError.badRequest("error.language") }
        if let identity = context.identity {
            let user = try self.checkPost(form, context: context, allowViewer: true)
            if identity.sessionId != nil { try await self.users.setLanguage(userId: user.id, language: language.code) }
        }
        // Only a local path: never an open redirect.
        let back = form["back"].flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") && !$0.contains("\\") ? $0 : nil } ?? "/"
        var response = Response(status: .seeOther, headers: [.location: back])
        response.setCookie(self.languageCookie(language))
        return response
    }

    /// The language cookie: a year, readable only by the server.
    func languageCookie(_ language: Language) -> Cookie {
        self.cookie(Localizer.languageCookie, language.code, maxAge: 365 * 86400)
    }

    func loginPage(message: String?, status: HTTPResponse.Status, localizer l: Localizer) -> Response {
        let token = Secrets.random()
        let notice = message.map { "<p class=\"error\" role=\"alert\">\(HTML.escape($0))</p>" } ?? ""
        let body = """
            <h1>\(HTML.escape(l.t("login.title")))</h1>\(notice)
            <form method="post" action="/login" class="login">
            <input type="hidden" name="csrf" value="\(token)">
            <label>\(HTML.escape(l.t("login.username"))) <input name="username" autocomplete="username" required></label>
            <label>\(HTML.escape(l.t("login.password"))) <input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">\(HTML.escape(l.t("login.submit")))</button></form>
            """
        var response = HTML.response(HTML.page(title: l.t("login.title"), identity: nil, body: body, localizer: l, path: "/login"), status: status)
        response.setCookie(self.cookie(loginCookie, token, maxAge: 1800))
        return response
    }

    func login(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let form = try await Self.form(request)
        guard let given = form["csrf"], let expected = request.cookies[loginCookie]?.value, !expected.isEmpty,
            Secrets.constantTimeEquals(given, expected)
        else {
            throw ConsoleError(.csrf, status: .forbidden, "error.login_form_stale")
        }
        let username = form["username"] ?? ""
        let password = form["password"] ?? ""
        let now = self.now
        if let until = try await self.throttle.lockedUntil(username: username, address: context.remoteAddress, now: now) {
            context.logger.info("login throttled", metadata: ["oversight.console.user": "\(username)"])
            let l = context.localizer
            let wait = l.duration(Int(until.timeIntervalSince(now).rounded(.up)))
            var response = self.loginPage(message: l.t("login.throttled", ["duration": wait]), status: .tooManyRequests, localizer: l)
            response.headers[.retryAfter] = String(Int(until.timeIntervalSince(now).rounded(.up)))
            return response
        }
        guard let user = try await self.users.verify(username: username, password: password) else {
            try await self.throttle.recordFailure(username: username, address: context.remoteAddress, now: now)
            context.logger.info("login failed", metadata: ["oversight.console.user": "\(username)"])
            return self.loginPage(message: context.localizer.t("login.wrong"), status: .unauthorized, localizer: context.localizer)
        }
        try await self.throttle.recordSuccess(username: username, address: context.remoteAddress)
        let session = try await self.users.createSession(for: user, lifetime: self.configuration.sessionLifetime, now: now)
        context.logger.info("login", metadata: ["oversight.console.user": "\(user.username)"])
        var response = Response(status: .seeOther, headers: [.location: "/"])
        response.setCookie(
            self.cookie(ConsoleAuthMiddleware.sessionCookie, session.id, maxAge: Int(self.configuration.sessionLifetime.components.seconds))
        )
        response.setCookie(self.cookie(loginCookie, "", maxAge: 0))
        // The user's own setting wins from now on; the cookie keeps it for the sign-in page after logging out.
        if let language = user.language.flatMap(Language.init(code:)) { response.setCookie(self.languageCookie(language)) }
        return response
    }

    /// The pages behind the login.
    func addPageRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("/") { request, context in try await self.overviewPage(request: request, context: context) }
        group.get("/providers/:provider") { request, context in
            try await self.providerPage(try context.parameters.require("provider"), request: request, context: context)
        }
        group.get("/scorecard") { request, context in try await self.scorecardPage(request: request, context: context) }
        group.get("/scorecard.csv") { request, context in try await self.scorecardCSV(request: request, context: context) }
        group.get("/tickets/:provider/:id") { request, context in
            try await self.ticketPage(
                provider: try context.parameters.require("provider"), id: try context.parameters.require("id"), request: request, context: context
            )
        }
        group.get("/alerts") { request, context in try await self.alertsPage(request: request, context: context) }
        group.post("/alerts/acknowledge") { request, context in
            let form = try await Self.form(request)
            let user = try self.checkPost(form, context: context)
            guard user.role.canAcknowledge else { throw ConsoleError.forbidden() }
            let key = form["key"] ?? ""
            guard try await self.openAlerts(for: user).contains(where: { $0.key == key }) else { throw ConsoleError.notFound("error.no_such_open_alert") }
            let comment = form["comment"].flatMap { $0.isEmpty ? nil : String($0.prefix(1000)) }
            do {
                _ = try await self.alerts.acknowledge(key: key, by: user.username, comment: comment)
            } catch let error as AlertError where error.code == .notFound {
                throw ConsoleError.notFound("error.no_such_open_alert")  // resolved meanwhile
            }
            return Response(status: .seeOther, headers: [.location: "/alerts"])
        }
        group.get("/agents") { request, context in try await self.agentsPage(request: request, context: context, issued: nil) }
        group.post("/agents/:id/revoke") { request, context in
            let form = try await Self.form(request)
            let user = try self.checkPost(form, context: context)
            guard user.role.canManageAgents else { throw ConsoleError.forbidden() }
            let id = try context.parameters.require("id")
            guard try await self.store.agent(id: id) != nil else { throw ConsoleError.notFound("error.no_such_agent") }
            _ = try await self.store.revoke(agentId: id, now: self.now)
            return Response(status: .seeOther, headers: [.location: "/agents"])
        }
        group.post("/agents/tokens") { request, context in
            let form = try await Self.form(request)
            let user = try self.checkPost(form, context: context)
            guard user.role.canManageAgents else { throw ConsoleError.forbidden() }
            let provider = (form["provider"] ?? "").trimmingCharacters(in: .whitespaces)
            let site = (form["site"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !provider.isEmpty, !site.isEmpty, provider.count <= 128, site.count <= 128 else {
                throw ConsoleError.badRequest("error.provider_site_required")
            }
            let token = Secrets.random(prefix: "ovt_")
            let expiresAt = self.now.addingTimeInterval(Double(self.configuration.enrollmentTokenTTL.components.seconds))
            try await self.store.createToken(
                hash: JWS.sha256Hex(Data(token.utf8)), provider: provider, site: site, createdAt: self.now, expiresAt: expiresAt
            )
            return try await self.agentsPage(request: request, context: context, issued: (token, provider, site, expiresAt))
        }
    }

    func ticketPage(provider: String, id: String, request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let l = context.localizer.in(timeZone: self.timeZone(of: provider))  // the contract's days
        let view = try await self.ticket(provider: provider, id: id, for: user)
        let ticket = view.ticket
        func pairs(_ id: String, _ title: String, _ rows: [(String, String)], empty: String? = nil) -> ConsoleTable {
            var table = ConsoleTable(
                id: id, title: title, columns: [l.t("table.field"), l.t("table.value")],
                rows: rows.map { [.text($0.0, class: "name"), .text($0.1)] }, empty: empty
            )
            table.className = "fields"
            return table
        }
        let fields = pairs("fields", l.t("ticket.fields"), [
            (l.t("column.provider"), ticket.provider), (l.t("column.site"), ticket.site),
            (l.t("column.status"), l.term("ticket.status", ticket.status.rawValue)),
            (l.t("ticket.priority"), l.term("ticket.priority", ticket.priority.rawValue)),
            (l.t("ticket.channel"), l.term("ticket.channel", ticket.channel.rawValue)), (l.t("ticket.created"), l.time(ticket.createdAt)),
            (l.t("ticket.updated"), l.time(ticket.updatedAt)), (l.t("ticket.first_reply"), l.time(ticket.firstReplyAt)),
            (l.t("ticket.solved"), l.time(ticket.solvedAt)), (l.t("ticket.closed"), l.time(ticket.closedAt)),
            (l.t("ticket.reopened"), l.integer(ticket.reopenCount)), (l.t("ticket.queue"), ticket.queue ?? "—"),
            (l.t("ticket.held_by"), ticket.heldBy.map { l.term("holder", $0) } ?? "—"),
            ("CSAT", ticket.csat.map(l.integer) ?? "—"),
        ])
        var slaRows: [(String, String)] = []
        if let sla = view.sla {
            slaRows = [
                (l.t("ticket.sla_state"), l.term("sla.state", sla.state)), (l.t("ticket.first_reply_due"), l.time(sla.firstReplyDue)),
                (l.t("ticket.resolution_due"), l.time(sla.resolutionDue)), (l.t("ticket.at_risk_at"), l.time(sla.atRiskAt)),
                (l.t("ticket.breached_at"), l.time(sla.breachedAt)), (l.t("ticket.late_data"), sla.lateData ? l.t("common.yes") : l.t("common.no")),
                (l.t("ticket.held_by_provider"), l.duration(Int(sla.providerSeconds))),
                (l.t("ticket.held_by_client"), l.duration(Int(sla.clientSeconds))), (l.t("ticket.held_by_customer"), l.duration(Int(sla.customerSeconds))),
                (l.t("ticket.evaluated"), l.time(sla.evaluatedAt)),
            ]
        }
        // The drawn timeline (TicketTimeline.swift); the tables below say the same in words.
        let now = self.now
        var timeline = ConsoleTable(
            id: "timeline", columns: [l.t("column.from"), l.t("column.until"), l.t("column.status"), l.t("ticket.clock_held_by_default")],
            empty: l.t("ticket.no_status_history")
        )
        timeline.rows = TicketTimeline.segments(ticket).map { segment in
            let status = l.term("ticket.status", segment.status.rawValue)
            return [
                .text(l.time(segment.start)), .text(segment.end.map { l.time($0) } ?? (ticket.status.isOpen ? l.t("common.now") : "—")),
                .text(segment.paused ? l.t("ticket.status_paused", ["status": status]) : status),
                .text(segment.holder == "stopped" ? l.t("ticket.clock_stopped") : l.term("holder", segment.holder)),
            ]
        }
        var messages = ConsoleTable(
            id: "messages", title: l.t("ticket.messages"), columns: [l.t("column.at"), l.t("column.from")], empty: l.t("ticket.no_messages")
        )
        messages.rows = ((ticket.agentReplies ?? []).map { ($0, l.t("ticket.agent_reply")) } + (ticket.customerMessages ?? []).map { ($0, l.t("ticket.customer_message")) })
            .sorted { $0.0 < $1.0 }.map { [.text(l.time($0.0)), .text($0.1)] }
        let batch = view.batch
        var page = ConsolePage(title: l.t("ticket.title", ["id": ticket.id]), name: "ticket-\(provider)-\(ticket.id)")
        page.add("<h1>\(HTML.escape(l.t("ticket.title", ["id": ticket.id])))</h1><p><a href=\"/providers/\(HTML.path(provider))\">\(HTML.escape(provider))</a></p>")
        page.add("<p class=\"meta\">\(HTML.escape(l.t("common.times_in", ["zone": l.timeZoneName])))</p>")
        page.add("<div class=\"columns\"><section>")
        page.add(fields)
        page.add("</section><section>")
        page.add(pairs("sla", "SLA", slaRows, empty: l.t("ticket.not_evaluated")))
        page.add("</section></div>")
        page.add("<h2>\(HTML.escape(l.t("ticket.status_timeline")))</h2><figure class=\"timeline\">\(TicketTimeline.svg(ticket, sla: view.sla, now: now, localizer: l))")
        page.add("<figcaption>\(HTML.escape(l.t("ticket.timeline_caption")))</figcaption></figure>")
        page.add(timeline)
        if ticket.agentReplies != nil || ticket.customerMessages != nil { page.add(messages) }
        var batchTable = pairs("batch", l.t("ticket.signed_batch"), [
            (l.t("column.agent"), batch.agentId), (l.t("ticket.sequence"), l.integer(Int(batch.seq))), (l.t("ticket.hash"), batch.hash ?? "—"),
            (l.t("ticket.received"), l.time(batch.receivedAt)), (l.t("ticket.records"), batch.recordCount.map(l.integer) ?? "—"),
            (l.t("ticket.signature"), view.signature.summary(of: "ticket", localizer: l)), (l.t("ticket.checked"), l.time(view.signature.checkedAt)),
        ])
        if let row = batchTable.rows.firstIndex(where: { $0.first?.text == l.t("ticket.signature") }) {
            batchTable.rows[row][1].className = view.signature.valid ? "sig valid" : "sig invalid"  // bold and coloured; the words say it
        }
        page.add(batchTable)
        try await self.addBreachNotes(to: &page, provider: provider, ticketId: ticket.id, context: context)  // ConsoleHandlers+Audits.swift
        try await self.addBreachDisputes(to: &page, provider: provider, ticketId: ticket.id, context: context)  // ConsoleHandlers+BreachDisputes.swift
        return try page.response(for: request, context: context)
    }

    /// Who acknowledged, with the comment.
    static func acknowledgement(_ ack: AlertAcknowledgement, _ l: Localizer) -> String {
        l.t("alerts.acknowledged_by", ["user": ack.by]) + (ack.comment.map { ": " + $0 } ?? "")
    }

    func alertsPage(request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let l = context.localizer
        let alerts = try await self.openAlerts(for: user)
        var open = ConsoleTable(
            id: "open",
            columns: [l.t("alerts.severity"), l.t("alerts.kind"), l.t("alerts.summary"), l.t("column.provider"), l.t("alerts.since"), l.t("alerts.acknowledgement")],
            empty: l.t("alerts.no_open")
        )
        for alert in alerts {
            var action = ConsoleTable.Cell.text(l.t("alerts.state.firing_open"))
            if let ack = alert.acknowledgement {
                action = .text(Self.acknowledgement(ack, l))
            } else if user.role.canAcknowledge {
                action = .html(
                    """
                    <form method="post" action="/alerts/acknowledge">\(HTML.csrfField(context.identity))
                    <input type="hidden" name="key" value="\(HTML.escape(alert.key))">
                    <input name="comment" placeholder="\(HTML.escape(l.t("alerts.comment")))" maxlength="1000" aria-label="\(HTML.escape(l.t("alerts.comment")))">
                    <button type="submit">\(HTML.escape(l.t("alerts.acknowledge")))</button></form>
                    """,
                    text: l.t("alerts.state.firing_open")
                )
            }
            open.rows.append([
                .text(l.term("alerts.severity", alert.severity.rawValue).uppercased(), class: "sev \(alert.severity.rawValue)"),
                .text(l.term("alerts.kind", alert.kind.rawValue)),
                .link(alert.summary(in: l), alert.consolePath), .text(alert.subject.provider), .text(l.time(alert.startsAt)), action,
            ])
        }
        var history = ConsoleTable(
            id: "history", title: l.t("alerts.history"),
            columns: [l.t("alerts.started"), l.t("alerts.state"), l.t("alerts.summary"), l.t("column.provider"), l.t("alerts.ended"), l.t("alerts.acknowledged")],
            empty: l.t("alerts.none_yet")
        )
        for alert in try await self.alerts.history(limit: 200).filter({ user.canSee(provider: $0.subject.provider) }).prefix(50) {
            history.rows.append([
                .text(l.time(alert.startsAt)), .text(l.term("alerts.state", alert.state.rawValue)), .text(alert.summary(in: l)), .text(alert.subject.provider),
                .text(l.time(alert.endsAt)), .text(alert.acknowledgement.map { Self.acknowledgement($0, l) } ?? ""),
            ])
        }
        var page = ConsolePage(title: l.t("alerts.title"), name: "alerts")
        page.add("<h1>\(HTML.escape(l.t("alerts.title")))</h1>")
        page.add(open)
        page.add(history)
        return try page.response(for: request, context: context)
    }

    /// An agent's state in words: revoked, online or offline.
    static func agentState(_ agent: AgentRow, online: Bool, _ l: Localizer) -> String {
        agent.revokedAt != nil ? l.t("agents.revoked") : online ? l.t("agents.online") : l.t("agents.offline")
    }

    func agentsPage(
        request: Request, context: ConsoleRequestContext, issued: (token: String, provider: String, site: String, expiresAt: Date)?
    ) async throws -> Response {
        let user = try context.requireUser()
        let l = context.localizer
        let now = self.now
        var table = ConsoleTable(
            id: "agents",
            columns: [
                l.t("column.agent"), l.t("column.provider"), l.t("column.site"), l.t("agents.host"), l.t("agents.version"), l.t("agents.state"),
                l.t("agents.last_seq"), l.t("agents.outbox"), l.t("agents.certificate_expires"), l.t("agents.last_heard"), "",
            ],
            empty: l.t("agents.none")
        )
        for agent in try await self.agents(for: user) {
            let online = agent.isOnline(now: now, offlineAfter: self.configuration.offlineAfter)
            var action = ConsoleTable.Cell.text("")
            if user.role.canManageAgents, agent.revokedAt == nil {
                action = .html(
                    """
                    <form method="post" action="/agents/\(HTML.path(agent.id))/revoke" class="confirm" data-confirm="\(HTML.escape(l.t("agents.revoke_confirm", ["agent": agent.id])))">\(HTML.csrfField(context.identity))
                    <button type="submit">\(HTML.escape(l.t("agents.revoke")))</button></form>
                    """,
                    text: ""
                )
            }
            table.rows.append([
                .text(agent.id), .text(agent.provider), .text(agent.site), .text(agent.hostname), .text(agent.version ?? "—"),
                .text(Self.agentState(agent, online: online, l)), .text(l.integer(Int(agent.lastSeq)), class: "num"),
                .text(agent.outboxDepth.map(l.integer) ?? "—", class: "num"), .text(l.time(agent.certificateNotAfter)),
                .text(l.age(agent.lastHeartbeatAt ?? agent.lastBatchAt, now: now)), action,
            ])
        }
        var tokenSection = ""
        if user.role.canManageAgents {
            if let issued {
                let valid = l.t(
                    "agents.token_issued", ["provider": issued.provider, "site": issued.site, "time": l.time(issued.expiresAt)]
                )
                tokenSection += """
                    <div class="notice" role="status"><p>\(HTML.escape(valid))</p><p><code class="token">\(HTML.escape(issued.token))</code></p></div>
                    """
            }
            tokenSection += """
                <h2>\(HTML.escape(l.t("agents.new_token")))</h2><form method="post" action="/agents/tokens">\(HTML.csrfField(context.identity))
                <label>\(HTML.escape(l.t("column.provider"))) <input name="provider" required maxlength="128"></label> \
                <label>\(HTML.escape(l.t("column.site"))) <input name="site" required maxlength="128"></label>
                <button type="submit">\(HTML.escape(l.t("agents.create_token")))</button></form>
                """
        }
        var page = ConsolePage(title: l.t("agents.title"), name: "agents")
        page.path = "/agents"
        page.add("<h1>\(HTML.escape(l.t("agents.title")))</h1>\(tokenSection)")
        page.add(table)
        var response = try page.response(for: request, context: context)
        if issued != nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
