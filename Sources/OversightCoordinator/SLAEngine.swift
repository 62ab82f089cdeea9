//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The SLA engine at the coordinator: evaluates every changed ticket against its contract, records at-risk and
// breach moments (with their true instant, flagged late-data when the data came late), and keeps the next
// deadline of every open ticket in a scheduler so events leave on time without scanning stored tickets.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightModel
import OversightSLA
import OversightStore
import ServiceLifecycle

/// Evaluates tickets and fires their deadlines.
package actor SLAEngine {
    private let contracts: [String: Contract]
    private let store: any SLAStore
    private let logger: Logger
    private let sink: @Sendable (SLAEventRow) async -> Void
    private let settled: @Sendable ([TicketRecord]) async -> Void
    private var scheduler = DeadlineScheduler()
    private var sites: [TicketKey: String] = [:]

    /// A breach is "late data" when found more than this after its true moment.
    package static let lateTolerance: Duration = .seconds(5)

    /// Creates an engine.
    /// - Parameters:
    ///   - contracts: contracts by provider.
    ///   - store: where evaluations and events are recorded.
    ///   - sink: told about every newly recorded event (alerts).
    package init(
        contracts: [String: Contract], store: any SLAStore, logger: Logger, sink: @escaping @Sendable (SLAEventRow) async -> Void = { _ in },
        settled: @escaping @Sendable ([TicketRecord]) async -> Void = { _ in }
    ) {
        self.contracts = contracts
        self.store = store
        self.logger = logger
        self.sink = sink
        self.settled = settled
    }

    /// Loads contracts from every `*.contract.yaml` in `directory`, one provider per contract.
    package static func loadContracts(directory: String) throws -> [String: Contract] {
        var contracts: [String: Contract] = [:]
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".contract.yaml") }.sorted()
        for file in files {
            let contract = try Contract.load(file: directory + "/" + file)
            if let existing = contracts[contract.provider] {
                throw CoordinatorError(
                    .invalidArgument,
                    "\(file): provider \(contract.provider) already has a contract in \(existing.file ?? "another file"); use versions in one file"
                )
            }
            contracts[contract.provider] = contract
        }
        return contracts
    }

    /// Number of tickets with a scheduled deadline.
    package var scheduledCount: Int { self.scheduler.count }

    /// Rebuilds the scheduler from the store's open tickets (at start), and evaluates the settled tickets whose latest
    /// version was committed but never evaluated (the coordinator stopped in between, e.g. kill -9): their breaches
    /// would otherwise never be recorded, since a settled ticket is not scheduled.
    package func rebuild(now: Date = Date()) async throws {
        let open = try await self.store.openTickets()
        let unevaluated = try await self.store.ticketsAwaitingEvaluation(providers: Array(self.contracts.keys)).filter { !$0.status.isOpen }
        self.scheduler = DeadlineScheduler()
        self.scheduler.reserveCapacity(open.count)
        await self.observe(open + unevaluated, now: now)
        self.logger.info(
            "SLA engine ready",
            metadata: [
                "oversight.sla.open_tickets": "\(open.count)", "oversight.sla.scheduled": "\(self.scheduler.count)",
                "oversight.sla.recovered": "\(unevaluated.count)",
            ]
        )
    }

    /// Evaluates changed tickets: records their standing and any moment already passed, schedules the next.
    package func observe(_ tickets: [TicketRecord], now: Date = Date(), fromScheduler: Bool = false) async {
        defer { CoordinatorInstruments.deadlinesScheduled(self.scheduler.count) }
        var states: [TicketSLAState] = []
        var events: [SLAEventRow] = []
        let settled = tickets.filter { !$0.status.isOpen }
        if !settled.isEmpty { await self.settled(settled) }
        for ticket in tickets {
            let key = TicketKey(provider: ticket.provider, ticket: ticket.id)
            guard let terms = self.contracts[ticket.provider]?.terms(for: ticket) else {
                _ = self.scheduler.remove(key)
                continue
            }
            let clocks = TicketClocks(ticket: ticket, terms: terms, now: now)
            let evaluations = clocks.all
            var state = "met"
            if evaluations.contains(where: { $0.breachedAt != nil }) {
                state = "breached"
            } else if evaluations.contains(where: { $0.state == .running(atRisk: true) }) {
                state = "at_risk"
            } else if evaluations.contains(where: { $0.state == .running(atRisk: false) }) {
                state = "ok"
            } else if evaluations.contains(where: { $0.state == .paused }) {
                state = "paused"
            }
            var late = false
            for evaluation in evaluations {
                if let breachedAt = evaluation.breachedAt {
                    let isLate = !fromScheduler && now.timeIntervalSince(breachedAt) > Self.lateTolerance.seconds
                    late = late || isLate
                    events.append(
                        SLAEventRow(
                            provider: ticket.provider, site: ticket.site, ticketId: ticket.id, clock: evaluation.kind.rawValue, kind: "breach",
                            at: breachedAt, detectedAt: now, lateData: isLate
                        )
                    )
                } else if evaluation.state == .running(atRisk: true), let atRiskAt = evaluation.atRiskAt {
                    let isLate = !fromScheduler && now.timeIntervalSince(atRiskAt) > Self.lateTolerance.seconds
                    events.append(
                        SLAEventRow(
                            provider: ticket.provider, site: ticket.site, ticketId: ticket.id, clock: evaluation.kind.rawValue, kind: "at-risk",
                            at: atRiskAt, detectedAt: now, lateData: isLate
                        )
                    )
                }
            }
            let first = clocks.firstReply
            let resolution = clocks.resolution
            states.append(
                TicketSLAState(
                    provider: ticket.provider, ticketId: ticket.id, state: state, firstReplyDue: first?.deadline,
                    resolutionDue: resolution?.deadline, atRiskAt: evaluations.compactMap(\.atRiskAt).min(),
                    breachedAt: evaluations.compactMap(\.breachedAt).min(), lateData: late,
                    providerSeconds: clocks.split.provider.seconds, clientSeconds: clocks.split.client.seconds,
                    customerSeconds: clocks.split.customer.seconds, evaluatedAt: now
                )
            )
            if ticket.status.isOpen, let next = clocks.nextEvent(after: now) {
                self.scheduler.schedule(DeadlineEvent(key: key, at: next.at, kind: next.kind, clock: next.clock))
                self.sites[key] = ticket.site
            } else {
                _ = self.scheduler.remove(key)
                self.sites[key] = nil
            }
        }
        do {
            // Events first, standings after: a standing newer than the ticket's batch means "evaluated" at the next
            // start (``rebuild(now:)``), so it must not be written before the events it implies.
            for event in events where try await self.store.recordSLAEvent(event) {
                var metadata: Logger.Metadata = [
                    LogKey.provider: "\(event.provider)", LogKey.site: "\(event.site)", "oversight.ticket": "\(event.ticketId)",
                    "oversight.sla.clock": "\(event.clock)", "oversight.sla.at": "\(WireJSON.format(event.at))",
                ]
                if event.lateData { metadata["oversight.sla.late_data"] = "true" }
                self.logger.notice("SLA \(event.kind)", metadata: metadata)
                await self.sink(event)
            }
            try await self.store.updateSLA(states)
        } catch {
            self.logger.error("cannot record SLA evaluations", metadata: [LogKey.error: "\(error)"])
        }
    }

    /// Pops due deadlines and evaluates their tickets (read again from the store, so the engine holds no copies).
    /// - Returns: the number of events that came due.
    @discardableResult
    package func fireDue(now: Date = Date()) async -> Int {
        let due = self.scheduler.popDue(now: now)
        for event in due { CoordinatorInstruments.deadlineFired(lateness: now.timeIntervalSince(event.at)) }
        var tickets: [TicketRecord] = []
        for event in due {
            if let stored = try? await self.store.ticket(provider: event.key.provider, id: event.key.ticket) {
                tickets.append(stored.record)
            }
        }
        if !tickets.isEmpty { await self.observe(tickets, now: now, fromScheduler: true) }
        if !due.isEmpty && tickets.isEmpty { CoordinatorInstruments.deadlinesScheduled(self.scheduler.count) }
        return due.count
    }

    /// Evaluates the tickets whose stored version the engine has not evaluated yet: those other coordinators ingested
    /// (the lease holder's engine measures every coordinator's tickets) and any its own queue has not handed over yet.
    /// - Returns: how many tickets were evaluated.
    @discardableResult
    package func observeAwaiting(now: Date = Date()) async -> Int {
        guard !self.contracts.isEmpty else { return 0 }
        do {
            let tickets = try await self.store.ticketsAwaitingEvaluation(providers: Array(self.contracts.keys))
            if !tickets.isEmpty { await self.observe(tickets, now: now) }
            return tickets.count
        } catch {
            self.logger.info("cannot read the tickets awaiting evaluation", metadata: [LogKey.error: "\(error)"])
            return 0
        }
    }

    /// How long until the next deadline, if any.
    package func delay(now: Date = Date()) -> Duration? { self.scheduler.delay(now: now) }
}

/// Runs the SLA engine (rebuilt from the store before the listener starts): evaluates the tickets sessions hand over through
/// `changes` as soon as they arrive, and fires deadlines as they come due (polling at `tick`, so an event leaves within a tick of
/// its moment; the cost per tick is O(1) when nothing is due).
package struct SLAService: Service {
    let engine: SLAEngine
    let changes: TicketChangeQueue?
    let tick: Duration
    let storePoll: Duration?
    let isLeading: @Sendable () -> Bool
    let logger: Logger

    /// Creates the service.
    /// - Parameters:
    ///   - engine: the engine.
    ///   - changes: where sessions put changed tickets; `nil` when tickets reach the engine some other way.
    ///   - tick: the longest wait between deadline checks.
    ///   - storePoll: how often to evaluate tickets that reached the store through other coordinators
    ///     (``SLAEngine/observeAwaiting(now:)``); `nil` when this coordinator is the store's only writer.
    ///   - isLeading: whether this coordinator still holds the leader lease; checked before every step, so a holder
    ///     that lost it (paused past its lease, say) records nothing before it notices.
    package init(
        engine: SLAEngine, changes: TicketChangeQueue? = nil, tick: Duration = .milliseconds(200), storePoll: Duration? = nil,
        isLeading: @escaping @Sendable () -> Bool = { true }, logger: Logger
    ) {
        self.isLeading = isLeading
        self.engine = engine
        self.changes = changes
        self.tick = tick
        self.storePoll = storePoll
        self.logger = logger
    }

    package func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingDiscardingTaskGroup { group in
                    if let changes = self.changes {
                        group.addTask {
                            while !Task.isCancelled {
                                let seen = changes.generation
                                let tickets = changes.drain()
                                if !tickets.isEmpty && self.isLeading() { await self.engine.observe(tickets) }
                                await changes.waitForTickets(after: seen)
                            }
                        }
                    }
                    if let poll = self.storePoll {
                        group.addTask {
                            while !Task.isCancelled {
                                if self.isLeading() { await self.engine.observeAwaiting() }
                                try await Task.sleep(for: poll)
                            }
                        }
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            let delay = await self.engine.delay() ?? self.tick
                            try await Task.sleep(for: min(delay, self.tick))
                            if self.isLeading() { await self.engine.fireDue() }
                        }
                    }
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
