//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Head-office evaluations on every backend: stored only for a returned interaction, append-only against SQL, listed
// by period and ticket, paired with the provider's evaluations of the same ticket, and disputed through the same
// dispute flow as provider evaluations without mixing the two.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightTesting
import Testing

@testable import OversightStore

extension StoreBackendTests {
    func headOfficeEvaluation(_ id: String, ticket: String, score: Double, at: TimeInterval, period: String = "2026-W49") -> HeadOfficeEvaluation {
        HeadOfficeEvaluation(
            id: id, provider: "acme", site: "paris", requestId: "smp_1", ticketId: ticket, period: period, scorecard: "sc", scorecardVersion: "1",
            items: [EvaluationItem(item: "greeting", passed: true, impact: .low, weight: 1), EvaluationItem(item: "accuracy", passed: score > 0, impact: .high, weight: 3)],
            score: score, zeroed: score == 0, highImpactErrors: score == 0 ? 1 : 0, lowImpactErrors: 0, evaluator: "auditor1", evaluatorRole: "auditor",
            evaluatedAt: self.now + at, comments: at > 10 ? "re-scored" : nil
        )
    }

    /// A request for T-1, T-2, T-3 with T-1 and T-2 returned and T-3 reported missing; provider evaluations of T-1 (two) and T-2.
    func sampledInteractions(_ store: any CoordinatorStore) async throws {
        try await Self.enroll(store)
        try await store.createSampleRequests([
            SampleRequestRow(
                id: "smp_1", provider: "acme", site: "paris", agentId: "agt_a", period: "2026-W49", seedCommitment: "c0ffee", ticketIds: ["T-1", "T-2", "T-3"],
                createdAt: self.now
            )
        ])
        let interactions = [
            InteractionRecord(provider: "acme", site: "paris", requestId: "smp_1", ticketId: "T-1", status: .returned, format: .text, text: "Hello [email]", redactions: ["email": 1], updatedAt: self.now),
            InteractionRecord(provider: "acme", site: "paris", requestId: "smp_1", ticketId: "T-2", status: .returned, format: .email, text: "Subject: x", updatedAt: self.now),
            InteractionRecord(provider: "acme", site: "paris", requestId: "smp_1", ticketId: "T-3", status: .missing, reason: "no transcript file", updatedAt: self.now),
        ]
        var first = self.evaluation("E-1", score: 90)
        first.interactionRef = "T-1"
        var second = self.evaluation("E-2", score: 100)
        second.interactionRef = "T-1"
        second.evaluatedAt = self.now + 500
        var other = self.evaluation("E-3", score: 70)
        other.interactionRef = "T-2"
        _ = try await store.commit(
            IncomingBatch(
                agentId: "agt_a", seq: 1, hash: "h-1", prev: genesisBatchHash, jws: FlattenedJWS(protected: "p", payload: "x1", signature: "s"),
                receivedAt: self.now, tickets: [], evaluations: [first, second, other], interactions: interactions
            )
        )
    }

    @Test(arguments: StoreBackend.available)
    func headOfficeEvaluationsAreStoredForReturnedInteractionsOnlyAndListed(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await self.sampledInteractions(store)
            await #expect(throws: AnnotationError.notFound("no such interaction")) {
                try await store.addHeadOfficeEvaluation(self.headOfficeEvaluation("hoe_x", ticket: "T-9", score: 100, at: 1))
            }
            await #expect(throws: AnnotationError.conflict("this interaction was reported missing")) {
                try await store.addHeadOfficeEvaluation(self.headOfficeEvaluation("hoe_x", ticket: "T-3", score: 100, at: 1))
            }
            let one = self.headOfficeEvaluation("hoe_1", ticket: "T-1", score: 75, at: 10)
            try await store.addHeadOfficeEvaluation(one)
            try await store.addHeadOfficeEvaluation(self.headOfficeEvaluation("hoe_2", ticket: "T-1", score: 0, at: 20))
            try await store.addHeadOfficeEvaluation(self.headOfficeEvaluation("hoe_3", ticket: "T-2", score: 100, at: 5, period: "2026-12"))
            await #expect(throws: AnnotationError.conflict("a head-office evaluation with this id exists")) {
                try await store.addHeadOfficeEvaluation(one)
            }
            #expect(try await store.headOfficeEvaluation(provider: "acme", id: "hoe_1") == one)
            #expect(try await store.headOfficeEvaluation(provider: "other", id: "hoe_1") == nil)
            #expect(try await store.headOfficeEvaluations(provider: "acme", period: nil, ticketId: nil, limit: 10).map(\.id) == ["hoe_2", "hoe_1", "hoe_3"])
            #expect(try await store.headOfficeEvaluations(provider: "acme", period: "2026-W49", ticketId: nil, limit: 10).map(\.id) == ["hoe_2", "hoe_1"])
            #expect(try await store.headOfficeEvaluations(provider: "acme", period: nil, ticketId: "T-2", limit: 10).map(\.id) == ["hoe_3"])
            #expect(try await store.headOfficeEvaluations(provider: "acme", period: nil, ticketId: nil, limit: 1).map(\.id) == ["hoe_2"])
            let zeroed = try #require(try await store.headOfficeEvaluation(provider: "acme", id: "hoe_2"))
            #expect(zeroed.zeroed && zeroed.score == 0 && zeroed.highImpactErrors == 1 && zeroed.comments == "re-scored")
            #expect(zeroed.items.map(\.item) == ["greeting", "accuracy"] && zeroed.items[1].passed == false && zeroed.items[1].weight == 3)
            // The provider's evaluations of the sampled tickets, by ticket and time.
            let theirs = try await store.providerEvaluations(provider: "acme", interactionRefs: ["T-1", "T-2", "T-7"])
            #expect(theirs.map(\.record.id) == ["E-1", "E-2", "E-3"])
            #expect(try await store.providerEvaluations(provider: "acme", interactionRefs: []).isEmpty)
            #expect(try await store.providerEvaluations(provider: "other", interactionRefs: ["T-1"]).isEmpty)
            // Append-only, whoever has SQL access.
            await Self.expectRefused("UPDATE head_office_evaluation SET score = 100 WHERE id = 'hoe_2'", "head-office evaluations are append-only", on: store)
            await Self.expectRefused("DELETE FROM head_office_evaluation WHERE id = 'hoe_2'", "head-office evaluations are append-only", on: store)
            #expect(try await store.headOfficeEvaluation(provider: "acme", id: "hoe_2")?.score == 0)
        }
    }

    @Test(arguments: StoreBackend.available)
    func headOfficeEvaluationsAreDisputedApartFromProviderEvaluations(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await self.sampledInteractions(store)
            // A head-office evaluation whose id a provider evaluation also has: the subjects keep them apart.
            try await store.addHeadOfficeEvaluation(self.headOfficeEvaluation("E-1", ticket: "T-1", score: 75, at: 10))
            await #expect(throws: AnnotationError.notFound("no such evaluation")) {
                try await store.openDispute(provider: "acme", evaluationId: "E-2", subject: .headOfficeEvaluation, by: "p1", reason: "why", at: self.now)
            }
            let opened = try await store.openDispute(
                provider: "acme", evaluationId: "E-1", subject: .headOfficeEvaluation, by: "p1", reason: "the customer asked for it", at: self.now + 1
            )
            #expect(opened.subject == .headOfficeEvaluation && opened.state == .open)
            await #expect(throws: AnnotationError.conflict("this evaluation already has an open dispute")) {
                try await store.openDispute(provider: "acme", evaluationId: "E-1", subject: .headOfficeEvaluation, by: "p1", reason: "again", at: self.now + 2)
            }
            // The provider evaluation E-1 has no dispute, and can have its own.
            #expect(try await store.auditRow(provider: "acme", id: "E-1")?.dispute == nil)
            #expect(try await store.disputes(provider: "acme", evaluationId: "E-1").isEmpty)
            let theirs = try await store.openDispute(provider: "acme", evaluationId: "E-1", by: "p2", reason: "ours too", at: self.now + 3)
            #expect(theirs.subject == .evaluation && theirs.id != opened.id)
            #expect(try await store.auditRow(provider: "acme", id: "E-1")?.dispute == .open)
            let decided = try await store.decideDispute(
                provider: "acme", evaluationId: "E-1", subject: .headOfficeEvaluation, decision: .upheld, by: "qa", note: "agreed", at: self.now + 4
            )
            #expect(decided.id == opened.id && decided.state == .upheld && decided.subject == .headOfficeEvaluation)
            #expect(try await store.disputes(provider: "acme", evaluationId: "E-1", subject: .headOfficeEvaluation).map(\.state) == [.upheld])
            #expect(try await store.disputes(provider: "acme", evaluationId: "E-1").map(\.state) == [.open])
            // A decided head-office dispute is frozen like any other.
            await Self.expectRefused("UPDATE dispute SET state = 'rejected' WHERE id = \(opened.id)", "a decided dispute does not change", on: store)
            await #expect(throws: AnnotationError.conflict("this evaluation has no open dispute to decide")) {
                try await store.decideDispute(
                    provider: "acme", evaluationId: "E-1", subject: .headOfficeEvaluation, decision: .rejected, by: "qa", note: "x", at: self.now + 5
                )
            }
        }
    }
}
