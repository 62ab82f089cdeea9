//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import HummingbirdTesting
import OversightAlerts
import OversightConsole
import OversightLocalization
import OversightModel
import OversightSLA
import OversightStore
import Testing

/// The console's language: the user's setting, else the language cookie, else `Accept-Language`, else English.
@Suite(.timeLimit(.minutes(1))) struct ConsoleLanguageTests {
    func get(_ client: some TestClientProtocol, _ uri: String, cookies: [String: String] = [:], language: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if let language { headers[.acceptLanguage] = language }
        return try await client.execute(uri: uri, method: .get, headers: headers)
    }

    @Test func signInPageFollowsAcceptLanguage() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application().test(.router) { client in
            let german = String(buffer: try await self.get(client, "/login", language: "de-CH, en;q=0.5").body)
            #expect(german.contains("<html lang=\"de\"") && german.contains("Benutzername") && german.contains(">Anmelden</button>"))
            let russian = String(buffer: try await self.get(client, "/login", language: "en;q=0.3, ru;q=0.8").body)
            #expect(russian.contains("<html lang=\"ru\"") && russian.contains("Имя пользователя"))
            let english = String(buffer: try await self.get(client, "/login", language: "fr, it").body)
            #expect(english.contains("<html lang=\"en\"") && english.contains("Username"))
            // The cookie (a choice made on this page) beats the header.
            let chosen = String(buffer: try await self.get(client, "/login", cookies: ["ovc_lang": "ru"], language: "de").body)
            #expect(chosen.contains("<html lang=\"ru\""))
            // Every language is offered, each in its own name.
            #expect(german.contains(">English</option>") && german.contains(">Deutsch</option>") && german.contains(">Русский</option>"))
        }
    }

    @Test func theUsersSettingPersistsAndWinsOverTheBrowser() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, "admin")
            _ = try await browser.get(client, "/")  // the session's CSRF token
            let before = String(buffer: try await self.get(client, "/", cookies: browser.cookies, language: "ru").body)
            #expect(before.contains("<html lang=\"ru\"") && before.contains("Обзор"))
            // Without the CSRF token the choice is refused.
            #expect(try await browser.post(client, "/language", ["language": "de", "back": "/alerts"]).status == .forbidden)
            let chosen = try await browser.post(client, "/language", ["language": "de", "back": "/alerts", "csrf": browser.csrf])
            #expect(chosen.status == .seeOther && chosen.headers[.location] == "/alerts")
            #expect(chosen.headers[values: .setCookie].contains { $0.hasPrefix("ovc_lang=de") })
            // Stored for the user: it wins over the browser's header even without the cookie.
            var session = browser.cookies
            session["ovc_lang"] = nil
            let after = String(buffer: try await self.get(client, "/alerts", cookies: session, language: "ru").body)
            #expect(after.contains("<html lang=\"de\"") && after.contains("<h1>Alarme</h1>"))
            #expect(try await fixture.users.user(username: "admin")?.language == "de")
            // A new sign-in from a fresh browser brings the setting back as the cookie, for the sign-in page later.
            var fresh = Browser()
            let login = try await fresh.login(client, "admin")
            #expect(login.headers[values: .setCookie].contains { $0.hasPrefix("ovc_lang=de") })
            // Only local paths to return to.
            let away = try await browser.post(client, "/language", ["language": "en", "back": "//evil.example/", "csrf": browser.csrf])
            #expect(away.headers[.location] == "/")
            #expect(try await browser.post(client, "/language", ["language": "xx", "csrf": browser.csrf]).status == .badRequest)
        }
    }

    @Test func errorsInTheCallersLanguageWithEnglishCodes() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, "admin")
            let api = try await self.get(client, "/api/v1/providers/nope", cookies: browser.cookies, language: "de")
            #expect(api.status == .notFound)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: api.body)) as? [String: [String: String]])
            #expect(body["error"]?["code"] == "not_found" && body["error"]?["message"] == "unbekannter Dienstleister")
            let limit = try await self.get(client, "/api/v1/sla-events?limit=0", cookies: browser.cookies, language: "ru")
            #expect(String(buffer: limit.body).contains("\"code\":\"bad_request\"") && String(buffer: limit.body).contains("limit должен быть от 1 до 500"))
            let english = try await self.get(client, "/api/v1/providers/nope", cookies: browser.cookies)
            #expect(String(buffer: english.body).contains("\"message\":\"no such provider\""))
            let page = String(buffer: try await self.get(client, "/providers/nope", cookies: browser.cookies, language: "ru").body)
            #expect(page.contains("<html lang=\"ru\"") && page.contains("<h1>Не найдено</h1>") && page.contains("подрядчик не найден"))
            // Before sign-in, too.
            let token = try await client.execute(uri: "/api/v1/status", method: .get, headers: [.authorization: "Bearer nope", .acceptLanguage: "de"])
            #expect(String(buffer: token.body).contains("ungültiges API-Token"))
        }
    }

    @Test func pagesInGermanAndRussian() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.login(client, "admin")
            let overview = String(buffer: try await self.get(client, "/", cookies: browser.cookies, language: "de").body)
            #expect(overview.contains("<h1>Übersicht</h1>") && overview.contains("Dienstleister") && overview.contains("ROT"))
            let provider = String(buffer: try await self.get(client, "/providers/acme", cookies: browser.cookies, language: "ru").body)
            #expect(provider.contains("Площадки") && provider.contains("Тикеты под угрозой") && provider.contains("Показатели по дням") && provider.contains(">по неделям</a>"))
            let ticket = String(buffer: try await self.get(client, "/tickets/acme/T1", cookies: browser.cookies, language: "de").body)
            #expect(ticket.contains("<h1>Ticket T1</h1>") && ticket.contains("Signierter Stapel") && ticket.contains("Statusverlauf"))
            let csv = String(buffer: try await self.get(client, "/?format=csv", cookies: browser.cookies, language: "de").body)
            #expect(csv.hasPrefix("Dienstleister,Standort,Status,"))
        }
    }

    @Test func theUserStoreKeepsTheLanguage() async throws {
        let users = try UserStore()
        let user = try await users.add(username: "olga", password: "a-long-password-1", role: .viewer)
        #expect(user.language == nil)
        #expect(try await users.setLanguage(username: "olga", language: "ru"))
        #expect(try await users.verify(username: "olga", password: "a-long-password-1")?.language == "ru")
        let session = try await users.createSession(for: user, lifetime: .seconds(60))
        #expect(try await users.session(id: session.id)?.user.language == "ru")
        #expect(try await users.setLanguage(userId: user.id, language: nil))
        #expect(try await users.user(username: "olga")?.language == nil)
        #expect(try await users.setLanguage(username: "nobody", language: "de") == false)
    }

    /// Words the console looks up by value (`l.term("ticket.status", …)`): every value the code can produce has an entry.
    @Test func everyTermTheCodeLooksUpExists() {
        let l = Localizer.english
        var missing: [String] = []
        func check(_ prefix: String, _ values: [String], joiner: String = ".") {
            for value in values where !l.has(prefix + joiner + value.replacingOccurrences(of: "-", with: "_")) { missing.append(prefix + joiner + value) }
        }
        check("ticket.status", TicketStatus.allCases.map(\.rawValue))
        check("ticket.priority", Priority.allCases.map(\.rawValue))
        check("ticket.channel", ContactChannel.allCases.map(\.rawValue))
        check("role", ConsoleRole.allCases.map(\.rawValue))
        check("clock", TicketClockKind.allCases.map(\.rawValue))
        check("holder", ["provider", "client", "customer", "stopped"])
        check("sla.state", ["met", "breached", "at_risk", "ok", "paused"])
        check("sla.event", ["breach", "at-risk"])
        check("rag", ["red", "amber", "green"])
        check("standing", ["met", "missed", "no_target", "no_data"])
        check("period", ["day", "week", "month"])
        check("figure.name", FigureFormat.figures)
        check(
            "figure.detail",
            AggregateTarget.ServiceLevelVariant.allCases.map(\.rawValue) + AggregateTarget.FCRMethod.allCases.map(\.rawValue)
                + AggregateTarget.CSATVariant.allCases.map(\.rawValue) + AggregateTarget.TicketTargetKind.allCases.map(\.rawValue)
        )
        check("alerts.kind", AlertKind.all.map(\.rawValue))
        check("alerts.severity", AlertSeverity.allCases.map(\.rawValue))
        check("alerts.state", AlertState.allCases.map(\.rawValue))
        check("dispute.state", DisputeState.allCases.map(\.rawValue) + BreachDisputeState.allCases.map(\.rawValue))
        check("audits.impact", EvaluationImpact.allCases.map(\.rawValue))
        check("audits.recomputation", ["recomputed", "unknown_scorecard", "unknown_version", "no_items", "unscorable"])
        check("audits.not_recomputed", ["unknown_scorecard", "unknown_version", "no_items", "items_do_not_fit"])
        check("timeline.marker", ["created", "first_reply", "solved", "closed", "first_reply_due", "resolution_due", "at_risk", "breached"])
        check("timeline.letter", TicketStatus.allCases.map(\.rawValue))
        check("provider.by", ["day", "week", "month"], joiner: "_")
        check("provider.figures_by", ["day", "week", "month"], joiner: "_")
        check("provider.chart_title", ["day", "week", "month"], joiner: "_")
        check("status", ["400", "401", "403", "404", "405", "409", "413", "429", "500"])
        #expect(missing == [])
    }
}
