//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Rebuilding records from batches with the coordinator's upsert rules.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightEvidence
import OversightModel
import Testing

@Suite struct RecordSetTests {
    static let t0 = Date(timeIntervalSince1970: 1_793_610_000)

    static func batch(_ seq: Int64, _ records: [Record]) -> BatchPayload {
        BatchPayload(agentId: "a", provider: "acme", site: "paris", seq: seq, prev: genesisBatchHash, sealedAt: Self.t0, records: records)
    }

    static func ticket(_ id: String, updated: TimeInterval, status: TicketStatus, site: String = "paris", provider: String = "acme") -> Record {
        .ticket(TicketRecord(provider: provider, site: site, id: id, status: status, createdAt: Self.t0, updatedAt: Self.t0 + updated))
    }

    @Test func onlyAStrictlyNewerVersionOfTheSameSiteReplacesATicket() {
        var set = RecordSet()
        set.apply(Self.batch(1, [Self.ticket("T", updated: 10, status: .open)]), provider: "acme")
        set.apply(Self.batch(2, [Self.ticket("T", updated: 10, status: .pending)]), provider: "acme")  // equal: stale
        set.apply(Self.batch(3, [Self.ticket("T", updated: 5, status: .closed)]), provider: "acme")  // older: stale
        set.apply(Self.batch(4, [Self.ticket("T", updated: 20, status: .solved, site: "oslo")]), provider: "acme")  // other site
        #expect(set.tickets["T"]?.record.status == .open && set.tickets["T"]?.seq == 1)
        set.apply(Self.batch(5, [Self.ticket("T", updated: 11, status: .solved)]), provider: "acme")
        #expect(set.tickets["T"]?.record.status == .solved && set.tickets["T"]?.seq == 5)
    }

    @Test func recordsOfAnotherProviderAreIgnored() {
        var set = RecordSet()
        set.apply(Self.batch(1, [Self.ticket("T", updated: 10, status: .open, provider: "globex")]), provider: "acme")
        #expect(set.tickets.isEmpty)
    }

    @Test func intervalsAreKeptPerSiteQueueAndStart() {
        func interval(site: String, offered: Int, updated: TimeInterval) -> Record {
            .interval(
                IntervalRecord(
                    provider: "acme", site: site, queue: "billing", start: Self.t0, minutes: 15, thresholdSeconds: 20, offered: offered,
                    answered: 0, answeredWithinThreshold: 0, abandoned: 0, shortAbandons: 0, totalAnswerDelaySeconds: 0,
                    totalHandleTimeSeconds: 0, csatResponses: 0, csatSatisfied: 0, fcrResponses: 0, fcrYes: 0, updatedAt: Self.t0 + updated
                )
            )
        }
        var set = RecordSet()
        set.apply(Self.batch(1, [interval(site: "paris", offered: 10, updated: 1), interval(site: "oslo", offered: 20, updated: 1)]), provider: "acme")
        set.apply(Self.batch(2, [interval(site: "paris", offered: 30, updated: 2)]), provider: "acme")
        #expect(set.intervals.count == 2)
        #expect(set.intervals.values.map(\.record.offered).sorted() == [20, 30])
    }
}
