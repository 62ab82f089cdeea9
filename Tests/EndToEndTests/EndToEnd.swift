//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// End-to-end tests: the built executables, real TLS on loopback, real SQLite. `swift build` first.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightModel
import OversightStore
import OversightTesting
import OversightWire
import Testing

/// The parent of every end-to-end suite: serialized, so at most one coordinator/agent set runs at a time on a
/// small machine; every test makes its own temporary folders and ports.
@Suite(.serialized)
enum EndToEnd {}

/// What the committed chain of one agent holds, after checking every link.
struct CommittedChain {
    var lastSeq: Int64
    /// Every record key carried by a committed batch, in chain order (duplicates would show up here).
    var recordIds: [String]
    /// Sum of the stored `record_count` of the committed batches.
    var recordCountSum: Int
}

extension IngestStore {
    /// Reads batches 1…lastSeq of `agentId` and checks each one: present (no gap), its JWS verifies with the agent's
    /// key, its stored hash is the SHA-256 of the signed payload, its `prev` is the previous batch's hash, and its
    /// stored record count matches the signed payload.
    func committedChain(agentId: String, key: Curve25519.Signing.PublicKey) async throws -> CommittedChain {
        let agent = try #require(try await self.agent(id: agentId), "agent \(agentId) is not in the store")
        var chain = CommittedChain(lastSeq: agent.lastSeq, recordIds: [], recordCountSum: 0)
        var previous = genesisBatchHash
        if agent.lastSeq == 0 { return chain }
        for seq in 1...agent.lastSeq {
            let batch = try #require(try await self.batch(agentId: agentId, seq: seq), "batch \(seq) of \(agentId) is missing")
            guard case .valid(let payloadBytes) = JWS.verify(batch.jws, key: key, expectedKid: agentId, expectedType: JWS.batchType) else {
                Issue.record("batch \(seq): stored JWS does not verify with the agent's key")
                continue
            }
            #expect(JWS.sha256Hex(payloadBytes) == batch.hash, "batch \(seq): stored hash is not the SHA-256 of its payload")
            #expect(batch.prev == previous, "batch \(seq): prev does not chain to batch \(seq - 1)")
            let payload = try WireJSON.decode(BatchPayload.self, from: payloadBytes)
            #expect(payload.seq == seq && payload.agentId == agentId)
            #expect(payload.records.count == batch.recordCount, "batch \(seq): record_count differs from the signed payload")
            chain.recordIds += payload.records.map(\.key)
            chain.recordCountSum += batch.recordCount
            previous = batch.hash
        }
        #expect(previous == agent.lastHash, "the agent's last_hash is not the hash of its last batch")
        return chain
    }
}

extension CoordinatorStore {
    /// Whether a security event of `kind` was stored (optionally for `agentId`, or naming `detail` in its detail).
    func hasSecurityEvent(_ kind: String, agentId: String? = nil, detail: String? = nil) async throws -> Bool {
        try await self.securityEventCount(kind, agentId: agentId, detail: detail) > 0
    }

    /// How many security events of `kind` were stored (optionally for `agentId`, or naming `detail` in their detail).
    func securityEventCount(_ kind: String, agentId: String? = nil, detail: String? = nil) async throws -> Int {
        try await self.securityEvents(limit: 10_000).filter {
            $0.kind == kind && (agentId == nil || $0.agentId == agentId) && (detail == nil || $0.detail.contains(detail!))
        }.count
    }
}

/// `rows` tickets with ids `prefix-0…`.
func ticketRows(_ prefix: String, count: Int, offset: Int = 0) -> [TicketRow] {
    (0..<count).map { TicketRow.make(id: "\(prefix)-\($0)", n: $0 + offset) }
}

/// Asserts that no enrollment material was written into `directory`.
func expectNothingEnrolled(in directory: URL, sourceLocation: SourceLocation = #_sourceLocation) {
    for file in ["agent.json", "client.pem", "client.key", "signing.key", "ca.pem"] {
        #expect(
            !FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path),
            "\(file) was written although enrollment was refused", sourceLocation: sourceLocation
        )
    }
}
