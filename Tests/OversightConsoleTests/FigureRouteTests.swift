//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OversightStore
import OversightWire
import Synchronization
import Testing

@testable import OversightConsole

extension ConsoleFixture {
    /// acme's contract: resolution attainment ≥ 90 % a month, CSAT ≥ 85 % a month, chat service level ≥ 80 % a day.
    static let acmeContract = ConsoleContract(
        provider: "acme", name: "Acme Support", timeZone: "Europe/Paris", effectiveFrom: "2026-01-01",
        ticketTargets: ["first_reply": 7200, "resolution": 57600],
        targets: [
            .init(id: "resolution-attainment", figure: "ticket_attainment", detail: "resolution", period: "month", target: 0.9, unit: "percentage"),
            .init(id: "csat", figure: "csat", detail: "top2_box", period: "month", target: 0.85, unit: "percentage"),
            .init(id: "chat-service-level", figure: "service_level", detail: "20s offered_minus_short_abandons", period: "day", target: 0.8, unit: "percentage"),
        ]
    )

    /// The console with contracts.
    func application(contracts: [String: ConsoleContract]) throws -> some ApplicationProtocol {
        var configuration = ConsoleConfiguration(port: 0)
        configuration.contracts = contracts
        configuration.now = { [now] in now + 60 }
        return try buildApplication(configuration: configuration, store: self.store, alerts: self.alerts, users: self.users, logger: Logger(label: "console-test"))
    }
}

/// A JSON POST with a bearer token.
func postJSON(_ client: some TestClientProtocol, _ uri: String, token: String?, body: String = "{}") async throws -> TestResponse {
    var headers = bearer(token)
    headers[.contentType] = "application/json"
    return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
}

@Suite(.timeLimit(.minutes(1))) struct FigureRouteTests {
    static let users = ["admin", "sup", "audit", "view", "acmestaff"]

    @Test(arguments: Self.users)
    func figurePagesAndAPIKeepToScope(username: String) async throws {
        let fixture = try await ConsoleFixture()
        let seesGlobex = username == "admin" || username == "audit"
        try await fixture.application(contracts: ["acme": ConsoleFixture.acmeContract]).test(.router) { client in
            let token = fixture.tokens[username]
            for uri in ["/api/v1/figures/providers/globex", "/api/v1/figures/providers/globex?period=month", "/api/v1/scorecards/globex"] {
                #expect(try await client.execute(uri: uri, method: .get, headers: bearer(token)).status == (seesGlobex ? .ok : .notFound), "\(uri)")
            }
            for uri in ["/api/v1/figures/providers/acme?period=week", "/api/v1/scorecards/acme?month=2026-08", "/api/v1/figures/overview"] {
                let response = try await client.execute(uri: uri, method: .get, headers: bearer(token))
                #expect(response.status == .ok, "\(uri)")
                #expect(String(buffer: response.body).contains("globex") == (seesGlobex && uri.hasSuffix("overview")), "\(uri)")
            }
            let history = try await client.execute(uri: "/api/v1/alerts/history?limit=10", method: .get, headers: bearer(token))
            #expect(history.status == .ok)
            #expect(String(buffer: history.body).contains("globex") == seesGlobex && String(buffer: history.body).contains("acme"))
            let globexHistory = try await client.execute(uri: "/api/v1/alerts/history?provider=globex", method: .get, headers: bearer(token))
            #expect((try JSONSerialization.jsonObject(with: Data(buffer: globexHistory.body)) as? [Any])?.count == (seesGlobex ? 1 : 0))
            #expect(try await client.execute(uri: "/api/v1/alerts/history?limit=0", method: .get, headers: bearer(token)).status == .badRequest)
            let filtered = try await client.execute(uri: "/api/v1/figures/overview?provider=globex", method: .get, headers: bearer(token))
            #expect((try JSONSerialization.jsonObject(with: Data(buffer: filtered.body)) as? [Any])?.count == (seesGlobex ? 1 : 0))
            var browser = Browser()
            _ = try await browser.login(client, username)
            for uri in ["/scorecard?provider=globex", "/scorecard.csv?provider=globex", "/providers/globex?period=month", "/providers/acme?site=nowhere"] {
                let expected: HTTPResponse.Status = uri.contains("nowhere") ? .notFound : seesGlobex ? .ok : .notFound
                #expect(try await browser.get(client, uri).status == expected, "\(username) \(uri)")
            }
            for uri in ["/scorecard", "/scorecard?provider=acme", "/scorecard?provider=acme&month=2026-08", "/providers/acme?site=paris&period=week"] {
                let page = try await browser.get(client, uri)
                #expect(page.status == .ok, "\(uri)")
                #expect(String(buffer: page.body).contains("globex") == (seesGlobex && uri == "/scorecard"), "\(username) \(uri)")
            }
            #expect(try await browser.get(client, "/scorecard?provider=acme&month=2026-13").status == .badRequest)
            #expect(try await client.execute(uri: "/api/v1/figures/providers/acme?period=year", method: .get, headers: bearer(token)).status == .badRequest)
        }
    }

    @Test func scorecardAgainstTheContract() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application(contracts: ["acme": ConsoleFixture.acmeContract]).test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/scorecards/acme", method: .get, headers: bearer(fixture.tokens["admin"]))
            #expect(response.status == .ok)
            let card = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect(card["month"] as? String == "2026-09")
            let rows = try #require(card["rows"] as? [[String: Any]])
            // The contract's targets, after the built-in first-reply attainment (the contract sets a first-reply target but no attainment target).
            #expect(rows.map { $0["id"] as? String } == ["first-reply-attainment", "resolution-attainment", "csat", "chat-service-level"])
            let resolution = rows[1]
            #expect((resolution["actual"] as? [String: Any])?["value"] as? Double == 0)
            #expect((resolution["actual"] as? [String: Any])?["sample"] as? Int == 1)
            #expect(resolution["result"] as? String == "missed")
            #expect((resolution["trend"] as? [Any])?.count == 6)
            #expect(rows[2]["result"] as? String == "no_data")
            #expect(rows[3]["result"] as? String == "no_data")
            var browser = Browser()
            _ = try await browser.login(client, "admin")
            let page = String(buffer: try await browser.get(client, "/scorecard?provider=acme").body)
            #expect(page.contains("Scorecard: acme, September 2026") && page.contains("≥ 90%") && page.contains("MISSED"))
            #expect(page.contains("<svg") && !page.contains("style="))
            let csv = String(buffer: try await browser.get(client, "/scorecard.csv?provider=acme").body)
            #expect(csv.contains("resolution-attainment,SLA attainment (resolution),month,≥ 90%,0%,—,missed,"))
        }
    }

    @Test func intervalFiguresComeFromTheEngineStandings() async throws {
        let fixture = try await ConsoleFixture()
        // The console's clock is 2026-09-21 14:14:20 UTC (16:14 in Paris).
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = paris
        func day(_ number: Int) -> Date { calendar.date(from: DateComponents(year: 2026, month: 9, day: number))! }
        func standing(_ id: String, _ figure: String, _ variant: String?, kind: String, from: Date, to: Date, value: Double, target: Double, state: String)
            -> AggregateStandingRow
        {
            AggregateStandingRow(
                provider: "acme", targetId: id, figure: figure, variant: variant, periodKind: kind, periodLabel: "x", periodStart: from, periodEnd: to,
                value: value, referenceValue: value, referenceVariant: variant, projected: nil, target: target, comparison: ">=", unit: "percentage",
                state: state, summary: "\(id) \(state)", elapsedShare: 1, evaluatedAt: fixture.now
            )
        }
        try await fixture.store.recordAggregateStandings([
            standing("chat-service-level", "service_level", "offered_minus_short_abandons", kind: "day", from: day(20), to: day(21), value: 0.85, target: 0.8, state: "met"),
            standing("chat-service-level", "service_level", "offered_minus_short_abandons", kind: "day", from: day(19), to: day(20), value: 0.7, target: 0.8, state: "missed"),
            standing("chat-service-level", "service_level", "offered_minus_short_abandons", kind: "day", from: day(21), to: day(22), value: 0.78, target: 0.8, state: "at risk"),
            standing("csat", "csat", "top2_box", kind: "month", from: day(1), to: calendar.date(from: DateComponents(year: 2026, month: 10, day: 1))!, value: 0.9, target: 0.85, state: "on track"),
        ])
        try await fixture.application(contracts: ["acme": ConsoleFixture.acmeContract]).test(.router) { client in
            let token = fixture.tokens["admin"]
            let overview = try await client.execute(uri: "/api/v1/figures/overview?provider=acme", method: .get, headers: bearer(token))
            let row = try #require((try JSONSerialization.jsonObject(with: Data(buffer: overview.body)) as? [[String: Any]])?.first)
            let serviceLevel = try #require(row["serviceLevel"] as? [String: Any])
            #expect(serviceLevel["value"] as? Double == 0.78 && serviceLevel["rag"] as? String == "amber")
            #expect((row["csat"] as? [String: Any])?["value"] as? Double == 0.9)
            #expect((row["qa"] as? [String: Any])?["standing"] as? String == "no_data")

            let card = try await client.execute(uri: "/api/v1/scorecards/acme?month=2026-09", method: .get, headers: bearer(token))
            let rows = try #require((try JSONSerialization.jsonObject(with: Data(buffer: card.body)) as? [String: Any])?["rows"] as? [[String: Any]])
            let level = try #require(rows.first { $0["id"] as? String == "chat-service-level" })
            // Three days with a standing: the 20th met, the 19th and the 21st (so far) below 80 %.
            #expect(level["periodsMet"] as? Int == 1 && level["periodsWithData"] as? Int == 3 && level["result"] as? String == "missed")
            let csat = try #require(rows.first { $0["id"] as? String == "csat" })
            #expect((csat["actual"] as? [String: Any])?["value"] as? Double == 0.9 && csat["result"] as? String == "met")

            let figures = try await client.execute(uri: "/api/v1/figures/providers/acme?period=day", method: .get, headers: bearer(token))
            let series = try #require((try JSONSerialization.jsonObject(with: Data(buffer: figures.body)) as? [String: Any])?["series"] as? [[String: Any]])
            let levelSeries = try #require(series.first { $0["id"] as? String == "chat-service-level" })
            #expect(levelSeries["available"] as? Bool == true)
            let values = (levelSeries["points"] as? [[String: Any]] ?? []).compactMap { ($0["figure"] as? [String: Any])?["value"] as? Double }
            #expect(values == [0.7, 0.85, 0.78])
        }
    }

    @Test func closedDaysAreCachedTodayIsLive() async throws {
        let fixture = try await ConsoleFixture()
        let clock = Mutex(fixture.now + 60)
        var configuration = ConsoleConfiguration(port: 0)
        configuration.now = { clock.withLock { $0 } }
        let application = try buildApplication(
            configuration: configuration, store: fixture.store, alerts: fixture.alerts, users: fixture.users, logger: Logger(label: "console-test")
        )
        @Sendable func breach(_ at: Date) async throws {
            _ = try await fixture.store.recordSLAEvent(
                SLAEventRow(provider: "acme", site: "paris", ticketId: "T1", clock: "first_reply", kind: "breach", at: at, detectedAt: at, lateData: true)
            )
        }
        try await application.test(.router) { client in
            func samples() async throws -> [String: Int] {
                let response = try await client.execute(uri: "/api/v1/figures/providers/acme", method: .get, headers: bearer(fixture.tokens["admin"]))
                let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                let first = try #require((object["series"] as? [[String: Any]])?.first { $0["id"] as? String == "first-reply-attainment" })
                var result: [String: Int] = [:]
                for point in first["points"] as? [[String: Any]] ?? [] {
                    if let sample = (point["figure"] as? [String: Any])?["sample"] as? Int, sample > 0 { result[point["period"] as? String ?? ""] = sample }
                }
                return result
            }
            try await breach(fixture.now - 3 * 86400)
            #expect(try await samples() == ["2026-09-18": 1])
            // Late data for a closed day shows once the cached range expires; today's shows at once.
            try await breach(fixture.now - 3 * 86400 + 3600)
            try await breach(fixture.now + 30)
            #expect(try await samples() == ["2026-09-18": 1, "2026-09-21": 1])
            clock.withLock { $0 += 301 }
            #expect(try await samples() == ["2026-09-18": 2, "2026-09-21": 1])
        }
    }

    @Test func providerPageShowsFiguresAndCountdowns() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application(contracts: ["acme": ConsoleFixture.acmeContract]).test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, "admin")
            let globex = String(buffer: try await browser.get(client, "/providers/globex").body)
            // G1 is at risk; its first reply is due 5 s after the fixture's clock, before its resolution.
            #expect(globex.contains("data-deadline=\"2026-09-21T14:13:25Z\">overdue by 55s</span>"))
            #expect(globex.contains("No contract loaded"))
            let acme = String(buffer: try await browser.get(client, "/providers/acme").body)
            #expect(acme.contains("Acme Support") && acme.contains("class=\"chart\"") && acme.contains("target 90%"))
            #expect(acme.contains("<main>") && acme.contains("</main>"))
            let api = try await client.execute(uri: "/api/v1/figures/providers/globex", method: .get, headers: bearer(fixture.tokens["admin"]))
            let figures = try #require(try JSONSerialization.jsonObject(with: Data(buffer: api.body)) as? [String: Any])
            #expect((figures["atRisk"] as? [[String: Any]])?.first?["ticketId"] as? String == "G1")
            #expect((figures["breaches"] as? [[String: Any]])?.count == 1)
            #expect(((figures["series"] as? [[String: Any]])?.first?["points"] as? [Any])?.count == 30)
        }
    }

    @Test(arguments: Self.users)
    func writeEndpointsFollowTheRoles(username: String) async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application().test(.router) { client in
            let token = fixture.tokens[username]
            let alerts = try await fixture.alerts.openAlerts()
            let acmeAlert = try #require(alerts.first { $0.subject.provider == "acme" })
            let globexAlert = try #require(alerts.first { $0.subject.provider == "globex" })
            let mayAcknowledge = username == "admin" || username == "sup"
            let seesGlobex = username == "admin" || username == "audit"

            let globexAck = try await postJSON(client, "/api/v1/alerts/\(globexAlert.id)/acknowledge", token: token, body: #"{"comment":"x"}"#)
            #expect(globexAck.status == (username == "view" ? .forbidden : seesGlobex ? (mayAcknowledge ? .ok : .forbidden) : .notFound), "\(username)")
            let ack = try await postJSON(client, "/api/v1/alerts/\(acmeAlert.id)/acknowledge", token: token, body: #"{"comment":"on it"}"#)
            #expect(ack.status == (mayAcknowledge ? .ok : .forbidden), "\(username)")
            let acknowledged = try await fixture.alerts.openAlerts().first { $0.id == acmeAlert.id }?.acknowledgement
            #expect((acknowledged?.comment == "on it") == mayAcknowledge)
            if mayAcknowledge { #expect(acknowledged?.by == username) }

            let created = try await postJSON(client, "/api/v1/enrollment-tokens", token: token, body: #"{"provider":"acme","site":"lyon"}"#)
            #expect(created.status == (username == "admin" ? .created : .forbidden))
            if username == "admin" {
                let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: created.body)) as? [String: Any])
                let issued = try #require(body["token"] as? String)
                #expect(issued.hasPrefix("ovt_"))
                let stored = try await fixture.store.token(hash: JWS.sha256Hex(Data(issued.utf8)))
                #expect(stored?.provider == "acme" && stored?.site == "lyon")
                #expect(try await postJSON(client, "/api/v1/enrollment-tokens", token: token, body: #"{"provider":""}"#).status == .badRequest)
                #expect(try await postJSON(client, "/api/v1/enrollment-tokens", token: token, body: "not json").status == .badRequest)
                // Blank by the document's `\s`, and too long in code points (65 characters, 130 code points).
                #expect(try await postJSON(client, "/api/v1/enrollment-tokens", token: token, body: #"{"provider":"\u00a0\ufeff","site":"x"}"#).status == .badRequest)
                let long = String(repeating: "e\u{301}", count: 65)
                #expect(try await postJSON(client, "/api/v1/enrollment-tokens", token: token, body: #"{"provider":"\#(long)","site":"x"}"#).status == .badRequest)
            }

            let revoke = try await postJSON(client, "/api/v1/agents/agt_globex/revoke", token: token)
            #expect(revoke.status == (username == "view" ? .forbidden : seesGlobex ? (username == "admin" ? .ok : .forbidden) : .notFound))
            #expect((try await fixture.store.agent(id: "agt_globex")?.revokedAt != nil) == (username == "admin"))
            #expect(try await postJSON(client, "/api/v1/agents/agt_nobody/revoke", token: token).status == (username == "view" ? .forbidden : .notFound))
            #expect(try await postJSON(client, "/api/v1/alerts/999999/acknowledge", token: token).status == (username == "view" ? .forbidden : .notFound))
        }
    }

    @Test func cookieWritesNeedTheCSRFHeader() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, "admin")
            _ = try await browser.get(client, "/alerts")
            let alert = try #require(try await fixture.alerts.openAlerts().first)
            var headers = browser.cookieHeader
            headers[.contentType] = "application/json"
            let refused = try await client.execute(
                uri: "/api/v1/alerts/\(alert.id)/acknowledge", method: .post, headers: headers, body: ByteBuffer(string: #"{"comment":"no"}"#)
            )
            #expect(refused.status == .forbidden)
            #expect(String(buffer: refused.body).contains("csrf_failed"))
            headers[.init("X-CSRF-Token")!] = "forged"
            #expect(try await client.execute(uri: "/api/v1/agents/agt_acme/revoke", method: .post, headers: headers).status == .forbidden)
            #expect(try await fixture.store.agent(id: "agt_acme")?.revokedAt == nil)
            headers[.init("X-CSRF-Token")!] = browser.csrf
            let accepted = try await client.execute(
                uri: "/api/v1/alerts/\(alert.id)/acknowledge", method: .post, headers: headers, body: ByteBuffer(string: #"{"comment":"yes"}"#)
            )
            #expect(accepted.status == .ok)
            #expect(try await fixture.alerts.openAlerts().first { $0.id == alert.id }?.acknowledgement?.comment == "yes")
            // Without any credentials: 401.
            #expect(try await client.execute(uri: "/api/v1/agents/agt_acme/revoke", method: .post).status == .unauthorized)
        }
    }

    @Test func openAPIDescribesFigureAndWriteRoutes() async throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any]
        )
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for path in ["/api/v1/figures/overview", "/api/v1/figures/providers/{provider}", "/api/v1/scorecards/{provider}", "/api/v1/alerts/history"] {
            #expect(paths[path]?["get"] != nil, "\(path)")
        }
        for path in ["/api/v1/alerts/{id}/acknowledge", "/api/v1/enrollment-tokens", "/api/v1/agents/{id}/revoke"] {
            #expect(paths[path]?["post"] != nil, "\(path)")
        }
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        for name in ["OverviewRow", "ProviderFigures", "Scorecard", "FigureValue", "EnrollmentToken", "Alert", "Agent"] {
            #expect(schemas[name] != nil, "\(name)")
        }
    }
}
