//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reads the PostgreSQL store does not serve yet: they throw PostgresStoreError.unsupported, so a console page that
// needs one answers with an error instead of wrong figures. Ported one by one with the shared store tests.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore

/// An error of the PostgreSQL store.
package struct PostgresStoreError: Error, CustomStringConvertible, Equatable {
    /// What went wrong.
    package struct Code: Sendable, Hashable {
        let name: String
        /// The operation is not implemented on PostgreSQL yet.
        package static let unsupported = Code(name: "unsupported")
    }

    package var code: Code
    package var message: String

    package static func unsupported(_ operation: String) -> PostgresStoreError {
        PostgresStoreError(code: .unsupported, message: "\(operation) is not available on the PostgreSQL store yet")
    }

    package var description: String { self.message }
    package static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}

extension PostgresStore {
    package func intervals(provider: String, site: String?, from: Date, to: Date, limit: Int) async throws -> [StoredInterval] {
        throw PostgresStoreError.unsupported("listing interval reports")
    }

    package func evaluations(provider: String, site: String?, from: Date, to: Date, limit: Int) async throws -> [StoredEvaluation] {
        throw PostgresStoreError.unsupported("listing QA evaluations")
    }

    package func evidence(provider: String, from: Date, to: Date, limit: Int) async throws -> [EvidenceRow] {
        throw PostgresStoreError.unsupported("scorecard evidence")
    }

    package func dailyAttainment(from: Date, to: Date, provider: String?, timeZones: [String: TimeZone]) async throws -> [DailyAttainment] {
        throw PostgresStoreError.unsupported("daily attainment")
    }

    package func dailyCSAT(from: Date, to: Date, provider: String?, timeZones: [String: TimeZone]) async throws -> [DailyCSAT] {
        throw PostgresStoreError.unsupported("daily CSAT")
    }

    package func backlog(now: Date, provider: String?) async throws -> [BacklogFigure] {
        throw PostgresStoreError.unsupported("backlog figures")
    }

    package func newestRecords(provider: String?) async throws -> [String: [String: Date]] {
        throw PostgresStoreError.unsupported("data freshness")
    }

    package func atRiskTickets(provider: String?, limit: Int) async throws -> [AtRiskTicket] {
        throw PostgresStoreError.unsupported("at-risk tickets")
    }

    package func breaches(provider: String, from: Date, to: Date, limit: Int) async throws -> [SLAEventRow] {
        throw PostgresStoreError.unsupported("breach lists")
    }

    package func auditRows(windows: [AuditWindow], site: String?, limit: Int, offset: Int) async throws -> [AuditRow] {
        throw PostgresStoreError.unsupported("audits")
    }

    package func auditRow(provider: String, id: String) async throws -> AuditRow? {
        throw PostgresStoreError.unsupported("audits")
    }

    package func evaluationProviders() async throws -> [String] {
        throw PostgresStoreError.unsupported("audits")
    }

    package func disputes(provider: String, evaluationId: String) async throws -> [StoredDispute] {
        throw PostgresStoreError.unsupported("disputes")
    }

    package func openDispute(provider: String, evaluationId: String, by user: String, reason: String, at: Date) async throws -> StoredDispute {
        throw PostgresStoreError.unsupported("disputes")
    }

    package func decideDispute(
        provider: String, evaluationId: String, decision: DisputeState, by user: String, note: String, at: Date
    ) async throws -> StoredDispute {
        throw PostgresStoreError.unsupported("disputes")
    }

    package func ticketBreaches(provider: String, ticketId: String) async throws -> [SLAEventRow] {
        throw PostgresStoreError.unsupported("breach notes")
    }

    package func breachNotes(provider: String, ticketId: String) async throws -> [StoredBreachNote] {
        throw PostgresStoreError.unsupported("breach notes")
    }

    package func breachNoteCounts(provider: String, ticketIds: [String]) async throws -> [String: Int] {
        throw PostgresStoreError.unsupported("breach notes")
    }

    package func addBreachNote(
        provider: String, ticketId: String, clock: String?, author: String, role: String, text: String, at: Date
    ) async throws -> StoredBreachNote {
        throw PostgresStoreError.unsupported("breach notes")
    }

    package func integrityFindings(latest: Date, limit: Int) async throws -> [IntegrityFinding] {
        throw PostgresStoreError.unsupported("the integrity check")
    }
}
