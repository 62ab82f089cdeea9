//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The exporter on each store backend (SQLite, and PostgreSQL where its binaries are) and the verifier in process:
// signed batches committed and evaluated by the SLA engine export into a bundle that verifies clean.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import Logging
import OversightEvidence
import OversightModel
import OversightSLA
import OversightStore
import OversightStorePostgres
import OversightTesting
import OversightWire
import Testing

@testable import OversightCoordinator

/// The store backends the exporter is tested on.
enum ExportBackend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgresql

    var testDescription: String { self.rawValue }

    /// PostgreSQL only where its binaries are (always on CI, where a missing PostgreSQL fails instead of skipping).
    static let available: [ExportBackend] =
        PostgresCluster.unavailableReason != nil && ProcessInfo.processInfo.environment["CI"] == nil ? [.sqlite] : [.sqlite, .postgresql]

    func withStore(_ body: @Sendable (any CoordinatorStore) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await body(try SQLiteStore())
        case .postgresql:
            let cluster = try PostgresCluster.shared()
            var logger = Logger(label: "evidence-test")
            logger.logLevel = .warning
            let configuration = PostgresStore.Configuration(
                host: "127.0.0.1", port: cluster.port, database: try cluster.createDatabase(), username: cluster.username, tls: .disable
            )
            try await PostgresStore.withStore(configuration: configuration, logger: logger) { store in try await body(store) }
        }
    }
}

@Suite struct EvidenceExporterTests {
    /// 2026-11-02T09:00:00Z, and the export instant 2026-12-07T00:00:00Z.
    static let base = Date(timeIntervalSince1970: 1_793_610_000)
    static let now = Date(timeIntervalSince1970: 1_796_601_600)

    static let contract = """
        provider: acme
        calendars:
          always: {time_zone: UTC, hours: 24/7, holidays: {ics: holidays/portugal.ics}}
        versions:
          - effective_from: 2020-01-01
            calendar: always
            targets: {first_reply: 1h, resolution: 8h}
            aggregates:
              - {id: frt, figure: ticket_attainment, ticket_target: first_reply, period: month, target: 90%}
              - {id: qa, figure: qa_score, period: month, target: 90}
              - {id: sl, figure: service_level, period: day, target: 80%, threshold: 20s}
            credits:
              monthly_fee: 1000
              monthly_cap: 10%
              per_miss:
                - {target: frt, share: 3%}
                - {target: sl, share: 1%}
        """

    static func ticket(_ n: Int, late: Bool = false) -> TicketRecord {
        let created = Self.base + Double(n) * 60
        if n % 2 == 0 {
            return TicketRecord(
                provider: "acme", site: "paris", id: "T\(n)", status: .solved, createdAt: created, updatedAt: created + 3600,
                firstReplyAt: created + 600, solvedAt: created + 3600, csat: 5
            )
        }
        if late {
            return TicketRecord(
                provider: "acme", site: "paris", id: "T\(n)", status: .solved, createdAt: created, updatedAt: created + 40_000,
                firstReplyAt: created + 3 * 3600, solvedAt: created + 9 * 3600, csat: 3
            )
        }
        return TicketRecord(provider: "acme", site: "paris", id: "T\(n)", status: .open, createdAt: created, updatedAt: created + 60)
    }

    static func interval(_ slot: Int) -> IntervalRecord {
        IntervalRecord(
            provider: "acme", site: "paris", queue: "billing", start: Self.base + Double(slot) * 900, minutes: 15, thresholdSeconds: 20,
            offered: 10, answered: 8, answeredWithinThreshold: 6, abandoned: 2, shortAbandons: 1, totalAnswerDelaySeconds: 84,
            totalHandleTimeSeconds: 2400, csatResponses: 2, csatSatisfied: 1, csatScoreSum: 7, fcrResponses: 3, fcrYes: 2,
            agentsStaffed: 4, updatedAt: Self.base + 7200
        )
    }

    static func evaluation(_ id: String, score: Double) -> EvaluationRecord {
        EvaluationRecord(
            provider: "acme", site: "paris", id: id, interactionRef: "T-\(id)", queue: "billing", evaluator: "qa1", scorecard: "sc",
            scorecardVersion: "1", evaluatedAt: Self.base + 600, highImpactErrors: 0, lowImpactErrors: 1, score: score, comments: nil,
            updatedAt: Self.base + 700
        )
    }

    @Test(arguments: ExportBackend.available)
    func aBundleOfSignedBatchesVerifiesCleanAndRefusalsComeFirst(backend: ExportBackend) async throws {
        try await backend.withStore { store in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-evidence-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            // The contract names an iCalendar file (the sample's Portuguese holidays; none falls on 2 November): the bundle
            // carries it, and the verifier loads the contract from the bundle alone.
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("holidays"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                at: Binaries.repositoryRoot.appendingPathComponent("Coordinator/coordinator/Samples/contracts/holidays/portugal.ics"),
                to: folder.appendingPathComponent("holidays/portugal.ics")
            )
            let contractFile = folder.appendingPathComponent("acme.contract.yaml").path
            try Self.contract.write(toFile: contractFile, atomically: true, encoding: .utf8)
            let contracts = ["acme": try Contract.load(file: contractFile)]

            let key = Curve25519.Signing.PrivateKey()
            let agentId = "agt_evidence"
            try await store.createToken(hash: "h", provider: "acme", site: "paris", createdAt: Self.base, expiresAt: Self.now + 3600)
            _ = try await store.consumeToken(
                hash: "h",
                agent: NewAgent(
                    id: agentId, hostname: "h", signingKey: Base64URL.encode(key.publicKey.rawRepresentation), certificateSerial: "1",
                    certificateNotAfter: Self.now + 86_400
                ),
                now: Self.base
            )
            let engine = SLAEngine(contracts: contracts, store: store, logger: Logger(label: "test"))

            // Three signed batches: six tickets; interval reports and evaluations; a late solve of ticket 1.
            var previous = genesisBatchHash
            let batches: [[Record]] = [
                (0..<6).map { .ticket(Self.ticket($0)) },
                (0..<4).map { .interval(Self.interval($0)) } + [.evaluation(Self.evaluation("E1", score: 80)), .evaluation(Self.evaluation("E2", score: 95))],
                [.ticket(Self.ticket(1, late: true))],
            ]
            for (offset, records) in batches.enumerated() {
                let seq = Int64(offset + 1)
                let payload = try WireJSON.encode(
                    BatchPayload(agentId: agentId, provider: "acme", site: "paris", seq: seq, prev: previous, sealedAt: Self.now, records: records)
                )
                let jws = try JWS.sign(payload: payload, kid: agentId, type: JWS.batchType, key: key)
                let hash = JWS.sha256Hex(payload)
                var tickets: [TicketRecord] = []
                var intervals: [IntervalRecord] = []
                var evaluations: [EvaluationRecord] = []
                for record in records {
                    switch record {
                    case .ticket(let ticket): tickets.append(ticket)
                    case .interval(let interval): intervals.append(interval)
                    case .evaluation(let evaluation): evaluations.append(evaluation)
                    case .interaction: break
                    }
                }
                let outcome = try await store.commit(
                    IncomingBatch(
                        agentId: agentId, seq: seq, hash: hash, prev: previous, jws: jws, receivedAt: Self.now - 3600 + Double(seq),
                        tickets: tickets, intervals: intervals, evaluations: evaluations
                    )
                )
                #expect("\(outcome)".contains("committed"), "\(outcome)")
                await engine.observe(tickets, now: Self.now - 3600 + Double(seq))
                previous = hash
            }
            // QA disputes, listed evaluations and scorecard evidence are SQLite-only so far (PostgresStore+Unsupported.swift).
            // Both stores serve every read an export needs, so the bundle is complete and verifies clean on both.
            do {
                _ = try await store.openDispute(provider: "acme", evaluationId: "E1", by: "sup", reason: "greeting was given", at: Self.now - 60)
            }

            let exporter = EvidenceExporter(store: store, contracts: contracts, caPEM: nil)
            let bundle = folder.appendingPathComponent("bundle").path
            await #expect(throws: CoordinatorError.self) {
                try await exporter.export(provider: "acme", month: "2026-1", to: bundle, now: Self.now)
            }
            await #expect(throws: CoordinatorError.self) {
                try await exporter.export(provider: "initech", month: "2026-11", to: bundle, now: Self.now)
            }
            #expect(!FileManager.default.fileExists(atPath: bundle))

            let summary = try await exporter.export(provider: "acme", month: "2026-11", to: bundle, now: Self.now)
            #expect(summary.batches == 3 && summary.agents == 1 && summary.disputes == 1, "\(backend)")
            #expect(summary.unavailable.isEmpty, "\(backend): \(summary.unavailable)")
            await #expect(throws: CoordinatorError.self) {
                try await exporter.export(provider: "acme", month: "2026-11", to: bundle, now: Self.now)
            }

            #expect(FileManager.default.contentsEqual(atPath: bundle + "/contract/holidays/portugal.ics", andPath: folder.path + "/holidays/portugal.ics"))
            let report = BundleVerifier(directory: bundle).verify()
            let findings = report.findings.map(\.description)
            #expect(findings.isEmpty, "\(backend): \(findings.joined(separator: "\n"))")
            #expect(report.isClean)
            #expect(report.disputes == 1 && report.creditLines == 31)  // the statement: frt and the 30 days of sl
            #expect(report.verifiedBatches == 3 && report.tickets == 6 && report.intervals == 4 && report.evaluations == 2)
            #expect(report.figures == 32)  // frt, qa, and the 30 days of sl

            // The figures are the hand-computed ones: 6 tickets due on first reply (3 replied in 10 min, 3 breached,
            // among them ticket 1 whose late solve keeps its breach), QA (80 + 95) / 2, service level 24 / 36 on 2 November.
            let figures = try WireJSON.decode(EvidenceFigures.self, from: Data(contentsOf: URL(fileURLWithPath: bundle + "/figures.json")))
            let frt = try #require(figures.figures.first { $0.target == "frt" })
            #expect(frt.totals.firstReplyDue == 6 && frt.totals.firstReplyMet == 3 && frt.value == 0.5)
            #expect(figures.figures.first { $0.target == "qa" }?.value == 87.5)
            let sl = try #require(figures.figures.first { $0.label == "sl 2026-11-02" })
            #expect(sl.totals.offered == 40 && sl.totals.answeredWithinThreshold == 24)
        }
    }

    /// A ticket first seen open without a reply after its first-reply deadline (late data) gets a breach recorded; a later
    /// version shows the reply came in time. The coordinator keeps the breach it recorded, the batches no longer support
    /// it, and the verifier names the figure that rests on it (docs/evidence.md, "What a clean result does and does not
    /// prove"). This pins today's behaviour: if the coordinator ever withdraws such breaches, this test says so.
    @Test func aBreachRecordedOnLateDataThatALaterVersionContradictsIsNamed() async throws {
        let store = try SQLiteStore()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-evidence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let contractFile = folder.appendingPathComponent("acme.contract.yaml").path
        try Self.contract.replacingOccurrences(of: ", holidays: {ics: holidays/portugal.ics}", with: "").write(toFile: contractFile, atomically: true, encoding: .utf8)
        let contracts = ["acme": try Contract.load(file: contractFile)]
        let key = Curve25519.Signing.PrivateKey()
        try await store.createToken(hash: "h", provider: "acme", site: "paris", createdAt: Self.base, expiresAt: Self.now + 3600)
        _ = try await store.consumeToken(
            hash: "h",
            agent: NewAgent(
                id: "agt_late", hostname: "h", signingKey: Base64URL.encode(key.publicKey.rawRepresentation), certificateSerial: "1",
                certificateNotAfter: Self.now + 86_400
            ),
            now: Self.base
        )
        let engine = SLAEngine(contracts: contracts, store: store, logger: Logger(label: "test"))
        let open = TicketRecord(provider: "acme", site: "paris", id: "L", status: .open, createdAt: Self.base, updatedAt: Self.base + 60)
        let replied = TicketRecord(
            provider: "acme", site: "paris", id: "L", status: .solved, createdAt: Self.base, updatedAt: Self.base + 7200,
            firstReplyAt: Self.base + 600, solvedAt: Self.base + 3600
        )
        var previous = genesisBatchHash
        for (seq, ticket) in [(Int64(1), open), (2, replied)] {
            let payload = try WireJSON.encode(
                BatchPayload(agentId: "agt_late", provider: "acme", site: "paris", seq: seq, prev: previous, sealedAt: Self.now, records: [.ticket(ticket)])
            )
            let hash = JWS.sha256Hex(payload)
            _ = try await store.commit(
                IncomingBatch(
                    agentId: "agt_late", seq: seq, hash: hash, prev: previous,
                    jws: try JWS.sign(payload: payload, kid: "agt_late", type: JWS.batchType, key: key), receivedAt: Self.now - 100 + Double(seq),
                    tickets: [ticket]
                )
            )
            await engine.observe([ticket], now: Self.now - 100 + Double(seq))
            previous = hash
        }
        let bundle = folder.appendingPathComponent("bundle").path
        _ = try await EvidenceExporter(store: store, contracts: contracts, caPEM: nil).export(provider: "acme", month: "2026-11", to: bundle, now: Self.now)
        let findings = BundleVerifier(directory: bundle).verify().findings.map(\.description)
        #expect(findings.contains { $0.hasPrefix("figure difference: figures.json frt 2026-11 (ticket_attainment): value: coordinator 0.0, recomputed from the batches 1.0") }, "\(findings)")
        #expect(findings.contains { $0.contains("ticket L (agent agt_late, batch 2) is cited by the coordinator but not by the batches") }, "\(findings)")
    }
}
