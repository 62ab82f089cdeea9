//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One store suite, run against every backend: SQLite (in memory) and PostgreSQL (a throw-away cluster the test
// process starts itself; skipped with the reason printed when no PostgreSQL is installed, never on CI).
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightModel
import OversightStorePostgres
import OversightTesting
import Testing

@testable import OversightStore

/// A store backend under test.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgresql

    var testDescription: String { self.rawValue }

    /// The backends this machine can test: PostgreSQL only where its binaries are (always on CI, where a missing
    /// PostgreSQL fails the run instead of skipping it).
    static let available: [StoreBackend] = {
        if let reason = PostgresCluster.unavailableReason, ProcessInfo.processInfo.environment["CI"] == nil {
            print("note: PostgreSQL store tests skipped: \(reason)")
            return [.sqlite]
        }
        return [.sqlite, .postgresql]
    }()

    /// Runs `body` with a new, empty, migrated store of this backend.
    func withStore(_ body: @Sendable (any CoordinatorStore) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await body(try SQLiteStore())
        case .postgresql:
            let cluster = try PostgresCluster.shared()
            let database = try cluster.createDatabase()
            var logger = Logger(label: "store-test")
            logger.logLevel = .warning
            let configuration = PostgresStore.Configuration(
                host: "127.0.0.1", port: cluster.port, database: database, username: cluster.username, tls: .disable
            )
            try await PostgresStore.withStore(configuration: configuration, logger: logger) { store in try await body(store) }
        }
    }
}

/// What every backend must do alike (the rules of docs/security.md and docs/sla.md as the store holds them).
@Suite struct StoreBackendTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    var now: Date { Self.now }

    static func enroll(_ store: any CoordinatorStore, agent: String = "agt_a", provider: String = "acme", site: String = "paris") async throws {
        try await store.createToken(hash: "h-\(agent)", provider: provider, site: site, createdAt: Self.now, expiresAt: Self.now + 3600)
        _ = try await store.consumeToken(
            hash: "h-\(agent)",
            agent: NewAgent(id: agent, hostname: "host", signingKey: "x", certificateSerial: "1", certificateNotAfter: Self.now + 86400),
            now: Self.now
        )
    }

    func ticket(_ id: String, updated: TimeInterval, status: TicketStatus = .open, site: String = "paris") -> TicketRecord {
        TicketRecord(provider: "acme", site: site, id: id, status: status, createdAt: self.now, updatedAt: self.now + updated)
    }

    func batch(
        _ seq: Int64, prev: String, hash: String, agent: String = "agt_a", _ tickets: [TicketRecord], intervals: [IntervalRecord] = [],
        evaluations: [EvaluationRecord] = []
    ) -> IncomingBatch {
        IncomingBatch(
            agentId: agent, seq: seq, hash: hash, prev: prev, jws: FlattenedJWS(protected: "p", payload: "x\(seq)", signature: "s"),
            receivedAt: self.now, tickets: tickets, intervals: intervals, evaluations: evaluations
        )
    }

    func interval(_ queue: String, slot: Int, offered: Int = 10, updated: TimeInterval = 0, csatScoreSum: Int? = 7) -> IntervalRecord {
        IntervalRecord(
            provider: "acme", site: "paris", queue: queue, start: self.now + Double(slot) * 900, minutes: 15, thresholdSeconds: 20,
            offered: offered, answered: 8, answeredWithinThreshold: 6, abandoned: 2, shortAbandons: 1, totalAnswerDelaySeconds: 84,
            totalHandleTimeSeconds: 2400, csatResponses: 2, csatSatisfied: 1, csatScoreSum: csatScoreSum, fcrResponses: 3, fcrYes: 2,
            agentsStaffed: 4, updatedAt: self.now + updated
        )
    }

    func evaluation(_ id: String, score: Double, highImpact: Int = 0, updated: TimeInterval = 0, site: String = "paris") -> EvaluationRecord {
        EvaluationRecord(
            provider: "acme", site: site, id: id, interactionRef: "T-\(id)", queue: "billing", evaluator: "qa1", scorecard: "sc",
            scorecardVersion: "1", evaluatedAt: self.now + 60, highImpactErrors: highImpact, lowImpactErrors: 1, score: score,
            comments: nil, updatedAt: self.now + updated
        )
    }

    @Test(arguments: StoreBackend.available)
    func tokenIsOneTimeAndExpires(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            let agent = NewAgent(id: "agt_b", hostname: "h", signingKey: "x", certificateSerial: "2", certificateNotAfter: self.now)
            await #expect(throws: TokenProblem.used) { try await store.consumeToken(hash: "h-agt_a", agent: agent, now: self.now) }
            await #expect(throws: TokenProblem.unknown) { try await store.consumeToken(hash: "nope", agent: agent, now: self.now) }
            try await store.createToken(hash: "h2", provider: "acme", site: "paris", createdAt: self.now, expiresAt: self.now + 10)
            await #expect(throws: TokenProblem.expired) { try await store.consumeToken(hash: "h2", agent: agent, now: self.now + 11) }
            #expect(try await store.agent(id: "agt_b") == nil)
            let stored = try #require(try await store.agent(id: "agt_a"))
            #expect(stored.provider == "acme" && stored.site == "paris" && stored.lastSeq == 0 && stored.lastHash == genesisBatchHash)
        }
    }

    @Test(arguments: StoreBackend.available)
    func commitsInOrderAndAcknowledgesDuplicates(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            let first = try await store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 10)]))
            #expect(first == .committed(applied: 1, stale: 0))
            let again = try await store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 99)]))
            #expect(again == .duplicate)
            #expect(try await store.ticket(provider: "acme", id: "T1")?.record.updatedAt == self.now + 10)
            let agent = try #require(try await store.agent(id: "agt_a"))
            #expect(agent.lastSeq == 1 && agent.lastHash == "h-1")
            let batch = try #require(try await store.batch(agentId: "agt_a", seq: 1))
            #expect(batch.hash == "h-1" && batch.jws.payload == "x1" && batch.recordCount == 1)
            #expect(try await store.ticketCount() == 1)
        }
    }

    @Test(arguments: StoreBackend.available)
    func ticketFieldsRoundTrip(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            var full = self.ticket("T1", updated: 10)
            full.agentReplies = [self.now + 60, self.now + 3_600.5]
            full.customerMessages = []
            full.tags = ["vip", "quote\"d"]
            full.queue = "billing"
            full.assignee = "a1"
            full.csat = 5
            full.firstReplyAt = self.now + 60
            full.statusChanges = [.init(status: .pending, at: self.now + 5)]
            let plain = self.ticket("T2", updated: 10)
            _ = try await store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [full, plain]))
            let stored = try #require(try await store.ticket(provider: "acme", id: "T1"))
            #expect(stored.record == full)
            #expect(stored.agentId == "agt_a" && stored.batchSeq == 1)
            #expect(try await store.ticket(provider: "acme", id: "T2")?.record.agentReplies == nil)
            let open = try await store.openTickets().sorted { $0.id < $1.id }
            #expect(open.map(\.agentReplies) == [[self.now + 60, self.now + 3_600.5], nil])
        }
    }

    @Test(arguments: StoreBackend.available)
    func gapAsksForTheFirstMissingBatchAndBrokenChainsAreRefused(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            _ = try await store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 10)]))
            let gap = try await store.commit(self.batch(3, prev: "h-2", hash: "h-3", [self.ticket("T2", updated: 10)]))
            #expect(gap == .gap(expected: 2, lastHash: "h-1"))
            #expect(try await store.ticket(provider: "acme", id: "T2") == nil)
            let wrongPrev = try await store.commit(self.batch(2, prev: "not-h-1", hash: "h-2", [self.ticket("T1", updated: 20)]))
            #expect(wrongPrev == .chainMismatch(expectedPrev: "h-1"))
            let rewrite = try await store.commit(self.batch(1, prev: genesisBatchHash, hash: "other", [self.ticket("T1", updated: 30)]))
            #expect(rewrite == .chainMismatch(expectedPrev: "h-1"))
            #expect(try await store.ticket(provider: "acme", id: "T1")?.record.updatedAt == self.now + 10)
            #expect(try await store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", agent: "agt_nobody", [])) == .unknownAgent)
        }
    }

    @Test(arguments: StoreBackend.available)
    func olderUpdateNeverOverwritesNewerAndABatchMayCarryATicketTwice(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            _ = try await store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 50, status: .solved)]))
            let stale = try await store.commit(
                self.batch(2, prev: "h-1", hash: "h-2", [self.ticket("T1", updated: 40, status: .open), self.ticket("T1", updated: 50, status: .open)])
            )
            #expect(stale == .committed(applied: 0, stale: 2))
            let stored = try #require(try await store.ticket(provider: "acme", id: "T1"))
            #expect(stored.record.status == .solved && stored.batchSeq == 1)
            // In one batch: 60 applies, 55 is stale, 70 applies; the newest is stored and both changes are reported.
            let result = try await store.commitReportingChanges(
                self.batch(
                    3, prev: "h-2", hash: "h-3",
                    [self.ticket("T1", updated: 60, status: .open), self.ticket("T1", updated: 55, status: .pending), self.ticket("T1", updated: 70, status: .closed)]
                )
            )
            #expect(result.outcome == .committed(applied: 2, stale: 1))
            #expect(result.appliedTickets.map(\.updatedAt) == [self.now + 60, self.now + 70])
            #expect(try await store.ticket(provider: "acme", id: "T1")?.record.status == .closed)
        }
    }

    @Test(arguments: StoreBackend.available)
    func reportsOnlyTheTicketsThatChangedAndListsOpenOnes(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            _ = try await store.commit(
                self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 50), self.ticket("T2", updated: 50, status: .solved)])
            )
            let result = try await store.commitReportingChanges(
                self.batch(2, prev: "h-1", hash: "h-2", [self.ticket("T1", updated: 40), self.ticket("T3", updated: 10, status: .pending)])
            )
            #expect(result.outcome == .committed(applied: 1, stale: 1))
            #expect(result.appliedTickets.map(\.id) == ["T3"])
            #expect(try await store.openTickets().map(\.id).sorted() == ["T1", "T3"])
        }
    }

    @Test(arguments: StoreBackend.available)
    func aRecordNeverMovesToAnotherSiteAndTheWholeBatchIsRolledBack(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store, agent: "agt_h", site: "manila-1")
            try await Self.enroll(store, agent: "agt_c", site: "cebu-1")
            #expect(
                try await store.commit(self.batch(1, prev: genesisBatchHash, hash: "m-1", agent: "agt_h", [self.ticket("F-1", updated: 0, site: "manila-1")]))
                    == .committed(applied: 1, stale: 0)
            )
            let outcome = try await store.commit(
                self.batch(
                    1, prev: genesisBatchHash, hash: "c-1", agent: "agt_c",
                    [self.ticket("C-1", updated: 0, site: "cebu-1"), self.ticket("F-1", updated: 60, status: .closed, site: "cebu-1")]
                )
            )
            #expect(outcome == .wrongSite(kind: "ticket", key: "F-1", storedSite: "manila-1"))
            #expect(try await store.ticket(provider: "acme", id: "C-1") == nil)
            #expect(try await store.agent(id: "agt_c")?.lastSeq == 0)
            #expect(try await store.ticket(provider: "acme", id: "F-1")?.record.status == .open)
            let evaluations = try await store.commit(
                self.batch(1, prev: genesisBatchHash, hash: "c-1", agent: "agt_c", [], evaluations: [self.evaluation("E-1", score: 90, site: "cebu-1")])
            )
            #expect(evaluations == .committed(applied: 1, stale: 0))
            let moved = try await store.commit(
                self.batch(2, prev: "m-1", hash: "m-2", agent: "agt_h", [], evaluations: [self.evaluation("E-1", score: 10, updated: 5, site: "manila-1")])
            )
            #expect(moved == .wrongSite(kind: "evaluation", key: "E-1", storedSite: "cebu-1"))
        }
    }

    @Test(arguments: StoreBackend.available)
    func revokedAgentCannotCommit(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            #expect(try await store.revoke(agentId: "agt_a", now: self.now))
            #expect(try await store.revoke(agentId: "agt_nobody", now: self.now) == false)
            #expect(try await store.revokedAgentIds() == ["agt_a"])
            let outcome = try await store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 10)]))
            #expect(outcome == .revoked)
        }
    }

    @Test(arguments: StoreBackend.available)
    func statusHeartbeatsAndMetrics(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            _ = try await store.commit(
                self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 10), self.ticket("T2", updated: 20, status: .solved)])
            )
            try await store.recordHeartbeat(
                agentId: "agt_a",
                info: HeartbeatInfo(
                    version: "1", outboxDepth: 3, outboxBytes: 10, oldestUnsentAgeSeconds: 1, outboxFull: false, lastSourceError: nil,
                    lastAckedSeq: 1, sentAt: self.now
                ),
                now: self.now
            )
            let report = try await store.status(now: self.now + 30, offlineAfter: .seconds(90))
            let provider = try #require(report.providers.first)
            #expect(provider.provider == "acme" && provider.tickets == 2 && provider.openTickets == 1 && provider.agentsOnline == 1)
            #expect(provider.sites.map(\.site) == ["paris"])
            #expect(try await store.status(now: self.now + 300, offlineAfter: .seconds(90)).providers.first?.agentsOnline == 0)
            let agent = try #require(try await store.agent(id: "agt_a"))
            #expect(agent.outboxDepth == 3 && agent.version == "1" && agent.connected)
            let snapshot = try await store.metricsSnapshot()
            #expect(snapshot.agents.map(\.batches) == [1] && snapshot.agents.first?.outboxDepth == 3)
            #expect(try await store.recordCount(agentId: "agt_a", after: 0, through: 1) == 2)
            try await store.recordSecurityEvent(SecurityEvent(at: self.now, agentId: "agt_a", address: "10.0.0.1", kind: "forged", detail: "bad"))
            #expect(try await store.securityEventCounts(since: self.now - 1) == ["forged": 1])
            #expect(try await store.securityEvents(limit: 5).map(\.kind) == ["forged"])
            let readiness = try await store.readiness()
            #expect(readiness.isReady)
        }
    }

    @Test(arguments: StoreBackend.available)
    func slaStateEventsAndPages(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            let state = TicketSLAState(
                provider: "acme", ticketId: "T1", state: "at_risk", firstReplyDue: self.now + 3600, resolutionDue: nil, atRiskAt: self.now + 1800,
                breachedAt: nil, lateData: false, providerSeconds: 10, clientSeconds: 0, customerSeconds: 5, evaluatedAt: self.now
            )
            try await store.updateSLA([state])
            var later = state
            later.state = "breached"
            later.breachedAt = self.now + 3600
            try await store.updateSLA([later])
            #expect(try await store.ticketSLA(provider: "acme", id: "T1") == later)
            let event = SLAEventRow(
                provider: "acme", site: "paris", ticketId: "T1", clock: "first_reply", kind: "breach", at: self.now + 3600, detectedAt: self.now + 3601,
                lateData: false
            )
            #expect(try await store.recordSLAEvent(event))
            #expect(try await store.recordSLAEvent(event) == false)
            var other = event
            other.ticketId = "T2"
            other.site = "lyon"
            #expect(try await store.recordSLAEvent(other))
            #expect(try await store.slaEvents(limit: 10).map(\.ticketId) == ["T2", "T1"])
            let page = try await store.slaEventPage(provider: "acme", site: "paris", providers: nil, before: nil, limit: 10)
            #expect(page.map(\.event) == [event])
            let first = try await store.slaEventPage(provider: nil, site: nil, providers: ["acme"], before: nil, limit: 1)
            let second = try await store.slaEventPage(provider: nil, site: nil, providers: ["acme"], before: first.last?.id, limit: 1)
            #expect(first.map(\.event.ticketId) == ["T2"] && second.map(\.event.ticketId) == ["T1"])
            #expect(try await store.slaEventPage(provider: nil, site: nil, providers: [], before: nil, limit: 10).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func intervalAndEvaluationTotalsAreSums(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            let outcome = try await store.commit(
                self.batch(
                    1, prev: genesisBatchHash, hash: "h-1", [],
                    intervals: [self.interval("billing", slot: 0), self.interval("billing", slot: 1, csatScoreSum: nil), self.interval("sales", slot: 0)],
                    evaluations: [self.evaluation("E-1", score: 80), self.evaluation("E-2", score: 60, highImpact: 1)]
                )
            )
            #expect(outcome == .committed(applied: 5, stale: 0))
            // A newer version replaces, an older one is stale.
            let again = try await store.commit(
                self.batch(
                    2, prev: "h-1", hash: "h-2", [],
                    intervals: [self.interval("billing", slot: 0, offered: 20, updated: 5), self.interval("sales", slot: 0, offered: 99, updated: -5)]
                )
            )
            #expect(again == .committed(applied: 1, stale: 1))
            let totals = try await store.intervalTotals(provider: "acme", scope: .all, from: self.now, to: self.now + 3600)
            #expect(totals.intervals == 3 && totals.offered == 40 && totals.answered == 24 && totals.csatScoreSum == 14)
            #expect(totals.csatScoredResponses == 4 && totals.minThresholdSeconds == 20 && totals.minutes == 45 && totals.staffedMinutes == 180)
            let billing = try await store.intervalTotals(provider: "acme", site: nil, queue: "billing", from: self.now, to: self.now + 3600)
            #expect(billing.intervals == 2 && billing.offered == 30)
            #expect(try await store.intervalCounts() == ["acme": 3])
            let qa = try await store.qaTotals(provider: "acme", scope: RecordScope(queues: ["billing"]), from: self.now, to: self.now + 3600)
            #expect(qa == QAEvaluationTotals(evaluations: 2, scoreSum: 140, flagged: 1))
            #expect(try await store.evaluationCounts() == ["acme": 2])
        }
    }

    @Test(arguments: StoreBackend.available)
    func periodCountsAndStandings(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            var met = self.ticket("T1", updated: 10, status: .solved)
            met.firstReplyAt = self.now + 60
            met.solvedAt = self.now + 600
            met.csat = 5
            var breached = self.ticket("T2", updated: 10, status: .solved)
            breached.solvedAt = self.now + 700
            breached.reopenCount = 1
            _ = try await store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [met, breached]))
            let states = ["T1", "T2"].map {
                TicketSLAState(
                    provider: "acme", ticketId: $0, state: "met", firstReplyDue: nil, resolutionDue: nil, atRiskAt: nil, breachedAt: nil, lateData: false,
                    providerSeconds: 0, clientSeconds: 0, customerSeconds: 0, evaluatedAt: self.now
                )
            }
            try await store.updateSLA(states)
            _ = try await store.recordSLAEvent(
                SLAEventRow(
                    provider: "acme", site: "paris", ticketId: "T2", clock: "first_reply", kind: "breach", at: self.now + 300, detectedAt: self.now + 300,
                    lateData: false
                )
            )
            let counts = try await store.periodTicketCounts(provider: "acme", scope: .all, from: self.now, to: self.now + 3600)
            #expect(counts.firstReplyDue == 2 && counts.firstReplyMet == 1)
            #expect(counts.resolutionDue == 2 && counts.resolutionMet == 2 && counts.solved == 2 && counts.solvedFirstContact == 1)
            #expect(counts.csatAnswers == 1 && counts.csatSatisfied == 1 && counts.csatScoreSum == 5)
            let scoped = try await store.periodTicketCounts(provider: "acme", scope: RecordScope(sites: ["lyon"]), from: self.now, to: self.now + 3600)
            #expect(scoped.solved == 0)
            let standing = AggregateStandingRow(
                provider: "acme", targetId: "asa", figure: "service_level", variant: nil, periodKind: "month", periodLabel: "2026-09",
                periodStart: self.now - 86400, periodEnd: self.now + 86400, value: 0.8, referenceValue: nil, referenceVariant: nil, projected: 0.79,
                target: 0.8, comparison: "at_least", unit: "ratio", state: "met", summary: "80 %", elapsedShare: 0.5, evaluatedAt: self.now
            )
            var newer = standing
            newer.value = 0.7
            newer.state = "at_risk"
            try await store.recordAggregateStandings([standing])
            try await store.recordAggregateStandings([newer])
            #expect(try await store.aggregateStandings(provider: "acme", containing: self.now, limit: 10) == [newer])
            #expect(try await store.aggregateStandings(provider: nil, containing: self.now + 2 * 86400, limit: 10).isEmpty)
        }
    }
}

/// What only a shared database has to show: coordinators racing on one agent's sequence, and on the migrations.
@Suite(.enabled(if: StoreBackend.available.contains(.postgresql), "PostgreSQL binaries not found"))
struct PostgresStoreTests {
    @Test func twoCommitsOfOneSeqRacingCommitExactlyOnce() async throws {
        try await StoreBackend.postgresql.withStore { store in
            try await StoreBackendTests.enroll(store)
            let now = StoreBackendTests.now
            func batch(_ hash: String, _ id: String) -> IncomingBatch {
                IncomingBatch(
                    agentId: "agt_a", seq: 1, hash: hash, prev: genesisBatchHash, jws: FlattenedJWS(protected: "p", payload: hash, signature: "s"),
                    receivedAt: now, tickets: [TicketRecord(provider: "acme", site: "paris", id: id, status: .open, createdAt: now, updatedAt: now)]
                )
            }
            // The same batch sent twice at once (an agent reconnected to another coordinator): one commit, one duplicate.
            async let first = store.commit(batch("h-1", "T1"))
            async let second = store.commit(batch("h-1", "T1"))
            let outcomes = try await [first, second]
            #expect(outcomes.filter { $0 == .committed(applied: 1, stale: 0) }.count == 1)
            #expect(outcomes.filter { $0 == .duplicate }.count == 1)
            #expect(try await store.ticketCount() == 1)
        }
    }

    /// Two coordinators are two connection pools: each round, both commit a different batch for the same seq (two
    /// connections of one agent, one to each coordinator, or a forged second batch). The agent row's lock in the commit
    /// transaction lets exactly one commit; the other finds the seq taken (`chainMismatch`), and only the winners'
    /// records are stored.
    @Test func twoPoolsRacingDifferentBatchesForOneSeqCommitOneOfThem() async throws {
        let cluster = try PostgresCluster.shared()
        let database = try cluster.createDatabase()
        var quiet = Logger(label: "store-test")
        quiet.logLevel = .warning
        let logger = quiet
        let configuration = PostgresStore.Configuration(host: "127.0.0.1", port: cluster.port, database: database, username: cluster.username, tls: .disable)
        try await PostgresStore.withStore(configuration: configuration, logger: logger) { first in
            try await PostgresStore.withStore(configuration: configuration, logger: logger, migrating: false) { second in
                try await StoreBackendTests.enroll(first)
                let now = StoreBackendTests.now
                func batch(_ seq: Int64, _ side: String, prev: String) -> IncomingBatch {
                    IncomingBatch(
                        agentId: "agt_a", seq: seq, hash: "\(side)-\(seq)", prev: prev,
                        jws: FlattenedJWS(protected: "p", payload: "\(side)-\(seq)", signature: "s"), receivedAt: now,
                        tickets: [TicketRecord(provider: "acme", site: "paris", id: "\(side)-\(seq)", status: .open, createdAt: now, updatedAt: now)]
                    )
                }
                var prev = genesisBatchHash
                var winners: [String] = []
                for seq in Int64(1)...20 {
                    let (batchX, batchY) = (batch(seq, "x", prev: prev), batch(seq, "y", prev: prev))
                    async let x = first.commit(batchX)
                    async let y = second.commit(batchY)
                    let (outcomeX, outcomeY) = try await (x, y)
                    let committed = [outcomeX, outcomeY].filter { $0 == .committed(applied: 1, stale: 0) }.count
                    #expect(committed == 1, "seq \(seq): \(outcomeX), \(outcomeY)")
                    let loser = outcomeX == .committed(applied: 1, stale: 0) ? outcomeY : outcomeX
                    #expect(loser == .chainMismatch(expectedPrev: outcomeX == .committed(applied: 1, stale: 0) ? "x-\(seq)" : "y-\(seq)"), "seq \(seq): \(loser)")
                    prev = outcomeX == .committed(applied: 1, stale: 0) ? "x-\(seq)" : "y-\(seq)"
                    winners.append(prev)
                }
                #expect(try await second.ticketCount() == 20)
                #expect(try await first.agent(id: "agt_a")?.lastSeq == 20)
                for (index, hash) in winners.enumerated() {
                    #expect(try await second.batch(agentId: "agt_a", seq: Int64(index + 1))?.hash == hash)
                }
            }
        }
    }

    @Test func migrationsApplyOnceUnderTheLock() async throws {
        try await StoreBackend.postgresql.withStore { store in
            let postgres = try #require(store as? PostgresStore)
            // withStore migrated already; concurrent reruns (coordinators starting together) find nothing to do.
            async let a = postgres.migrate()
            async let b = postgres.migrate()
            let (first, second) = try await (a, b)
            #expect(first.isEmpty && second.isEmpty)
            #expect(try await postgres.migrate(dryRun: true).isEmpty)
            let known = PostgresStore.migrations.count
            #expect(known >= 3)
            #expect(
                try await postgres.readiness()
                    == StoreReadiness(knownMigrations: known, appliedMigrations: known, migrationsComplete: true, supersededByNewerVersion: false)
            )
        }
    }
}
