//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The console's ticket figures on every backend: the same records in, the same figures out — days in the provider's
// time zone across a DST change, nearest-rank backlog percentiles, at-risk and breach lists, freshness.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightTesting
import Testing

@testable import OversightStore

extension StoreBackendTests {
    /// An instant written as ISO 8601 (`2026-10-25T22:30:00Z`).
    static func utc(_ text: String) throws -> Date { try Date(text, strategy: .iso8601) }

    /// A ticket of `provider` as the SLA engine sees it.
    static func ticket(
        _ provider: String, _ site: String, _ id: String, status: TicketStatus = .open, created: Date = now, updated: Date = now,
        firstReply: Date? = nil, solved: Date? = nil, closed: Date? = nil, csat: Int? = nil
    ) -> TicketRecord {
        TicketRecord(
            provider: provider, site: site, id: id, status: status, createdAt: created, updatedAt: updated, firstReplyAt: firstReply,
            solvedAt: solved, closedAt: closed, csat: csat
        )
    }

    /// Commits `tickets` as the first batch of a new agent of `provider`.
    static func store(_ tickets: [TicketRecord], provider: String, in store: any CoordinatorStore, agent: String? = nil) async throws {
        let agent = agent ?? "agt_\(provider)"
        try await Self.enroll(store, agent: agent, provider: provider)
        let outcome = try await store.commit(
            IncomingBatch(
                agentId: agent, seq: 1, hash: "h-\(agent)", prev: genesisBatchHash, jws: FlattenedJWS(protected: "p", payload: agent, signature: "s"),
                receivedAt: Self.now, tickets: tickets
            )
        )
        #expect(outcome == .committed(applied: tickets.count, stale: 0))
    }

    /// Marks tickets as evaluated by the SLA engine (`state`, deadlines).
    static func evaluated(
        _ provider: String, _ ids: [String], state: String = "ok", firstReplyDue: Date? = nil, resolutionDue: Date? = nil, atRiskAt: Date? = nil
    ) -> [TicketSLAState] {
        ids.map {
            TicketSLAState(
                provider: provider, ticketId: $0, state: state, firstReplyDue: firstReplyDue, resolutionDue: resolutionDue, atRiskAt: atRiskAt,
                breachedAt: nil, lateData: false, providerSeconds: 0, clientSeconds: 0, customerSeconds: 0, evaluatedAt: Self.now
            )
        }
    }

    static func breach(_ provider: String, _ site: String, _ ticket: String, _ clock: String, at: Date) -> SLAEventRow {
        SLAEventRow(provider: provider, site: site, ticketId: ticket, clock: clock, kind: "breach", at: at, detectedAt: at + 1, lateData: false)
    }

    /// Europe/Paris leaves summer time on 2026-10-25 at 01:00 UTC (02:00 → 01:00 local time): before it an instant is
    /// two hours ahead of UTC, after it one. Each clock must count on the provider's local day, not the UTC day and not
    /// the day a fixed +02:00 would give; a fixed-offset zone and a provider without one (UTC) count too.
    @Test(arguments: StoreBackend.available)
    func dailyAttainmentCountsOnTheLocalDayAcrossADaylightSavingChange(backend: StoreBackend) async throws {
        let zones: [String: TimeZone] = [
            "acme": try #require(TimeZone(identifier: "Europe/Paris")), "gamma": try #require(TimeZone(secondsFromGMT: 5 * 3600 + 1800)),
        ]
        try await backend.withStore { store in
            let u = Self.utc
            try await Self.store(
                [
                    // Met first reply at 23:30 local (CET, after the change); +02:00 would put it on the 26th.
                    Self.ticket("acme", "paris", "T1", status: .solved, firstReply: try u("2026-10-25T22:30:00Z"), solved: try u("2026-10-25T23:20:00Z")),
                    // Met first reply at 00:05 local on the 26th.
                    Self.ticket("acme", "paris", "T2", firstReply: try u("2026-10-25T23:05:00Z")),
                    // Replied, but its first-reply clock breached: counts as missed only.
                    Self.ticket("acme", "paris", "T3", firstReply: try u("2026-10-24T23:00:00Z")),
                    // Replied, but no contract applies (the engine never evaluated it): not counted.
                    Self.ticket("acme", "paris", "T4", firstReply: try u("2026-10-25T10:00:00Z")),
                ],
                provider: "acme", in: store
            )
            try await store.updateSLA(Self.evaluated("acme", ["T1", "T2", "T3"]))
            for event in [
                // 23:50 CEST on the 24th, and 00:10 CEST on the 25th (still the 24th in UTC).
                Self.breach("acme", "paris", "B1", "first_reply", at: try u("2026-10-24T21:50:00Z")),
                Self.breach("acme", "paris", "T3", "first_reply", at: try u("2026-10-24T22:10:00Z")),
                Self.breach("beta", "lyon", "B2", "resolution", at: try u("2026-10-24T22:10:00Z")),
                // 00:10 on the 25th at +05:30.
                Self.breach("gamma", "manila", "B3", "first_reply", at: try u("2026-10-24T18:40:00Z")),
                // Outside the range.
                Self.breach("acme", "paris", "B4", "first_reply", at: try u("2026-10-23T23:59:00Z")),
            ] {
                #expect(try await store.recordSLAEvent(event))
            }
            let from = try u("2026-10-24T00:00:00Z")
            let to = try u("2026-10-27T00:00:00Z")
            let figures = try await store.dailyAttainment(from: from, to: to, provider: nil, timeZones: zones)
            #expect(
                figures == [
                    DailyAttainment(provider: "acme", site: "paris", day: "2026-10-24", clock: "first_reply", due: 1, met: 0),
                    DailyAttainment(provider: "acme", site: "paris", day: "2026-10-25", clock: "first_reply", due: 2, met: 1),
                    DailyAttainment(provider: "acme", site: "paris", day: "2026-10-26", clock: "first_reply", due: 1, met: 1),
                    DailyAttainment(provider: "acme", site: "paris", day: "2026-10-26", clock: "resolution", due: 1, met: 1),
                    DailyAttainment(provider: "beta", site: "lyon", day: "2026-10-24", clock: "resolution", due: 1, met: 0),
                    DailyAttainment(provider: "gamma", site: "manila", day: "2026-10-25", clock: "first_reply", due: 1, met: 0),
                ]
            )
            let beta = try await store.dailyAttainment(from: from, to: to, provider: "beta", timeZones: zones)
            #expect(beta.map(\.provider) == ["beta"])
            // Without the zones every day is the UTC day.
            let utcDays = try await store.dailyAttainment(from: from, to: to, provider: "acme", timeZones: [:])
            #expect(utcDays.filter { $0.clock == "first_reply" }.map(\.day) == ["2026-10-24", "2026-10-25"])
            #expect(utcDays.filter { $0.clock == "first_reply" }.map(\.due) == [2, 2])
            #expect(utcDays.filter { $0.clock == "first_reply" }.map(\.met) == [0, 2])
        }
    }

    @Test(arguments: StoreBackend.available)
    func dailyCSATCountsScoredTicketsOnTheirLocalDay(backend: StoreBackend) async throws {
        let zones: [String: TimeZone] = ["acme": try #require(TimeZone(identifier: "Europe/Paris"))]
        try await backend.withStore { store in
            let u = Self.utc
            try await Self.store(
                [
                    Self.ticket("acme", "paris", "T1", status: .solved, solved: try u("2026-10-25T23:20:00Z"), csat: 5),
                    // Closed without a solve time: counts at its close (00:30 CEST on the 25th).
                    Self.ticket("acme", "paris", "T2", status: .closed, closed: try u("2026-10-24T22:30:00Z"), csat: 3),
                    // Neither: counts at its last update.
                    Self.ticket("acme", "paris", "T3", updated: try u("2026-10-25T12:00:00Z"), csat: 4),
                    Self.ticket("acme", "paris", "T4", status: .solved, solved: try u("2026-10-25T12:00:00Z")),
                ],
                provider: "acme", in: store
            )
            let figures = try await store.dailyCSAT(
                from: try u("2026-10-24T00:00:00Z"), to: try u("2026-10-27T00:00:00Z"), provider: "acme", timeZones: zones
            )
            #expect(
                figures == [
                    DailyCSAT(provider: "acme", site: "paris", day: "2026-10-25", responses: 2, satisfied: 1, scoreSum: 7),
                    DailyCSAT(provider: "acme", site: "paris", day: "2026-10-26", responses: 1, satisfied: 1, scoreSum: 5),
                ]
            )
            #expect(try await store.dailyCSAT(from: self.now, to: self.now + 1, provider: nil, timeZones: zones).isEmpty)
        }
    }

    /// Nearest rank (the value at rank ⌈p·n⌉ of the ascending ages), never an interpolation: with four ages 100…400 the
    /// median is 200 (not 250) and the 90th percentile 400 (not 370); with five ages 10…50, 30 and 50.
    @Test(arguments: StoreBackend.available)
    func backlogPercentilesAreNearestRankForEvenAndOddCounts(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let now = self.now
            var tickets = [100.0, 400, 300, 200].enumerated().map { Self.ticket("acme", "paris", "P\($0.offset)", created: now - $0.element) }
            tickets += [50.0, 10, 40, 20, 30].enumerated().map { Self.ticket("acme", "lyon", "L\($0.offset)", created: now - $0.element) }
            // Created after `now` (a clock ahead): age 0, not negative.
            tickets.append(Self.ticket("acme", "cebu", "C0", created: now + 50, updated: now + 50))
            tickets.append(Self.ticket("acme", "paris", "S0", status: .solved, created: now - 9_000, solved: now - 10))
            tickets.append(Self.ticket("acme", "paris", "S1", status: .closed, created: now - 9_000, closed: now - 10))
            try await Self.store(tickets, provider: "acme", in: store)
            try await Self.store([Self.ticket("beta", "rome", "R0", created: now - 7)], provider: "beta", in: store)
            let figures = try await store.backlog(now: now, provider: "acme")
            #expect(
                figures == [
                    BacklogFigure(provider: "acme", site: "cebu", open: 1, oldestCreatedAt: now + 50, medianAgeSeconds: 0, p90AgeSeconds: 0),
                    BacklogFigure(provider: "acme", site: "lyon", open: 5, oldestCreatedAt: now - 50, medianAgeSeconds: 30, p90AgeSeconds: 50),
                    BacklogFigure(provider: "acme", site: "paris", open: 4, oldestCreatedAt: now - 400, medianAgeSeconds: 200, p90AgeSeconds: 400),
                ]
            )
            #expect(try await store.backlog(now: now, provider: nil).map(\.provider) == ["acme", "acme", "acme", "beta"])
            #expect(try await store.backlog(now: now, provider: "nobody").isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func newestRecordsAtRiskTicketsAndBreachLists(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let now = self.now
            try await Self.store(
                [
                    Self.ticket("acme", "paris", "T1", updated: now + 10), Self.ticket("acme", "paris", "T2", updated: now + 30),
                    Self.ticket("acme", "lyon", "T3", updated: now + 20), Self.ticket("acme", "lyon", "T4", status: .solved, updated: now + 5),
                    Self.ticket("acme", "lyon", "T5", updated: now + 5),
                ],
                provider: "acme", in: store
            )
            try await Self.store([Self.ticket("beta", "rome", "R1", updated: now + 40)], provider: "beta", in: store)
            #expect(try await store.newestRecords(provider: nil) == ["acme": ["paris": now + 30, "lyon": now + 20], "beta": ["rome": now + 40]])
            #expect(try await store.newestRecords(provider: "beta") == ["beta": ["rome": now + 40]])

            // The deadline is the earlier clock's; a solved ticket and one not at risk are left out.
            try await store.updateSLA(
                Self.evaluated("acme", ["T1"], state: "at_risk", firstReplyDue: now + 900, resolutionDue: now + 600, atRiskAt: now)
                    + Self.evaluated("acme", ["T2"], state: "at_risk", firstReplyDue: now + 300, resolutionDue: nil, atRiskAt: now + 1)
                    + Self.evaluated("acme", ["T3"], state: "at_risk", firstReplyDue: nil, resolutionDue: now + 450)
                    + Self.evaluated("acme", ["T4"], state: "at_risk", firstReplyDue: now + 100)
                    + Self.evaluated("acme", ["T5"], state: "ok", firstReplyDue: now + 50)
                    + Self.evaluated("beta", ["R1"], state: "at_risk", firstReplyDue: now + 200)
            )
            let atRisk = try await store.atRiskTickets(provider: "acme", limit: 10)
            #expect(
                atRisk == [
                    AtRiskTicket(provider: "acme", site: "paris", ticketId: "T2", clock: "first_reply", deadline: now + 300, atRiskAt: now + 1),
                    AtRiskTicket(provider: "acme", site: "lyon", ticketId: "T3", clock: "resolution", deadline: now + 450, atRiskAt: nil),
                    AtRiskTicket(provider: "acme", site: "paris", ticketId: "T1", clock: "resolution", deadline: now + 600, atRiskAt: now),
                ]
            )
            #expect(try await store.atRiskTickets(provider: nil, limit: 2).map(\.ticketId) == ["R1", "T2"])

            for (ticket, offset) in [("T1", 100.0), ("T2", 300), ("T3", 200), ("T5", 5_000)] {
                #expect(try await store.recordSLAEvent(Self.breach("acme", "paris", ticket, "first_reply", at: now + offset)))
            }
            #expect(try await store.recordSLAEvent(Self.breach("beta", "rome", "R1", "first_reply", at: now + 150)))
            let breaches = try await store.breaches(provider: "acme", from: now, to: now + 3600, limit: 10)
            #expect(breaches.map(\.ticketId) == ["T2", "T3", "T1"])
            #expect(breaches.first == Self.breach("acme", "paris", "T2", "first_reply", at: now + 300))
            #expect(try await store.breaches(provider: "acme", from: now, to: now + 3600, limit: 1).map(\.ticketId) == ["T2"])
        }
    }

    /// The listings and a scorecard's evidence read back exactly what was committed, in the same order on every backend.
    @Test(arguments: StoreBackend.available)
    func intervalAndEvaluationListingsAndEvidence(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            var lyon = self.interval("sales", slot: 1, csatScoreSum: nil)
            lyon.site = "lyon"
            lyon.shortAbandonSeconds = 5
            let intervals = [self.interval("sales", slot: 0), self.interval("billing", slot: 0), lyon, self.interval("billing", slot: 8)]
            var second = self.evaluation("E-2", score: 60, highImpact: 1)
            second.items = [EvaluationItem(item: "greeting", passed: false, impact: .high, weight: 2)]
            second.channel = .chat
            second.comments = "rude"
            var early = self.evaluation("E-3", score: 70, site: "lyon")
            early.evaluatedAt = self.now + 10
            let evaluations = [self.evaluation("E-1", score: 80), second, early]
            var breached = self.ticket("T1", updated: 10)
            breached.firstReplyAt = self.now + 5
            _ = try await store.commit(
                self.batch(1, prev: genesisBatchHash, hash: "h-1", [breached], intervals: intervals, evaluations: evaluations)
            )
            let listed = try await store.intervals(provider: "acme", site: nil, from: self.now, to: self.now + 3600, limit: 10)
            #expect(listed.map(\.record) == [intervals[1], intervals[0], lyon])
            #expect(listed.allSatisfy { $0.agentId == "agt_a" && $0.batchSeq == 1 })
            #expect(try await store.intervals(provider: "acme", site: "lyon", from: self.now, to: self.now + 3600, limit: 10).map(\.record) == [lyon])
            #expect(try await store.intervals(provider: "acme", site: nil, from: self.now, to: self.now + 3600, limit: 1).count == 1)

            let stored = try await store.evaluations(provider: "acme", site: nil, from: self.now, to: self.now + 3600, limit: 10)
            #expect(stored.map(\.record) == [early, evaluations[0], second])
            #expect(try await store.evaluations(provider: "acme", site: "paris", from: self.now, to: self.now + 3600, limit: 10).count == 2)

            #expect(try await store.recordSLAEvent(Self.breach("acme", "paris", "T1", "first_reply", at: self.now + 4)))
            #expect(try await store.recordSLAEvent(Self.breach("acme", "paris", "T1", "resolution", at: self.now + 8)))
            let evidence = try await store.evidence(provider: "acme", from: self.now, to: self.now + 3600, limit: 10)
            let start = WireJSON.format(self.now)
            let next = WireJSON.format(self.now + 900)
            #expect(
                evidence.map { "\($0.kind) \($0.key) \($0.agentId) \($0.batchSeq)" } == [
                    "ticket T1 agt_a 1", "interval billing|\(start) agt_a 1", "interval sales|\(start) agt_a 1",
                    "interval sales|\(next) agt_a 1", "evaluation E-3 agt_a 1", "evaluation E-1 agt_a 1", "evaluation E-2 agt_a 1",
                ]
            )
        }
    }
}
