//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import Logging
import OversightAlerts
import OversightModel
import OversightStore
import OversightWire
import Testing

@testable import OversightConsole

/// A console over a temp-file store holding two providers (acme, globex), an alert for each, and users of every role.
struct ConsoleFixture {
    static let password = "correct horse battery"
    let directory: String
    let store: SQLiteStore
    let alerts: AlertCenter
    let users: UserStore
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    var tokens: [String: String] = [:]

    init() async throws {
        self.directory = NSTemporaryDirectory() + "console-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        self.store = try SQLiteStore(path: self.directory + "/coordinator.sqlite")
        self.alerts = try AlertCenter(
            path: self.directory + "/alerts.sqlite", configuration: .init(consoleBaseURL: "https://console.test", receivers: [])
        )
        self.users = try UserStore(path: self.directory + "/console.sqlite", bcryptCost: 4)
        for (provider, agent, ticket) in [("acme", "agt_acme", "T1"), ("globex", "agt_globex", "G1")] {
            try await self.store.createToken(
                hash: "h-\(provider)", provider: provider, site: "paris", createdAt: self.now, expiresAt: self.now + 3600
            )
            _ = try await self.store.consumeToken(
                hash: "h-\(provider)",
                agent: NewAgent(id: agent, hostname: "host", signingKey: "x", certificateSerial: "1", certificateNotAfter: self.now + 86400),
                now: self.now
            )
            let record = TicketRecord(
                provider: provider, site: "paris", id: ticket, status: .open, createdAt: self.now, updatedAt: self.now + 10,
                statusChanges: [.init(status: .new, at: self.now), .init(status: .open, at: self.now + 10)]
            )
            _ = try await self.store.commit(
                IncomingBatch(
                    agentId: agent, seq: 1, hash: "hash-\(provider)", prev: genesisBatchHash,
                    jws: FlattenedJWS(protected: "p", payload: "x", signature: "s"), receivedAt: self.now, tickets: [record]
                )
            )
            _ = try await self.store.recordSLAEvent(
                SLAEventRow(
                    provider: provider, site: "paris", ticketId: ticket, clock: "resolution", kind: "breach", at: self.now + 20,
                    detectedAt: self.now + 20, lateData: false
                )
            )
            try await self.store.updateSLA([
                TicketSLAState(
                    provider: provider, ticketId: ticket, state: provider == "acme" ? "breached" : "at_risk", firstReplyDue: self.now + 5,
                    resolutionDue: self.now + 20, atRiskAt: self.now + 15, breachedAt: provider == "acme" ? self.now + 20 : nil, lateData: false,
                    providerSeconds: 30, clientSeconds: 0, customerSeconds: 0, evaluatedAt: self.now + 30
                )
            ])
            _ = try await self.alerts.raise(
                NewAlert(
                    kind: .ticketBreached, subject: AlertSubject(provider: provider, site: "paris", ticket: ticket, clock: "resolution"),
                    summary: "\(provider) \(ticket) breached", consolePath: "/tickets/\(provider)/\(ticket)"
                )
            )
        }
        let roles: [(String, ConsoleRole, [String])] = [
            ("admin", .admin, []), ("sup", .supervisor, ["acme"]), ("audit", .auditor, []), ("view", .viewer, ["acme"]),
            ("acmestaff", .provider, ["acme"]),
        ]
        for (name, role, providers) in roles {
            try await self.users.add(username: name, password: Self.password, role: role, providers: providers)
            self.tokens[name] = try await self.users.createAPIToken(username: name)
        }
    }

    func application(
        logger: Logger = Logger(label: "console-test"), configure: (inout ConsoleConfiguration) -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        var configuration = ConsoleConfiguration(port: 0)
        configuration.publicDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Coordinator/coordinator/Public").path
        configuration.now = { [now] in now + 60 }
        configure(&configuration)
        return try buildApplication(
            configuration: configuration, store: self.store, alerts: self.alerts, users: self.users, logger: logger
        )
    }
}

/// A browser-like session: keeps cookies and the CSRF token of the last page.
struct Browser {
    var cookies: [String: String] = [:]
    var csrf = ""

    var cookieHeader: HTTPFields {
        cookies.isEmpty ? [:] : [.cookie: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
    }

    mutating func absorb(_ response: TestResponse) {
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            self.cookies[String(pair[0])] = pair.count > 1 ? String(pair[1]) : ""
        }
        let body = String(buffer: response.body)
        if let range = body.range(of: "name=\"csrf\" value=\"") {
            self.csrf = String(body[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    mutating func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
        let response = try await client.execute(uri: uri, method: .get, headers: self.cookieHeader)
        self.absorb(response)
        return response
    }

    mutating func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [String: String]) async throws -> TestResponse {
        var headers = self.cookieHeader
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = fields.map {
            "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.joined(separator: "&")
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        self.absorb(response)
        return response
    }

    mutating func login(_ client: some TestClientProtocol, _ username: String, password: String = ConsoleFixture.password) async throws
        -> TestResponse
    {
        _ = try await self.get(client, "/login")
        return try await self.post(client, "/login", ["username": username, "password": password, "csrf": self.csrf])
    }
}

func bearer(_ token: String?) -> HTTPFields { [.authorization: "Bearer \(token ?? "")"] }

@Suite(.timeLimit(.minutes(1))) struct ConsoleTests {
    @Test func loginOverviewAndLogout() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            #expect(try await browser.get(client, "/").status == .seeOther)
            let login = try await browser.login(client, "admin")
            #expect(login.status == .seeOther)
            let cookie = try #require(login.headers[values: .setCookie].first { $0.hasPrefix("ovc_session=") })
            #expect(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let overview = try await browser.get(client, "/")
            #expect(overview.status == .ok)
            let html = String(buffer: overview.body)
            #expect(html.contains("acme") && html.contains("globex") && html.contains("RED") && html.contains("AMBER"))
            #expect(try await browser.post(client, "/logout", ["csrf": browser.csrf]).status == .seeOther)
            #expect(try await browser.get(client, "/").status == .seeOther)
        }
    }

    @Test func badPasswordAndThrottling() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            #expect(try await browser.login(client, "admin", password: "wrong password!").status == .unauthorized)
            #expect(try await browser.login(client, "nobody", password: "wrong password!").status == .unauthorized)
            for _ in 0..<4 { _ = try await browser.login(client, "admin", password: "wrong password!") }
            let locked = try await browser.login(client, "admin")
            #expect(locked.status == .tooManyRequests)
            #expect(browser.cookies["ovc_session"] == nil)
        }
    }

    @Test func csrfIsRequiredOnEveryForm() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.get(client, "/login")
            #expect(try await browser.post(client, "/login", ["username": "admin", "password": ConsoleFixture.password, "csrf": "forged"]).status == .forbidden)
            _ = try await browser.login(client, "admin")
            let key = try #require(try await fixture.alerts.openAlerts().first?.key)
            #expect(try await browser.post(client, "/alerts/acknowledge", ["key": key, "csrf": "forged"]).status == .forbidden)
            #expect(try await browser.post(client, "/agents/tokens", ["provider": "acme", "site": "paris"]).status == .forbidden)
            #expect(try await browser.post(client, "/logout", [:]).status == .forbidden)
            _ = try await browser.get(client, "/alerts")
            #expect(try await browser.post(client, "/alerts/acknowledge", ["key": key, "comment": "on it", "csrf": browser.csrf]).status == .seeOther)
            #expect(try await fixture.alerts.openAlerts().first { $0.key == key }?.acknowledgement?.comment == "on it")
        }
    }

    @Test(arguments: ["admin", "sup", "audit", "view", "acmestaff"])
    func rolesAgainstRoutes(username: String) async throws {
        let fixture = try await ConsoleFixture()
        let seesGlobex = username == "admin" || username == "audit"
        try await fixture.application().test(.router) { client in
            let token = fixture.tokens[username]
            for uri in ["/api/v1/providers/globex", "/api/v1/tickets/globex/G1"] {
                #expect(try await client.execute(uri: uri, method: .get, headers: bearer(token)).status == (seesGlobex ? .ok : .notFound))
            }
            for uri in ["/api/v1/providers/acme", "/api/v1/tickets/acme/T1", "/api/v1/status", "/api/v1/alerts", "/api/v1/agents"] {
                #expect(try await client.execute(uri: uri, method: .get, headers: bearer(token)).status == .ok)
            }
            for uri in ["/api/v1/status", "/api/v1/alerts", "/api/v1/agents", "/api/v1/sla-events"] {
                let body = String(buffer: try await client.execute(uri: uri, method: .get, headers: bearer(token)).body)
                #expect(body.contains("globex") == seesGlobex, "\(uri)")
                #expect(body.contains("acme"), "\(uri)")
            }
            var browser = Browser()
            #expect(try await browser.login(client, username).status == .seeOther)
            for uri in ["/", "/providers/acme", "/tickets/acme/T1", "/alerts", "/agents"] {
                let page = try await browser.get(client, uri)
                #expect(page.status == .ok, "\(uri)")
                #expect(String(buffer: page.body).contains("globex") == (seesGlobex && !uri.contains("acme")), "\(uri)")
            }
            for uri in ["/providers/globex", "/tickets/globex/G1"] {
                #expect(try await browser.get(client, uri).status == (seesGlobex ? .ok : .notFound), "\(uri)")
            }
            _ = try await browser.get(client, "/agents")
            let issued = try await browser.post(client, "/agents/tokens", ["provider": "acme", "site": "lyon", "csrf": browser.csrf])
            #expect(issued.status == (username == "admin" ? .ok : .forbidden))
            #expect(String(buffer: issued.body).contains("ovt_") == (username == "admin"))
            let revoke = try await browser.post(client, "/agents/agt_acme/revoke", ["csrf": browser.csrf])
            #expect(revoke.status == (username == "admin" ? .seeOther : .forbidden))
            let key = try #require(try await fixture.alerts.openAlerts().first { $0.subject.provider == "acme" }?.key)
            let ack = try await browser.post(client, "/alerts/acknowledge", ["key": key, "csrf": browser.csrf])
            #expect(ack.status == (username == "admin" || username == "sup" ? .seeOther : .forbidden))
        }
    }

    @Test func securityHeadersOnEveryResponse() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application().test(.router) { client in
            for (uri, headers) in [("/login", HTTPFields()), ("/nope", [:]), ("/api/v1/status", [:]), ("/api/v1/status", bearer(fixture.tokens["admin"])), ("/static/console.css", [:])] {
                let response = try await client.execute(uri: uri, method: .get, headers: headers)
                let csp = try #require(response.headers[.contentSecurityPolicy], "\(uri)")
                #expect(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"))
                #expect(response.headers[.strictTransportSecurity]?.hasPrefix("max-age=") == true)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[values: .init("X-Frame-Options")!] == ["DENY"])
                #expect(response.headers[values: .init("Referrer-Policy")!] == ["no-referrer"])
            }
            #expect(try await client.execute(uri: "/static/console.css", method: .get).status == .ok)
        }
    }

    @Test func noSecretInAnyResponseOrLog() async throws {
        let fixture = try await ConsoleFixture()
        let logs = InMemoryLogHandler()
        var logger = Logger(label: "console-test") { _ in logs }
        logger.logLevel = .trace
        let hashes = try await fixture.users.writer.read { db in try String.fetchAll(db, sql: "SELECT password_hash FROM user") }
        let tokenHashes = try await fixture.users.writer.read { db in try String.fetchAll(db, sql: "SELECT hash FROM api_token") }
        try await fixture.application(logger: logger).test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, "admin")
            let session = try #require(browser.cookies["ovc_session"])
            var bodies: [String] = []
            for uri in ["/", "/providers/acme", "/tickets/acme/T1", "/alerts", "/agents", "/login"] {
                bodies.append(String(buffer: try await browser.get(client, uri).body))
            }
            for uri in ["/api/v1/status", "/api/v1/providers", "/api/v1/alerts", "/api/v1/agents", "/api/v1/sla-events", "/openapi.json"] {
                bodies.append(String(buffer: try await client.execute(uri: uri, method: .get, headers: bearer(fixture.tokens["admin"])).body))
            }
            let logText = logs.entries.map { "\($0.message) \($0.metadata)" }
            #expect(logText.contains { $0.contains("authorization") })
            #expect(logText.contains { $0.contains("cookie") })
            bodies += logText
            for body in bodies {
                #expect(!body.contains(ConsoleFixture.password) && !body.contains(session) && !body.contains("$2b$"))
                for secret in Array(fixture.tokens.values) + hashes + tokenHashes { #expect(!body.contains(secret)) }
            }
        }
    }

    @Test func apiErrorBodiesAndPagination() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application().test(.router) { client in
            struct ErrorBody: Decodable {
                struct Inner: Decodable {
                    var code: String
                    var message: String
                }
                var error: Inner
            }
            let admin = bearer(fixture.tokens["admin"])
            let cases: [(String, HTTPFields, HTTPResponse.Status, String)] = [
                ("/api/v1/status", [:], .unauthorized, "unauthorized"),
                ("/api/v1/status", bearer("ovc_wrong"), .unauthorized, "unauthorized"),
                ("/api/v1/nope", admin, .notFound, "not_found"),
                ("/api/v1/tickets/acme/none", admin, .notFound, "not_found"),
                ("/api/v1/sla-events?limit=0", admin, .badRequest, "bad_request"),
                ("/api/v1/sla-events?cursor=abc", admin, .badRequest, "bad_request"),
            ]
            for (uri, headers, status, code) in cases {
                let response = try await client.execute(uri: uri, method: .get, headers: headers)
                #expect(response.status == status, "\(uri)")
                let body = try JSONDecoder().decode(ErrorBody.self, from: Data(buffer: response.body))
                #expect(body.error.code == code, "\(uri)")
            }
            struct Page: Decodable {
                struct Event: Decodable { var provider: String }
                var events: [Event]
                var nextCursor: String?
            }
            let first = try JSONDecoder().decode(
                Page.self, from: Data(buffer: try await client.execute(uri: "/api/v1/sla-events?limit=1", method: .get, headers: admin).body)
            )
            #expect(first.events.count == 1)
            let cursor = try #require(first.nextCursor)
            let second = try JSONDecoder().decode(
                Page.self,
                from: Data(buffer: try await client.execute(uri: "/api/v1/sla-events?limit=1&cursor=\(cursor)", method: .get, headers: admin).body)
            )
            #expect(second.events.count == 1 && second.nextCursor == nil && second.events[0].provider != first.events[0].provider)
            let filtered = try JSONDecoder().decode(
                Page.self,
                from: Data(buffer: try await client.execute(uri: "/api/v1/sla-events?provider=acme&site=paris", method: .get, headers: admin).body)
            )
            #expect(filtered.events.map(\.provider) == ["acme"])
        }
    }

    @Test func openAPIDocumentListsEveryRoute() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(response.status == .ok)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: Any])
            let expected = [
                "/api/v1/status", "/api/v1/providers", "/api/v1/providers/{provider}", "/api/v1/tickets/{provider}/{id}", "/api/v1/sla-events",
                "/api/v1/alerts", "/api/v1/agents",
                // Figures (GET) and writes (POST): OpenAPIDocument+Figures.swift.
                "/api/v1/figures/overview", "/api/v1/figures/providers/{provider}", "/api/v1/scorecards/{provider}", "/api/v1/alerts/history",
                "/api/v1/alerts/{id}/acknowledge", "/api/v1/enrollment-tokens", "/api/v1/agents/{id}/revoke",
                // The live-update stream (never ends; LiveEventStreamTests reads it).
                "/events",
                // Audits, disputes and breach notes: OpenAPIDocument+Audits.swift (AuditRouteTests reads them with real evaluations).
                "/api/v1/audits", "/api/v1/audits/{provider}/{id}", "/api/v1/audits/{provider}/{id}/disputes",
                "/api/v1/audits/{provider}/{id}/disputes/decision", "/api/v1/tickets/{provider}/{id}/notes",
                // Breach disputes: OpenAPIDocument+BreachDisputes.swift (BreachDisputeRouteTests).
                "/api/v1/tickets/{provider}/{id}/breach-disputes", "/api/v1/tickets/{provider}/{id}/breach-disputes/{dispute}/decision",
                // Probes without authentication: OpenAPIDocument+Health.swift (HealthRouteTests).
                "/healthz", "/readyz",
                // Head-office scoring and calibration: OpenAPIDocument+Scoring.swift (HeadOfficeScoringRouteTests reads them with real requests).
                "/api/v1/samples", "/api/v1/samples/{provider}/{request}", "/api/v1/samples/{provider}/{request}/{ticket}",
                "/api/v1/samples/{provider}/{request}/{ticket}/evaluations", "/api/v1/head-office-evaluations/{provider}/{id}",
                "/api/v1/head-office-evaluations/{provider}/{id}/disputes", "/api/v1/head-office-evaluations/{provider}/{id}/disputes/decision",
                "/api/v1/calibration",
                // Seed commitments and acceptance verdicts: OpenAPIDocument+AuditPeriods.swift (AuditPeriodRouteTests).
                "/api/v1/audit-periods",
                // Credit statement and disputes of missed figures: OpenAPIDocument+Credits.swift (EndToEnd.BreachDisputeTests reads
                // them with a real contract and agent).
                "/api/v1/providers/{provider}/credits/{month}", "/api/v1/providers/{provider}/period-disputes",
                "/api/v1/providers/{provider}/period-disputes/{dispute}/decision",
                // Invoices, reconciliation and net: OpenAPIDocument+Invoices.swift (InvoiceRouteTests; EndToEnd.InvoiceConsoleTests
                // with the coordinator's invoice desk).
                "/api/v1/providers/{provider}/invoices/{month}", "/api/v1/providers/{provider}/invoices",
            ]
            #expect(Set(paths.keys) == Set(expected))
            for (path, item) in paths where (item as? [String: Any])?["get"] != nil && path != "/events" && !path.hasPrefix("/api/v1/audits/")
                && !path.hasPrefix("/api/v1/samples/") && !path.hasPrefix("/api/v1/head-office-evaluations/") && path != "/api/v1/calibration"
                && path != "/api/v1/audit-periods"
                && !path.hasSuffix("/credits/{month}") && !path.hasSuffix("/invoices/{month}")
            {
                let uri = path.replacingOccurrences(of: "{provider}", with: "acme").replacingOccurrences(of: "{id}", with: "T1")
                let routeResponse = try await client.execute(uri: uri, method: .get, headers: bearer(fixture.tokens["admin"]))
                #expect(routeResponse.status == .ok, "\(path)")
            }
        }
    }

    @Test func userStoreRules() async throws {
        let users = try UserStore()
        await #expect(throws: ConsoleError.self) { try await users.add(username: "x", password: "short", role: .viewer) }
        await #expect(throws: ConsoleError.self) { try await users.add(username: "p", password: ConsoleFixture.password, role: .provider) }
        try await users.add(username: "v", password: ConsoleFixture.password, role: .viewer)
        #expect(try await users.verify(username: "v", password: ConsoleFixture.password) != nil)
        try await users.setPassword(username: "v", password: "another long password")
        #expect(try await users.verify(username: "v", password: ConsoleFixture.password) == nil)
        let token = try await users.createAPIToken(username: "v")
        #expect(try await users.user(apiToken: token)?.username == "v")
        try await users.disable(username: "v")
        #expect(try await users.user(apiToken: token) == nil)
        #expect(try await users.verify(username: "v", password: "another long password") == nil)
        #expect(try await users.list().map(\.username) == ["v"])
        let fresh = try UserStore()
        let password = try #require(try await fresh.ensureAdmin())
        #expect(try await fresh.verify(username: "admin", password: password)?.role == .admin)
        #expect(try await fresh.ensureAdmin() == nil)
    }
}
