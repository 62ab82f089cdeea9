//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The figure pages: overview, provider / site drill-down and the monthly scorecard, as HTML and CSV.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import OversightStore

extension ConsoleHandlers {
    /// A figure cell: the value against its target with a word, coloured by its standing.
    static func figureCell(_ figure: FigureValue, unit: String = "percentage") -> ConsoleTable.Cell {
        let text = FigureFormat.withTarget(figure, unit: unit)
        return .text(text, class: figure.rag == "none" ? "num" : "num rag \(figure.rag)")
    }

    static func ageText(_ seconds: Double?) -> String { seconds.map { HTML.duration(Int($0)) } ?? "—" }

    func overviewPage(request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let rows = try await self.overviewRows(for: user)
        var table = ConsoleTable(
            id: "overview",
            columns: [
                "Provider", "Site", "Status", "SLA today", "SLA this month", "At risk", "Breached", "Tickets", "Backlog", "Oldest open", "p90 age",
                "Service level", "CSAT (month)", "QA", "Agents online", "Newest record age", "Last 14 days",
            ],
            empty: "No data yet."
        )
        for row in rows {
            let target = self.configuration.contracts[row.provider]?.attainmentTarget
            let trendLabel = "SLA attainment, last 14 days, \(row.provider) \(row.site): "
                + row.trend.map { FigureFormat.text($0, unit: "percentage") }.joined(separator: ", ")
            table.rows.append([
                .link(row.provider, "/providers/\(HTML.path(row.provider))"),
                .link(row.site, "/providers/\(HTML.path(row.provider))?site=\(ConsolePage.encode(row.site))"),
                .rag(row.status), Self.figureCell(row.attainmentToday), Self.figureCell(row.attainmentMonth), .number(row.atRisk),
                .number(row.breached), .number(row.tickets), .number(row.backlog), .text(Self.ageText(row.oldestAgeSeconds), class: "num"),
                .text(Self.ageText(row.p90AgeSeconds), class: "num"), Self.figureCell(row.serviceLevel), Self.figureCell(row.csat),
                Self.figureCell(row.qa, unit: "score"), .text("\(row.agentsOnline)/\(row.agentsTotal)", class: "num"),
                .text(HTML.age(row.newestRecordAt, now: self.now)),
                .html(
                    SVGChart.sparkline(row.trend, target: target, range: 0...1, label: trendLabel),
                    text: row.trend.map { FigureFormat.text($0, unit: "percentage") }.joined(separator: " ")
                ),
            ])
        }
        var page = ConsolePage(title: "Overview", name: "overview")
        page.add(
            """
            <h1>Overview</h1><p class="meta">Generated \(HTML.time(self.now)). SLA attainment: ticket targets decided in the period \
            (contract days, in the contract's time zone) that were met. RED: a ticket breached, or attainment this month more than \
            5 points below target. AMBER: tickets at risk, attainment just below target, an agent offline, no agent, or no record \
            for an hour. GREEN otherwise. <a href="/scorecard">Scorecards</a></p>
            """
        )
        page.add(table)
        return try page.response(for: request, identity: context.identity)
    }

    /// `YYYY-MM-DD` … as a chart label.
    static func chartFormat(_ unit: String) -> (Double) -> String {
        { FigureFormat.text($0, unit: unit) }
    }

    func providerPage(_ name: String, request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let query = request.uri.queryParameters
        let site = query.get("site").flatMap { $0.isEmpty ? nil : $0 }
        let period = try Self.period(query.get("period"))
        let provider = try await self.provider(name, for: user)
        let figures = try await self.providerFigures(name, site: site, period: period, for: user)
        let overview = try await self.overviewRows(for: user, provider: name)
        let now = self.now
        var page = ConsolePage(title: site.map { "\(name) / \($0)" } ?? name, name: site.map { "\(name)-\($0)" } ?? name)
        let siteLinks = provider.sites.map {
            "<a href=\"/providers/\(HTML.path(name))?site=\(ConsolePage.encode($0.site))&amp;period=\(period)\">\(HTML.escape($0.site))</a>"
        }.joined(separator: " ")
        page.add(
            """
            <h1>\(HTML.escape(name))\(site.map { " / " + HTML.escape($0) } ?? "")</h1>
            <p class="meta">Sites: <a href="/providers/\(HTML.path(name))?period=\(period)">all</a> \(siteLinks) ·
            <a href="/scorecard?provider=\(ConsolePage.encode(name))">Monthly scorecard</a></p>
            """
        )

        var sites = ConsoleTable(
            id: "sites", title: "Sites",
            columns: [
                "Site", "Status", "SLA today", "SLA this month", "At risk", "Breached", "Backlog", "Oldest open", "Median age", "p90 age",
                "CSAT (month)", "Agents online", "Newest record age",
            ]
        )
        for row in overview where site == nil || row.site == site {
            sites.rows.append([
                .link(row.site, "/providers/\(HTML.path(name))?site=\(ConsolePage.encode(row.site))"), .rag(row.status),
                Self.figureCell(row.attainmentToday), Self.figureCell(row.attainmentMonth), .number(row.atRisk), .number(row.breached),
                .number(row.backlog), .text(Self.ageText(row.oldestAgeSeconds), class: "num"), .text(Self.ageText(row.medianAgeSeconds), class: "num"),
                .text(Self.ageText(row.p90AgeSeconds), class: "num"), Self.figureCell(row.csat), .text("\(row.agentsOnline)/\(row.agentsTotal)", class: "num"),
                .text(HTML.age(row.newestRecordAt, now: now)),
            ])
        }
        page.add(sites)

        var contracts = ConsoleTable(id: "contract", title: "Contract in force", columns: ["Target", "Figure", "Period", "Target value"], empty: "No contract loaded for this provider: figures are shown without targets.")
        if let contract = figures.contract {
            page.add(
                "<p class=\"meta\">\(HTML.escape(contract.name ?? contract.provider)) — version in force since \(HTML.escape(contract.effectiveFrom)), "
                    + "days in \(HTML.escape(contract.timeZone)).</p>"
            )
            for (clock, seconds) in contract.ticketTargets.sorted(by: { $0.key < $1.key }) {
                contracts.rows.append([.text(clock), .text("ticket target (business time)"), .text("each ticket"), .text(HTML.duration(seconds))])
            }
            for target in contract.targets {
                contracts.rows.append([
                    .text(target.id), .text(FigureFormat.name(figure: target.figure, detail: target.detail)), .text(target.period),
                    .text("\(target.atMost ? "≤" : "≥") \(FigureFormat.text(target.target, unit: target.unit))"),
                ])
            }
        }
        page.add(contracts)

        let periodLinks = ["day", "week", "month"].map { item in
            item == period ? "<strong>by \(item)</strong>"
                : "<a href=\"/providers/\(HTML.path(name))?\(site.map { "site=\(ConsolePage.encode($0))&amp;" } ?? "")period=\(item)\">by \(item)</a>"
        }.joined(separator: " · ")
        page.add("<h2>Figures</h2><p class=\"meta\">\(periodLinks)</p><div class=\"charts\">")
        var figureTable = ConsoleTable(
            id: "figures", title: "Figures by \(period)", columns: ["Figure", "Period", "Value", "Sample", "Target", "Standing"], empty: "No figures in these periods."
        )
        for series in figures.series {
            let points = series.points.map { SVGChart.Point($0.label, $0.figure.value) }
            let range: ClosedRange<Double>? = series.unit == "percentage" ? 0...1 : nil
            page.add(
                "<figure class=\"chart\">"
                    + SVGChart.chart(points, target: series.target, range: range, title: "\(series.name) by \(period)", format: Self.chartFormat(series.unit))
                    + "<figcaption>\(HTML.escape(series.name))\(series.available ? "" : " — no data yet (needs interval reports or audits)")</figcaption></figure>"
            )
            for point in series.points where point.figure.value != nil {
                figureTable.rows.append([
                    .text(series.name), .text(point.period), .text(FigureFormat.text(point.figure.value, unit: series.unit), class: "num"),
                    .number(point.figure.sample), .text(series.target.map { "\(series.atMost ? "≤" : "≥") \(FigureFormat.text($0, unit: series.unit))" } ?? "—"),
                    .text(point.figure.standing.replacingOccurrences(of: "_", with: " ")),
                ])
            }
        }
        page.add("</div>")
        page.add(figureTable)

        var atRisk = ConsoleTable(id: "at-risk", title: "Tickets at risk", columns: ["Ticket", "Site", "Clock", "Deadline", "Time left"], empty: "No ticket at risk.")
        for ticket in figures.atRisk {
            let deadline = HTML.time(ticket.deadline)
            let left = ticket.deadline.timeIntervalSince(now)
            let leftText = left >= 0 ? "\(HTML.duration(Int(left))) left" : "overdue by \(HTML.duration(Int(-left)))"
            atRisk.rows.append([
                .link(ticket.ticketId, "/tickets/\(HTML.path(ticket.provider))/\(HTML.path(ticket.ticketId))"), .text(ticket.site),
                .text(ticket.clock.replacingOccurrences(of: "_", with: " ")), .text(deadline),
                .html("<span class=\"countdown\" data-deadline=\"\(HTML.escape(deadline))\">\(HTML.escape(leftText))</span>", text: leftText),
            ])
        }
        page.add(atRisk)

        var breaches = ConsoleTable(
            id: "breaches", title: "Breaches", columns: ["At", "Site", "Ticket", "Clock", "Found", "Note", "Breach notes"], empty: "No breach in these periods."
        )
        let noteCounts = try await self.store.breachNoteCounts(provider: name, ticketIds: figures.breaches.map(\.ticketId))
        for event in figures.breaches {
            breaches.rows.append([
                .text(HTML.time(event.at)), .text(event.site),
                .link(event.ticketId, "/tickets/\(HTML.path(event.provider))/\(HTML.path(event.ticketId))"),
                .text(event.clock.replacingOccurrences(of: "_", with: " ")), .text(HTML.time(event.detectedAt)), .text(event.lateData ? "late data" : ""),
                .link(
                    (noteCounts[event.ticketId] ?? 0) == 1 ? "1 note" : "\(noteCounts[event.ticketId] ?? 0) notes",
                    "/tickets/\(HTML.path(event.provider))/\(HTML.path(event.ticketId))#notes"
                ),
            ])
        }
        page.add(breaches)

        let events = try await self.slaEvents(for: user, provider: name, site: site, limit: 50, cursor: nil).events
        var eventTable = ConsoleTable(id: "sla-events", title: "Recent SLA events", columns: ["At", "Site", "Ticket", "Clock", "Event", "Note"], empty: "No SLA events.")
        for event in events {
            eventTable.rows.append([
                .text(HTML.time(event.at)), .text(event.site), .link(event.ticketId, "/tickets/\(HTML.path(event.provider))/\(HTML.path(event.ticketId))"),
                .text(event.clock), .text(event.kind), .text(event.lateData ? "late data" : ""),
            ])
        }
        page.add(eventTable)

        var agents = ConsoleTable(id: "agents", title: "Agents", columns: ["Agent", "Site", "Host", "Version", "State", "Outbox", "Last heard"], empty: "No agents enrolled.")
        for agent in try await self.agents(for: user) where agent.provider == name && (site == nil || agent.site == site) {
            let online = agent.isOnline(now: now, offlineAfter: self.configuration.offlineAfter)
            agents.rows.append([
                .text(agent.id), .text(agent.site), .text(agent.hostname), .text(agent.version ?? "—"),
                .text(agent.revokedAt != nil ? "REVOKED" : online ? "online" : "OFFLINE"), .text(agent.outboxDepth.map(String.init) ?? "—", class: "num"),
                .text(HTML.age(agent.lastHeartbeatAt ?? agent.lastBatchAt, now: now)),
            ])
        }
        page.add(agents)
        return try page.response(for: request, identity: context.identity)
    }

    func scorecardPage(request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let query = request.uri.queryParameters
        guard let provider = query.get("provider").flatMap({ $0.isEmpty ? nil : $0 }) else {
            var page = ConsolePage(title: "Scorecards", name: "scorecards")
            page.add("<h1>Monthly scorecards</h1>")
            var table = ConsoleTable(id: "providers", columns: ["Provider", "Contract"], empty: "No provider yet.")
            var names = Set(try await self.status(for: user).providers.map(\.provider))
            names.formUnion(self.configuration.contracts.keys.filter { user.canSee(provider: $0) })
            for name in names.sorted() {
                table.rows.append([.link(name, "/scorecard?provider=\(ConsolePage.encode(name))"), .text(self.configuration.contracts[name]?.name ?? "—")])
            }
            page.add(table)
            return try page.response(for: request, identity: context.identity)
        }
        let card = try await self.scorecard(provider: provider, month: query.get("month"), for: user)
        let calendar = PeriodCalendar(timeZone: self.timeZone(of: provider))
        let previous = calendar.period("month", containing: card.from.addingTimeInterval(-1)).key
        let next = calendar.period("month", containing: card.to.addingTimeInterval(1)).key
        var page = ConsolePage(title: "Scorecard \(provider) \(card.month)", name: "scorecard-\(provider)-\(card.month)")
        page.add(
            """
            <h1>Scorecard: \(HTML.escape(provider)), \(HTML.escape(card.month))</h1>
            <p class="meta">\(HTML.escape(card.contract?.name ?? "No contract loaded: figures without targets.")) \
            Month in \(HTML.escape(card.contract?.timeZone ?? "UTC")), \(HTML.time(card.from)) to \(HTML.time(card.to)).</p>
            <p class="meta noprint"><a href="/scorecard?provider=\(ConsolePage.encode(provider))&amp;month=\(previous)">← \(previous)</a> · \
            <a href="/scorecard?provider=\(ConsolePage.encode(provider))&amp;month=\(next)">\(next) →</a> · \
            <a href="/scorecard.csv?provider=\(ConsolePage.encode(provider))&amp;month=\(card.month)" download>Scorecard CSV</a> · \
            <a href="/providers/\(HTML.path(provider))">Provider page</a></p>
            """
        )
        var table = ConsoleTable(id: "scorecard", columns: Self.scorecardColumns + ["Trend"], empty: "No figures.")
        for (row, cells) in zip(card.rows, Self.scorecardCells(card)) {
            let trend = row.trend.map(\.figure.value)
            let label = "\(row.name), last 6 months: " + zip(row.trend, trend).map { "\($0.0.label) \(FigureFormat.text($0.1, unit: row.unit))" }.joined(separator: ", ")
            var htmlCells: [ConsoleTable.Cell] = cells.enumerated().map { index, text in
                if index == 6, row.result == "met" || row.result == "missed" { return .rag(row.result == "met" ? "green" : "red").with(text: text.uppercased()) }
                return .text(text, class: index >= 3 && index <= 5 ? "num" : nil)
            }
            htmlCells.append(
                .html(
                    SVGChart.sparkline(trend, target: row.target, range: row.unit == "percentage" ? 0...1 : nil, label: label),
                    text: cells[7]
                )
            )
            table.rows.append(htmlCells)
        }
        page.add(table)
        if let owed = card.creditsOwed {
            page.add("<p><strong>Service credits owed: \(SVGChart.number(owed, digits: 2)) \(HTML.escape(card.currency ?? ""))</strong></p>")
        }
        return try page.response(for: request, identity: context.identity)
    }

    static let scorecardColumns = ["Target", "Figure", "Period", "Target value", "Actual", "Periods met", "Result", "Previous months"]

    /// The scorecard's cells as text (the CSV and the page's table share them).
    static func scorecardCells(_ card: Scorecard) -> [[String]] {
        card.rows.map { row in
            [
                row.id, row.name, row.period, row.target.map { "\(row.atMost ? "≤" : "≥") \(FigureFormat.text($0, unit: row.unit))" } ?? "—",
                FigureFormat.text(row.actual.value, unit: row.unit),
                row.periodsWithData.map { "\(row.periodsMet ?? 0)/\($0)" } ?? "—",
                row.result.replacingOccurrences(of: "_", with: " "),
                row.trend.dropLast().map { "\($0.period) \(FigureFormat.text($0.figure.value, unit: row.unit))" }.joined(separator: "; "),
            ]
        }
    }

    func scorecardCSV(request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let query = request.uri.queryParameters
        guard let provider = query.get("provider"), !provider.isEmpty else { throw ConsoleError.badRequest("provider is required") }
        let card = try await self.scorecard(provider: provider, month: query.get("month"), for: user)
        var rows = Self.scorecardCells(card)
        if let owed = card.creditsOwed { rows.append(["credits", "Service credits owed", "month", "", SVGChart.number(owed, digits: 2) + " " + (card.currency ?? ""), "", "", ""]) }
        return CSV.response(CSV.render(header: Self.scorecardColumns, rows: rows), filename: "scorecard-\(provider)-\(card.month).csv")
    }
}

extension ConsoleTable.Cell {
    /// The same cell with another text.
    func with(text: String) -> Self {
        var cell = self
        cell.text = text
        return cell
    }
}
