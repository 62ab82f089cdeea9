//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightSimulator
import Testing

@Suite struct ProviderSimulationTests {
    static let start = Date(timeIntervalSince1970: 1_794_996_000)  // Wednesday 2026-11-18 10:00 UTC

    /// Runs `profile` from the start with exports every `step` seconds for `seconds`, returning every step.
    static func run(_ profile: ProviderProfile, seed: UInt64 = 1, speed: Double = 1, step: Double = 2, seconds: Double) -> [SimulationStep] {
        var simulation = ProviderSimulation(profile: profile, configuration: .init(seed: seed, start: Self.start, speed: speed))
        var steps: [SimulationStep] = []
        var elapsed = 0.0
        while elapsed < seconds {
            elapsed += step
            steps.append(simulation.advance(to: Self.start.addingTimeInterval(elapsed)))
        }
        return steps
    }

    /// The last record of every ticket in `steps`.
    static func finalRecords(_ steps: [SimulationStep]) -> [String: TicketRecord] {
        var records: [String: TicketRecord] = [:]
        for step in steps {
            for ticket in step.tickets { records[ticket.id] = ticket }
        }
        return records
    }

    /// A site with one email channel, a flat curve and no pending or reopens.
    static func plainProfile(ticketsPerHour: Double, curve: IntradayCurve = .flat) -> ProviderProfile {
        var profile = ProviderProfile(
            provider: "plain", site: "test", timeZone: TimeZone(identifier: "Europe/Paris")!, behaviour: "test", ticketsPerHour: ticketsPerHour,
            curve: curve,
            channels: [.init(.email, share: 1, firstReply: LogNormal(median: 300, sigma: 0.6), handle: LogNormal(median: 600, sigma: 0.8))],
            format: .nestedJSONL
        )
        profile.pendingShare = 0
        profile.reopenShare = 0
        profile.warmUp = .zero
        return profile
    }

    @Test func sameSeedGivesIdenticalFiles() throws {
        for profile in ProviderProfile.demo {
            let writer = try ExportWriter(
                profile: profile, tickets: NSTemporaryDirectory() + "sim-a", intervals: NSTemporaryDirectory() + "sim-b",
                evaluations: NSTemporaryDirectory() + "sim-c"
            )
            func render(_ steps: [SimulationStep]) -> [String] {
                steps.enumerated().flatMap { index, step in
                    let files = writer.files(for: step, sequence: index)
                    return [files.tickets, files.intervals, files.evaluations].compactMap { $0.map { $0.0 + "\n" + $0.1 } }
                }
            }
            let first = render(Self.run(profile, seed: 42, speed: 60, seconds: 300))
            let second = render(Self.run(profile, seed: 42, speed: 60, seconds: 300))
            let other = render(Self.run(profile, seed: 43, speed: 60, seconds: 300))
            #expect(first == second)
            #expect(first != other)
            #expect(first.contains { $0.hasPrefix("intervals-") })
            #expect(first.contains { $0.hasPrefix("qa-") })
        }
    }

    /// Tickets are drawn whole at creation from their own streams: how often the site exports does not change them.
    @Test func ticketsDoNotDependOnExportTimes() {
        let often = Self.finalRecords(Self.run(.acmeSupport, step: 1, seconds: 3_600))
        let seldom = Self.finalRecords(Self.run(.acmeSupport, step: 7, seconds: 3_600))
        let early = often.filter { $0.value.createdAt < Self.start.addingTimeInterval(600) }
        #expect(early.count > 100)
        #expect(early.allSatisfy { $0.value.status == .closed })
        for (id, record) in early { #expect(seldom[id] == record) }
    }

    @Test func poissonRateIsRecovered() {
        // Flat curve: 3,600 an hour for 20,000 s → 20,000 expected (σ ≈ 141).
        var simulation = ProviderSimulation(profile: Self.plainProfile(ticketsPerHour: 3_600), configuration: .init(seed: 9, start: Self.start))
        _ = simulation.advance(to: Self.start.addingTimeInterval(20_000))
        #expect(abs(Double(simulation.ticketCount) / 20_000 - 1) < 0.03)
    }

    /// Arrivals follow the intraday curve and weekdays: over a simulated week at speed 600, the count matches the
    /// integral of the rate.
    @Test func intradayCurveShapesArrivals() {
        let profile = Self.plainProfile(ticketsPerHour: 7_200, curve: .officeHours)
        var simulation = ProviderSimulation(profile: profile, configuration: .init(seed: 5, start: Self.start, speed: 600))
        let seconds = 7 * 86_400 / 600.0
        var expected = 0.0
        var t = 0.0
        while t < seconds {
            expected += simulation.arrivalRate(at: Self.start.addingTimeInterval(t + 0.5))
            t += 1
        }
        var busiest = 0
        var quietest = Int.max
        var previous = 0
        for hour in 1...(7 * 24) {
            _ = simulation.advance(to: Self.start.addingTimeInterval(Double(hour) * 6))
            let created = simulation.ticketCount - previous
            previous = simulation.ticketCount
            busiest = max(busiest, created)
            quietest = min(quietest, created)
        }
        #expect(abs(Double(simulation.ticketCount) / expected - 1) < 0.05)
        #expect(busiest > 5 * max(quietest, 1))
    }

    @Test func logNormalTimesAreRecovered() {
        let profile = Self.plainProfile(ticketsPerHour: 3_600)
        // Tickets created in the first 8,000 s of a 16,000 s run: nearly all are solved by the end, so the sample is
        // not biased towards short times.
        let created = Self.finalRecords(Self.run(profile, seed: 11, step: 60, seconds: 16_000)).values
            .filter { $0.createdAt < Self.start.addingTimeInterval(8_000) }
        let records = created.filter { $0.solvedAt != nil }
        #expect(records.count > 7_500)
        #expect(Double(records.count) / Double(created.count) > 0.998)
        func fit(_ values: [Double]) -> (mu: Double, sigma: Double) {
            let logs = values.map { Foundation.log($0) }
            let mu = logs.reduce(0, +) / Double(logs.count)
            let variance = logs.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(logs.count - 1)
            return (mu, variance.squareRoot())
        }
        let firstReply = fit(records.map { $0.firstReplyAt!.timeIntervalSince($0.createdAt) })
        let handle = fit(records.map { $0.solvedAt!.timeIntervalSince($0.firstReplyAt!) })
        #expect(abs(firstReply.mu - Foundation.log(300)) < 0.03)
        #expect(abs(firstReply.sigma - 0.6) < 0.03)
        #expect(abs(handle.mu - Foundation.log(600)) < 0.03)
        #expect(abs(handle.sigma - 0.8) < 0.03)
        // The sampler itself, directly.
        var random = SimulationRandom(seed: 1, stream: "lognormal")
        let direct = fit((0..<50_000).map { _ in LogNormal(median: 42, sigma: 0.9).sample(&random) })
        #expect(abs(direct.mu - Foundation.log(42)) < 0.02)
        #expect(abs(direct.sigma - 0.9) < 0.02)
    }

    @Test func driftingProfileSlowsDown() {
        let profile = ProviderProfile.globexCare
        let records = Self.finalRecords(Self.run(profile, seed: 1, seconds: 1_200)).values.filter { $0.channel == .chat && $0.firstReplyAt != nil }
        func meanReply(createdIn range: Range<Double>) -> (mean: Double, overMinute: Double) {
            let replies = records.filter { range.contains($0.createdAt.timeIntervalSince(Self.start)) }
                .map { $0.firstReplyAt!.timeIntervalSince($0.createdAt) }
            return (replies.reduce(0, +) / Double(replies.count), Double(replies.filter { $0 > 60 }.count) / Double(replies.count))
        }
        let early = meanReply(createdIn: 0..<120)
        let late = meanReply(createdIn: 360..<480)
        #expect(late.mean > 1.6 * early.mean)
        #expect(late.overMinute > early.overMinute)
        // The backlog the run starts with already holds chats that will miss a one-minute first-reply target in the
        // run's first minute: created before the start, not replied to by the start, replied to more than 60 s after creation.
        let backlog = records.filter {
            $0.createdAt < Self.start && $0.firstReplyAt! > Self.start && $0.firstReplyAt!.timeIntervalSince($0.createdAt) > 60
        }
        #expect(backlog.count >= 3)
    }

    @Test func healthyProfileStaysSteady() {
        var simulation = ProviderSimulation(profile: .acmeSupport, configuration: .init(seed: 1, start: Self.start))
        #expect(simulation.staffingShare(at: Self.start.addingTimeInterval(600)) == 1)
        let step = simulation.advance(to: Self.start)
        #expect(step.newTickets > 0)  // the warm-up backlog
    }

    @Test func silenceSchedule() {
        let silence = ProviderProfile.initechHelp.silence!
        #expect(silence.windows(until: .seconds(700)) == [.seconds(30)..<(.seconds(60)), .seconds(330)..<(.seconds(360)), .seconds(630)..<(.seconds(660))])
        #expect(!silence.isSilent(atElapsed: .seconds(29)))
        #expect(silence.isSilent(atElapsed: .seconds(30)))
        #expect(silence.isSilent(atElapsed: .seconds(59)))
        #expect(!silence.isSilent(atElapsed: .seconds(60)))
        #expect(silence.isSilent(atElapsed: .seconds(345)))
        let single = SilenceSchedule(firstAfter: .seconds(10), duration: .seconds(5))
        #expect(single.windows(until: .seconds(1_000)) == [.seconds(10)..<(.seconds(15))])
    }

    /// Updates carry a strictly later `updated` time and the status history up to it.
    @Test func updatesMoveForward() {
        var latest: [String: TicketRecord] = [:]
        for step in Self.run(.acmeSupport, seconds: 300) {
            for ticket in step.tickets {
                if let before = latest[ticket.id] {
                    #expect(ticket.updatedAt > before.updatedAt)
                    #expect(ticket.statusChanges.starts(with: before.statusChanges))
                }
                #expect(ticket.validationProblem() == nil)
                #expect(ticket.statusChanges.last?.status == ticket.status)
                latest[ticket.id] = ticket
            }
        }
        #expect(latest.values.contains { $0.reopenCount > 0 })
        #expect(latest.values.contains { $0.csat != nil })
        #expect(latest.values.contains { $0.statusChanges.contains { $0.status == .pending } })
    }
}

