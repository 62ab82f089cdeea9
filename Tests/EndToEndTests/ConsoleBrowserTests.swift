//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The console in a real browser: headless Chromium driven through chromedriver, against the real coordinator and agent.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightTesting
import Testing

extension EndToEnd {
    /// Signs in, reads the overview against the store, drills down, acknowledges an alert, watches a live update arrive
    /// without a reload, and takes a full-page screenshot of every page.
    ///
    /// Needs `chromium` and `chromium-driver` (`scripts/test` installs them). Without chromedriver the test is skipped,
    /// unless `CI` is set: then a missing browser is a failure. `OVERSIGHT_WRITE_SCREENSHOTS=1` writes the PNGs to
    /// `docs/console/` (otherwise they go to the test's temporary folder).
    @Suite struct ConsoleBrowserTests {
        /// One-minute first reply and ten-minute resolution around the clock, plus monthly figures with targets and
        /// credits (so the provider page and the scorecard show targets, standings and credits).
        static let contract = """
            provider: acme
            name: Acme — browser test contract
            calendars:
              always:
                time_zone: UTC
                hours: 24/7
            versions:
              - effective_from: 2020-01-01
                calendar: always
                targets:
                  first_reply: 1m
                  resolution: 10m
                aggregates:
                  - id: first-reply-attainment
                    figure: ticket_attainment
                    ticket_target: first_reply
                    period: month
                    target: 90%
                  - id: resolution-attainment
                    figure: ticket_attainment
                    ticket_target: resolution
                    period: month
                    target: 90%
                  - id: csat
                    figure: csat
                    variant: top2_box
                    period: month
                    target: 85%
                credits:
                  monthly_fee: 20000
                  currency: EUR
                  monthly_cap: 10%
                  per_miss:
                    - {target: resolution-attainment, share: 3%}
                    - {target: csat, share: 2%}
            """

        static var browserInstalled: Bool { ChromeDriver.executable != nil }
        static var onCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

        /// `docs/console` in the repository, or `nil` when screenshots go to the temporary folder.
        static var screenshotFolder: URL? {
            guard ProcessInfo.processInfo.environment["OVERSIGHT_WRITE_SCREENSHOTS"] == "1" else { return nil }
            return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("docs/console")
        }

        @Test(
            .enabled(
                if: Self.browserInstalled || Self.onCI,
                "chromedriver is not installed (apt-get install chromium chromium-driver, or run scripts/test); with CI set this fails instead"
            ),
            .timeLimit(.minutes(6))
        )
        func signInDrillDownAcknowledgeAndWatchALiveUpdate() async throws {
            try await withHarness("console-browser") { harness in
                let coordinator = try await harness.startCoordinator()
                await coordinator.stop()
                let contracts = coordinator.dataDirectory.appendingPathComponent("contracts")
                try FileManager.default.createDirectory(at: contracts, withIntermediateDirectories: true)
                try Self.contract.write(to: contracts.appendingPathComponent("acme.contract.yaml"), atomically: true, encoding: .utf8)
                let password = "browser-\(UUID().uuidString.prefix(12))"
                try await coordinator.addConsoleUser("ops", role: "admin", password: password)
                coordinator.consolePort = try freeLoopbackPort()
                try await coordinator.start()
                let base = "https://127.0.0.1:\(coordinator.consolePort)"

                // A real agent: one ticket already two hours past its one-minute first-reply target (breached on arrival),
                // a few others open and solved.
                let agent = try await harness.startAgent(name: "paris", coordinator: coordinator, provider: "acme", site: "paris")
                let now = Date()
                var rows: [TicketRow] = []
                var late = TicketRow.make(id: "LATE-1", n: 0)
                late.status = "new"
                late.created = now.addingTimeInterval(-7200)
                late.updated = late.created
                rows.append(late)
                for n in 1...5 {
                    // Solved within 30 seconds: inside every target.
                    var row = TicketRow.make(id: "T-\(n)", n: n)
                    row.created = now.addingTimeInterval(Double(-600 * n))
                    row.updated = row.created.addingTimeInterval(30)
                    row.status = "solved"
                    rows.append(row)
                }
                try agent.drop("first.csv", ExportFile.csv(rows))
                try await eventually("the late ticket's breach alert is open") {
                    try await Self.breachAlert(coordinator, ticket: "LATE-1") != nil
                }
                let breachKey = try #require(try await Self.breachAlert(coordinator, ticket: "LATE-1")?["key"] as? String)

                let driver = try await ChromeDriver.start(harness: harness)
                let browser = try await driver.newSession()
                do {
                    try await Self.walkThrough(browser, base: base, coordinator: coordinator, agent: agent, password: password, breachKey: breachKey, harness: harness)
                } catch {
                    await browser.quit()
                    throw error
                }
                await browser.quit()
            }
        }

        /// Everything the browser does, from sign-in to the screenshots.
        static func walkThrough(
            _ browser: WebDriverSession, base: String, coordinator: CoordinatorProcess, agent: AgentProcess, password: String, breachKey: String,
            harness: Harness
        ) async throws {
        var shots: [String: Data] = [:]

        // Sign in: an unauthenticated page redirects to /login.
        try await browser.navigate(to: base + "/")
        #expect(try await browser.currentURL().hasSuffix("/login"))
        try await browser.find("input[name=username]").type("ops")
        try await browser.find("input[name=password]").type(password)
        try await browser.find("form[action='/login'] button[type=submit]").click()
        try await eventually("signed in, on the overview") { try await browser.currentURL() == base + "/" }

        // The overview's acme/paris row shows the store's figures (read with `status --json`).
        try await eventually("the overview matches status --json") {
            try await browser.navigate(to: base + "/")
            let expected = try await Self.siteFigures(coordinator, provider: "acme", site: "paris")
            let cells = try await Self.rowCells(browser, containing: ["acme", "paris"])
            return expected.allSatisfy { Self.shows(cells, $0) }
        }
        let figures = try await Self.siteFigures(coordinator, provider: "acme", site: "paris")
        #expect(figures[0] == 6, "six tickets were fed: \(figures)")
        #expect(figures[3] >= 1, "LATE-1 breached: \(figures)")
        shots["overview"] = try await browser.fullPageScreenshot()

        // Drill down: the provider page, then the breached ticket.
        try await browser.find("main a[href='/providers/acme']").click()
        try await eventually("on the provider page") { try await browser.currentURL() == base + "/providers/acme" }
        let providerText = try await browser.bodyText()
        #expect(providerText.contains("paris") && providerText.contains("LATE-1"), "\(providerText)")
        shots["provider"] = try await browser.fullPageScreenshot()
        try await browser.find("main a[href='/tickets/acme/LATE-1']").click()
        try await eventually("on the ticket page") { try await browser.currentURL() == base + "/tickets/acme/LATE-1" }
        let ticketText = try await browser.bodyText()
        #expect(ticketText.contains("LATE-1") && ticketText.lowercased().contains("breach"), "\(ticketText)")
        #expect(ticketText.contains(try agent.agentId()), "the ticket page names the agent that signed its batch")
        shots["ticket"] = try await browser.fullPageScreenshot()

        // Acknowledge the breach alert with a comment.
        try await browser.navigate(to: base + "/alerts")
        let comment = "on it, calling the site lead"
        let form = "form[action='/alerts/acknowledge']:has(input[name=key][value='\(breachKey)'])"
        try await browser.find("\(form) input[name=comment]").type(comment)
        try await browser.find("\(form) button[type=submit]").click()
        try await eventually("the alert reads as acknowledged on the page") {
            let text = try await browser.bodyText()
            return text.contains("acknowledged by ops") && text.contains(comment)
        }
        let acknowledged = try #require(try await Self.alerts(coordinator).first { $0["key"] as? String == breachKey })
        #expect(acknowledged["state"] as? String == "acknowledged")
        #expect(acknowledged["acknowledgedBy"] as? String == "ops")
        shots["alerts"] = try await browser.fullPageScreenshot()

        try await browser.navigate(to: base + "/agents")
        let agentsText = try await browser.bodyText()
        #expect(agentsText.contains(try agent.agentId()) && agentsText.contains("paris"), "\(agentsText)")
        shots["agents"] = try await browser.fullPageScreenshot()

        // The provider's scorecard, where the console has one.
        for path in ["/scorecard?provider=acme", "/scorecard"] {
            try await browser.navigate(to: base + path)
            if !(try await browser.title()).hasPrefix("Not Found") {
                shots["scorecard"] = try await browser.fullPageScreenshot()
                break
            }
        }

        // Quality audits: QA evaluations from the agent's evaluations folder, one with a high-impact error.
        try agent.dropEvaluations("qa-paris-1.jsonl", (1...6).map { EvaluationTests.line($0).text }.joined(separator: "\n") + "\n")
        try await eventually("the audits page lists the six evaluations", timeout: .seconds(60)) {
            try await browser.navigate(to: base + "/audits")
            let flagged = try await browser.bodyText().contains("HIGH-IMPACT")
            let links = try await browser.findAll("main a[href^='/audits/acme/']")
            return flagged && links.count >= 6
        }
        shots["audits"] = try await browser.fullPageScreenshot()
        try await browser.find("main a[href^='/audits/acme/']").click()
        try await eventually("on an evaluation's page") { try await browser.currentURL().contains("/audits/acme/") }
        let auditPath = String(try await browser.currentURL().dropFirst(base.count))
        let auditText = try await browser.bodyText()
        #expect(auditText.contains("verification") && auditText.contains("support"), "\(auditText)")
        shots["audit"] = try await browser.fullPageScreenshot()

        // A live update: the overview is open and listening; a new ticket arrives; <main> changes, no reload.
        try await browser.navigate(to: base + "/")
        try await eventually("the page's event stream is connected", timeout: .seconds(20)) {
            try await browser.execute("return document.documentElement.dataset.live;") as? String == "connected"
        }
        let loadMarker = try #require(try await browser.execute("return document.documentElement.dataset.pageLoad;") as? String)
        let before = try await Self.siteFigures(coordinator, provider: "acme", site: "paris")
        var fresh = TicketRow.make(id: "LIVE-1", n: 1)
        fresh.status = "new"
        fresh.created = Date()
        fresh.updated = fresh.created
        try agent.drop("second.csv", ExportFile.csv([fresh]))
        try await eventually("the overview shows the new ticket without a reload", timeout: .seconds(60)) {
            let cells = try await Self.rowCells(browser, containing: ["acme", "paris"])
            return Self.shows(cells, before[0] + 1)
        }
        let updates = try await browser.execute("return Number(document.documentElement.dataset.liveUpdates);") as? Int ?? 0
        #expect(updates >= 1, "the page swapped its <main> at least once")
        let markerAfter = try await browser.execute("return document.documentElement.dataset.pageLoad;") as? String
        #expect(markerAfter == loadMarker, "the page was not reloaded")
        shots["overview-live"] = try await browser.fullPageScreenshot()

        // Countdowns: any element with data-deadline counts down (or says how long overdue), once a second.
        try await browser.execute(
            """
            for (const [id, offset] of [["soon", 600000], ["late", -90000]]) {
              const span = document.createElement("span");
              span.id = "deadline-" + id;
              span.dataset.deadline = new Date(Date.now() + offset).toISOString();
              span.textContent = "server text";
              document.querySelector("main").appendChild(span);
            }
            """
        )
        try await eventually("the countdowns run", timeout: .seconds(10)) {
            let soon = try await browser.find("#deadline-soon").text()
            let late = try await browser.find("#deadline-late").text()
            return soon.hasSuffix(" left") && soon.hasPrefix("9m") && late.hasPrefix("OVERDUE by 1m")
        }
        #expect(try await browser.find("#deadline-late").attribute("class")?.contains("deadline-overdue") == true)

        // Languages: the selector in the header stores the choice for the user; every main page then reads in that
        // language, with no English text of the catalogue left over, and dates in the locale.
        // The check finds English where it is: a catalogue sentence, a label alone, a fragment inside a longer text.
        let planted = try Self.englishLeaks(["Tickets at risk", "Wrong username or password.", "12 (found late: the data arrived after the deadline)", "Umsatz"], language: "de")
        #expect(planted.count == 3, "\(planted)")
        let pages = ["/", "/providers/acme", "/tickets/acme/LATE-1", "/alerts", "/agents", "/scorecard?provider=acme", "/audits", auditPath]
        for language in ["de", "ru", "en"] {
            try await Self.chooseLanguage(browser, language)
            for path in pages {
                try await browser.navigate(to: base + path)
                #expect(try await browser.execute("return document.documentElement.lang;") as? String == language, "\(path) in \(language)")
                let texts = try await Self.visibleTexts(browser)
                if language != "en" {
                    let leaks = try Self.englishLeaks(texts, language: language)
                    #expect(leaks.isEmpty, "English text on \(path) in \(language): \(leaks)")
                }
                #expect(texts.count > 10, "\(path) in \(language) has text")
            }
            if language != "en" {
                try await browser.navigate(to: base + "/")
                shots["overview-\(language)"] = try await browser.fullPageScreenshot()
            }
        }
        // The countdown speaks the page's language too.
        try await Self.chooseLanguage(browser, "ru")
        try await browser.navigate(to: base + "/providers/acme")
        try await browser.execute(
            "const s = document.createElement('span'); s.id = 'deadline-ru'; s.dataset.deadline = new Date(Date.now() - 90000).toISOString(); document.querySelector('main').appendChild(s);"
        )
        try await eventually("the Russian countdown runs", timeout: .seconds(10)) {
            try await browser.find("#deadline-ru").text().hasPrefix("ПРОСРОЧЕНО на 1мин")
        }
        // The sign-in page: after logging out it keeps the last choice (the cookie), and its own selector switches it.
        try await browser.find("form[action='/logout'] button[type=submit]").click()
        try await eventually("signed out") { try await browser.currentURL().hasSuffix("/login") }
        #expect(try await browser.execute("return document.documentElement.lang;") as? String == "ru")
        #expect(try Self.englishLeaks(try await Self.visibleTexts(browser), language: "ru").isEmpty)
        try await Self.chooseLanguage(browser, "de")
        #expect(try await browser.currentURL().hasSuffix("/login"))
        #expect(try await browser.execute("return document.documentElement.lang;") as? String == "de")
        let germanLogin = try await Self.visibleTexts(browser)
        let germanLeaks = try Self.englishLeaks(germanLogin, language: "de")
        #expect(germanLogin.contains("Benutzername") && germanLeaks.isEmpty, "\(germanLogin)")
        try await Self.chooseLanguage(browser, "en")
        #expect(try await Self.visibleTexts(browser).contains("Username"))

        // Every screenshot is a real picture: a PNG, not tiny, and more than a few colours (decoded by the browser).
        let folder = Self.screenshotFolder ?? harness.directory.child("screenshots")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, png) in shots.sorted(by: { $0.key < $1.key }) {
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "\(name): not a PNG")
            #expect(png.count > 10_000, "\(name): \(png.count) bytes is too small for a rendered page")
            let colours = try await browser.distinctColours(png: png)
            #expect(colours >= 4, "\(name): only \(colours) colours, the page looks blank")
            if name != "overview-live" { try png.write(to: folder.appendingPathComponent("\(name).png")) }
        }
        #expect(Set(shots.keys).isSuperset(of: ["overview", "provider", "ticket", "alerts", "agents"]))
        }

        /// Picks `language` in the header's selector and waits for the page to come back in it.
        static func chooseLanguage(_ browser: WebDriverSession, _ language: String) async throws {
            try await browser.execute("document.querySelector('form.language select').value = arguments[0];", [language])
            try await browser.find("form.language button[type=submit]").click()
            try await eventually("the page is in \(language)") {
                try await browser.execute("return document.readyState === 'complete' && document.documentElement.lang;") as? String == language
            }
        }

        /// Every text a person reads on the page: text nodes (outside code), the title, placeholders, labels and tooltips.
        static func visibleTexts(_ browser: WebDriverSession) async throws -> [String] {
            let value = try await browser.execute(
                """
                const out = [];
                const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
                while (walker.nextNode()) {
                  const parent = walker.currentNode.parentElement;
                  if (!parent || parent.closest("script, style, code")) continue;
                  const text = walker.currentNode.textContent.replace(/\\s+/g, " ").trim();
                  if (text) out.push(text);
                }
                for (const el of document.querySelectorAll("[placeholder], [aria-label], [title], [data-confirm]")) {
                  for (const name of ["placeholder", "aria-label", "title", "data-confirm"]) {
                    const v = el.getAttribute(name);
                    if (v) out.push(v.replace(/\\s+/g, " ").trim());
                  }
                }
                const root = document.documentElement.dataset;
                out.push(root.countdownLeft || "", root.countdownOverdue || "");
                return out.filter((t) => t.length > 0);
                """
            )
            return value as? [String] ?? []
        }

        /// A catalogue file's texts by key (plural forms joined as several texts).
        static func catalogue(_ language: String) throws -> [String: [String]] {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Sources/OversightLocalization/Catalogue/\(language).json")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            return object.mapValues { value in
                if let text = value as? String { return [text] }
                return ((value as? [String: String]) ?? [:]).sorted { $0.key < $1.key }.map(\.value)
            }
        }

        /// English catalogue text on a page in `language`: a text that is exactly an English entry's fixed part, or
        /// holds a longer fixed part (10 characters or more) of one, where the language's own entry says it otherwise.
        /// Words both catalogues share (`Status`, `Ticket`, `CSAT`, abbreviations) and data (names, ids) never count.
        static func englishLeaks(_ texts: [String], language: String) throws -> [String] {
            let english = try Self.catalogue("en")
            let target = try Self.catalogue(language)
            let targetTexts = Set(target.values.flatMap { $0 })
            let everyTarget = targetTexts.joined(separator: "\n")
            var exact: Set<String> = []
            var long: Set<String> = []
            for (key, values) in english {
                let translated = target[key] ?? []
                for value in values where !translated.contains(value) {
                    for piece in value.split(separator: /\{[a-z0-9_]+\}/).map({ $0.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)) }) {
                        guard piece.count >= 4, piece.contains(where: \.isLetter), !everyTarget.contains(piece) else { continue }
                        if piece.count >= 10 { long.insert(piece) } else { exact.insert(piece) }
                    }
                }
            }
            return texts.filter { text in
                let bare = text.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters))
                return exact.contains(bare) || long.contains { text.contains($0) }
            }
        }

        /// `[tickets, open, at risk, breached]` of one site, from `status --json`.
        static func siteFigures(_ coordinator: CoordinatorProcess, provider: String, site: String) async throws -> [Int] {
            let result = try await coordinator.cli(["status", "--json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result)")
            let providers = try #require(object["providers"] as? [[String: Any]])
            let entry = try #require(providers.first { $0["provider"] as? String == provider })
            let sites = try #require(entry["sites"] as? [[String: Any]])
            let row = try #require(sites.first { $0["site"] as? String == site })
            return try ["tickets", "openTickets", "atRisk", "breached"].map { key in try #require(row[key] as? Int, "\(key) in \(row)") }
        }

        /// The texts of the cells of the first table row in `<main>` that mentions every one of `words`.
        static func rowCells(_ browser: WebDriverSession, containing words: [String]) async throws -> [String] {
            let value = try await browser.execute(
                """
                const words = arguments[0];
                const row = Array.from(document.querySelectorAll("main tr")).find((r) => words.every((w) => r.innerText.includes(w)));
                return row ? Array.from(row.cells).map((c) => c.innerText.trim()) : [];
                """,
                [words]
            )
            return value as? [String] ?? []
        }

        /// Every alert, newest first, from `alerts list --all --json`.
        static func alerts(_ coordinator: CoordinatorProcess) async throws -> [[String: Any]] {
            let result = try await coordinator.cli(["alerts", "list", "--all", "--json"])
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], "\(result)")
        }

        /// The first-reply breach alert of a ticket, if raised.
        static func breachAlert(_ coordinator: CoordinatorProcess, ticket: String) async throws -> [String: Any]? {
            try await Self.alerts(coordinator).first { alert in
                let key = alert["key"] as? String ?? ""
                return key.hasPrefix("ticket_breached|") && key.contains("ticket=\(ticket)|") && key.contains("clock=first_reply")
            }
        }

        /// Whether a cell reads as exactly `number` (alone, or followed by a space and more words).
        static func shows(_ cells: [String], _ number: Int) -> Bool {
            cells.contains { $0 == String(number) || $0.hasPrefix("\(number) ") }
        }
    }
}
