//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The demo's default feed: simulated provider sites (OversightSimulator) writing export files as they run.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSimulator

/// Feeds the demo's agents from three simulated provider sites (``ProviderProfile/demo``): acme-support/lisbon is
/// healthy, globex-care/manila drifts into breaches, initech-help/dublin goes silent for a while.
///
/// Every ``exportEvery`` each site's export job writes a file of new and changed tickets into its agent's source
/// folder (temporary name, then rename); phone and chat interval reports go to the sibling folder `intervals/`, which
/// the agent's `intervals` source reads, QA evaluations to `qa/`, which its `evaluations` source reads, and each
/// ticket's interaction transcript to `transcripts/`, the agent's transcript folder for sample requests.
///
/// Every timestamp is wall time, so every figure falls in the periods the console shows: the first export backfills
/// the interval reports of the previous and the current day (site time, the contracts' time zones), dated in the past;
/// after that each export restates the interval under way and states finished ones, never ahead of the clock.
/// `speed` accelerates the *simulated working day* only — where each site is in its intraday curve, which sets the
/// volume of new tickets and contacts. The SLA engine runs its clocks on wall time against the tickets' timestamps.
struct SimulatorFeed: DemoFeed {
    /// The run's seed: the same seed gives the same tickets.
    let seed: UInt64
    /// Simulated seconds per wall second.
    let speed: Double
    /// The simulated instant at which the run starts: 08:00 in Lisbon on the current working day.
    let simulatedStart: Date
    /// How often each site's export job writes.
    let exportEvery: Duration = .seconds(2)
    /// How often the feed prints a line per site.
    let reportEvery: TimeInterval = 15
    let profiles: [ProviderProfile] = ProviderProfile.demo

    init(seed: UInt64, speed: Double, now: Date = Date()) {
        self.seed = seed
        self.speed = speed
        self.simulatedStart = Self.workingDayMorning(of: now)
    }

    var providers: [DemoProvider] {
        self.profiles.map { DemoProvider(provider: $0.provider, site: $0.site, sourceYAML: $0.format.sourceYAML) }
    }

    /// One export: the site's backlog as it stands now.
    func feed(_ provider: DemoProvider, into folder: String) throws {
        let now = Date()
        var simulation = try self.simulation(for: provider, start: now)
        try self.writer(for: simulation.profile, folder: folder).write(simulation.advance(to: now), sequence: 0)
    }

    func silentWindows(for provider: DemoProvider) -> [Range<Duration>] {
        self.profiles.first { $0.provider == provider.provider }?.silence?.windows(until: .seconds(86_400)) ?? []
    }

    func run(_ provider: DemoProvider, into folder: String, start: Date) async throws {
        var simulation = try self.simulation(for: provider, start: start)
        let profile = simulation.profile
        let writer = try self.writer(for: profile, folder: folder)
        // Each ticket's interaction (an e-mail thread or a chat with fake personal data) beside the exports, in the
        // agent's transcript folder: what a sample request brings back, redacted (DemoTranscripts.swift).
        let transcripts = try DemoTranscripts(folder: URL(fileURLWithPath: folder).deletingLastPathComponent().path + "/transcripts")
        var sequence = 0
        var created = 0
        var updates = 0
        var nextReport = start.addingTimeInterval(self.reportEvery)
        var wasSilent = false
        while true {
            let now = Date()
            let silent = profile.silence?.isSilent(atElapsed: .seconds(now.timeIntervalSince(start))) ?? false
            if !silent {
                let step = simulation.advance(to: now)
                for ticket in step.tickets { try transcripts.write(ticket: ticket.id, channel: ticket.channel.rawValue, at: ticket.createdAt) }
                if !step.isEmpty {
                    try writer.write(step, sequence: sequence)
                    sequence += 1
                }
                if sequence == 1 && !step.isEmpty {
                    let backlog = Int(profile.warmUp.components.seconds)
                    let since = TimestampText.iso8601(Self.previousDayStart(of: start, timeZone: profile.timeZone), timeZone: profile.timeZone)
                    say(
                        "\(profile.provider)/\(profile.site): first export carried \(step.tickets.count) tickets of the last \(backlog) s (its backlog) "
                            + "and \(step.intervals.count) phone and chat interval reports since \(since.prefix(10)) (history)"
                    )
                } else {
                    created += step.newTickets
                    updates += step.tickets.count - step.newTickets
                }
                if wasSilent {
                    say("\(profile.provider)/\(profile.site): export job writing again; its first file carried \(step.tickets.count) tickets changed during the silence")
                }
            }
            wasSilent = silent
            if now >= nextReport {
                nextReport = nextReport.addingTimeInterval(self.reportEvery)
                let waiting = simulation.openTickets.filter { $0.createdAt <= now && $0.firstReplyAt > now }.count
                let local = TimestampText.iso8601(simulation.simulated(now), timeZone: profile.timeZone).dropFirst(11).prefix(5)
                var line = "[simulated \(local) local] \(profile.provider)/\(profile.site): \(simulation.ticketCount) tickets so far"
                line += " (\(created) new, \(updates) updates exported in the last \(Int(self.reportEvery)) s), \(waiting) awaiting a first reply"
                line += ", staffing \(Int((simulation.staffingShare(at: now) * 100).rounded())) % of need"
                if silent { line += " — export job silent" }
                say(line)
                created = 0
                updates = 0
            }
            try await Task.sleep(for: self.exportEvery)
        }
    }

    /// A one-line description for the demo's banner.
    var banner: String {
        let start = TimestampText.iso8601(self.simulatedStart, timeZone: TimeZone(identifier: "Europe/Lisbon")!)
        return "Simulator: seed \(self.seed), speed \(self.speed)× (the simulated working day starts \(start.prefix(16).replacingOccurrences(of: "T", with: " ")) Lisbon time). "
            + "Every timestamp is wall time (interval reports since yesterday are backfilled); speed only moves the sites through their day."
            + self.profiles.map { "\n  \($0.provider)/\($0.site): \($0.behaviour)" }.joined()
    }

    private func simulation(for provider: DemoProvider, start: Date) throws -> ProviderSimulation {
        guard let profile = self.profiles.first(where: { $0.provider == provider.provider }) else {
            throw DemoError("the simulator has no site for \(provider.provider)")
        }
        return ProviderSimulation(
            profile: profile,
            configuration: .init(
                seed: self.seed, start: start, simulatedStart: self.simulatedStart, speed: self.speed,
                intervalHistoryFrom: Self.previousDayStart(of: start, timeZone: profile.timeZone)
            )
        )
    }

    /// 00:00 of the day before `now`'s date in `timeZone`: where the backfilled interval history starts, so that the
    /// current and the previous day period both have interval reports.
    static func previousDayStart(of now: Date, timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: now)
        return calendar.date(byAdding: .day, value: -1, to: today) ?? today.addingTimeInterval(-86_400)
    }

    private func writer(for profile: ProviderProfile, folder: String) throws -> ExportWriter {
        let parent = URL(fileURLWithPath: folder).deletingLastPathComponent().path
        return try ExportWriter(profile: profile, tickets: folder, intervals: parent + "/intervals", evaluations: parent + "/qa")
    }

    /// 08:00 in Lisbon on `now`'s date there, moved to Monday when that date is a weekend.
    static func workingDayMorning(of now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Lisbon")!
        var day = calendar.startOfDay(for: now)
        while calendar.isDateInWeekend(day) { day = calendar.date(byAdding: .day, value: 1, to: day)! }
        return calendar.date(bySettingHour: 8, minute: 0, second: 0, of: day)!
    }
}
