//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Realistic ticket records and pre-sealed, chained, signed batches.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightTesting
import OversightWire

/// Ticket records shaped like a provider's normalised export: tags, assignee pseudonym, queue, a status history.
enum Fixtures {
    static let base = Date(timeIntervalSince1970: 1_767_225_600)

    /// Ticket number `n` of `provider`/`site` (unique id per `prefix` and `n`).
    static func ticket(provider: String, site: String, prefix: String, n: Int) -> TicketRecord {
        let statuses: [TicketStatus] = [.open, .pending, .solved, .open, .onHold, .closed]
        let channels: [ContactChannel] = [.email, .chat, .phone, .social, .web]
        let priorities: [Priority] = [.low, .normal, .high, .urgent]
        let created = self.base.addingTimeInterval(Double(n % 100_000) * 37)
        let updated = created.addingTimeInterval(600 + Double(n % 3600))
        let status = statuses[n % statuses.count]
        return TicketRecord(
            provider: provider, site: site, id: "\(prefix)-\(n)", channel: channels[n % channels.count],
            priority: priorities[n % priorities.count], status: status, createdAt: created, updatedAt: updated,
            firstReplyAt: created.addingTimeInterval(120), solvedAt: status == .solved || status == .closed ? updated : nil,
            closedAt: status == .closed ? updated : nil, reopenCount: n % 7 == 0 ? 1 : 0,
            assignee: "ps_" + String(UInt64(truncatingIfNeeded: n &* 2_654_435_761), radix: 16), queue: "queue-\(n % 12)",
            tags: ["billing", "t\(n % 17)"], csat: n % 4 == 0 ? (n % 5) + 1 : nil, contactCount: 1 + n % 3,
            heldBy: status == .pending ? "customer" : "provider",
            statusChanges: [
                .init(status: .new, at: created), .init(status: .open, at: created.addingTimeInterval(60)),
                .init(status: status, at: updated),
            ]
        )
    }

    /// `count` records starting at ticket number `from`.
    static func records(provider: String, site: String, prefix: String, from: Int, count: Int) -> [Record] {
        (from..<(from + count)).map { .ticket(self.ticket(provider: provider, site: site, prefix: prefix, n: $0)) }
    }

    /// `batches` signed batches of `size` records continuing the chain after `lastSeq`/`lastHash`,
    /// with the chain hash computed as `Outbox` and the coordinator do (SHA-256 of the payload bytes).
    static func sealedChain(
        signer: BatchSigner, lastSeq: Int64, lastHash: String, batches: Int, size: Int, prefix: String
    ) throws -> [(seq: Int64, jws: FlattenedJWS, hash: String)] {
        var prev = lastHash
        var chain: [(seq: Int64, jws: FlattenedJWS, hash: String)] = []
        chain.reserveCapacity(batches)
        for index in 0..<batches {
            let seq = lastSeq + 1 + Int64(index)
            let records = self.records(provider: signer.provider, site: signer.site, prefix: prefix, from: Int(seq) * size, count: size)
            let (jws, hash) = try signer.sign(seq: seq, prev: prev, records: records)
            chain.append((seq, jws, hash))
            prev = hash
        }
        return chain
    }
}
