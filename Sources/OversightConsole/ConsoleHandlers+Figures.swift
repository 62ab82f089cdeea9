//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The figure pages: overview, provider / site drill-down and the monthly scorecard, as HTML and CSV.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import OversightLocalization
import OversightStore

extension ConsoleHandlers {
    /// A figure cell: the value against its target with a word, coloured by its standing.
    static func figureCell(_ figure: FigureValue, unit: String = "percentage", _ l: Localizer) -> ConsoleTable.Cell {
        let text = FigureFormat.withTarget(figure, unit: unit, localizer: l)
        return .text(text, class: figure.rag == "none" ? "num" : "num rag \(figure.rag)")
    }

    static func ageText(_ seconds: Double?, _ l: Localizer) -> String { seconds.map { l.duration(Int($0)) } ?? "—" }

    /// A red/amber/green cell in the page's words.
    static func ragCell(_ word: String, _ l: Localizer) -> ConsoleTable.Cell { .rag(word).with(text: l.term("rag", word).uppercased()) }

    /// A chart's period label: `03-10`, `w/c 03-09` (`KW ab 09.03.` …), `2026-03`.
    static func periodLabel(_ point: FigureSeries.Point, period: String, _ l: Localizer) -> String {
        switch period {
        case "week": l.t("period.week_of", ["day": point.label.replacingOccurrences(of: "w/c ", with: "")])
        default: point.label
        }
    }

    func overviewPage(request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let l = context.localizer
        let rows = try await self.overviewRows(for: user)
        var table = ConsoleTable(
            id: "overview",
            columns: [
                l.t("column.provider"), l.t("column.site"), l.t("column.status"), l.t("figures.sla_today"), l.t("figures.sla_month"),
                l.t("figures.at_risk"), l.t("figures.breached"), l.t("figures.tickets"), l.t("figures.backlog"), l.t("figures.oldest_open"),
                l.t("figures.p90_age"), l.t("figure.name.service_level"), l.t("figures.csat_month"), "QA", l.t("figures.agents_online"),
                l.t("figures.newest_record_age"), l.t("figures.last_14_days"),
            ],
            empty: l.t("figures.no_data_yet")
        )
        for row in rows {
            let target = self.configuration.contracts[row.provider]?.attainmentTarget
            let values = row.trend.map { FigureFormat.text($0, unit: "percentage", localizer: l) }
            let trendLabel = l.t("figures.trend_label", ["provider": row.provider, "site": row.site, "values": values.joined(separator: "; ")])
            table.rows.append([
                .link(row.provider, "/providers/\(HTML.path(row.provider))"),
                .link(row.site, "/providers/\(HTML.path(row.provider))?site=\(ConsolePage.encode(row.site))"),
                Self.ragCell(row.status, l), Self.figureCell(row.attainmentToday, l), Self.figureCell(row.attainmentMonth, l), .number(row.atRisk, l),
                .number(row.breached, l), .number(row.tickets, l), .number(row.backlog, l), .text(Self.ageText(row.oldestAgeSeconds, l), class: "num"),
                .text(Self.ageText(row.p90AgeSeconds, l), class: "num"), Self.figureCell(row.serviceLevel, l), Self.figureCell(row.csat, l),
                Self.figureCell(row.qa, unit: "score", l), .text("\(row.agentsOnline)/\(row.agentsTotal)", class: "num"),
                .text(l.age(row.newestRecordAt, now: self.now)),
                .html(SVGChart.sparkline(row.trend, target: target, range: 0...1, label: trendLabel), text: values.joined(separator: " ")),
            ])
        }
        var page = ConsolePage(title: l.t("overview.title"), name: "overview")
        page.add(
            """
            <h1>\(HTML.escape(l.t("overview.title")))</h1><p class="meta">\(HTML.escape(l.t("overview.generated", ["time": l.time(self.now)]))) \
            \(HTML.escape(l.t("overview.legend"))) <a href="/scorecard">\(HTML.escape(l.t("nav.scorecards")))</a></p>
            """
        )
        page.add(table)
        return try page.response(for: request, context: context)
    }

    /// A chart's value label in `l`'s language.
    static func chartFormat(_ unit: String, _ l: Localizer) -> (Double) -> String {
        { FigureFormat.text($0, unit: unit, localizer: l) }
    }

    func providerPage(_ name: String, request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let l = context.localizer.in(timeZone: self.timeZone(of: name))  // periods are the contract's days
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
            <p class="meta">\(HTML.escape(l.t("provider.sites"))): <a href="/providers/\(HTML.path(name))?period=\(period)">\(HTML.escape(l.t("provider.all_sites")))</a> \(siteLinks) ·
            <a href="/scorecard?provider=\(ConsolePage.encode(name))">\(HTML.escape(l.t("provider.monthly_scorecard")))</a> ·
            \(self.configuration.credits != nil && self.configuration.contracts[name] != nil ? "<a href=\"/providers/\(HTML.path(name))/credits\">\(HTML.escape(l.t("credits.link")))</a> ·" : "")
            \(self.configuration.invoices != nil && self.configuration.contracts[name] != nil ? "<a href=\"/providers/\(HTML.path(name))/invoices\">\(HTML.escape(l.t("invoices.link")))</a> ·" : "")
            \(HTML.escape(l.t("common.times_in", ["zone": l.timeZoneName])))</p>
            """
        )

        var sites = ConsoleTable(
            id: "sites", title: l.t("provider.sites"),
            columns: [
                l.t("column.site"), l.t("column.status"), l.t("figures.sla_today"), l.t("figures.sla_month"), l.t("figures.at_risk"),
                l.t("figures.breached"), l.t("figures.backlog"), l.t("figures.oldest_open"), l.t("figures.median_age"), l.t("figures.p90_age"),
                l.t("figures.csat_month"), l.t("figures.agents_online"), l.t("figures.newest_record_age"),
            ]
        )
        for row in overview where site == nil || row.site == site {
            sites.rows.append([
                .link(row.site, "/providers/\(HTML.path(name))?site=\(ConsolePage.encode(row.site))"), Self.ragCell(row.status, l),
                Self.figureCell(row.attainmentToday, l), Self.figureCell(row.attainmentMonth, l), .number(row.atRisk, l), .number(row.breached, l),
                .number(row.backlog, l), .text(Self.ageText(row.oldestAgeSeconds, l), class: "num"), .text(Self.ageText(row.medianAgeSeconds, l), class: "num"),
                .text(Self.ageText(row.p90AgeSeconds, l), class: "num"), Self.figureCell(row.csat, l), .text("\(row.agentsOnline)/\(row.agentsTotal)", class: "num"),
                .text(l.age(row.newestRecordAt, now: now)),
            ])
        }
        page.add(sites)

        var contracts = ConsoleTable(
            id: "contract", title: l.t("provider.contract_in_force"),
            columns: [l.t("column.target"), l.t("column.figure"), l.t("column.period"), l.t("column.target_value")],
            empty: l.t("provider.no_contract")
        )
        if let contract = figures.contract {
            page.add(
                "<p class=\"meta\">\(HTML.escape(l.t("provider.contract_version", ["name": contract.name ?? contract.provider, "from": contract.effectiveFrom, "zone": contract.timeZone])))</p>"
            )
            for (clock, seconds) in contract.ticketTargets.sorted(by: { $0.key < $1.key }) {
                contracts.rows.append([
                    .text(l.term("clock", clock)), .text(l.t("provider.ticket_target")), .text(l.t("provider.each_ticket")), .text(l.duration(seconds)),
                ])
            }
            for target in contract.targets {
                contracts.rows.append([
                    .text(target.id), .text(FigureFormat.name(figure: target.figure, detail: target.detail, localizer: l)),
                    .text(l.term("period", target.period)),
                    .text(FigureFormat.target(target.target, atMost: target.atMost, unit: target.unit, localizer: l)),
                ])
            }
        }
        page.add(contracts)

        let periodLinks = ["day", "week", "month"].map { item -> String in
            let label = HTML.escape(l.t("provider.by_\(item)"))
            return item == period ? "<strong>\(label)</strong>"
                : "<a href=\"/providers/\(HTML.path(name))?\(site.map { "site=\(ConsolePage.encode($0))&amp;" } ?? "")period=\(item)\">\(label)</a>"
        }.joined(separator: " · ")
        page.add("<h2>\(HTML.escape(l.t("provider.figures")))</h2><p class=\"meta\">\(periodLinks)</p><div class=\"charts\">")
        var figureTable = ConsoleTable(
            id: "figures", title: l.t("provider.figures_by_\(period)"),
            columns: [l.t("column.figure"), l.t("column.period"), l.t("column.value"), l.t("column.sample"), l.t("column.target"), l.t("column.standing")],
            empty: l.t("provider.no_figures")
        )
        for series in figures.series {
            let seriesName = FigureFormat.name(figure: series.figure, detail: series.detail, localizer: l)
            let points = series.points.map { SVGChart.Point(Self.periodLabel($0, period: period, l), $0.figure.value) }
            let range: ClosedRange<Double>? = series.unit == "percentage" ? 0...1 : nil
            let title = l.t("provider.chart_title_\(period)", ["figure": seriesName])
            page.add(
                "<figure class=\"chart\">"
                    + SVGChart.chart(points, target: series.target, range: range, title: title, format: Self.chartFormat(series.unit, l), localizer: l)
                    + "<figcaption>\(HTML.escape(seriesName))\(series.available ? "" : HTML.escape(l.t("provider.no_data_needs")))</figcaption></figure>"
            )
            for point in series.points where point.figure.value != nil {
                figureTable.rows.append([
                    .text(seriesName), .text(point.period), .text(FigureFormat.text(point.figure, unit: series.unit, localizer: l), class: "num"),
                    .number(point.figure.sample, l),
                    .text(series.target.map { FigureFormat.target($0, atMost: series.atMost, unit: series.unit, localizer: l) } ?? "—"),
                    .text(l.term("standing", point.figure.standing)),
                ])
            }
        }
        page.add("</div>")
        page.add(figureTable)
        // The QA figures' acceptance verdict at the AQL for the open audit periods (ConsoleHandlers+AuditPeriods.swift).
        for line in try await self.acceptanceLines(provider: name, periods: nil, for: user, l) {
            page.add("<p class=\"acceptance\">\(HTML.escape(line))</p>")
        }

        var atRisk = ConsoleTable(
            id: "at-risk", title: l.t("provider.tickets_at_risk"),
            columns: [l.t("column.ticket"), l.t("column.site"), l.t("column.clock"), l.t("column.deadline"), l.t("provider.time_left")],
            empty: l.t("provider.no_ticket_at_risk")
        )
        for ticket in figures.atRisk {
            let deadline = HTML.isoTime(ticket.deadline)
            let left = ticket.deadline.timeIntervalSince(now)
            let leftText = left >= 0 ? l.t("provider.left", ["duration": l.duration(Int(left))]) : l.t("provider.overdue_by", ["duration": l.duration(Int(-left))])
            atRisk.rows.append([
                .link(ticket.ticketId, "/tickets/\(HTML.path(ticket.provider))/\(HTML.path(ticket.ticketId))"), .text(ticket.site),
                .text(l.term("clock", ticket.clock)), .text(l.time(ticket.deadline)),
                .html("<span class=\"countdown\" data-deadline=\"\(HTML.escape(deadline))\">\(HTML.escape(leftText))</span>", text: leftText),
            ])
        }
        page.add(atRisk)

        var breaches = ConsoleTable(
            id: "breaches", title: l.t("provider.breaches"),
            columns: [
                l.t("column.at"), l.t("column.site"), l.t("column.ticket"), l.t("column.clock"), l.t("provider.found"), l.t("column.note"),
                l.t("provider.breach_notes"),
            ],
            empty: l.t("provider.no_breach")
        )
        let noteCounts = try await self.store.breachNoteCounts(provider: name, ticketIds: figures.breaches.map(\.ticketId))
        for event in figures.breaches {
            breaches.rows.append([
                .text(l.time(event.at)), .text(event.site),
                .link(event.ticketId, "/tickets/\(HTML.path(event.provider))/\(HTML.path(event.ticketId))"),
                .text(l.term("clock", event.clock)), .text(l.time(event.detectedAt)), .text(event.lateData ? l.t("provider.late_data") : ""),
                .link(l.t("breach.notes", count: noteCounts[event.ticketId] ?? 0), "/tickets/\(HTML.path(event.provider))/\(HTML.path(event.ticketId))#notes"),
            ])
        }
        page.add(breaches)

        let events = try await self.slaEvents(for: user, provider: name, site: site, limit: 50, cursor: nil).events
        var eventTable = ConsoleTable(
            id: "sla-events", title: l.t("provider.recent_sla_events"),
            columns: [l.t("column.at"), l.t("column.site"), l.t("column.ticket"), l.t("column.clock"), l.t("provider.event"), l.t("column.note")],
            empty: l.t("provider.no_sla_events")
        )
        for event in events {
            eventTable.rows.append([
                .text(l.time(event.at)), .text(event.site), .link(event.ticketId, "/tickets/\(HTML.path(event.provider))/\(HTML.path(event.ticketId))"),
                .text(l.term("clock", event.clock)), .text(l.term("sla.event", event.kind)), .text(event.lateData ? l.t("provider.late_data") : ""),
            ])
        }
        page.add(eventTable)

        var agents = ConsoleTable(
            id: "agents", title: l.t("agents.title"),
            columns: [
                l.t("column.agent"), l.t("column.site"), l.t("agents.host"), l.t("agents.version"), l.t("agents.state"), l.t("agents.outbox"),
                l.t("agents.last_heard"),
            ],
            empty: l.t("agents.none")
        )
        for agent in try await self.agents(for: user) where agent.provider == name && (site == nil || agent.site == site) {
            let online = agent.isOnline(now: now, offlineAfter: self.configuration.offlineAfter)
            agents.rows.append([
                .text(agent.id), .text(agent.site), .text(agent.hostname), .text(agent.version ?? "—"),
                .text(Self.agentState(agent, online: online, l)), .text(agent.outboxDepth.map(l.integer) ?? "—", class: "num"),
                .text(l.age(agent.lastHeartbeatAt ?? agent.lastBatchAt, now: now)),
            ])
        }
        page.add(agents)
        return try page.response(for: request, context: context)
    }

    func scorecardPage(request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let query = request.uri.queryParameters
        guard let provider = query.get("provider").flatMap({ $0.isEmpty ? nil : $0 }) else {
            let l = context.localizer
            var page = ConsolePage(title: l.t("nav.scorecards"), name: "scorecards")
            page.add("<h1>\(HTML.escape(l.t("scorecard.monthly")))</h1>")
            var table = ConsoleTable(id: "providers", columns: [l.t("column.provider"), l.t("scorecard.contract")], empty: l.t("scorecard.no_provider"))
            var names = Set(try await self.status(for: user).providers.map(\.provider))
            names.formUnion(self.configuration.contracts.keys.filter { user.canSee(provider: $0) })
            for name in names.sorted() {
                table.rows.append([.link(name, "/scorecard?provider=\(ConsolePage.encode(name))"), .text(self.configuration.contracts[name]?.name ?? "—")])
            }
            page.add(table)
            return try page.response(for: request, context: context)
        }
        let l = context.localizer.in(timeZone: self.timeZone(of: provider))
        let card = try await self.scorecard(provider: provider, month: query.get("month"), for: user)
        let calendar = PeriodCalendar(timeZone: self.timeZone(of: provider))
        let previous = calendar.period("month", containing: card.from.addingTimeInterval(-1)).key
        let next = calendar.period("month", containing: card.to.addingTimeInterval(1)).key
        let title = l.t("scorecard.title", ["provider": provider, "month": l.month(card.from)])
        var page = ConsolePage(title: title, name: "scorecard-\(provider)-\(card.month)")
        let contractLine = card.contract?.name ?? l.t("scorecard.no_contract")
        let monthLine = l.t(
            "scorecard.month_in", ["zone": card.contract?.timeZone ?? "UTC", "from": l.time(card.from), "to": l.time(card.to)]
        )
        page.add(
            """
            <h1>\(HTML.escape(title))</h1>
            <p class="meta">\(HTML.escape(contractLine)) \(HTML.escape(monthLine))</p>
            <p class="meta noprint"><a href="/scorecard?provider=\(ConsolePage.encode(provider))&amp;month=\(previous)">← \(previous)</a> · \
            <a href="/scorecard?provider=\(ConsolePage.encode(provider))&amp;month=\(next)">\(next) →</a> · \
            <a href="/scorecard.csv?provider=\(ConsolePage.encode(provider))&amp;month=\(card.month)" download>\(HTML.escape(l.t("scorecard.csv")))</a> · \
            <a href="/providers/\(HTML.path(provider))">\(HTML.escape(l.t("scorecard.provider_page")))</a></p>
            """
        )
        var table = ConsoleTable(id: "scorecard", columns: Self.scorecardColumns(l) + [l.t("scorecard.trend")], empty: l.t("scorecard.no_figures"))
        for (row, cells) in zip(card.rows, Self.scorecardCells(card, l)) {
            let trend = row.trend.map(\.figure.value)
            let name = FigureFormat.name(figure: row.figure, detail: row.detail, localizer: l)
            let label = l.t(
                "scorecard.trend_label",
                ["figure": name, "values": zip(row.trend, trend).map { "\($0.0.label) \(FigureFormat.text($0.1, unit: row.unit, localizer: l))" }.joined(separator: "; ")]
            )
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
        // The month's acceptance verdict at the AQL beside its QA figures (ConsoleHandlers+AuditPeriods.swift).
        for line in try await self.acceptanceLines(provider: provider, periods: [card.month], for: user, l) {
            page.add("<p class=\"acceptance\" id=\"acceptance\"><strong>\(HTML.escape(line))</strong></p>")
        }
        if let owed = card.creditsOwed {
            page.add("<p><strong>\(HTML.escape(l.t("scorecard.credits_owed", ["amount": l.number(owed, digits: 2), "currency": card.currency ?? ""])))</strong></p>")
        }
        return try page.response(for: request, context: context)
    }

    /// The scorecard's columns in `l`'s language.
    static func scorecardColumns(_ l: Localizer) -> [String] {
        [
            l.t("column.target"), l.t("column.figure"), l.t("column.period"), l.t("column.target_value"), l.t("scorecard.actual"),
            l.t("scorecard.periods_met"), l.t("scorecard.result"), l.t("scorecard.previous_months"),
        ]
    }

    /// The scorecard's cells as text (the CSV and the page's table share them).
    static func scorecardCells(_ card: Scorecard, _ l: Localizer) -> [[String]] {
        card.rows.map { row in
            [
                row.id, FigureFormat.name(figure: row.figure, detail: row.detail, localizer: l), l.term("period", row.period),
                row.target.map { FigureFormat.target($0, atMost: row.atMost, unit: row.unit, localizer: l) } ?? "—",
                FigureFormat.text(row.actual, unit: row.unit, localizer: l),
                row.periodsWithData.map { "\(row.periodsMet ?? 0)/\($0)" } ?? "—",
                l.term("standing", row.result),
                row.trend.dropLast().map { "\($0.period) \(FigureFormat.text($0.figure.value, unit: row.unit, localizer: l))" }.joined(separator: "; "),
            ]
        }
    }

    func scorecardCSV(request: Request, context: ConsoleRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let query = request.uri.queryParameters
        guard let provider = query.get("provider"), !provider.isEmpty else { throw ConsoleError.badRequest("error.provider_required") }
        let l = context.localizer.in(timeZone: self.timeZone(of: provider))
        let card = try await self.scorecard(provider: provider, month: query.get("month"), for: user)
        var rows = Self.scorecardCells(card, l)
        if let owed = card.creditsOwed {
            rows.append(["credits", l.t("scorecard.credits"), l.term("period", "month"), "", l.number(owed, digits: 2) + " " + (card.currency ?? ""), "", "", ""])
        }
        return CSV.response(CSV.render(header: Self.scorecardColumns(l), rows: rows), filename: "scorecard-\(provider)-\(card.month).csv")
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
