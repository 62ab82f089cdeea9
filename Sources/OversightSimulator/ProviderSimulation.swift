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
/// **Two clocks.** Ticket timestamps are *wall* time — the SLA engine measures them against the wall clock, so SLA
/// clocks are never accelerated. The *simulated* clock (`simulatedStart + (now − start) × speed`) only says where in
/// the working day and week the site is: it shapes the arrival rate through the intraday curve and stamps the
/// telephony intervals. At speed 60 a simulated hour passes every wall minute; the volume per wall hour stays the
/// profile's.
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

        /// Creates a configuration.
        /// - Parameters:
        ///   - seed: the seed.
        ///   - start: wall start.
        ///   - simulatedStart: simulated instant at the start (default: the wall start).
        ///   - speed: acceleration of the simulated day (default 1).
        package init(seed: UInt64, start: Date, simulatedStart: Date? = nil, speed: Double = 1) {
            self.seed = seed
            self.start = start
            self.simulatedStart = simulatedStart ?? start
            self.speed = speed
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
    private var nextInterval: Date
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
        let minutes = Double(profile.telephony.intervalMinutes * 60)
        self.nextInterval = Date(timeIntervalSince1970: (configuration.simulatedStart.timeIntervalSince1970 / minutes).rounded(.up) * minutes)
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
        var intervals: [IntervalReport] = []
        let length = Double(self.profile.telephony.intervalMinutes * 60)
        while self.nextInterval.addingTimeInterval(length) <= self.simulated(now) {
            let start = self.nextInterval
            let forecast = self.profile.telephony.callsPerHour * length / 3600
                * self.profile.curve.factor(at: start.addingTimeInterval(length / 2), timeZone: self.profile.timeZone)
            intervals.append(
                IntervalReport.simulate(
                    start: start, forecast: forecast, staffingShare: self.staffingShare(at: self.wall(start.addingTimeInterval(length))),
                    profile: self.profile.telephony, random: &self.telephony
                )
            )
            self.nextInterval = start.addingTimeInterval(length)
        }
        self.lastExport = now
        return SimulationStep(
            at: now, tickets: tickets.sorted { $0.id < $1.id }, newTickets: created, intervals: intervals,
            evaluations: evaluations.sorted { ($0.evaluatedAt, $0.interactionRef) < ($1.evaluatedAt, $1.interactionRef) }
        )
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
