//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// First-reply and resolution clocks of one ticket.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel

/// A ticket's first-reply and resolution clocks, evaluated from its status timeline at an instant.
///
/// ## Rules
/// - **First reply**: business time from creation to the first public agent reply (`firstReplyAt`),
///   not paused (PRODUCT.md §5). Met once: later replies and reopens do not restart it. A ticket
///   solved without a public reply stops the clock at the solve.
/// - **Resolution**: business time from creation, counting only while the ticket is open, not in a
///   pause status, and held by the provider. It stops when the ticket is solved or closed.
/// - **Reopen rule**: a reopen (solved or closed → an open status) resumes the resolution clock
///   where it stopped: the target applies to the total over all open spans. A ticket that met its
///   target can therefore breach after a reopen; its breach instant is the moment the resumed clock
///   passes the target.
/// - **Deadline and breach**: the deadline is the earliest instant at which the counted time reaches
///   the target, projecting the current course (a running clock keeps running). The clock is
///   breached when the deadline passes while it is still due; stopped exactly at the deadline is met.
/// - **At risk**: once the contract's share (default 80 %) of the target has elapsed.
/// - **Late data**: everything is recomputed from the timeline, so evaluating a ticket whose deadline
///   passed while its data was in transit gives the true breach instant, not the moment it was seen.
/// - **Next reply** (needs the record's `customerMessages` and `agentReplies`): every customer message
///   after the first public reply starts a cycle, unless one is already waiting; the next public agent
///   reply ends it. Each cycle counts business time, not paused, like the first reply. The clock is
///   breached at the first cycle that passes its target; otherwise the open cycle (if any) runs.
/// - **Periodic update** (needs `agentReplies`): from the first public reply on, each stretch between
///   public agent replies — and the stretch after the last one while the ticket is open — counts only
///   provider-held, unpaused business time (as resolution does) and must stay within the target.
///   A solve ends the last stretch.
package struct TicketClocks: Sendable {
    /// The first-reply clock, if the terms have a first-reply target.
    package var firstReply: ClockEvaluation?
    /// The resolution clock, if the terms have a resolution target.
    package var resolution: ClockEvaluation?
    /// The next-reply clock, if the terms have a next-reply target and the record carries its message history.
    package var nextReply: ClockEvaluation?
    /// The periodic-update clock, if the terms have a periodic-update target and the record carries its replies.
    package var periodicUpdate: ClockEvaluation?

    /// Every clock the terms and the record allow, in a fixed order.
    package var all: [ClockEvaluation] { [self.firstReply, self.nextReply, self.periodicUpdate, self.resolution].compactMap { $0 } }
    /// Open business time split by who held the clock.
    package var split: HolderSplit
    /// The timeline as known at the evaluation instant.
    package var timeline: StatusTimeline

    /// Evaluates a ticket's clocks at `now`. Status changes after `now` are ignored.
    /// - Parameters:
    ///   - ticket: The ticket record.
    ///   - terms: The terms it is measured by (``Contract/terms(for:)``).
    ///   - now: The evaluation instant.
    package init(ticket: TicketRecord, terms: ContractTerms, now: Date) {
        let calendar = terms.calendar
        let timeline = StatusTimeline(ticket: ticket, rules: terms.clockHolders).asOf(now)
        self.timeline = timeline

        var split = HolderSplit()
        var counted: [Run] = []
        for segment in timeline.segments where segment.status.isOpen {
            let end = segment.end ?? max(now, segment.start)
            let business = calendar.businessDuration(from: segment.start, to: end)
            let paused = terms.pauseStatuses.contains(segment.status)
            switch (segment.holder, paused) {
            case (.provider, false): split.provider += business
            case (.provider, true): split.pausedProvider += business
            case (.client, _): split.client += business
            case (.customer, _): split.customer += business
            }
            if segment.holder == .provider && !paused {
                if let last = counted.last, last.end == segment.start {
                    counted[counted.count - 1].end = segment.end
                } else {
                    counted.append(Run(start: segment.start, end: segment.end))
                }
            }
        }
        self.split = split

        if let target = terms.targets.resolution {
            let current = timeline.segments.last
            let stoppedAt = current.flatMap { $0.status.isOpen ? nil : $0.start }
            let running = counted.last.map { $0.end == nil } ?? false
            self.resolution = Self.evaluate(
                .resolution, runs: counted, target: target, share: terms.atRiskShare, calendar: calendar, now: now,
                stoppedAt: stoppedAt, running: running
            )
        }
        if let target = terms.targets.firstReply {
            var stop = ticket.firstReplyAt.map { max($0, ticket.createdAt) } ?? timeline.firstStop
            if let value = stop, value > now { stop = nil }
            self.firstReply = Self.evaluate(
                .firstReply, runs: [Run(start: ticket.createdAt, end: stop)], target: target, share: terms.atRiskShare,
                calendar: calendar, now: now, stoppedAt: stop, running: stop == nil
            )
        }
        let replies = (ticket.agentReplies ?? []).filter { $0 <= now }
        let firstReply = ticket.firstReplyAt.map { max($0, ticket.createdAt) } ?? replies.first
        let solvedAt = timeline.segments.last.flatMap { $0.status.isOpen ? nil : $0.start }
        if let target = terms.targets.nextReply, let messages = ticket.customerMessages, ticket.agentReplies != nil, let firstReply {
            // Cycles: the first customer message after the first reply (or after the reply that answered the previous
            // cycle) opens one; the next agent reply closes it.
            var cycles: [(runs: [Run], closed: Bool)] = []
            var index = 0
            var answeredUntil = firstReply
            for message in messages where message > answeredUntil && message <= now {
                while index < replies.count, replies[index] <= message { index += 1 }
                let answer = index < replies.count ? replies[index] : nil
                let end = answer ?? (solvedAt.map { max($0, message) })
                cycles.append(([Run(start: message, end: end)], end != nil))
                guard let answer else { break }
                answeredUntil = answer
            }
            self.nextReply = Self.evaluateCycles(.nextReply, cycles: cycles, target: target, terms: terms, now: now)
        }
        if let target = terms.targets.periodicUpdate, ticket.agentReplies != nil, let firstReply, firstReply <= now {
            // Stretches between public updates, cut to the counted (provider-held, unpaused) runs.
            let anchors = [firstReply] + replies.filter { $0 > firstReply }
            var cycles: [(runs: [Run], closed: Bool)] = []
            for (position, anchor) in anchors.enumerated() {
                let end = position + 1 < anchors.count ? anchors[position + 1] : nil
                cycles.append((Self.clip(counted, from: anchor, to: end), end != nil || solvedAt != nil))
            }
            self.periodicUpdate = Self.evaluateCycles(.periodicUpdate, cycles: cycles, target: target, terms: terms, now: now)
        }
    }

    /// The parts of `runs` between `from` and `to` (`nil`: open-ended).
    static func clip(_ runs: [Run], from: Date, to: Date?) -> [Run] {
        runs.compactMap { run in
            let start = max(run.start, from)
            let end: Date? =
                switch (run.end, to) {
                case (nil, nil): nil
                case (let end?, nil): end
                case (nil, let to?): to
                case (let end?, let to?): min(end, to)
                }
            if let end, end <= start { return nil }
            return Run(start: start, end: end)
        }
    }

    /// A clock measured in cycles (next reply, periodic update): breached at the earliest cycle that passed its target,
    /// else the last cycle's state — running, paused (an open cycle whose counted time stopped, as while pending) or met
    /// (a closed cycle). No cycle yet: met.
    static func evaluateCycles(
        _ kind: TicketClockKind, cycles: [(runs: [Run], closed: Bool)], target: Duration, terms: ContractTerms, now: Date
    ) -> ClockEvaluation {
        var evaluations: [ClockEvaluation] = []
        for cycle in cycles {
            let running = !cycle.closed && cycle.runs.last.map { $0.end == nil } == true
            let stoppedAt = cycle.closed ? (cycle.runs.last?.end ?? cycle.runs.first?.start ?? now) : nil
            evaluations.append(
                Self.evaluate(
                    kind, runs: cycle.runs, target: target, share: terms.atRiskShare, calendar: terms.calendar, now: now,
                    stoppedAt: stoppedAt, running: running
                )
            )
        }
        if let breached = evaluations.filter({ $0.breachedAt != nil }).min(by: { $0.breachedAt! < $1.breachedAt! }) { return breached }
        return evaluations.last
            ?? ClockEvaluation(kind: kind, target: target, elapsed: .zero, atRiskAt: nil, deadline: nil, state: .met(at: now))
    }

    /// The next at-risk or breach moment after `now` of a running clock, to hand to a ``DeadlineScheduler``.
    package func nextEvent(after now: Date) -> (at: Date, kind: DeadlineEvent.Kind, clock: TicketClockKind)? {
        var best: (at: Date, kind: DeadlineEvent.Kind, clock: TicketClockKind)?
        for evaluation in self.all {
            guard case .running = evaluation.state else { continue }
            var candidate: (Date, DeadlineEvent.Kind)?
            if let atRisk = evaluation.atRiskAt, atRisk > now {
                candidate = (atRisk, .atRisk)
            } else if let deadline = evaluation.deadline, deadline > now {
                candidate = (deadline, .breach)
            }
            if let (at, kind) = candidate, at < (best?.at ?? .distantFuture) { best = (at, kind, evaluation.kind) }
        }
        return best
    }

    // MARK: - One clock

    /// A span in which the clock counts; `end == nil` while it still counts.
    struct Run: Hashable {
        var start: Date
        var end: Date?
    }

    static func evaluate(
        _ kind: TicketClockKind, runs: [Run], target: Duration, share: Double, calendar: BusinessCalendar, now: Date,
        stoppedAt: Date?, running: Bool
    ) -> ClockEvaluation {
        let targetSeconds = BusinessCalendar.seconds(target)
        var elapsed = Duration.zero
        for run in runs where run.start < now {
            elapsed += calendar.businessDuration(from: run.start, to: min(run.end ?? now, now))
        }
        let reached = Self.reaching(targetSeconds, runs: runs, calendar: calendar)
        let atRiskAt = Self.reaching(targetSeconds * share, runs: runs, calendar: calendar)?.instant
        var breachAt: Date?
        if let reached {
            if let end = runs[reached.run].end, reached.instant >= end {
                // The clock stopped (or paused) exactly on its target: it breaches only if it counts again.
                for run in runs[(reached.run + 1)...] {
                    if let next = calendar.nextBusinessInstant(atOrAfter: run.start), next < (run.end ?? .distantFuture) {
                        breachAt = next
                        break
                    }
                }
            } else {
                breachAt = reached.instant
            }
        }
        let state: ClockState
        if let breachAt, breachAt <= now {
            state = .breached(at: breachAt)
        } else if let stoppedAt {
            state = .met(at: stoppedAt)
        } else if running {
            state = .running(atRisk: atRiskAt.map { $0 <= now } ?? false)
        } else {
            state = .paused
        }
        let deadline: Date?
        switch state {
        case .paused: deadline = nil
        default: deadline = breachAt
        }
        return ClockEvaluation(kind: kind, target: target, elapsed: elapsed, atRiskAt: atRiskAt, deadline: deadline, state: state)
    }

    /// The earliest instant at which the runs hold `seconds` of business time, and the run it falls in.
    static func reaching(_ seconds: Double, runs: [Run], calendar: BusinessCalendar) -> (instant: Date, run: Int)? {
        var remaining = seconds
        for (index, run) in runs.enumerated() {
            guard let end = run.end else {
                return calendar.deadline(from: run.start, adding: BusinessCalendar.duration(seconds: remaining)).map { ($0, index) }
            }
            let available = BusinessCalendar.seconds(calendar.businessDuration(from: run.start, to: end))
            if remaining <= available {
                let instant = calendar.deadline(from: run.start, adding: BusinessCalendar.duration(seconds: remaining)) ?? end
                return (min(instant, end), index)
            }
            remaining -= available
        }
        return nil
    }
}
