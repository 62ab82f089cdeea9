//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Figures the console shows: contract periods, values against targets, overview rows, provider series, scorecards.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightLocalization
import OversightStore
import Synchronization

/// Contract periods (day, ISO week from Monday, month) in a contract's time zone.
package struct PeriodCalendar: Sendable {
    /// One period: its key (`2026-11-25`, `2026-11-23` for the week starting that Monday, `2026-11`), its label,
    /// its instants and its first and last local days.
    package struct Period: Sendable, Hashable, Codable {
        package var key: String
        package var label: String
        package var from: Date
        package var to: Date
        package var firstDay: String
        package var lastDay: String
        /// Its days as a range of `YYYY-MM-DD` keys (they sort as text).
        var days: ClosedRange<String> { self.firstDay...self.lastDay }
    }

    let calendar: Calendar

    /// A calendar for `timeZone`.
    package init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        self.calendar = calendar
    }

    /// The local day of `date`, `YYYY-MM-DD`.
    package func day(_ date: Date) -> String {
        let parts = self.calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    func component(_ period: String) -> Calendar.Component {
        switch period {
        case "week": .weekOfYear
        case "month": .month
        default: .day
        }
    }

    /// The period of kind `period` (`day`, `week`, `month`) that contains `date`.
    package func period(_ period: String, containing date: Date) -> Period {
        let component = self.component(period)
        let interval = self.calendar.dateInterval(of: component == .weekOfYear ? .weekOfYear : component, for: date)
            ?? DateInterval(start: date, duration: 86400)
        let start = interval.start
        let end = interval.end
        let firstDay = self.day(start)
        let lastDay = self.day(end.addingTimeInterval(-1))
        let key: String
        let label: String
        switch period {
        case "month":
            key = String(firstDay.prefix(7))
            label = key
        case "week":
            key = firstDay
            label = "w/c " + String(firstDay.dropFirst(5))
        default:
            key = firstDay
            label = String(firstDay.dropFirst(5))
        }
        return Period(key: key, label: label, from: start, to: end, firstDay: firstDay, lastDay: lastDay)
    }

    /// The `count` periods of kind `period` up to and including the one containing `date`, oldest first.
    package func periods(_ period: String, count: Int, endingAt date: Date) -> [Period] {
        var result: [Period] = []
        var current = self.period(period, containing: date)
        for _ in 0..<max(0, count) {
            result.append(current)
            current = self.period(period, containing: current.from.addingTimeInterval(-1))
        }
        return result.reversed()
    }

    /// The month `YYYY-MM`, or `nil` if the text is not one.
    package func month(_ text: String) -> Period? {
        let parts = text.split(separator: "-")
        guard text.count == 7, parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month),
            (1970...9999).contains(year),
            let date = self.calendar.date(from: DateComponents(year: year, month: month, day: 15, hour: 12))
        else { return nil }
        return self.period("month", containing: date)
    }
}

/// A figure against its target.
package struct FigureValue: Sendable, Hashable, Codable {
    /// The figure: a fraction for percentages, seconds for durations, the score for scores; `nil` without data.
    package var value: Double?
    /// How many tickets (or responses) it is computed from.
    package var sample: Int
    /// The target, if a contract sets one.
    package var target: Double?
    /// Whether the figure must be at most the target.
    package var atMost: Bool
    /// `met`, `missed`, `no_target` or `no_data`.
    package var standing: String
    /// `green` (met), `amber` (missed by at most 5 points, or 10 % for durations and scores), `red`, or `none`.
    package var rag: String
    /// The SLA engine's sentence about the period ("at the current rate the month ends at 76.4 %…"), when it evaluated it.
    package var summary: String?
    /// The 95 % Wilson interval and n of a QA figure (`qa_score`, `high_impact_error_rate`): ConsoleFigures+Intervals.swift.
    package var interval: FigureInterval?

    /// Compares `value` with `target`.
    package init(value: Double?, sample: Int, target: Double?, atMost: Bool = false, unit: String = "percentage") {
        self.value = value
        self.sample = sample
        self.target = target
        self.atMost = atMost
        guard let value else {
            self.standing = "no_data"
            self.rag = "none"
            return
        }
        guard let target else {
            self.standing = "no_target"
            self.rag = "none"
            return
        }
        let met = atMost ? value <= target : value >= target
        let margin = unit == "percentage" ? 0.05 : abs(target) * 0.1
        let close = atMost ? value <= target + margin : value >= target - margin
        self.standing = met ? "met" : "missed"
        self.rag = met ? "green" : close ? "amber" : "red"
    }

    /// No data.
    package static let none = FigureValue(value: nil, sample: 0, target: nil)

    /// The figure of an aggregate standing the SLA engine recorded.
    package init(_ standing: AggregateStandingRow) {
        self.init(value: standing.value, sample: 0, target: standing.target, atMost: standing.comparison == "<=", unit: standing.unit)
        self.summary = standing.summary
    }
}

/// The aggregate standings the SLA engine recorded (one row per provider, target and period).
package struct Standings: Sendable {
    package var rows: [AggregateStandingRow]

    /// The standing of target `id` for the period of kind `kind` that starts in `[from, to)`.
    package func row(target id: String, kind: String, from: Date, to: Date) -> AggregateStandingRow? {
        self.rows.first { $0.targetId == id && $0.periodKind == kind && $0.periodStart >= from.addingTimeInterval(-1) && $0.periodStart < to }
    }

    /// The standings of target `id` for periods of kind `kind` starting in `[from, to)`.
    package func rows(target id: String, kind: String, from: Date, to: Date) -> [AggregateStandingRow] {
        self.rows.filter { $0.targetId == id && $0.periodKind == kind && $0.periodStart >= from.addingTimeInterval(-1) && $0.periodStart < to }
    }

    /// The current standing of the first target of `figure` (of variant `variant`, if given) of `provider`.
    /// The provider's target of `figure` for an overview cell: of several (a chat and a phone service level, say), the
    /// worst-standing one that has data — missed before at risk before on track — so a problem is never hidden behind a
    /// target without data; ties by target id.
    package func current(provider: String, figure: String, variant: String? = nil) -> AggregateStandingRow? {
        func rank(_ state: String) -> Int {
            switch state {
            case "missed": 0
            case "at risk": 1
            case "on track", "met": 2
            default: 3
            }
        }
        return self.rows.filter { $0.provider == provider && $0.figure == figure && (variant == nil || $0.variant == variant) }
            .min { (rank($0.state), $0.targetId) < (rank($1.state), $1.targetId) }
    }
}

/// How figures are written, in a language (English by default: the API and CSV of the API's names).
package enum FigureFormat {
    /// The figures the console names (``name(figure:detail:localizer:)`` has a catalogue entry `figure.name.<figure>` for each).
    package static let figures = [
        "ticket_attainment", "service_level", "abandonment", "asa", "aht", "fcr", "csat", "qa_score", "high_impact_error_rate",
    ]

    /// `93.5%`, `42s`, `4.2`, or a dash; in German `93,5 %`.
    package static func text(_ value: Double?, unit: String, localizer l: Localizer = .english) -> String {
        guard let value else { return "—" }
        switch unit {
        case "duration": return l.duration(Int(value.rounded()))
        case "score": return l.number(value, digits: 2)
        default: return l.percent(value)
        }
    }

    /// `≥ 90%` or `≤ 30s`.
    package static func target(_ value: Double, atMost: Bool, unit: String, localizer l: Localizer = .english) -> String {
        "\(atMost ? "≤" : "≥") \(self.text(value, unit: unit, localizer: l))"
    }

    /// A figure with its target and standing in words: `93.5% (target ≥ 90%, MET)`.
    package static func withTarget(_ figure: FigureValue, unit: String = "percentage", localizer l: Localizer = .english) -> String {
        let value = self.text(figure.value, unit: unit, localizer: l)
        guard let target = figure.target else { return value }
        let arguments = ["value": value, "target": self.target(target, atMost: figure.atMost, unit: unit, localizer: l)]
        guard figure.value != nil else { return l.t("figure.with_target_no_data", arguments) }
        return l.t("figure.with_target", arguments.merging(["standing": l.term("standing", figure.standing).uppercased()]) { $1 })
    }

    /// Human name of a figure.
    package static func name(figure: String, detail: String?, localizer l: Localizer = .english) -> String {
        let base = l.term("figure.name", figure)
        guard let detail, !detail.isEmpty else { return base }
        return "\(base) (\(l.term("figure.detail", detail)))"
    }
}

/// Ticket-derived daily figures of one or more providers, summed over days on demand.
package struct TicketFigureData: Sendable {
    package var attainment: [DailyAttainment]
    package var csat: [DailyCSAT]

    /// Met and due targets of `provider` (and `site`) over `days`, for one clock or both.
    package func attainment(provider: String, site: String?, clock: String?, days: ClosedRange<String>) -> (met: Int, due: Int) {
        var met = 0
        var due = 0
        for row in self.attainment
        where row.provider == provider && (site == nil || row.site == site) && (clock == nil || row.clock == clock) && days.contains(row.day) {
            met += row.met
            due += row.due
        }
        return (met, due)
    }

    /// CSAT responses of `provider` (and `site`) over `days`.
    package func csat(provider: String, site: String?, days: ClosedRange<String>) -> (responses: Int, satisfied: Int, sum: Int) {
        var totals = (responses: 0, satisfied: 0, sum: 0)
        for row in self.csat where row.provider == provider && (site == nil || row.site == site) && days.contains(row.day) {
            totals.responses += row.responses
            totals.satisfied += row.satisfied
            totals.sum += row.scoreSum
        }
        return totals
    }

    /// A figure over `days`: `(value, sample)`, or `nil` when the figure does not come from tickets (interval data,
    /// audits), so the console shows a dash.
    package func value(figure: String, detail: String?, provider: String, site: String?, days: ClosedRange<String>) -> (Double?, Int)? {
        switch figure {
        case "ticket_attainment":
            let clock = detail == "first_reply" || detail == "resolution" ? detail : nil
            let totals = self.attainment(provider: provider, site: site, clock: clock, days: days)
            return (totals.due > 0 ? Double(totals.met) / Double(totals.due) : nil, totals.due)
        case "csat":
            let totals = self.csat(provider: provider, site: site, days: days)
            guard totals.responses > 0 else { return (nil, 0) }
            if detail == "mean_score" { return (Double(totals.sum) / Double(totals.responses), totals.responses) }
            return (Double(totals.satisfied) / Double(totals.responses), totals.responses)
        default:
            return nil
        }
    }
}

extension TicketFigureData {
    /// Both sets of days together; a day in both (split at an instant) is summed.
    func merged(with other: TicketFigureData) -> TicketFigureData {
        struct AttainmentKey: Hashable {
            var provider: String
            var site: String
            var day: String
            var clock: String
        }
        struct CSATKey: Hashable {
            var provider: String
            var site: String
            var day: String
        }
        var attainment: [AttainmentKey: DailyAttainment] = [:]
        var order: [AttainmentKey] = []
        for row in self.attainment + other.attainment {
            let key = AttainmentKey(provider: row.provider, site: row.site, day: row.day, clock: row.clock)
            if var existing = attainment[key] {
                existing.due += row.due
                existing.met += row.met
                attainment[key] = existing
            } else {
                attainment[key] = row
                order.append(key)
            }
        }
        var csat: [CSATKey: DailyCSAT] = [:]
        var csatOrder: [CSATKey] = []
        for row in self.csat + other.csat {
            let key = CSATKey(provider: row.provider, site: row.site, day: row.day)
            if var existing = csat[key] {
                existing.responses += row.responses
                existing.satisfied += row.satisfied
                existing.scoreSum += row.scoreSum
                csat[key] = existing
            } else {
                csat[key] = row
                csatOrder.append(key)
            }
        }
        return TicketFigureData(attainment: order.compactMap { attainment[$0] }, csat: csatOrder.compactMap { csat[$0] })
    }
}

/// Ticket figures of closed days, kept a few minutes: a month of a large deployment takes seconds to sum, and pages
/// (and their live updates) ask again and again. Shared by every copy of the configuration that holds it.
package final class FigureCache: Sendable {
    struct Key: Hashable {
        var from: Date
        var to: Date
        var provider: String?
    }
    /// How long a cached range is used.
    package let lifetime: TimeInterval
    /// At most this many ranges are kept.
    package let capacity: Int
    private let entries = Mutex<[Key: (data: TicketFigureData, at: Date)]>([:])

    /// Creates an empty cache.
    package init(lifetime: TimeInterval = 300, capacity: Int = 256) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func data(for key: Key, now: Date) -> TicketFigureData? {
        self.entries.withLock { entries in
            guard let entry = entries[key], now.timeIntervalSince(entry.at) < self.lifetime, now >= entry.at else { return nil }
            return entry.data
        }
    }

    func store(_ data: TicketFigureData, for key: Key, now: Date) {
        self.entries.withLock { entries in
            entries = entries.filter { now.timeIntervalSince($0.value.at) < self.lifetime && now >= $0.value.at }
            if entries.count >= self.capacity, let oldest = entries.min(by: { $0.value.at < $1.value.at })?.key { entries[oldest] = nil }
            entries[key] = (data, now)
        }
    }
}

/// One row of the overview: a provider × site with every figure.
package struct OverviewRow: Sendable, Hashable, Codable {
    package var provider: String
    package var site: String
    /// `red`, `amber` or `green`.
    package var status: String
    /// Ticket SLA attainment (both clocks) today and this month (contract days), against the contract's target.
    package var attainmentToday: FigureValue
    package var attainmentMonth: FigureValue
    package var atRisk: Int
    package var breached: Int
    /// Tickets stored.
    package var tickets: Int
    /// Open tickets and their age in seconds.
    package var backlog: Int
    package var oldestAgeSeconds: Double?
    package var medianAgeSeconds: Double?
    package var p90AgeSeconds: Double?
    /// Service level this month (from interval data; none yet).
    package var serviceLevel: FigureValue
    /// CSAT this month (satisfied 4–5 of 5 ÷ responses), from tickets.
    package var csat: FigureValue
    /// QA score this month (from audits; none yet).
    package var qa: FigureValue
    package var agentsOnline: Int
    package var agentsTotal: Int
    package var newestRecordAt: Date?
    /// Attainment of the last 14 days, oldest first, and their days.
    package var trend: [Double?]
    package var trendDays: [String]
}

/// A figure by period, with its target.
package struct FigureSeries: Sendable, Hashable, Codable {
    package struct Point: Sendable, Hashable, Codable {
        package var period: String
        package var label: String
        package var from: Date
        package var to: Date
        package var figure: FigureValue
    }
    /// The contract target's id, or a built-in id (`first-reply-attainment`, …) without a contract.
    package var id: String
    package var name: String
    package var figure: String
    package var detail: String?
    package var unit: String
    package var period: String
    package var target: Double?
    package var atMost: Bool
    /// `false` when the figure needs data the coordinator does not have yet (interval reports, audits).
    package var available: Bool
    package var points: [Point]
}

/// A provider's (or one site's) figures by period, its at-risk tickets and breaches.
package struct ProviderFigures: Sendable, Codable {
    package var provider: String
    package var site: String?
    package var period: String
    package var contract: ConsoleContract?
    package var series: [FigureSeries]
    package var atRisk: [AtRiskTicket]
    package var breaches: [SLAEventRow]
}

/// The monthly vendor scorecard of a provider.
package struct Scorecard: Sendable, Codable {
    package struct Row: Sendable, Codable {
        package var id: String
        package var name: String
        package var figure: String
        package var detail: String?
        package var unit: String
        /// The contract period of the target (`day`, `week`, `month`).
        package var period: String
        package var target: Double?
        package var atMost: Bool
        /// The figure over the whole month.
        package var actual: FigureValue
        /// For daily and weekly targets: periods of the month met, and periods with data.
        package var periodsMet: Int?
        package var periodsWithData: Int?
        /// `met`, `missed`, `no_target` or `no_data`.
        package var result: String
        /// The figure in each of the previous five months and this one, oldest first.
        package var trend: [FigureSeries.Point]
        /// Credit owed for this target this month (filled once the SLA module's service-credit computation is wired in).
        package var credit: Double?
    }
    package var provider: String
    package var month: String
    package var from: Date
    package var to: Date
    package var contract: ConsoleContract?
    package var rows: [Row]
    /// Total credits owed for the month (capped), in the contract's currency, when the contract has credits.
    package var creditsOwed: Double?
    package var currency: String?
}

extension ConsoleHandlers {
    /// The targets figures are shown for: the contract's, or built-in ones (no target) without a contract.
    func figureTargets(provider: String) -> [ConsoleContract.Target] {
        if let contract = self.configuration.contracts[provider], !contract.targets.isEmpty {
            var targets = contract.targets
            for clock in ["first_reply", "resolution"] where contract.ticketTargets[clock] != nil
                && !targets.contains(where: { $0.figure == "ticket_attainment" && $0.detail == clock })
            {
                targets.insert(.init(id: "\(clock.replacingOccurrences(of: "_", with: "-"))-attainment", figure: "ticket_attainment", detail: clock, period: "month", target: .nan, unit: "percentage"), at: 0)
            }
            return targets
        }
        return [
            .init(id: "first-reply-attainment", figure: "ticket_attainment", detail: "first_reply", period: "month", target: .nan, unit: "percentage"),
            .init(id: "resolution-attainment", figure: "ticket_attainment", detail: "resolution", period: "month", target: .nan, unit: "percentage"),
            .init(id: "csat", figure: "csat", detail: "top2_box", period: "month", target: .nan, unit: "percentage"),
        ]
    }

    func timeZone(of provider: String) -> TimeZone { self.configuration.contracts[provider]?.zone ?? .gmt }

    var timeZones: [String: TimeZone] { self.configuration.contracts.mapValues(\.zone) }

    /// Ticket figures from `from` to `to` (to now plus a day by default, so nothing decided "now" is cut off).
    ///
    /// Days that ended before yesterday (UTC) are read once and kept for ``FigureCache/lifetime`` (late data reaches
    /// them within that time); the rest is read on every call.
    func ticketFigures(from: Date, to: Date? = nil, provider: String?) async throws -> TicketFigureData {
        let now = self.now
        let to = to ?? now.addingTimeInterval(86400)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        let boundary = utc.startOfDay(for: now.addingTimeInterval(-86400))
        let cache = self.configuration.figureCache
        func read(_ from: Date, _ to: Date) async throws -> TicketFigureData {
            async let attainment = self.store.dailyAttainment(from: from, to: to, provider: provider, timeZones: self.timeZones)
            async let csat = self.store.dailyCSAT(from: from, to: to, provider: provider, timeZones: self.timeZones)
            return TicketFigureData(attainment: try await attainment, csat: try await csat)
        }
        func closed(_ from: Date, _ to: Date) async throws -> TicketFigureData {
            let key = FigureCache.Key(from: from, to: to, provider: provider)
            if let cached = cache.data(for: key, now: now) { return cached }
            let data = try await read(from, to)
            cache.store(data, for: key, now: now)
            return data
        }
        if to <= boundary { return try await closed(from, to) }
        if from >= boundary { return try await read(from, to) }
        return try await closed(from, boundary).merged(with: try await read(boundary, to))
    }

    /// Overview rows the user may see, optionally for one provider and site.
    func overviewRows(for user: ConsoleUser, provider filterProvider: String? = nil, site filterSite: String? = nil) async throws -> [OverviewRow] {
        let now = self.now
        let report = try await self.status(for: user)
        let providers = report.providers.filter { filterProvider == nil || $0.provider == filterProvider }
        var earliest = now
        for provider in providers {
            let calendar = PeriodCalendar(timeZone: self.timeZone(of: provider.provider))
            earliest = min(earliest, calendar.period("month", containing: now).from, calendar.periods("day", count: 14, endingAt: now)[0].from)
        }
        let data = try await self.ticketFigures(from: earliest, provider: filterProvider)
        let backlog = try await self.store.backlog(now: now, provider: filterProvider)
        let current = Standings(rows: try await self.store.aggregateStandings(provider: filterProvider, containing: now, limit: 10_000))
        var rows: [OverviewRow] = []
        for provider in providers {
            let contract = self.configuration.contracts[provider.provider]
            let target = contract?.attainmentTarget
            let csatTarget = contract?.targets.first { $0.figure == "csat" && $0.detail != "mean_score" }?.target
            let calendar = PeriodCalendar(timeZone: self.timeZone(of: provider.provider))
            let today = calendar.period("day", containing: now)
            let month = calendar.period("month", containing: now)
            let days = calendar.periods("day", count: 14, endingAt: now)
            for site in provider.sites where filterSite == nil || site.site == filterSite {
                func attainment(_ days: ClosedRange<String>) -> FigureValue {
                    let totals = data.attainment(provider: provider.provider, site: site.site, clock: nil, days: days)
                    return FigureValue(value: totals.due > 0 ? Double(totals.met) / Double(totals.due) : nil, sample: totals.due, target: target)
                }
                let csat = data.csat(provider: provider.provider, site: site.site, days: month.days)
                let open = backlog.first { $0.provider == provider.provider && $0.site == site.site }
                let monthFigure = attainment(month.days)
                var status = self.rag(
                    breached: site.breached, atRisk: site.atRisk, agentsOnline: site.agentsOnline, agentsTotal: site.agentsTotal,
                    newestRecordAt: site.newestRecordAt
                )
                if monthFigure.rag == "red" { status = "red" } else if monthFigure.rag == "amber", status == "green" { status = "amber" }
                rows.append(
                    OverviewRow(
                        provider: provider.provider, site: site.site, status: status, attainmentToday: attainment(today.days),
                        attainmentMonth: monthFigure, atRisk: site.atRisk, breached: site.breached, tickets: site.tickets,
                        backlog: site.openTickets,
                        oldestAgeSeconds: open?.oldestCreatedAt.map { max(0, now.timeIntervalSince($0)) }, medianAgeSeconds: open?.medianAgeSeconds,
                        p90AgeSeconds: open?.p90AgeSeconds,
                        serviceLevel: current.current(provider: provider.provider, figure: "service_level").map(FigureValue.init) ?? .none,
                        csat: current.current(provider: provider.provider, figure: "csat", variant: "top2_box").map(FigureValue.init)
                            ?? FigureValue(
                                value: csat.responses > 0 ? Double(csat.satisfied) / Double(csat.responses) : nil, sample: csat.responses, target: csatTarget
                            ),
                        qa: current.current(provider: provider.provider, figure: "qa_score").map(FigureValue.init) ?? .none, agentsOnline: site.agentsOnline, agentsTotal: site.agentsTotal, newestRecordAt: site.newestRecordAt,
                        trend: days.map { attainment($0.days).value }, trendDays: days.map(\.firstDay)
                    )
                )
            }
        }
        return rows
    }

    /// Parses `period` (day, week or month; day by default).
    static func period(_ text: String?) throws -> String {
        guard let text else { return "day" }
        guard ["day", "week", "month"].contains(text) else { throw ConsoleError.badRequest("error.period") }
        return text
    }

    /// How many periods a chart shows.
    static func periodCount(_ period: String) -> Int {
        switch period {
        case "month": 12
        case "week": 12
        default: 30
        }
    }

    /// A provider's figures by `period`, or 404 when it is unknown or out of scope.
    func providerFigures(_ name: String, site: String?, period: String, for user: ConsoleUser) async throws -> ProviderFigures {
        let provider = try await self.provider(name, for: user)
        if let site, !provider.sites.contains(where: { $0.site == site }) { throw ConsoleError.notFound("error.no_such_site") }
        let now = self.now
        let calendar = PeriodCalendar(timeZone: self.timeZone(of: name))
        let periods = calendar.periods(period, count: Self.periodCount(period), endingAt: now)
        let data = try await self.ticketFigures(from: periods[0].from, provider: name)
        let standings = Standings(rows: site == nil ? try await self.store.aggregateStandings(provider: name, limit: 100_000) : [])
        var series: [FigureSeries] = []
        for target in self.figureTargets(provider: name) {
            let goal: Double? = target.target.isNaN ? nil : target.target
            // Ticket figures are computed here for targets over every ticket; scoped and interval figures come from the engine.
            let fromTickets = target.match == nil
                && data.value(figure: target.figure, detail: target.detail, provider: name, site: nil, days: "0"..."0") != nil
            var points = periods.map { item in
                if let standing = standings.row(target: target.id, kind: period, from: item.from, to: item.to) {
                    return FigureSeries.Point(period: item.key, label: item.label, from: item.from, to: item.to, figure: FigureValue(standing))
                }
                let (value, sample) = fromTickets
                    ? data.value(figure: target.figure, detail: target.detail, provider: name, site: site, days: item.days) ?? (nil, 0) : (nil, 0)
                return FigureSeries.Point(
                    period: item.key, label: item.label, from: item.from, to: item.to,
                    figure: FigureValue(value: value, sample: sample, target: goal, atMost: target.atMost, unit: target.unit)
                )
            }
            if Self.intervalFigures.contains(target.figure), target.match == nil, site == nil {
                for index in points.indices {
                    points[index].figure.interval = try await self.interval(
                        figure: target.figure, provider: name, from: points[index].from, to: points[index].to
                    )
                }
            }
            let available = fromTickets || points.contains { $0.figure.summary != nil }
            series.append(
                FigureSeries(
                    id: target.id, name: FigureFormat.name(figure: target.figure, detail: target.detail), figure: target.figure, detail: target.detail,
                    unit: target.unit, period: period, target: goal, atMost: target.atMost, available: available, points: points
                )
            )
        }
        var atRisk = try await self.store.atRiskTickets(provider: name, limit: 200)
        var breaches = try await self.store.breaches(provider: name, from: periods[0].from, to: now.addingTimeInterval(86400), limit: 200)
        if let site {
            atRisk = atRisk.filter { $0.site == site }
            breaches = breaches.filter { $0.site == site }
        }
        return ProviderFigures(
            provider: name, site: site, period: period, contract: self.configuration.contracts[name], series: series, atRisk: atRisk, breaches: breaches
        )
    }

    /// The scorecard of `provider` for `month` (`YYYY-MM`; this month when `nil`), or 404 when out of scope.
    func scorecard(provider name: String, month text: String?, for user: ConsoleUser) async throws -> Scorecard {
        guard user.canSee(provider: name), try await self.status(for: user).providers.contains(where: { $0.provider == name })
            || self.configuration.contracts[name] != nil
        else { throw ConsoleError.notFound("error.no_such_provider") }
        let calendar = PeriodCalendar(timeZone: self.timeZone(of: name))
        let month: PeriodCalendar.Period
        if let text {
            guard let parsed = calendar.month(text) else { throw ConsoleError.badRequest("error.month") }
            month = parsed
        } else {
            month = calendar.period("month", containing: self.now)
        }
        let months = calendar.periods("month", count: 6, endingAt: month.from)
        let data = try await self.ticketFigures(from: months[0].from, to: month.to, provider: name)
        let standings = Standings(rows: try await self.store.aggregateStandings(provider: name, limit: 100_000))
        let contract = self.configuration.contracts[name]
        var rows: [Scorecard.Row] = []
        for target in self.figureTargets(provider: name) {
            let goal: Double? = target.target.isNaN ? nil : target.target
            let fromTickets = target.match == nil
            /// The figure over `period`: the engine's standing when it recorded one for this target and period, else from tickets.
            func figure(_ period: PeriodCalendar.Period, kind: String) -> FigureValue {
                if let standing = standings.row(target: target.id, kind: kind, from: period.from, to: period.to) { return FigureValue(standing) }
                let (value, sample) =
                    fromTickets ? data.value(figure: target.figure, detail: target.detail, provider: name, site: nil, days: period.days) ?? (nil, 0) : (nil, 0)
                return FigureValue(value: value, sample: sample, target: goal, atMost: target.atMost, unit: target.unit)
            }
            let actual = figure(month, kind: "month")
            var periodsMet: Int?
            var periodsWithData: Int?
            var result = actual.standing
            if target.period != "month", goal != nil {
                var sub = calendar.period(target.period, containing: month.from)
                var met = 0
                var withData = 0
                while sub.from < month.to {
                    var clipped = sub
                    clipped.firstDay = max(sub.firstDay, month.firstDay)
                    clipped.lastDay = min(sub.lastDay, month.lastDay)
                    let value = figure(clipped, kind: target.period)
                    if value.value != nil {
                        withData += 1
                        if value.standing == "met" { met += 1 }
                    }
                    sub = calendar.period(target.period, containing: sub.to.addingTimeInterval(1))
                }
                periodsMet = met
                periodsWithData = withData
                result = withData == 0 ? "no_data" : met == withData ? "met" : "missed"
            }
            let trend = months.map { item in
                FigureSeries.Point(period: item.key, label: item.label, from: item.from, to: item.to, figure: figure(item, kind: "month"))
            }
            rows.append(
                Scorecard.Row(
                    id: target.id, name: FigureFormat.name(figure: target.figure, detail: target.detail), figure: target.figure, detail: target.detail,
                    unit: target.unit, period: target.period, target: goal, atMost: target.atMost, actual: actual, periodsMet: periodsMet,
                    periodsWithData: periodsWithData, result: result, trend: trend, credit: nil
                )
            )
        }
        // QA figures over all evaluations: their 95 % Wilson interval and n (ConsoleFigures+Intervals.swift).
        let unscoped = Set(self.figureTargets(provider: name).filter { $0.match == nil }.map(\.id))
        for index in rows.indices where Self.intervalFigures.contains(rows[index].figure) && unscoped.contains(rows[index].id) {
            rows[index].actual.interval = try await self.interval(figure: rows[index].figure, provider: name, from: month.from, to: month.to)
            for point in rows[index].trend.indices {
                let item = rows[index].trend[point]
                rows[index].trend[point].figure.interval = try await self.interval(figure: rows[index].figure, provider: name, from: item.from, to: item.to)
            }
        }
        return Scorecard(
            provider: name, month: month.key, from: month.from, to: month.to, contract: contract, rows: rows, creditsOwed: nil, currency: contract?.currency
        )
    }
}
