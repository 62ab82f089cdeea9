//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Audits, disputes, breach notes and the integrity check on every backend: the same rules, the same answers, and the
// same refusal when someone with SQL access tries to rewrite a decided dispute or a breach note.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightModel
import OversightTesting
import Testing

@testable import OversightStore
@testable import OversightStorePostgres

extension StoreBackendTests {
    /// Runs `sql` on the store's database directly, as a person with SQL access could.
    static func rawSQL(_ sql: String, on store: any CoordinatorStore) async throws {
        if let sqlite = store as? SQLiteStore {
            try await sqlite.writer.write { db in try db.execute(sql: sql) }
        } else if let postgres = store as? PostgresStore {
            try await postgres.execute(sql: sql)
        } else {
            Issue.record("no raw SQL for \(type(of: store))")
        }
    }

    /// Expects `sql` to be refused with `message` (the trigger's).
    static func expectRefused(_ sql: String, _ message: String, on store: any CoordinatorStore, sourceLocation: SourceLocation = #_sourceLocation)
        async
    {
        do {
            try await Self.rawSQL(sql, on: store)
            Issue.record("\(sql) was not refused", sourceLocation: sourceLocation)
        } catch {
            #expect(String(reflecting: error).contains(message), "\(String(reflecting: error))", sourceLocation: sourceLocation)
        }
    }

    func evaluations(_ store: any CoordinatorStore) async throws -> [EvaluationRecord] {
        try await Self.enroll(store)
        var later = self.evaluation("E-2", score: 60, highImpact: 1)
        later.evaluatedAt = self.now + 120
        var lyon = self.evaluation("E-3", score: 70, site: "lyon")
        lyon.evaluatedAt = self.now + 120
        let records = [self.evaluation("E-1", score: 80), later, lyon]
        _ = try await store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [], evaluations: records))
        return records
    }

    @Test(arguments: StoreBackend.available)
    func disputesOpenOnceAreDecidedOnceAndShowInTheAudits(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let records = try await self.evaluations(store)
            await #expect(throws: AnnotationError.notFound("no such evaluation")) {
                try await store.openDispute(provider: "acme", evaluationId: "E-9", by: "p1", reason: "why", at: self.now)
            }
            await #expect(throws: AnnotationError.invalid("reason is required and must not be blank")) {
                try await store.openDispute(provider: "acme", evaluationId: "E-1", by: "p1", reason: " \n ", at: self.now)
            }
            await #expect(throws: AnnotationError.conflict("this evaluation has no open dispute to decide")) {
                try await store.decideDispute(provider: "acme", evaluationId: "E-1", decision: .upheld, by: "qa", note: "ok", at: self.now)
            }
            let opened = try await store.openDispute(provider: "acme", evaluationId: "E-1", by: "p1", reason: "  the call dropped  ", at: self.now + 1)
            #expect(opened.state == .open && opened.reason == "the call dropped" && opened.openedBy == "p1" && opened.openedAt == self.now + 1)
            #expect(opened.decidedBy == nil && opened.decidedAt == nil && opened.decisionNote == nil)
            await #expect(throws: AnnotationError.conflict("this evaluation already has an open dispute")) {
                try await store.openDispute(provider: "acme", evaluationId: "E-1", by: "p2", reason: "again", at: self.now + 2)
            }
            await #expect(throws: AnnotationError.invalid("decision must be upheld or rejected")) {
                try await store.decideDispute(provider: "acme", evaluationId: "E-1", decision: .open, by: "qa", note: "x", at: self.now)
            }
            let decided = try await store.decideDispute(
                provider: "acme", evaluationId: "E-1", decision: .rejected, by: "qa1", note: "finding stands", at: self.now + 3
            )
            #expect(decided.id == opened.id && decided.state == .rejected && decided.decidedBy == "qa1" && decided.decidedAt == self.now + 3)
            #expect(decided.decisionNote == "finding stands" && decided.reason == opened.reason)
            await #expect(throws: AnnotationError.conflict("this evaluation has no open dispute to decide")) {
                try await store.decideDispute(provider: "acme", evaluationId: "E-1", decision: .upheld, by: "qa2", note: "no", at: self.now + 4)
            }
            // A decided dispute may be followed by a new one; the audits show the latest.
            let reopened = try await store.openDispute(provider: "acme", evaluationId: "E-1", by: "p1", reason: "new evidence", at: self.now + 5)
            #expect(reopened.id > decided.id)
            #expect(try await store.disputes(provider: "acme", evaluationId: "E-1") == [decided, reopened])
            #expect(try await store.disputes(provider: "other", evaluationId: "E-1").isEmpty)

            let row = try #require(try await store.auditRow(provider: "acme", id: "E-1"))
            #expect(row.evaluation.record == records[0] && row.evaluation.agentId == "agt_a" && row.evaluation.batchSeq == 1 && row.dispute == .open)
            #expect(try await store.auditRow(provider: "acme", id: "E-2")?.dispute == nil)
            #expect(try await store.auditRow(provider: "other", id: "E-1") == nil)

            // Newest first, then provider and id; windows narrow each provider; site, limit and offset apply.
            let all = try await store.auditRows(windows: [AuditWindow(provider: "acme")], site: nil, limit: 10, offset: 0)
            #expect(all.map(\.evaluation.record.id) == ["E-2", "E-3", "E-1"])
            #expect(all.map(\.dispute) == [nil, nil, .open])
            let window = AuditWindow(provider: "acme", from: self.now + 100, to: self.now + 200)
            #expect(try await store.auditRows(windows: [window], site: nil, limit: 10, offset: 0).map(\.evaluation.record.id) == ["E-2", "E-3"])
            #expect(try await store.auditRows(windows: [AuditWindow(provider: "acme")], site: "paris", limit: 10, offset: 1).map(\.evaluation.record.id) == ["E-1"])
            #expect(try await store.auditRows(windows: [AuditWindow(provider: "acme")], site: nil, limit: 1, offset: 1).map(\.evaluation.record.id) == ["E-3"])
            #expect(try await store.auditRows(windows: [], site: nil, limit: 10, offset: 0).isEmpty)
            #expect(try await store.auditRows(windows: [AuditWindow(provider: "other")], site: nil, limit: 10, offset: 0).isEmpty)
            #expect(try await store.evaluationProviders() == ["acme"])
        }
    }

    /// What the SQLite triggers refuse, the PostgreSQL ones refuse too: a decided dispute is frozen, no dispute and no
    /// breach note is ever deleted, a breach note never changes. An open dispute can still be decided.
    @Test(arguments: StoreBackend.available)
    func decidedDisputesAndBreachNotesRefuseUpdateAndDeleteInSQL(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await self.evaluations(store)
            let decided = try await store.openDispute(provider: "acme", evaluationId: "E-1", by: "p1", reason: "why", at: self.now)
            _ = try await store.decideDispute(provider: "acme", evaluationId: "E-1", decision: .upheld, by: "qa", note: "agreed", at: self.now)
            let open = try await store.openDispute(provider: "acme", evaluationId: "E-2", by: "p1", reason: "why", at: self.now)
            _ = try await store.commit(self.batch(2, prev: "h-1", hash: "h-2", [self.ticket("T1", updated: 10)]))
            #expect(try await store.recordSLAEvent(Self.breach("acme", "paris", "T1", "first_reply", at: self.now)))
            let note = try await store.addBreachNote(
                provider: "acme", ticketId: "T1", clock: nil, author: "sup", role: "supervisor", text: "customer unreachable", at: self.now
            )

            await Self.expectRefused("UPDATE dispute SET decision_note = 'changed' WHERE id = \(decided.id)", "a decided dispute does not change", on: store)
            await Self.expectRefused("DELETE FROM dispute WHERE id = \(open.id)", "disputes are evidence and are not deleted", on: store)
            await Self.expectRefused("UPDATE breach_note SET text = 'rewritten' WHERE id = \(note.id)", "breach notes are append-only", on: store)
            await Self.expectRefused("DELETE FROM breach_note", "breach notes are append-only", on: store)
            if backend == .postgresql {
                // TRUNCATE skips row triggers; statement triggers refuse it.
                await Self.expectRefused("TRUNCATE breach_note", "breach notes are append-only", on: store)
                await Self.expectRefused("TRUNCATE dispute", "disputes are evidence and are not deleted", on: store)
            }
            #expect(try await store.disputes(provider: "acme", evaluationId: "E-1").map(\.decisionNote) == ["agreed"])
            #expect(try await store.disputes(provider: "acme", evaluationId: "E-2").count == 1)
            #expect(try await store.breachNotes(provider: "acme", ticketId: "T1") == [note])
            // The store's own decision of an open dispute is an UPDATE the triggers let through.
            #expect(try await store.decideDispute(provider: "acme", evaluationId: "E-2", decision: .rejected, by: "qa", note: "no", at: self.now).state == .rejected)
        }
    }

    @Test(arguments: StoreBackend.available)
    func breachNotesGoOnABreachOfTheTicket(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            _ = try await store.commit(self.batch(1, prev: genesisBatchHash, hash: "h-1", [self.ticket("T1", updated: 10), self.ticket("T2", updated: 10)]))
            #expect(try await store.recordSLAEvent(Self.breach("acme", "paris", "T1", "first_reply", at: self.now + 60)))
            #expect(try await store.recordSLAEvent(Self.breach("acme", "paris", "T1", "resolution", at: self.now + 600)))
            #expect(try await store.recordSLAEvent(Self.breach("acme", "paris", "T2", "first_reply", at: self.now + 30)))
            #expect(
                try await store.ticketBreaches(provider: "acme", ticketId: "T1") == [
                    Self.breach("acme", "paris", "T1", "first_reply", at: self.now + 60), Self.breach("acme", "paris", "T1", "resolution", at: self.now + 600),
                ]
            )
            await #expect(throws: AnnotationError.notFound("no such ticket")) {
                try await store.addBreachNote(provider: "acme", ticketId: "T9", clock: nil, author: "a", role: "r", text: "t", at: self.now)
            }
            _ = try await store.commit(self.batch(2, prev: "h-1", hash: "h-2", [self.ticket("T3", updated: 10)]))
            await #expect(throws: AnnotationError.conflict("this ticket has no breach to annotate")) {
                try await store.addBreachNote(provider: "acme", ticketId: "T3", clock: nil, author: "a", role: "r", text: "t", at: self.now)
            }
            await #expect(throws: AnnotationError.conflict("this ticket has no hold breach (breached: first_reply, resolution)")) {
                try await store.addBreachNote(provider: "acme", ticketId: "T1", clock: "hold", author: "a", role: "r", text: "t", at: self.now)
            }
            await #expect(throws: AnnotationError.invalid("text is required and must not be blank")) {
                try await store.addBreachNote(provider: "acme", ticketId: "T1", clock: nil, author: "a", role: "r", text: "\t", at: self.now)
            }
            // PostgreSQL's text cannot hold NUL: refused alike on every backend, before any SQL.
            await #expect(throws: AnnotationError.invalid("text holds a NUL character (U+0000)")) {
                try await store.addBreachNote(provider: "acme", ticketId: "T1", clock: nil, author: "a", role: "r", text: "a\u{0}b", at: self.now)
            }
            // Without a clock the note goes on the latest breach.
            let latest = try await store.addBreachNote(
                provider: "acme", ticketId: "T1", clock: nil, author: "sup1", role: "supervisor", text: " waited on the client ", at: self.now + 700
            )
            #expect(latest.clock == "resolution" && latest.text == "waited on the client" && latest.author == "sup1" && latest.role == "supervisor")
            let first = try await store.addBreachNote(
                provider: "acme", ticketId: "T1", clock: "first_reply", author: "sup2", role: "admin", text: "line down", at: self.now + 800
            )
            #expect(first.id > latest.id)
            _ = try await store.addBreachNote(provider: "acme", ticketId: "T2", clock: nil, author: "a", role: "r", text: "x", at: self.now)
            #expect(try await store.breachNotes(provider: "acme", ticketId: "T1") == [latest, first])
            #expect(try await store.breachNotes(provider: "other", ticketId: "T1").isEmpty)
            #expect(try await store.breachNoteCounts(provider: "acme", ticketIds: ["T1", "T2", "T1", "T3", "T9"]) == ["T1": 2, "T2": 1])
            #expect(try await store.breachNoteCounts(provider: "acme", ticketIds: []).isEmpty)
            #expect(try await store.breachNoteCounts(provider: "other", ticketIds: ["T1"]).isEmpty)
        }
    }

    /// Rows written by an agent of another site, dated in the future or before 2000, found alike; the interval key
    /// carries its start to the millisecond as SQLite's `strftime` writes it.
    @Test(arguments: StoreBackend.available)
    func integrityFindingsAreTheSameOnEveryBackend(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store)
            let latest = self.now + 3600
            var future = self.ticket("T2", updated: 7200)
            future.createdAt = self.now
            var early = self.ticket("T3", updated: 0)
            early.createdAt = Date(timeIntervalSince1970: 900_000_000)
            var ahead = self.interval("billing", slot: 0)
            ahead.start = self.now + 400 * 86400 + 0.25
            var evaluation = self.evaluation("E-1", score: 50)
            evaluation.evaluatedAt = self.now + 7200
            _ = try await store.commit(
                self.batch(
                    1, prev: genesisBatchHash, hash: "h-1",
                    [self.ticket("T1", updated: 0, site: "lyon"), future, early, self.ticket("T4", updated: 0)],
                    intervals: [ahead, self.interval("sales", slot: 0)], evaluations: [evaluation, self.evaluation("E-2", score: 90)]
                )
            )
            let findings = try await store.integrityFindings(latest: latest, limit: 10)
            #expect(
                findings.map { "\($0.kind) \($0.site) \($0.key) \($0.problem) \($0.agentId) \($0.batchSeq)" } == [
                    "ticket lyon T1 other_site agt_a 1",
                    "evaluation paris E-1 future agt_a 1",
                    "interval paris billing|2027-10-26T14:13:20.250Z future agt_a 1",
                    "ticket paris T2 future agt_a 1",
                    "ticket paris T3 too_early agt_a 1",
                ]
            )
            #expect(findings.first?.updatedAt == self.now && findings.first?.provider == "acme")
            #expect(try await store.integrityFindings(latest: latest, limit: 2).count == 2)
        }
    }
}

extension PostgresStoreTests {
    /// Two coordinators sharing the database: opening one evaluation's dispute at once gives one dispute and one
    /// `conflict`; deciding it at once gives one decision and one `conflict` (the unique index and `FOR UPDATE`).
    @Test func racingDisputeOpensAndDecisionsGiveOneWinner() async throws {
        try await StoreBackend.postgresql.withStore { store in
            try await StoreBackendTests.enroll(store)
            let now = StoreBackendTests.now
            let evaluation = EvaluationRecord(
                provider: "acme", site: "paris", id: "E-1", interactionRef: "T-1", evaluator: "qa", scorecard: "sc", scorecardVersion: "1",
                evaluatedAt: now, highImpactErrors: 0, lowImpactErrors: 0, score: 90, updatedAt: now
            )
            _ = try await store.commit(
                IncomingBatch(
                    agentId: "agt_a", seq: 1, hash: "h-1", prev: genesisBatchHash, jws: FlattenedJWS(protected: "p", payload: "x", signature: "s"),
                    receivedAt: now, tickets: [], evaluations: [evaluation]
                )
            )
            for round in 0..<5 {
                let opens = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for user in 0..<4 {
                        group.addTask {
                            do {
                                _ = try await store.openDispute(provider: "acme", evaluationId: "E-1", by: "p\(user)", reason: "r\(round)", at: now)
                                return true
                            } catch AnnotationError.conflict {
                                return false
                            }
                        }
                    }
                    return try await group.reduce(into: [Bool]()) { $0.append($1) }
                }
                #expect(opens.filter { $0 }.count == 1, "round \(round): \(opens)")
                let decisions = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for auditor in 0..<4 {
                        group.addTask {
                            do {
                                _ = try await store.decideDispute(
                                    provider: "acme", evaluationId: "E-1", decision: auditor % 2 == 0 ? .upheld : .rejected, by: "qa\(auditor)",
                                    note: "n", at: now
                                )
                                return true
                            } catch AnnotationError.conflict {
                                return false
                            }
                        }
                    }
                    return try await group.reduce(into: [Bool]()) { $0.append($1) }
                }
                #expect(decisions.filter { $0 }.count == 1, "round \(round): \(decisions)")
            }
            let thread = try await store.disputes(provider: "acme", evaluationId: "E-1")
            #expect(thread.count == 5 && thread.allSatisfy { $0.state != .open })
        }
    }
}
