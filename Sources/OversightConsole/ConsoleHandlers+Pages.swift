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
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json))
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
        group.get("/") { _, context in try await self.overviewPage(context: context) }
        group.get("/providers/:provider") { _, context in
            try await self.providerPage(try context.parameters.require("provider"), context: context)
        }
        group.get("/tickets/:provider/:id") { _, context in
            try await self.ticketPage(provider: try context.parameters.require("provider"), id: try context.parameters.require("id"), context: context)
        }
        group.get("/alerts") { _, context in try await self.alertsPage(context: context, notice: nil) }
        group.post("/alerts/acknowledge") { request, context in
            let form = try await Self.form(request)
            let user = try self.checkPost(form, context: context)
            guard user.role.canAcknowledge else { throw ConsoleError.forbidden() }
            let key = form["key"] ?? ""
            guard try await self.openAlerts(for: user).contains(where: { $0.key == key }) else { throw ConsoleError.notFound("no such open alert") }
            let comment = form["comment"].flatMap { $0.isEmpty ? nil : String($0.prefix(1000)) }
            _ = try await self.alerts.acknowledge(key: key, by: user.username, comment: comment)
            return Response(status: .seeOther, headers: [.location: "/alerts"])
        }
        group.get("/agents") { _, context in try await self.agentsPage(context: context, issued: nil) }
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
            return try await self.agentsPage(context: context, issued: (token, provider, site, expiresAt))
        }
    }

    func overviewPage(context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let report = try await self.status(for: user)
        var rows = ""
        for provider in report.providers {
            for site in provider.sites {
                let rag = self.rag(
                    breached: site.breached, atRisk: site.atRisk, agentsOnline: site.agentsOnline, agentsTotal: site.agentsTotal,
                    newestRecordAt: site.newestRecordAt
                )
                rows += """
                    <tr><td><a href="/providers/\(HTML.path(provider.provider))">\(HTML.escape(provider.provider))</a></td>
                    <td>\(HTML.escape(site.site))</td><td class="rag \(rag)">\(rag.uppercased())</td>
                    <td class="num">\(site.agentsOnline)/\(site.agentsTotal)</td><td class="num">\(site.tickets)</td>
                    <td class="num">\(site.openTickets)</td><td class="num">\(site.atRisk)</td><td class="num">\(site.breached)</td>
                    <td>\(HTML.age(site.newestRecordAt, now: report.generatedAt))</td>
                    <td>\(HTML.sparkline(open: site.openTickets, atRisk: site.atRisk, breached: site.breached))</td></tr>
                    """
            }
        }
        if rows.isEmpty { rows = "<tr><td colspan=\"10\">No data yet.</td></tr>" }
        let body = """
            <h1>Overview</h1><p class="meta">Generated \(HTML.time(report.generatedAt))</p>
            <table class="grid"><thead><tr><th>Provider</th><th>Site</th><th>Status</th><th>Agents online</th><th>Tickets</th>
            <th>Open</th><th>At risk</th><th>Breached</th><th>Newest record age</th><th>Trend</th></tr></thead><tbody>\(rows)</tbody></table>
            """
        return HTML.response(HTML.page(title: "Overview", identity: context.identity, body: body))
    }

    func providerPage(_ name: String, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let provider = try await self.provider(name, for: user)
        var rows = ""
        for site in provider.sites {
            let rag = self.rag(
                breached: site.breached, atRisk: site.atRisk, agentsOnline: site.agentsOnline, agentsTotal: site.agentsTotal,
                newestRecordAt: site.newestRecordAt
            )
            rows += """
                <tr><td>\(HTML.escape(site.site))</td><td class="rag \(rag)">\(rag.uppercased())</td>
                <td class="num">\(site.agentsOnline)/\(site.agentsTotal)</td><td class="num">\(site.tickets)</td><td class="num">\(site.openTickets)</td>
                <td class="num">\(site.atRisk)</td><td class="num">\(site.breached)</td><td>\(HTML.age(site.newestRecordAt, now: self.now))</td></tr>
                """
        }
        let events = try await self.slaEvents(for: user, provider: name, site: nil, limit: 50, cursor: nil).events
        var eventRows = ""
        for event in events {
            eventRows += """
                <tr><td>\(HTML.time(event.at))</td><td>\(HTML.escape(event.site))</td>
                <td><a href="/tickets/\(HTML.path(event.provider))/\(HTML.path(event.ticketId))">\(HTML.escape(event.ticketId))</a></td>
                <td>\(HTML.escape(event.clock))</td><td>\(HTML.escape(event.kind))</td><td>\(event.lateData ? "late data" : "")</td></tr>
                """
        }
        if eventRows.isEmpty { eventRows = "<tr><td colspan=\"6\">No SLA events.</td></tr>" }
        let body = """
            <h1>\(HTML.escape(name))</h1>
            <h2>Sites</h2><table class="grid"><thead><tr><th>Site</th><th>Status</th><th>Agents online</th><th>Tickets</th><th>Open</th>
            <th>At risk</th><th>Breached</th><th>Newest record age</th></tr></thead><tbody>\(rows)</tbody></table>
            <h2>Recent SLA events</h2><table class="grid"><thead><tr><th>At</th><th>Site</th><th>Ticket</th><th>Clock</th><th>Event</th>
            <th>Note</th></tr></thead><tbody>\(eventRows)</tbody></table>
            """
        return HTML.response(HTML.page(title: name, identity: context.identity, body: body))
    }

    func ticketPage(provider: String, id: String, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let view = try await self.ticket(provider: provider, id: id, for: user)
        let ticket = view.ticket
        let fields: [(String, String)] = [
            ("Provider", ticket.provider), ("Site", ticket.site), ("Status", ticket.status.rawValue), ("Priority", ticket.priority.rawValue),
            ("Channel", ticket.channel.rawValue), ("Created", HTML.time(ticket.createdAt)), ("Updated", HTML.time(ticket.updatedAt)),
            ("First reply", HTML.time(ticket.firstReplyAt)), ("Solved", HTML.time(ticket.solvedAt)), ("Closed", HTML.time(ticket.closedAt)),
            ("Reopened", String(ticket.reopenCount)), ("Queue", ticket.queue ?? "—"), ("Held by", ticket.heldBy ?? "—"),
            ("CSAT", ticket.csat.map(String.init) ?? "—"),
        ]
        let fieldRows = fields.map { "<tr><th>\($0.0)</th><td>\(HTML.escape($0.1))</td></tr>" }.joined()
        var timeline = ticket.statusChanges.map { "<li><time>\(HTML.time($0.at))</time> \(HTML.escape($0.status.rawValue))</li>" }.joined()
        if timeline.isEmpty { timeline = "<li>No status history.</li>" }
        var slaRows = "<tr><td colspan=\"2\">Not evaluated yet.</td></tr>"
        if let sla = view.sla {
            slaRows = [
                ("State", sla.state.replacingOccurrences(of: "_", with: " ")), ("First reply due", HTML.time(sla.firstReplyDue)),
                ("Resolution due", HTML.time(sla.resolutionDue)), ("At risk at", HTML.time(sla.atRiskAt)), ("Breached at", HTML.time(sla.breachedAt)),
                ("Late data", sla.lateData ? "yes" : "no"), ("Held by provider", HTML.duration(Int(sla.providerSeconds))),
                ("Held by client", HTML.duration(Int(sla.clientSeconds))), ("Held by customer", HTML.duration(Int(sla.customerSeconds))),
                ("Evaluated", HTML.time(sla.evaluatedAt)),
            ].map { "<tr><th>\($0.0)</th><td>\(HTML.escape($0.1))</td></tr>" }.joined()
        }
        let batch = view.batch
        let body = """
            <h1>Ticket \(HTML.escape(ticket.id))</h1>
            <p><a href="/providers/\(HTML.path(provider))">\(HTML.escape(provider))</a></p>
            <div class="columns"><section><h2>Fields</h2><table class="fields">\(fieldRows)</table></section>
            <section><h2>SLA</h2><table class="fields">\(slaRows)</table></section></div>
            <h2>Status timeline</h2><ol class="timeline">\(timeline)</ol>
            <h2>Signed batch</h2><table class="fields"><tr><th>Agent</th><td>\(HTML.escape(batch.agentId))</td></tr>
            <tr><th>Sequence</th><td>\(batch.seq)</td></tr><tr><th>Hash</th><td><code>\(HTML.escape(batch.hash ?? "—"))</code></td></tr>
            <tr><th>Received</th><td>\(HTML.time(batch.receivedAt))</td></tr>
            <tr><th>Records</th><td>\(batch.recordCount.map(String.init) ?? "—")</td></tr>
            <tr><th>Signature</th><td>verified when received (batches that fail verification are never stored)</td></tr></table>
            """
        return HTML.response(HTML.page(title: "Ticket \(ticket.id)", identity: context.identity, body: body))
    }

    func alertsPage(context: ConsoleRequestContext, notice: String?) async throws -> Response {
        let user = try context.requireUser()
        let alerts = try await self.openAlerts(for: user)
        var rows = ""
        for alert in alerts {
            var action = ""
            if let ack = alert.acknowledgement {
                action = "acknowledged by \(HTML.escape(ack.by))\(ack.comment.map { ": " + HTML.escape($0) } ?? "")"
            } else if user.role.canAcknowledge {
                action = """
                    <form method="post" action="/alerts/acknowledge">\(HTML.csrfField(context.identity))
                    <input type="hidden" name="key" value="\(HTML.escape(alert.key))">
                    <input name="comment" placeholder="comment" maxlength="1000" aria-label="comment">
                    <button type="submit">Acknowledge</button></form>
                    """
            } else {
                action = "open"
            }
            rows += """
                <tr><td class="sev \(alert.severity.rawValue)">\(alert.severity.rawValue.uppercased())</td><td>\(HTML.escape(alert.kind.rawValue))</td>
                <td><a href="\(HTML.escape(alert.consolePath))">\(HTML.escape(alert.summary))</a></td><td>\(HTML.escape(alert.subject.provider))</td>
                <td>\(HTML.time(alert.startsAt))</td><td>\(action)</td></tr>
                """
        }
        if rows.isEmpty { rows = "<tr><td colspan=\"6\">No open alerts.</td></tr>" }
        var historyRows = ""
        for alert in try await self.alerts.history(limit: 200).filter({ user.canSee(provider: $0.subject.provider) }).prefix(50) {
            historyRows += """
                <tr><td>\(HTML.time(alert.startsAt))</td><td>\(HTML.escape(alert.state.rawValue))</td><td>\(HTML.escape(alert.summary))</td>
                <td>\(HTML.escape(alert.subject.provider))</td><td>\(HTML.time(alert.endsAt))</td>
                <td>\(alert.acknowledgement.map { HTML.escape($0.by + ($0.comment.map { ": " + $0 } ?? "")) } ?? "")</td></tr>
                """
        }
        let body = """
            <h1>Alerts</h1>
            <table class="grid"><thead><tr><th>Severity</th><th>Kind</th><th>Summary</th><th>Provider</th><th>Since</th><th>Acknowledgement</th></tr>
            </thead><tbody>\(rows)</tbody></table>
            <h2>History</h2>
            <table class="grid"><thead><tr><th>Started</th><th>State</th><th>Summary</th><th>Provider</th><th>Ended</th><th>Acknowledged</th></tr>
            </thead><tbody>\(historyRows)</tbody></table>
            """
        return HTML.response(HTML.page(title: "Alerts", identity: context.identity, body: body))
    }

    func agentsPage(context: ConsoleRequestContext, issued: (token: String, provider: String, site: String, expiresAt: Date)?) async throws
        -> Response
    {
        let user = try context.requireUser()
        let now = self.now
        var rows = ""
        for agent in try await self.agents(for: user) {
            let online = agent.isOnline(now: now, offlineAfter: self.configuration.offlineAfter)
            var action = ""
            if user.role.canManageAgents, agent.revokedAt == nil {
                action = """
                    <form method="post" action="/agents/\(HTML.path(agent.id))/revoke" class="confirm">\(HTML.csrfField(context.identity))
                    <button type="submit">Revoke</button></form>
                    """
            }
            rows += """
                <tr><td>\(HTML.escape(agent.id))</td><td>\(HTML.escape(agent.provider))</td><td>\(HTML.escape(agent.site))</td>
                <td>\(HTML.escape(agent.hostname))</td><td>\(HTML.escape(agent.version ?? "—"))</td>
                <td>\(agent.revokedAt != nil ? "REVOKED" : online ? "online" : "OFFLINE")</td><td class="num">\(agent.lastSeq)</td>
                <td class="num">\(agent.outboxDepth.map(String.init) ?? "—")</td><td>\(HTML.time(agent.certificateNotAfter))</td>
                <td>\(HTML.age(agent.lastHeartbeatAt ?? agent.lastBatchAt, now: now))</td><td>\(action)</td></tr>
                """
        }
        if rows.isEmpty { rows = "<tr><td colspan=\"11\">No agents enrolled.</td></tr>" }
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
        let body = """
            <h1>Agents</h1>\(tokenSection)
            <table class="grid"><thead><tr><th>Agent</th><th>Provider</th><th>Site</th><th>Host</th><th>Version</th><th>State</th><th>Last seq</th>
            <th>Outbox</th><th>Certificate expires</th><th>Last heard</th><th></th></tr></thead><tbody>\(rows)</tbody></table>
            """
        var response = HTML.response(HTML.page(title: "Agents", identity: context.identity, body: body))
        if issued != nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
