//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One simulated provider site over time: arrivals, ticket lives, telephony intervals, QA evaluations.
//
//===----------------------------------------------------------------------===//

import Foundation
internal import OversightModel

/// One provider site's systems, simulated: call ``advance(to:)`` with the current instant, get what an export at
/// that instant contains.
///
/// **Two clocks.** Every timestamp is *wall* time — tickets, evaluations and interval reports — so the SLA engine
/// measures them against the wall clock, and they fall in the periods (day, week, month) the coordinator shows. The
/// *simulated* clock (`simulatedStart + (now − start) × speed`) only says where in the working day and week the site
/// is: from the run's start it shapes the volume of new tickets and of contacts through the intraday curve. At speed 60
/// a simulated hour passes every wall minute; the volume per wall hour stays the profile's.
///
/// **Interval reports.** Each contact queue (``ProviderProfile/contactQueues``) reports 15-minute intervals dated on
/// the wall clock. The first export backfills the intervals since ``Configuration/intervalHistoryFrom`` (history, its
/// volume following the site's real day at those hours); after that, every export restates the interval under way
/// with the contacts that have ended so far and, once it is over, states it finally. No interval lies ahead of the
/// export instant, so none is refused as being in the future.
///
/// **Determinism.** Arrivals (a non-homogeneous Poisson process, by thinning), ticket lives, telephony and QA each
/// draw from their own stream of the seed, so the same seed and the same export instants give identical output, and
/// the tickets themselves do not depend on how often exports happen.
package struct ProviderSimulation: Sendable {
    /// When the run starts and how its simulated clock runs.
    package struct Configuration: Sendable, Hashable {
        /// The run's seed.
        package var seed: UInt64
        /// Wall instant at which the run starts.
        package var start: Date
        /// Simulated instant at ``start``.
        package var simulatedStart: Date
        /// Simulated seconds per wall second.
        package var speed: Double
        /// Wall instant from which the first export backfills interval reports (dated in the past); `nil`: from the
        /// interval the run starts in.
        package var intervalHistoryFrom: Date?

        /// Creates a configuration.
        /// - Parameters:
        ///   - seed: the seed.
        ///   - start: wall start.
        ///   - simulatedStart: simulated instant at the start (default: the wall start).
        ///   - speed: acceleration of the simulated day (default 1).
        ///   - intervalHistoryFrom: start of the backfilled interval history (default: none).
        package init(seed: UInt64, start: Date, simulatedStart: Date? = nil, speed: Double = 1, intervalHistoryFrom: Date? = nil) {
            self.seed = seed
            self.start = start
            self.simulatedStart = simulatedStart ?? start
            self.speed = speed
            self.intervalHistoryFrom = intervalHistoryFrom
        }
    }

    /// The site.
    package let profile: ProviderProfile
    /// The run.
    package let configuration: Configuration
    private var arrivals: SimulationRandom
    private var lives: SimulationRandom
    private var telephony: SimulationRandom
    private var nextCandidate: Date
    private var nextNumber: Int
    private var active: [SimulatedTicket] = []
    private var lastExport: Date
    /// Per contact queue: the start of the next interval to draw, the interval under way, and the contacts its last
    /// statement counted (an unchanged interval is not restated).
    private var nextInterval: [Date]
    private var openInterval: [IntervalReport.Draw?]
    private var lastStated: [Int]
    /// Tickets created so far (including the warm-up backlog).
    package private(set) var ticketCount = 0

    /// Creates the site's simulation; the warm-up backlog is simulated on the first ``advance(to:)``.
    /// - Parameters:
    ///   - profile: the site.
    ///   - configuration: the run.
    package init(profile: ProviderProfile, configuration: Configuration) {
        self.profile = profile
        self.configuration = configuration
        let stream = profile.provider + "/" + profile.site
        self.arrivals = SimulationRandom(seed: configuration.seed, stream: stream + "/arrivals")
        self.lives = SimulationRandom(seed: configuration.seed, stream: stream + "/lives")
        self.telephony = SimulationRandom(seed: configuration.seed, stream: stream + "/telephony")
        self.nextNumber = profile.firstNumber
        self.lastExport = configuration.start.addingTimeInterval(-profile.warmUp.timeInterval)
        self.nextCandidate = self.lastExport
        let from = min(configuration.intervalHistoryFrom ?? configuration.start, configuration.start)
        self.nextInterval = profile.contactQueues.map { queue in
            let seconds = Double(queue.intervalMinutes * 60)
            return Date(timeIntervalSince1970: (from.timeIntervalSince1970 / seconds).rounded(.down) * seconds)
        }
        self.openInterval = profile.contactQueues.map { _ in nil }
        self.lastStated = profile.contactQueues.map { _ in -1 }
        self.nextCandidate = self.lastExport.addingTimeInterval(self.arrivals.exponential(mean: self.meanCandidateGap))
    }

    /// The simulated instant at wall instant `wall`.
    package func simulated(_ wall: Date) -> Date {
        self.configuration.simulatedStart.addingTimeInterval(wall.timeIntervalSince(self.configuration.start) * self.configuration.speed)
    }

    /// The wall instant at which the simulated clock shows `simulated`.
    package func wall(_ simulated: Date) -> Date {
        self.configuration.start.addingTimeInterval(simulated.timeIntervalSince(self.configuration.simulatedStart) / self.configuration.speed)
    }

    /// New tickets per wall second at wall instant `wall`.
    package func arrivalRate(at wall: Date) -> Double {
        self.profile.ticketsPerHour / 3600 * self.profile.curve.factor(at: self.simulated(wall), timeZone: self.profile.timeZone)
    }

    /// Share of the needed staff present at wall instant `wall`.
    package func staffingShare(at wall: Date) -> Double {
        self.profile.staffing.share(atElapsed: wall.timeIntervalSince(self.configuration.start))
    }

    /// Mean gap between candidate arrivals at the curve's peak (the thinning bound).
    private var meanCandidateGap: Double {
        3600 / max(self.profile.ticketsPerHour * self.profile.curve.peak, 1e-9)
    }

    /// Tickets not yet finished (they may still change).
    package var openTickets: [SimulatedTicket] { self.active }

    /// Simulates up to `now` and returns what an export at `now` contains: tickets created or changed since the
    /// previous export (the first export also carries the warm-up backlog), completed intervals and evaluations.
    package mutating func advance(to now: Date) -> SimulationStep {
        let previous = self.lastExport
        guard now > previous else { return SimulationStep(at: now, tickets: [], newTickets: 0, intervals: [], evaluations: []) }
        // Arrivals by thinning: candidates at the peak rate, each kept with probability rate(t) / peak rate.
        let peakRate = self.profile.ticketsPerHour * self.profile.curve.peak / 3600
        while self.nextCandidate <= now {
            let candidate = self.nextCandidate
            if peakRate > 0, self.arrivals.uniform() < self.arrivalRate(at: candidate) / peakRate {
                self.active.append(self.plan(createdAt: candidate))
            }
            self.nextCandidate = candidate.addingTimeInterval(self.arrivals.exponential(mean: self.meanCandidateGap))
        }
        var tickets: [TicketRecord] = []
        var evaluations: [QAEvaluation] = []
        var created = 0
        for ticket in self.active {
            if ticket.createdAt > previous && ticket.createdAt <= now { created += 1 }
            if ticket.changed(after: previous, upTo: now),
                let record = ticket.record(provider: self.profile.provider, site: self.profile.site, at: now)
            {
                tickets.append(record)
            }
            if let evaluation = ticket.evaluation, evaluation.evaluatedAt > previous, evaluation.evaluatedAt <= now {
                evaluations.append(evaluation)
            }
        }
        self.active.removeAll { $0.finalAt <= now && ($0.evaluation?.evaluatedAt ?? .distantPast) <= now }
        let intervals = self.intervals(upTo: now)
        self.lastExport = now
        return SimulationStep(
            at: now, tickets: tickets.sorted { $0.id < $1.id }, newTickets: created, intervals: intervals,
            evaluations: evaluations.sorted { ($0.evaluatedAt, $0.interactionRef) < ($1.evaluatedAt, $1.interactionRef) }
        )
    }

    /// The instant whose place in the intraday curve sets the volume at wall instant `wall`: the wall instant itself
    /// before the run (history), the simulated instant from the run's start on (as for new tickets).
    private static func curveInstant(_ wall: Date, _ configuration: Configuration) -> Date {
        guard wall >= configuration.start else { return wall }
        return configuration.simulatedStart.addingTimeInterval(wall.timeIntervalSince(configuration.start) * configuration.speed)
    }

    /// The interval statements an export at `now` carries: every interval that ended since the previous export, in
    /// full, and the one under way with the contacts that have ended so far.
    private mutating func intervals(upTo now: Date) -> [IntervalReport] {
        var reports: [IntervalReport] = []
        let profile = self.profile
        for (index, queue) in profile.contactQueues.enumerated() {
            let length = Double(queue.intervalMinutes * 60)
            let perInterval = queue.callsPerHour * length / 3600
            while true {
                if let draw = self.openInterval[index] {
                    let report = draw.report(at: now)
                    if report.isFinal {
                        reports.append(report)
                        self.openInterval[index] = nil
                        self.lastStated[index] = -1
                        continue
                    }
                    if report.offered > 0, report.offered != self.lastStated[index] {
                        reports.append(report)
                        self.lastStated[index] = report.offered
                    }
                    break
                }
                let start = self.nextInterval[index]
                guard start <= now else { break }
                let (curve, zone, staffing, configuration) = (profile.curve, profile.timeZone, profile.staffing, self.configuration)
                let peak = max(curve.peak, 1e-9)
                let middle = Self.curveInstant(start.addingTimeInterval(length / 2), configuration)
                self.openInterval[index] = IntervalReport.draw(
                    start: start, forecast: perInterval * curve.factor(at: middle, timeZone: zone), peakForecast: perInterval * peak,
                    volume: { curve.factor(at: Self.curveInstant($0, configuration), timeZone: zone) / peak },
                    staffingShare: { staffing.share(atElapsed: $0.timeIntervalSince(configuration.start)) },
                    profile: queue, random: &self.telephony
                )
                self.nextInterval[index] = start.addingTimeInterval(length)
            }
        }
        return reports
    }

    /// Draws a new ticket's whole life.
    private mutating func plan(createdAt arrival: Date) -> SimulatedTicket {
        let profile = self.profile
        let number = self.nextNumber
        self.nextNumber += 1
        self.ticketCount += 1
        var random = self.lives
        defer { self.lives = random }
        let digits = String(number)
        let id = profile.idPrefix + String(repeating: "0", count: max(0, profile.idDigits - digits.count)) + digits
        let channel = profile.channels[random.pick(weights: profile.channels.map(\.share))]
        let priorities = Priority.allCases
        let priority = priorities[random.pick(weights: priorities.map { profile.priorities[$0] ?? 0 })]
        let queue = random.element(of: profile.queues)
        var tags: [String] = []
        if !profile.tags.isEmpty {
            for _ in 0..<random.pick(weights: [0.4, 0.4, 0.2]) {
                let tag = random.element(of: profile.tags)
                if !tags.contains(tag) { tags.append(tag) }
            }
        }
        let assignee = random.element(of: profile.assignees)

        // Every instant is a whole second, at least one second after the previous event.
        let createdAt = Date(timeIntervalSince1970: arrival.timeIntervalSince1970.rounded(.up))
        func after(_ instant: Date, _ seconds: Double) -> Date {
            Date(timeIntervalSince1970: instant.timeIntervalSince1970 + max(1, seconds.rounded()))
        }
        let slowdown = profile.staffing.replySlowdown(atElapsed: createdAt.timeIntervalSince(self.configuration.start))
        let replyDelay = channel.firstReply.sample(&random) * slowdown
        let firstReplyAt = after(createdAt, replyDelay)
        var changes = [TicketRecord.StatusChange(status: .new, at: createdAt), .init(status: .open, at: firstReplyAt)]
        let handle = channel.handle.sample(&random)
        var cursor = firstReplyAt
        if random.bernoulli(profile.pendingShare) {
            let split = 0.2 + 0.6 * random.uniform()
            cursor = after(cursor, handle * split)
            changes.append(.init(status: .pending, at: cursor))
            cursor = after(cursor, profile.pending.sample(&random))
            changes.append(.init(status: .open, at: cursor))
            cursor = after(cursor, handle * (1 - split))
        } else {
            cursor = after(cursor, handle)
        }
        changes.append(.init(status: .solved, at: cursor))
        let firstSolve = cursor
        if random.bernoulli(profile.reopenShare) {
            cursor = after(cursor, profile.reopenAfter.sample(&random))
            changes.append(.init(status: .open, at: cursor))
            cursor = after(cursor, channel.handle.sample(&random) * 0.5)
            changes.append(.init(status: .solved, at: cursor))
        }
        cursor = after(cursor, profile.closeAfter.sample(&random))
        changes.append(.init(status: .closed, at: cursor))
        var csat: SimulatedTicket.Answer?
        if random.bernoulli(profile.csatShare) {
            let slow = replyDelay > 2 * channel.firstReply.median
            let score = 1 + random.pick(weights: slow ? profile.csatScoresWhenSlow : profile.csatScores)
            csat = .init(score: score, at: after(firstSolve, profile.csatAfter.sample(&random)))
        }
        var evaluation: QAEvaluation?
        if random.bernoulli(profile.quality.sampleShare) {
            let at = after(firstSolve, profile.quality.delay.sample(&random))
            evaluation = QAEvaluation.draw(ticket: id, at: at, profile: profile.quality, random: &random)
        }
        return SimulatedTicket(
            id: id, channel: channel.channel, priority: priority, queue: queue, tags: tags, assignee: assignee, createdAt: createdAt,
            firstReplyAt: firstReplyAt, changes: changes, csat: csat, evaluation: evaluation
        )
    }
}
