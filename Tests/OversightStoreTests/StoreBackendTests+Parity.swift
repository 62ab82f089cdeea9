//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One generated data set (a year of tickets, breaches, intervals and evaluations over providers in zones with
// daylight-saving changes, half-hour and 45-minute offsets) stored in SQLite and in PostgreSQL: every figure read must
// come out identical. The hand-written cases pin the rules; this one catches the corners nobody wrote down.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightTesting
import Synchronization
import Testing

@testable import OversightStore

/// SplitMix64: the same sequence on every machine, so a failure can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension StoreBackendTests {
    static let parityZones: [String: TimeZone] = [
        "acme": TimeZone(identifier: "Europe/Paris"), "beta": TimeZone(identifier: "America/New_York"),
        "gamma": TimeZone(identifier: "Australia/Lord_Howe"), "delta": TimeZone(identifier: "Asia/Kathmandu"),
        "omega": TimeZone(secondsFromGMT: -(3 * 3600 + 1800)),
    ].compactMapValues { $0 }

    /// Everything the generated data set holds, in the order it is stored.
    struct ParityData: Sendable {
        var batches: [IncomingBatch] = []
        var states: [TicketSLAState] = []
        var events: [SLAEventRow] = []
    }

    static func parityData(seed: UInt64) -> ParityData {
        var random = SeededGenerator(state: seed)
        var data = ParityData()
        let providers = ["acme", "beta", "gamma", "delta", "omega", "zeta"]
        let sites = ["paris", "lyon", "Zürich", "cebu-1"]
        let start = Self.now - 200 * 86400
        var used = Set<Double>()
        /// A time in the year around `now`, to the quarter second, never the same twice (no ties in any order).
        func instant() -> Date {
            while true {
                let seconds = (Double(Int.random(in: 0..<(400 * 86400 * 4), using: &random)) / 4).rounded(.down) + 0.25
                if used.insert(seconds).inserted { return start + seconds }
            }
        }
        for (index, provider) in providers.enumerated() {
            var tickets: [TicketRecord] = []
            var intervals: [IntervalRecord] = []
            var evaluations: [EvaluationRecord] = []
            for number in 0..<60 {
                let site = sites[Int.random(in: 0..<sites.count, using: &random)]
                let created = instant()
                let statuses: [TicketStatus] = [.new, .open, .pending, .onHold, .solved, .closed]
                let status = statuses[Int.random(in: 0..<statuses.count, using: &random)]
                var ticket = TicketRecord(provider: provider, site: site, id: "T\(number)", status: status, createdAt: created, updatedAt: instant())
                if Bool.random(using: &random) { ticket.firstReplyAt = instant() }
                if status == .solved || (status == .closed && Bool.random(using: &random)) { ticket.solvedAt = instant() }
                if status == .closed { ticket.closedAt = instant() }
                if Int.random(in: 0..<3, using: &random) == 0 { ticket.csat = Int.random(in: 1...5, using: &random) }
                tickets.append(ticket)
                if Int.random(in: 0..<4, using: &random) > 0 {
                    let states = ["ok", "at_risk", "breached", "met"]
                    data.states.append(
                        TicketSLAState(
                            provider: provider, ticketId: ticket.id, state: states[Int.random(in: 0..<states.count, using: &random)],
                            firstReplyDue: Bool.random(using: &random) ? instant() : nil, resolutionDue: Bool.random(using: &random) ? instant() : nil,
                            atRiskAt: Bool.random(using: &random) ? instant() : nil, breachedAt: nil, lateData: false, providerSeconds: 0,
                            clientSeconds: 0, customerSeconds: 0, evaluatedAt: Self.now
                        )
                    )
                }
                for clock in ["first_reply", "resolution"] where Int.random(in: 0..<3, using: &random) == 0 {
                    let at = instant()
                    data.events.append(
                        SLAEventRow(
                            provider: provider, site: site, ticketId: ticket.id, clock: clock, kind: "breach", at: at, detectedAt: at + 1, lateData: false
                        )
                    )
                }
                if number < 20 {
                    intervals.append(
                        IntervalRecord(
                            provider: provider, site: site, queue: "q\(number % 3)", start: instant(), minutes: 15, thresholdSeconds: 20,
                            offered: number, answered: number / 2, answeredWithinThreshold: number / 3, abandoned: 1, updatedAt: instant()
                        )
                    )
                    evaluations.append(
                        EvaluationRecord(
                            provider: provider, site: site, id: "E\(number)", interactionRef: ticket.id, evaluator: "qa", scorecard: "sc",
                            scorecardVersion: "1", evaluatedAt: instant(), highImpactErrors: number % 2, lowImpactErrors: 0,
                            score: Double(number) * 2.5, updatedAt: instant()
                        )
                    )
                }
            }
            data.batches.append(
                IncomingBatch(
                    agentId: "agt_\(index)", seq: 1, hash: "h-\(index)", prev: genesisBatchHash,
                    jws: FlattenedJWS(protected: "p", payload: provider, signature: "s"), receivedAt: Self.now, tickets: tickets,
                    intervals: intervals, evaluations: evaluations
                )
            )
        }
        return data
    }

    /// Every figure read of the store, as text (one line per value), for comparing backends.
    static func figureReads(_ store: any CoordinatorStore) async throws -> [String: [String]] {
        let from = Self.now - 250 * 86400
        let to = Self.now + 250 * 86400
        var reads: [String: [String]] = [:]
        reads["dailyAttainment"] = try await store.dailyAttainment(from: from, to: to, provider: nil, timeZones: Self.parityZones).map { "\($0)" }
        reads["dailyAttainment(beta)"] = try await store.dailyAttainment(from: from, to: to, provider: "beta", timeZones: Self.parityZones).map { "\($0)" }
        reads["dailyCSAT"] = try await store.dailyCSAT(from: from, to: to, provider: nil, timeZones: Self.parityZones).map { "\($0)" }
        reads["backlog"] = try await store.backlog(now: Self.now, provider: nil).map { "\($0)" }
        reads["newestRecords"] = try await store.newestRecords(provider: nil).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.sorted { $0.key < $1.key })" }
        reads["atRiskTickets"] = try await store.atRiskTickets(provider: nil, limit: 1_000).map { "\($0)" }
        reads["integrityFindings"] = try await store.integrityFindings(latest: Self.now, limit: 10_000).map { "\($0)" }
        for provider in ["acme", "gamma", "zeta"] {
            reads["breaches(\(provider))"] = try await store.breaches(provider: provider, from: from, to: to, limit: 1_000).map { "\($0)" }
            reads["evidence(\(provider))"] = try await store.evidence(provider: provider, from: from, to: to, limit: 1_000).map { "\($0)" }
            reads["intervals(\(provider))"] = try await store.intervals(provider: provider, site: nil, from: from, to: to, limit: 1_000).map { "\($0)" }
            reads["evaluations(\(provider))"] = try await store.evaluations(provider: provider, site: nil, from: from, to: to, limit: 1_000).map { "\($0)" }
        }
        reads["auditRows"] = try await store.auditRows(
            windows: ["acme", "beta", "delta"].map { AuditWindow(provider: $0) }, site: nil, limit: 1_000, offset: 3
        ).map { "\($0)" }
        reads["evaluationProviders"] = try await store.evaluationProviders()
        return reads
    }

    @Test(.enabled(if: StoreBackend.available.contains(.postgresql), "PostgreSQL binaries not found"))
    func generatedDataGivesIdenticalFiguresOnSQLiteAndPostgreSQL() async throws {
        #expect(Self.parityZones.count == 5)
        let data = Self.parityData(seed: 12)
        let results = ResultBox()
        for backend in [StoreBackend.sqlite, .postgresql] {
            try await backend.withStore { store in
                for (index, batch) in data.batches.enumerated() {
                    try await Self.enroll(store, agent: batch.agentId, provider: ["acme", "beta", "gamma", "delta", "omega", "zeta"][index])
                    #expect(try await store.commit(batch) == .committed(applied: batch.tickets.count + batch.intervals.count + batch.evaluations.count, stale: 0))
                }
                try await store.updateSLA(data.states)
                for event in data.events { _ = try await store.recordSLAEvent(event) }
                results.set(backend, try await Self.figureReads(store))
            }
        }
        let sqlite = results.get(.sqlite)
        let postgresql = results.get(.postgresql)
        #expect(sqlite.keys.sorted() == postgresql.keys.sorted())
        for key in sqlite.keys.sorted() {
            #expect(sqlite[key] ?? [] == postgresql[key] ?? [], "\(key) differs between SQLite and PostgreSQL")
        }
        #expect((sqlite["dailyAttainment"] ?? []).count > 100 && (sqlite["backlog"] ?? []).count > 10)
        #expect((sqlite["atRiskTickets"] ?? []).count > 5 && (sqlite["integrityFindings"] ?? []).isEmpty == false)
    }
}

/// The reads of each backend, filled from inside the stores' bodies.
final class ResultBox: Sendable {
    private let values = Mutex<[StoreBackend: [String: [String]]]>([:])
    func set(_ backend: StoreBackend, _ reads: [String: [String]]) { self.values.withLock { $0[backend] = reads } }
    func get(_ backend: StoreBackend) -> [String: [String]] { self.values.withLock { $0[backend] ?? [:] } }
}
