//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Part 1: the machine's own limits — raw upsert, Ed25519 verify, JSON decode.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import GRDB
import OversightModel
import OversightStore
import OversightTesting
import OversightWire

/// The limits the other figures are compared with.
struct Limits: Sendable {
    /// Raw upserts of ticket rows per second (WAL, synchronous=NORMAL, 1,000-row transactions).
    var upsertRowsPerSecond: Double
    /// Ed25519 verifications per second of a 500-record batch's signing input.
    var verifyBatchesPerSecond: Double
    /// `BatchPayload` records decoded per second with `BatchPayloadDecoder`, the coordinator's decoder.
    var decodeRecordsPerSecond: Double
    /// Records in one batch.
    var batchSize: Int
}

enum LimitsPart {
    /// The upsert statement of `SQLiteStore.commit`, the very same string.
    static let upsertSQL = SQLiteStore.upsertTicketSQL

    static func run(quick: Bool, scratch: TemporaryDirectory, batchSize: Int) async throws -> (Limits, [Figure]) {
        var figures: [Figure] = [
            Figure("machine.cores", Double(Machine.cores), "cores", note: Machine.cpuModel),
            Figure("machine.load_at_start", Double(Machine.loadAverage.split(separator: " ").first ?? "") ?? 0, "loadavg-1m", note: Machine.loadAverage),
        ]
        let rows = quick ? 50_000 : 300_000
        progress("limits: raw upsert of \(rows) ticket rows (WAL, synchronous=NORMAL, 1,000-row transactions)")
        let upsert = try await self.rawUpsert(rows: rows, path: scratch.child("limits-upsert.sqlite").path, synchronous: .normal)
        figures.append(
            Figure("limits.upsert", upsert, "rows/s", note: "\(rows) new rows into SQLiteStore's schema, WAL, synchronous=NORMAL, 1,000-row tx")
        )
        let upsertFull = try await self.rawUpsert(rows: rows / 5, path: scratch.child("limits-upsert-full.sqlite").path, synchronous: .full)
        figures.append(Figure("limits.upsert_full", upsertFull, "rows/s", note: "same with synchronous=FULL (fsync per 1,000-row tx)"))

        let signer = BatchSigner(agentId: "agt_bench", provider: "bench", site: "s1", key: Curve25519.Signing.PrivateKey())
        let records = Fixtures.records(provider: "bench", site: "s1", prefix: "L", from: 0, count: batchSize)
        let (jws, _) = try signer.sign(seq: 1, prev: genesisBatchHash, records: records)
        let window = quick ? 1.0 : 3.0

        progress("limits: Ed25519 verify (64-byte message and a \(batchSize)-record batch's signing input)")
        let small = Data((0..<64).map { UInt8($0) })
        let smallSignature = try signer.key.signature(for: small)
        let publicKey = signer.key.publicKey
        let smallRate = self.rate(window: window) { _ = publicKey.isValidSignature(smallSignature, for: small) }
        figures.append(Figure("limits.ed25519_verify_64B", smallRate, "verifies/s", note: "swift-crypto, 64-byte message"))
        let signingInput = Data("\(jws.protected).\(jws.payload)".utf8)
        let batchSignature = Base64URL.decode(jws.signature) ?? Data()
        let batchRate = self.rate(window: window) { _ = publicKey.isValidSignature(batchSignature, for: signingInput) }
        figures.append(
            Figure(
                "limits.ed25519_verify_batch", batchRate * Double(batchSize), "records/s",
                note: String(format: "%.0f batches/s; signing input %d KiB", batchRate, signingInput.count / 1024)
            )
        )
        let jwsRate = self.rate(window: window) {
            _ = JWS.verify(jws, key: publicKey, expectedKid: signer.agentId, expectedType: JWS.batchType)
        }
        figures.append(
            Figure(
                "limits.jws_verify_batch", jwsRate * Double(batchSize), "records/s",
                note: String(format: "%.0f batches/s: JWS.verify as the coordinator calls it (base64 + JSON object check + Ed25519)", jwsRate)
            )
        )

        progress("limits: JSON decode of \(batchSize)-record batch payloads with WireJSON.decoder()")
        let payload = Base64URL.decode(jws.payload) ?? Data()
        let decoder = WireJSON.decoder()
        var failures = 0
        let decodeRate = self.rate(window: window) {
            if (try? decoder.decode(BatchPayload.self, from: payload)) == nil { failures += 1 }
        }
        guard failures == 0 else { throw BenchError("the JSON decode limit failed to decode its own payload") }
        figures.append(
            Figure(
                "limits.json_decode", decodeRate * Double(batchSize), "records/s",
                note: String(format: "BatchPayload of %d Records, %d KiB, Foundation JSONDecoder", batchSize, payload.count / 1024)
            )
        )
        progress("limits: the same payloads with BatchPayloadDecoder (the coordinator's decoder)")
        let fastRate = self.rate(window: window) {
            if BatchPayloadDecoder.fastDecode(payload) == nil { failures += 1 }
        }
        guard failures == 0 else { throw BenchError("the fast decoder gave up on the benchmark's own payload") }
        figures.append(
            Figure(
                "limits.json_decode_fast", fastRate * Double(batchSize), "records/s",
                note: String(format: "the same with BatchPayloadDecoder (what the coordinator runs): %.1fx JSONDecoder", fastRate / decodeRate)
            )
        )
        let limits = Limits(
            upsertRowsPerSecond: upsert, verifyBatchesPerSecond: batchRate, decodeRecordsPerSecond: fastRate * Double(batchSize),
            batchSize: batchSize
        )
        return (limits, figures)
    }

    /// Calls `body` repeatedly for about `window` seconds; returns calls per second.
    static func rate(window: Double, _ body: () -> Void) -> Double {
        for _ in 0..<3 { body() }
        let start = ContinuousClock.now
        var count = 0
        var elapsed = 0.0
        while elapsed < window {
            for _ in 0..<4 { body() }
            count += 4
            elapsed = seconds(since: start)
        }
        return Double(count) / elapsed
    }

    /// Rows per second upserted with `SQLiteStore.commit`'s statement into a fresh store at `path`.
    static func rawUpsert(rows: Int, path: String, synchronous: SQLiteStore.Synchronous) async throws -> Double {
        let store = try SQLiteStore(path: path, synchronous: synchronous)
        let encoder = WireJSON.encoder()
        // Arguments prepared up front: the figure is SQLite's, not the encoder's.
        var arguments: [StatementArguments] = []
        arguments.reserveCapacity(rows)
        for n in 0..<rows {
            let ticket = Fixtures.ticket(provider: "bench", site: "s1", prefix: "U", n: n)
            let tags = String(decoding: try encoder.encode(ticket.tags), as: UTF8.self)
            let changes = String(decoding: try encoder.encode(ticket.statusChanges), as: UTF8.self)
            arguments.append([
                "bench", ticket.id, ticket.site, "agt_bench", Int64(n / 1000 + 1), ticket.channel.rawValue,
                ticket.priority.rawValue, ticket.status.rawValue, ticket.createdAt.timeIntervalSince1970,
                ticket.updatedAt.timeIntervalSince1970, ticket.firstReplyAt?.timeIntervalSince1970,
                ticket.solvedAt?.timeIntervalSince1970, ticket.closedAt?.timeIntervalSince1970, ticket.reopenCount,
                ticket.assignee, ticket.queue, tags, ticket.csat, ticket.contactCount, ticket.heldBy, changes, nil, nil,
            ])
        }
        let chunks = stride(from: 0, to: rows, by: 1000).map { Array(arguments[$0..<min($0 + 1000, rows)]) }
        let start = ContinuousClock.now
        for chunk in chunks {
            try await store.writer.write { db in
                let statement = try db.cachedStatement(sql: Self.upsertSQL)
                for argument in chunk { try statement.execute(arguments: argument) }
            }
        }
        let rate = Double(rows) / seconds(since: start)
        let stored = try await store.ticketCount()
        guard stored == rows else { throw BenchError("raw upsert stored \(stored) rows, expected \(rows)") }
        return rate
    }
}

/// A benchmark step that could not proceed.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
