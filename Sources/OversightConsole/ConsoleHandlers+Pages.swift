//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Login and the server-rendered pages.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import OversightAlerts
import OversightStore
import OversightWire

/// Name of the cookie that carries the login form's CSRF token.
let loginCookie = "ovc_login"

extension ConsoleHandlers {
    /// Reads an `application/x-www-form-urlencoded` body (at most 64 KiB).
    static func form(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        var fields: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    /// Checks the form's CSRF token against the session's and the role's right to post; returns the user.
    func checkPost(_ form: [String: String], context: ConsoleRequestContext, allowViewer: Bool = false) throws -> ConsoleUser {
        guard let identity = context.identity else { throw ConsoleError.unauthorized }
        guard let expected = identity.csrf, let given = form["csrf"], Secrets.constantTimeEquals(given, expected) else {
            throw ConsoleError(.csrf, status: .forbidden, "the form is stale or did not come from this console; reload and try again")
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
            return self.loginPage(message: nil, status: .ok)
        }
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

    func loginPage(message: String?, status: HTTPResponse.Status) -> Response {
        let token = Secrets.random()
        let notice = message.map { "<p class=\"error\" role=\"alert\">\(HTML.escape($0))</p>" } ?? ""
        let body = """
            <h1>Sign in</h1>\(notice)
            <form method="post" action="/login" class="login">
            <input type="hidden" name="csrf" value="\(token)">
            <label>Username <input name="username" autocomplete="username" required></label>
            <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">Sign in</button></form>
            """
        var response = HTML.response(HTML.page(title: "Sign in", identity: nil, body: body), status: status)
        response.setCookie(self.cookie(loginCookie, token, maxAge: 1800))
        return response
    }

    func login(_ request: Request, context: ConsoleRequestContext) async throws -> Response {
        let form = try await Self.form(request)
        guard let given = form["csrf"], let expected = request.cookies[loginCookie]?.value, !expected.isEmpty,
            Secrets.constantTimeEquals(given, expected)
        else {
            throw ConsoleError(.csrf, status: .forbidden, "the sign-in form is stale; reload and try again")
        }
        let username = form["username"] ?? ""
        let password = form["password"] ?? ""
        let now = self.now
        if let until = self.throttle.lockedUntil(username: username, address: context.remoteAddress, now: now) {
            context.logger.info("login throttled", metadata: ["oversight.console.user": "\(username)"])
            var response = self.loginPage(message: "Too many failed sign-ins. Try again in \(HTML.age(now, now: until).replacingOccurrences(of: "in ", with: "")).", status: .tooManyRequests)
            response.headers[.retryAfter] = String(Int(until.timeIntervalSince(now).rounded(.up)))
            return response
        }
        guard let user = try await self.users.verify(username: username, password: password) else {
            self.throttle.recordFailure(username: username, address: context.remoteAddress, now: now)
            context.logger.info("login failed", metadata: ["oversight.console.user": "\(username)"])
            return self.loginPage(message: "Wrong username or password.", status: .unauthorized)
        }
        self.throttle.recordSuccess(username: username, address: context.remoteAddress)
        let session = try await self.users.createSession(for: user, lifetime: self.configuration.sessionLifetime, now: now)
        context.logger.info("login", metadata: ["oversight.console.user": "\(user.username)"])
        var response = Response(status: .seeOther, headers: [.location: "/"])
        response.setCookie(
            self.cookie(ConsoleAuthMiddleware.sessionCookie, session.id, maxAge: Int(self.configuration.sessionLifetime.components.seconds))
        )
        response.setCookie(self.cookie(loginCookie, "", maxAge: 0))
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
            guard try await self.openAlerts(for: user).contains(where: { $0.key == key }) else { throw ConsoleError.notFound("no such open alert") }
            let comment = form["comment"].flatMap { $0.isEmpty ? nil : String($0.prefix(1000)) }
            do {
                _ = try await self.alerts.acknowledge(key: key, by: user.username, comment: comment)
            } catch let error as AlertError where error.code == .notFound {
                throw ConsoleError.notFound("no such open alert")  // resolved meanwhile
            }
            return Response(status: .seeOther, headers: [.location: "/alerts"])
        }
        group.get("/agents") { request, context in try await self.agentsPage(request: request, context: context, issued: nil) }
        group.post("/agents/:id/revoke") { request, context in
            let form = try await Self.form(request)
            let user = try self.checkPost(form, context: context)
            guard user.role.canManageAgents else { throw ConsoleError.forbidden() }
            let id = try context.parameters.require("id")
            guard try await self.store.agent(id: id) != nil else { throw ConsoleError.notFound("no such agent") }
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
                throw ConsoleError.badRequest("provider and site are required")
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
        let view = try await self.ticket(provider: provider, id: id, for: user)
        let ticket = view.ticket
        func pairs(_ id: String, _ title: String, _ rows: [(String, String)], empty: String = "None.") -> ConsoleTable {
            var table = ConsoleTable(id: id, title: title, columns: ["Field", "Value"], rows: rows.map { [.text($0.0, class: "name"), .text($0.1)] }, empty: empty)
            table.className = "fields"
            return table
        }
        let fields = pairs("fields", "Fields", [
            ("Provider", ticket.provider), ("Site", ticket.site), ("Status", ticket.status.rawValue), ("Priority", ticket.priority.rawValue),
            ("Channel", ticket.channel.rawValue), ("Created", HTML.time(ticket.createdAt)), ("Updated", HTML.time(ticket.updatedAt)),
            ("First reply", HTML.time(ticket.firstReplyAt)), ("Solved", HTML.time(ticket.solvedAt)), ("Closed", HTML.time(ticket.closedAt)),
            ("Reopened", String(ticket.reopenCount)), ("Queue", ticket.queue ?? "—"), ("Held by", ticket.heldBy ?? "—"),
            ("CSAT", ticket.csat.map(String.init) ?? "—"),
        ])
        var slaRows: [(String, String)] = []
        if let sla = view.sla {
            slaRows = [
                ("State", sla.state.replacingOccurrences(of: "_", with: " ")), ("First reply due", HTML.time(sla.firstReplyDue)),
                ("Resolution due", HTML.time(sla.resolutionDue)), ("At risk at", HTML.time(sla.atRiskAt)), ("Breached at", HTML.time(sla.breachedAt)),
                ("Late data", sla.lateData ? "yes" : "no"), ("Held by provider", HTML.duration(Int(sla.providerSeconds))),
                ("Held by client", HTML.duration(Int(sla.clientSeconds))), ("Held by customer", HTML.duration(Int(sla.customerSeconds))),
                ("Evaluated", HTML.time(sla.evaluatedAt)),
            ]
        }
        // The drawn timeline (TicketTimeline.swift); the tables below say the same in words.
        let now = self.now
        var timeline = ConsoleTable(
            id: "timeline", columns: ["From", "Until", "Status", "Clock held by (default rules)"], empty: "No status history."
        )
        timeline.rows = TicketTimeline.segments(ticket).map { segment in
            [
                .text(HTML.time(segment.start)), .text(segment.end.map { HTML.time($0) } ?? (ticket.status.isOpen ? "now" : "—")),
                .text(segment.paused ? "\(segment.status.rawValue) (paused)" : segment.status.rawValue),
                .text(segment.holder == "stopped" ? "clock stopped" : segment.holder),
            ]
        }
        var messages = ConsoleTable(id: "messages", title: "Messages", columns: ["At", "From"], empty: "No message history from the source.")
        messages.rows = ((ticket.agentReplies ?? []).map { ($0, "agent reply") } + (ticket.customerMessages ?? []).map { ($0, "customer message") })
            .sorted { $0.0 < $1.0 }.map { [.text(HTML.time($0.0)), .text($0.1)] }
        let batch = view.batch
        var page = ConsolePage(title: "Ticket \(ticket.id)", name: "ticket-\(provider)-\(ticket.id)")
        page.add("<h1>Ticket \(HTML.escape(ticket.id))</h1><p><a href=\"/providers/\(HTML.path(provider))\">\(HTML.escape(provider))</a></p>")
        page.add("<div class=\"columns\"><section>")
        page.add(fields)
        page.add("</section><section>")
        page.add(pairs("sla", "SLA", slaRows, empty: "Not evaluated yet."))
        page.add("</section></div>")
        page.add("<h2>Status timeline</h2><figure class=\"timeline\">\(TicketTimeline.svg(ticket, sla: view.sla, now: now))")
        page.add("<figcaption>Drawn from the stored record and SLA state; clock holders by the default rules.</figcaption></figure>")
        page.add(timeline)
        if ticket.agentReplies != nil || ticket.customerMessages != nil { page.add(messages) }
        var batchTable = pairs("batch", "Signed batch", [
            ("Agent", batch.agentId), ("Sequence", String(batch.seq)), ("Hash", batch.hash ?? "—"), ("Received", HTML.time(batch.receivedAt)),
            ("Records", batch.recordCount.map(String.init) ?? "—"), ("Signature", view.signature.summary),
            ("Checked", HTML.time(view.signature.checkedAt)),
        ])
        if let row = batchTable.rows.firstIndex(where: { $0.first?.text == "Signature" }) {
            batchTable.rows[row][1].className = view.signature.valid ? "sig valid" : "sig invalid"  // bold and coloured; the words say it
        }
        page.add(batchTable)
        try await self.addBreachNotes(to: &page, provider: provider, ticketId: ticket.id, context: context)  // ConsoleHandlers+Audits.swift
        try await self.addBreachDisputes(to: &page, provider: provider, ticketId: ticket.id, context: context)  // ConsoleHandlers+BreachDisputes.swift
        return try page.response(for: request, identity: context.identity)
    }

    func alertsPage(request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let alerts = try await self.openAlerts(for: user)
        var open = ConsoleTable(
            id: "open", columns: ["Severity", "Kind", "Summary", "Provider", "Since", "Acknowledgement"], empty: "No open alerts."
        )
        for alert in alerts {
            var action = ConsoleTable.Cell.text("open")
            if let ack = alert.acknowledgement {
                action = .text("acknowledged by \(ack.by)\(ack.comment.map { ": " + $0 } ?? "")")
            } else if user.role.canAcknowledge {
                action = .html(
                    """
                    <form method="post" action="/alerts/acknowledge">\(HTML.csrfField(context.identity))
                    <input type="hidden" name="key" value="\(HTML.escape(alert.key))">
                    <input name="comment" placeholder="comment" maxlength="1000" aria-label="comment">
                    <button type="submit">Acknowledge</button></form>
                    """,
                    text: "open"
                )
            }
            open.rows.append([
                .text(alert.severity.rawValue.uppercased(), class: "sev \(alert.severity.rawValue)"), .text(alert.kind.rawValue),
                .link(alert.summary, alert.consolePath), .text(alert.subject.provider), .text(HTML.time(alert.startsAt)), action,
            ])
        }
        var history = ConsoleTable(
            id: "history", title: "History", columns: ["Started", "State", "Summary", "Provider", "Ended", "Acknowledged"], empty: "No alerts yet."
        )
        for alert in try await self.alerts.history(limit: 200).filter({ user.canSee(provider: $0.subject.provider) }).prefix(50) {
            history.rows.append([
                .text(HTML.time(alert.startsAt)), .text(alert.state.rawValue), .text(alert.summary), .text(alert.subject.provider),
                .text(HTML.time(alert.endsAt)), .text(alert.acknowledgement.map { $0.by + ($0.comment.map { ": " + $0 } ?? "") } ?? ""),
            ])
        }
        var page = ConsolePage(title: "Alerts", name: "alerts")
        page.add("<h1>Alerts</h1>")
        page.add(open)
        page.add(history)
        return try page.response(for: request, identity: context.identity)
    }

    func agentsPage(
        request: Request, context: ConsoleRequestContext, issued: (token: String, provider: String, site: String, expiresAt: Date)?
    ) async throws -> Response {
        let user = try context.requireUser()
        let now = self.now
        var table = ConsoleTable(
            id: "agents",
            columns: ["Agent", "Provider", "Site", "Host", "Version", "State", "Last seq", "Outbox", "Certificate expires", "Last heard", ""],
            empty: "No agents enrolled."
        )
        for agent in try await self.agents(for: user) {
            let online = agent.isOnline(now: now, offlineAfter: self.configuration.offlineAfter)
            var action = ConsoleTable.Cell.text("")
            if user.role.canManageAgents, agent.revokedAt == nil {
                action = .html(
                    """
                    <form method="post" action="/agents/\(HTML.path(agent.id))/revoke" class="confirm">\(HTML.csrfField(context.identity))
                    <button type="submit">Revoke</button></form>
                    """,
                    text: ""
                )
            }
            table.rows.append([
                .text(agent.id), .text(agent.provider), .text(agent.site), .text(agent.hostname), .text(agent.version ?? "—"),
                .text(agent.revokedAt != nil ? "REVOKED" : online ? "online" : "OFFLINE"), .text(String(agent.lastSeq), class: "num"),
                .text(agent.outboxDepth.map(String.init) ?? "—", class: "num"), .text(HTML.time(agent.certificateNotAfter)),
                .text(HTML.age(agent.lastHeartbeatAt ?? agent.lastBatchAt, now: now)), action,
            ])
        }
        var tokenSection = ""
        if user.role.canManageAgents {
            if let issued {
                tokenSection += """
                    <div class="notice" role="status"><p>Enrollment token for \(HTML.escape(issued.provider)) / \(HTML.escape(issued.site)),
                    valid until \(HTML.time(issued.expiresAt)). It is shown only this once:</p><p><code class="token">\(HTML.escape(issued.token))</code></p></div>
                    """
            }
            tokenSection += """
                <h2>New enrollment token</h2><form method="post" action="/agents/tokens">\(HTML.csrfField(context.identity))
                <label>Provider <input name="provider" required maxlength="128"></label> <label>Site <input name="site" required maxlength="128"></label>
                <button type="submit">Create token</button></form>
                """
        }
        var page = ConsolePage(title: "Agents", name: "agents")
        page.path = "/agents"
        page.add("<h1>Agents</h1>\(tokenSection)")
        page.add(table)
        var response = try page.response(for: request, identity: context.identity)
        if issued != nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
