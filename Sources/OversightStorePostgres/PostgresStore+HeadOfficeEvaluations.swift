//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Head-office evaluations of returned interactions on PostgreSQL (as SQLiteStore+HeadOfficeEvaluations.swift).
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import PostgresNIO

extension PostgresStore {
    /// The `v13-head-office-evaluations` migration: as SQLite's `v17-head-office-evaluations`.
    static let headOfficeEvaluationsMigration = Migration(
        identifier: "v13-head-office-evaluations",
        statements: [
            """
            CREATE TABLE head_office_evaluation (
                id text PRIMARY KEY,
                provider text NOT NULL,
                site text NOT NULL,
                request_id text NOT NULL,
                ticket_id text NOT NULL,
                period text NOT NULL,
                scorecard text NOT NULL,
                scorecard_version text NOT NULL,
                items text NOT NULL,
                score double precision NOT NULL CHECK (score >= 0 AND score <= 100),
                zeroed boolean NOT NULL,
                high_impact_errors bigint NOT NULL,
                low_impact_errors bigint NOT NULL,
                evaluator text NOT NULL,
                evaluator_role text NOT NULL,
                evaluated_at double precision NOT NULL,
                comments text
            )
            """,
            "CREATE INDEX head_office_evaluation_by_ticket ON head_office_evaluation (provider, ticket_id, evaluated_at)",
            "CREATE INDEX head_office_evaluation_by_period ON head_office_evaluation (provider, period, evaluated_at)",
            """
            CREATE TRIGGER head_office_evaluation_append_only BEFORE UPDATE OR DELETE ON head_office_evaluation FOR EACH ROW
                EXECUTE FUNCTION oversight_refuse_change('head-office evaluations are append-only')
            """,
            """
            CREATE TRIGGER head_office_evaluation_append_only_truncate BEFORE TRUNCATE ON head_office_evaluation FOR EACH STATEMENT
                EXECUTE FUNCTION oversight_refuse_change('head-office evaluations are append-only')
            """,
            """
            ALTER TABLE dispute ADD COLUMN subject text NOT NULL DEFAULT 'evaluation'
                CHECK (subject IN ('evaluation', 'head_office_evaluation'))
            """,
            "DROP INDEX dispute_one_open",
            "CREATE UNIQUE INDEX dispute_one_open ON dispute (provider, subject, evaluation_id) WHERE state = 'open'",
            "CREATE INDEX qa_evaluation_by_interaction ON qa_evaluation (provider, interaction_ref)",
        ]
    )

    static let headOfficeEvaluationColumns = """
        id, provider, site, request_id, ticket_id, period, scorecard, scorecard_version, items, score, zeroed, high_impact_errors,
        low_impact_errors, evaluator, evaluator_role, evaluated_at, comments
        """

    static func headOfficeEvaluation(_ row: PostgresRow) throws -> HeadOfficeEvaluation {
        var columns = Columns(row, of: "head_office_evaluation")
        let id: String = try columns.next()
        let provider: String = try columns.next()
        let site: String = try columns.next()
        let request: String = try columns.next()
        let ticket: String = try columns.next()
        let period: String = try columns.next()
        let scorecard: String = try columns.next()
        let version: String = try columns.next()
        let items: String = try columns.next()
        let score: Double = try columns.next()
        let zeroed: Bool = try columns.next()
        let high: Int64 = try columns.next()
        let low: Int64 = try columns.next()
        let evaluator: String = try columns.next()
        let role: String = try columns.next()
        let at: Double = try columns.next()
        let comments: String? = try columns.next()
        return HeadOfficeEvaluation(
            id: id, provider: provider, site: site, requestId: request, ticketId: ticket, period: period, scorecard: scorecard,
            scorecardVersion: version, items: try WireJSON.decode([EvaluationItem].self, from: Data(items.utf8)), score: score, zeroed: zeroed,
            highImpactErrors: Int(high), lowImpactErrors: Int(low), evaluator: evaluator, evaluatorRole: role,
            evaluatedAt: Date(timeIntervalSince1970: at), comments: comments
        )
    }

    package func addHeadOfficeEvaluation(_ evaluation: HeadOfficeEvaluation) async throws {
        let items = String(decoding: try WireJSON.encode(evaluation.items), as: UTF8.self)
        do {
            try await self.transaction { connection in
                guard
                    let row = try await connection.query(
                        """
                        SELECT status FROM interaction
                        WHERE provider = \(evaluation.provider) AND request_id = \(evaluation.requestId) AND ticket_id = \(evaluation.ticketId)
                        """,
                        logger: self.logger
                    ).collect().first
                else { throw AnnotationError.notFound("no such interaction") }
                guard try row.decode(String.self) == InteractionStatus.returned.rawValue else {
                    throw AnnotationError.conflict("this interaction was reported missing")
                }
                try await connection.query(
                    """
                    INSERT INTO head_office_evaluation (\(unescaped: Self.headOfficeEvaluationColumns))
                    VALUES (\(evaluation.id), \(evaluation.provider), \(evaluation.site), \(evaluation.requestId), \(evaluation.ticketId),
                        \(evaluation.period), \(evaluation.scorecard), \(evaluation.scorecardVersion), \(items), \(evaluation.score),
                        \(evaluation.zeroed), \(Int64(evaluation.highImpactErrors)), \(Int64(evaluation.lowImpactErrors)), \(evaluation.evaluator),
                        \(evaluation.evaluatorRole), \(evaluation.evaluatedAt.timeIntervalSince1970), \(evaluation.comments))
                    """,
                    logger: self.logger
                )
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw AnnotationError.conflict("a head-office evaluation with this id exists")
        }
    }

    package func headOfficeEvaluation(provider: String, id: String) async throws -> HeadOfficeEvaluation? {
        try await self.rows(
            "SELECT \(unescaped: Self.headOfficeEvaluationColumns) FROM head_office_evaluation WHERE provider = \(provider) AND id = \(id)"
        ).first.map(Self.headOfficeEvaluation)
    }

    package func headOfficeEvaluations(provider: String, period: String?, ticketId: String?, limit: Int) async throws -> [HeadOfficeEvaluation] {
        try await self.rows(
            """
            SELECT \(unescaped: Self.headOfficeEvaluationColumns) FROM head_office_evaluation
            WHERE provider = \(provider) AND (\(period)::text IS NULL OR period = \(period)) AND (\(ticketId)::text IS NULL OR ticket_id = \(ticketId))
            ORDER BY evaluated_at DESC, id COLLATE "C" DESC LIMIT \(Int64(max(0, min(limit, 100_000))))
            """
        ).map(Self.headOfficeEvaluation)
    }

    package func providerEvaluations(provider: String, interactionRefs: [String]) async throws -> [StoredEvaluation] {
        guard !interactionRefs.isEmpty else { return [] }
        let refs = Array(Set(interactionRefs).sorted().prefix(10_000))
        let decoder = WireJSON.decoder()
        var result: [StoredEvaluation] = []
        for start in stride(from: 0, to: refs.count, by: 500) {
            var q = QueryBuilder()
            let chunk = refs[start..<min(start + 500, refs.count)]
            var marks: [String] = []
            for ref in chunk { marks.append(try q.bind(ref)) }
            q.sql = "SELECT \(Self.evaluationColumns) FROM qa_evaluation e WHERE e.provider = \(try q.bind(provider))"
                + " AND e.interaction_ref IN (\(marks.joined(separator: ", ")))"
            result += try await self.rows(q.query).map { row in
                var columns = Columns(row, of: "qa_evaluation")
                return try Self.storedEvaluation(&columns, decoder: decoder)
            }
        }
        return result.sorted {
            ($0.record.interactionRef, $0.record.evaluatedAt, $0.record.id) < ($1.record.interactionRef, $1.record.evaluatedAt, $1.record.id)
        }
    }
}
