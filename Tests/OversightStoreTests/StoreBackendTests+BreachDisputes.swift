//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Breach disputes on every backend: opened once per breach, decided once, never rewritten or deleted in SQL.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightTesting
import Testing

@testable import OversightStore

extension StoreBackendTests {
    @Test(arguments: StoreBackend.available)
    func breachDisputesOpenOnABreachAndAreDecidedOnce(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            _ = try await store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 10), self.ticket("T2", updated: 10)]))
            #expect(try await store.recordSLAEvent(Self.breach("acme", "paris", "T1", "first_reply", at: self.now + 60)))
            #expect(try await store.recordSLAEvent(Self.breach("acme", "paris", "T1", "resolution", at: self.now + 600)))
            await #expect(throws: AnnotationError.notFound("no such ticket")) {
                try await store.openBreachDispute(provider: "acme", ticketId: "T9", clock: "first_reply", by: "p1", reason: "data_error", note: "n", at: self.now)
            }
            await #expect(throws: AnnotationError.conflict("this ticket has no breach to dispute")) {
                try await store.openBreachDispute(provider: "acme", ticketId: "T2", clock: "first_reply", by: "p1", reason: "data_error", note: "n", at: self.now)
            }
            await #expect(throws: AnnotationError.conflict("this ticket has no hold breach (breached: first_reply, resolution)")) {
                try await store.openBreachDispute(provider: "acme", ticketId: "T1", clock: "hold", by: "p1", reason: "data_error", note: "n", at: self.now)
            }
            await #expect(throws: AnnotationError.invalid("note is required and must not be blank")) {
                try await store.openBreachDispute(provider: "acme", ticketId: "T1", clock: "first_reply", by: "p1", reason: "data_error", note: " ", at: self.now)
            }
            let opened = try await store.openBreachDispute(
                provider: "acme", ticketId: "T1", clock: "first_reply", by: "p1", reason: "client_caused_delay", note: " waited on the client ",
                at: self.now + 700
            )
            #expect(opened.state == .open && opened.note == "waited on the client" && opened.breachAt == self.now + 60 && opened.openedAt == self.now + 700)
            await #expect(throws: AnnotationError.conflict("this breach already has an open dispute")) {
                try await store.openBreachDispute(provider: "acme", ticketId: "T1", clock: "first_reply", by: "p2", reason: "data_error", note: "n", at: self.now)
            }
            await #expect(throws: AnnotationError.invalid("decision must be accepted or rejected")) {
                try await store.decideBreachDispute(provider: "acme", id: opened.id, decision: .open, by: "sup", note: "x", at: self.now)
            }
            await #expect(throws: AnnotationError.notFound("no such breach dispute")) {
                try await store.decideBreachDispute(provider: "other", id: opened.id, decision: .accepted, by: "sup", note: "x", at: self.now)
            }
            let rejected = try await store.decideBreachDispute(
                provider: "acme", id: opened.id, decision: .rejected, by: "sup1", note: "the client answered in time", at: self.now + 800
            )
            #expect(rejected.state == .rejected && rejected.decidedBy == "sup1" && rejected.decidedAt == self.now + 800)
            await #expect(throws: AnnotationError.conflict("this breach dispute was already rejected")) {
                try await store.decideBreachDispute(provider: "acme", id: opened.id, decision: .accepted, by: "sup2", note: "x", at: self.now)
            }
            // A rejected dispute may be followed by a new one; an accepted one ends the matter.
            let again = try await store.openBreachDispute(
                provider: "acme", ticketId: "T1", clock: "first_reply", by: "p1", reason: "data_error", note: "new call log", at: self.now + 900
            )
            let accepted = try await store.decideBreachDispute(provider: "acme", id: again.id, decision: .accepted, by: "adm", note: "agreed", at: self.now + 950)
            await #expect(throws: AnnotationError.conflict("a dispute of this breach was already accepted")) {
                try await store.openBreachDispute(provider: "acme", ticketId: "T1", clock: "first_reply", by: "p1", reason: "data_error", note: "n", at: self.now)
            }
            let resolution = try await store.openBreachDispute(
                provider: "acme", ticketId: "T1", clock: "resolution", by: "p1", reason: "force_majeure", note: "storm", at: self.now + 990
            )
            #expect(try await store.breachDisputes(provider: "acme") == [rejected, accepted, resolution])
            #expect(try await store.breachDisputes(provider: "acme", ticketId: "T2").isEmpty)
            #expect(try await store.breachDisputes(provider: "other").isEmpty)
            #expect(
                try await store.breachDisputes(provider: "acme", ticketId: nil, breachFrom: self.now + 100, breachTo: self.now + 1000) == [resolution]
            )
            #expect(try await store.breachDispute(provider: "acme", id: accepted.id) == accepted)
            #expect(try await store.breachDispute(provider: "other", id: accepted.id) == nil)

            await Self.expectRefused(
                "UPDATE breach_dispute SET decision_note = 'changed' WHERE id = \(accepted.id)", "a decided breach dispute does not change", on: store
            )
            await Self.expectRefused("DELETE FROM breach_dispute WHERE id = \(resolution.id)", "breach disputes are evidence and are not deleted", on: store)
            if backend == .postgresql {
                await Self.expectRefused("TRUNCATE breach_dispute", "breach disputes are evidence and are not deleted", on: store)
            }
            #expect(try await store.breachDisputes(provider: "acme").count == 3)
        }
    }

    @Test(arguments: StoreBackend.available)
    func periodDisputesOpenOncePerTargetAndPeriodBesideTicketDisputes(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            _ = try await store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 10)]))
            #expect(try await store.recordSLAEvent(Self.breach("acme", "paris", "T1", "first_reply", at: self.now + 60)))
            let day = 86_400.0
            let november = DisputedPeriod(
                targetId: "sl", label: "2026-11-03", start: self.now, end: self.now + day, excludedFrom: self.now + 3600, excludedTo: self.now + 7200
            )
            await #expect(throws: AnnotationError.invalid("the excluded window must lie inside the period and not be empty")) {
                var outside = november
                outside.excludedTo = self.now + 2 * day
                return try await store.openPeriodDispute(provider: "acme", period: outside, by: "p1", reason: "force_majeure", note: "n", at: self.now)
            }
            await #expect(throws: AnnotationError.invalid("note is required and must not be blank")) {
                try await store.openPeriodDispute(provider: "acme", period: november, by: "p1", reason: "force_majeure", note: "", at: self.now)
            }
            let opened = try await store.openPeriodDispute(
                provider: "acme", period: november, by: "p1", reason: "force_majeure", note: " power cut ", at: self.now + day + 10
            )
            #expect(opened.period == november && opened.ticketId == "" && opened.clock == "" && opened.breachAt == self.now && opened.note == "power cut")
            // One open per target and period; another period of the target, or a ticket's breach, is independent.
            await #expect(throws: AnnotationError.conflict("this period already has an open dispute")) {
                try await store.openPeriodDispute(provider: "acme", period: november, by: "p2", reason: "data_error", note: "n", at: self.now)
            }
            var nextDay = november
            nextDay.label = "2026-11-04"
            nextDay.start = self.now + day
            nextDay.end = self.now + 2 * day
            nextDay.excludedFrom = nextDay.start
            nextDay.excludedTo = nextDay.end
            let second = try await store.openPeriodDispute(provider: "acme", period: nextDay, by: "p1", reason: "data_error", note: "n", at: self.now + 2 * day)
            let ticket = try await store.openBreachDispute(
                provider: "acme", ticketId: "T1", clock: "first_reply", by: "p1", reason: "data_error", note: "n", at: self.now + 2 * day
            )
            #expect(ticket.period == nil)
            let accepted = try await store.decideBreachDispute(provider: "acme", id: opened.id, decision: .accepted, by: "sup", note: "ok", at: self.now + 3 * day)
            #expect(accepted.period == november && accepted.state == .accepted)
            await #expect(throws: AnnotationError.conflict("a dispute of this period was already accepted")) {
                try await store.openPeriodDispute(provider: "acme", period: november, by: "p1", reason: "data_error", note: "n", at: self.now)
            }
            #expect(try await store.breachDisputes(provider: "acme") == [accepted, second, ticket])
            #expect(try await store.breachDisputes(provider: "acme", ticketId: nil, breachFrom: self.now + day, breachTo: self.now + 2 * day) == [second])
            #expect(try await store.breachDispute(provider: "acme", id: second.id) == second)
            await Self.expectRefused(
                "UPDATE breach_dispute SET excluded_to = excluded_to + 1 WHERE id = \(accepted.id)", "a decided breach dispute does not change", on: store
            )
        }
    }
}
