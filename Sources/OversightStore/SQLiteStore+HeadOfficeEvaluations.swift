//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Head-office evaluations of returned interactions on SQLite (HeadOfficeEvaluation.swift), and the dispute subject.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import OversightModel

extension SQLiteStore {
    /// The `v17-head-office-evaluations` migration: the append-only `head_office_evaluation` table, the dispute's
    /// subject (a provider's evaluation or a head-office one; one open dispute per subject and id), and an index of
    /// provider evaluations by interaction (calibration pairs them by ticket id).
    static func migrateHeadOfficeEvaluations(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE head_office_evaluation (
                    id TEXT PRIMARY KEY,
                    provider TEXT NOT NULL,
                    site TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    ticket_id TEXT NOT NULL,
                    period TEXT NOT NULL,
                    scorecard TEXT NOT NULL,
                    scorecard_version TEXT NOT NULL,
                    items TEXT NOT NULL,
                    score REAL NOT NULL CHECK (score >= 0 AND score <= 100),
                    zeroed INTEGER NOT NULL,
                    high_impact_errors INTEGER NOT NULL,
                    low_impact_errors INTEGER NOT NULL,
                    evaluator TEXT NOT NULL,
                    evaluator_role TEXT NOT NULL,
                    evaluated_at REAL NOT NULL,
                    comments TEXT
                );
                CREATE INDEX head_office_evaluation_by_ticket ON head_office_evaluation (provider, ticket_id, evaluated_at);
                CREATE INDEX head_office_evaluation_by_period ON head_office_evaluation (provider, period, evaluated_at);
                CREATE TRIGGER head_office_evaluation_append_only_update BEFORE UPDATE ON head_office_evaluation
                    BEGIN SELECT RAISE(ABORT, 'head-office evaluations are append-only'); END;
                CREATE TRIGGER head_office_evaluation_append_only_delete BEFORE DELETE ON head_office_evaluation
                    BEGIN SELECT RAISE(ABORT, 'head-office evaluations are append-only'); END;
                ALTER TABLE dispute ADD COLUMN subject TEXT NOT NULL DEFAULT 'evaluation'
                    CHECK (subject IN ('evaluation', 'head_office_evaluation'));
                DROP INDEX dispute_one_open;
                CREATE UNIQUE INDEX dispute_one_open ON dispute (provider, subject, evaluation_id) WHERE state = 'open';
                CREATE INDEX qa_evaluation_by_interaction ON qa_evaluation (provider, interaction_ref);
                """
        )
    }

    static let headOfficeEvaluationColumns = """
        id, provider, site, request_id, ticket_id, period, scorecard, scorecard_version, items, score, zeroed, high_impact_errors,
        low_impact_errors, evaluator, evaluator_role, evaluated_at, comments
        """

    static func headOfficeEvaluation(_ row: Row) throws -> HeadOfficeEvaluation {
        let items: String = row[8]
        return HeadOfficeEvaluation(
            id: row[0], provider: row[1], site: row[2], requestId: row[3], ticketId: row[4], period: row[5], scorecard: row[6],
            scorecardVersion: row[7], items: try WireJSON.decode([EvaluationItem].self, from: Data(items.utf8)), score: row[9],
            zeroed: row[10], highImpactErrors: row[11], lowImpactErrors: row[12], evaluator: row[13], evaluatorRole: row[14],
            evaluatedAt: Date(timeIntervalSince1970: row[15]), comments: row[16]
        )
    }

    package func addHeadOfficeEvaluation(_ evaluation: HeadOfficeEvaluation) async throws {
        let items = String(decoding: try WireJSON.encode(evaluation.items), as: UTF8.self)
        try await self.writer.write { db in
            guard
                let status = try String.fetchOne(
                    db, sql: "SELECT status FROM interaction WHERE provider = ? AND request_id = ? AND ticket_id = ?",
                    arguments: [evaluation.provider, evaluation.requestId, evaluation.ticketId]
                )
            else { throw AnnotationError.notFound("no such interaction") }
            guard status == InteractionStatus.returned.rawValue else { throw AnnotationError.conflict("this interaction was reported missing") }
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM head_office_evaluation WHERE id = ?", arguments: [evaluation.id]) == nil else {
                throw AnnotationError.conflict("a head-office evaluation with this id exists")
            }
            try db.execute(
                sql: "INSERT INTO head_office_evaluation (\(Self.headOfficeEvaluationColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    evaluation.id, evaluation.provider, evaluation.site, evaluation.requestId, evaluation.ticketId, evaluation.period,
                    evaluation.scorecard, evaluation.scorecardVersion, items, evaluation.score, evaluation.zeroed, evaluation.highImpactErrors,
                    evaluation.lowImpactErrors, evaluation.evaluator, evaluation.evaluatorRole, evaluation.evaluatedAt.timeIntervalSince1970,
                    evaluation.comments,
                ]
            )
        }
    }

    package func headOfficeEvaluation(provider: String, id: String) async throws -> HeadOfficeEvaluation? {
        try await self.writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.headOfficeEvaluationColumns) FROM head_office_evaluation WHERE provider = ? AND id = ?",
                arguments: [provider, id]
            ).map(Self.headOfficeEvaluation)
        }
    }

    package func headOfficeEvaluations(provider: String, period: String?, ticketId: String?, limit: Int) async throws -> [HeadOfficeEvaluation] {
        try await self.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.headOfficeEvaluationColumns) FROM head_office_evaluation
                    WHERE provider = ? AND (? IS NULL OR period = ?) AND (? IS NULL OR ticket_id = ?)
                    ORDER BY evaluated_at DESC, id DESC LIMIT ?
                    """,
                arguments: [provider, period, period, ticketId, ticketId, limit]
            ).map(Self.headOfficeEvaluation)
        }
    }

    package func providerEvaluations(provider: String, interactionRefs: [String]) async throws -> [StoredEvaluation] {
        guard !interactionRefs.isEmpty else { return [] }
        let refs = Array(Set(interactionRefs).sorted().prefix(10_000))
        return try await self.writer.read { db in
            var result: [StoredEvaluation] = []
            let decoder = WireJSON.decoder()
            // In chunks: SQLite bounds the number of parameters of one statement.
            for start in stride(from: 0, to: refs.count, by: 500) {
                let chunk = Array(refs[start..<min(start + 500, refs.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                var arguments: StatementArguments = [provider]
                arguments += StatementArguments(chunk)
                result += try Row.fetchAll(
                    db, sql: "SELECT \(Self.evaluationColumns) FROM qa_evaluation e WHERE e.provider = ? AND e.interaction_ref IN (\(marks))",
                    arguments: arguments
                ).map { Self.auditRow($0, decoder: decoder).evaluation }
            }
            return result.sorted { ($0.record.interactionRef, $0.record.evaluatedAt, $0.record.id) < ($1.record.interactionRef, $1.record.evaluatedAt, $1.record.id) }
        }
    }
}
