//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The coordinator's storage interface, grouped by what each part of the coordinator needs. SQLiteStore (GRDB) is the
// embedded backend; PostgresStore (OversightStorePostgres) the scale-out one.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel

/// What the agent sessions need: enrollment tokens, agents, signed batches and security events.
package protocol IngestStore: SeedCommitmentStore {
    /// Stores a token for `provider`/`site` (and `extraSites`, which the agent may write records for too).
    func createToken(hash: String, provider: String, site: String, extraSites: [String], createdAt: Date, expiresAt: Date) async throws
    func token(hash: String) async throws -> TokenRow?
    /// Marks the token used and registers the agent in one transaction; fails if the token is unknown, used or expired.
    func consumeToken(hash: String, agent: NewAgent, now: Date) async throws(TokenProblem) -> TokenRow
    func agent(id: String) async throws -> AgentRow?
    func agents() async throws -> [AgentRow]
    func revokedAgentIds() async throws -> Set<String>
    func revoke(agentId: String, now: Date) async throws -> Bool
    func commit(_ batch: IncomingBatch) async throws -> CommitOutcome
    /// Stores a batch and reports which tickets changed. The sequence and chain are checked inside the storing
    /// transaction: a batch is applied once, and a record never moves to another site (``CommitOutcome/wrongSite(kind:key:storedSite:)``).
    func commitReportingChanges(_ batch: IncomingBatch) async throws -> CommitResult
    func recordHeartbeat(agentId: String, info: HeartbeatInfo, now: Date) async throws
    func setConnected(agentId: String, connected: Bool, now: Date) async throws
    func updateCertificate(agentId: String, serial: String, notAfter: Date) async throws
    /// Records what an agent reports it trusts (`nil` keeps the stored report) and which CA issued the certificate
    /// it connected or renewed with (`nil` keeps the stored one): what a CA rollover or key rotation waits for.
    func recordAgentTrust(agentId: String, report: TrustReport?, certificateIssuer: String?, now: Date) async throws
    /// Every agent's trust record, by agent id.
    func agentTrust() async throws -> [String: AgentTrustRow]
    /// Stores new sample requests (one per agent); an existing id is refused.
    func createSampleRequests(_ requests: [SampleRequestRow]) async throws
    /// A sample request by id.
    func sampleRequest(id: String) async throws -> SampleRequestRow?
    /// The requests of `agentId` it has not acknowledged yet, oldest first.
    func pendingSampleRequests(agentId: String) async throws -> [SampleRequestRow]
    /// Records that `agentId` took request `id` (idempotent).
    func acknowledgeSampleRequest(id: String, agentId: String, now: Date) async throws
    /// Requests of `provider` (every provider when `nil`) for `period` (every period when `nil`), newest first.
    func sampleRequests(provider: String?, period: String?) async throws -> [SampleRequestRow]
    /// The interactions returned (or reported missing) for request `id`, by ticket id.
    func interactions(requestId: String) async throws -> [StoredInteraction]
    func batch(agentId: String, seq: Int64) async throws -> StoredBatch?
    func recordSecurityEvent(_ event: SecurityEvent) async throws
    func securityEvents(limit: Int) async throws -> [SecurityEvent]
    /// Security events by kind since `since`.
    func securityEventCounts(since: Date) async throws -> [String: Int]
}

extension IngestStore {
    /// Stores a token for one site.
    package func createToken(hash: String, provider: String, site: String, createdAt: Date, expiresAt: Date) async throws {
        try await self.createToken(hash: hash, provider: provider, site: site, extraSites: [], createdAt: createdAt, expiresAt: expiresAt)
    }
}

/// What the SLA engine needs: tickets, their evaluated standing and the at-risk and breach moments.
package protocol SLAStore: Sendable {
    /// Every open ticket (not solved or closed), for rebuilding the deadline scheduler at start.
    func openTickets() async throws -> [TicketRecord]
    /// Tickets of `providers` whose stored version the SLA engine has not evaluated: no standing yet, or a standing
    /// older than the batch that wrote the ticket. A coordinator killed between committing a batch and evaluating its
    /// tickets leaves such tickets; the engine evaluates them at start (found by scripts/chaos; docs/reliability.md).
    func ticketsAwaitingEvaluation(providers: [String]) async throws -> [TicketRecord]
    func ticket(provider: String, id: String) async throws -> StoredTicket?
    func ticketCount() async throws -> Int
    /// Stores the engine's latest evaluation of tickets.
    func updateSLA(_ states: [TicketSLAState]) async throws
    /// Records an SLA event once; `false` if it was recorded before.
    func recordSLAEvent(_ event: SLAEventRow) async throws -> Bool
    /// The latest SLA events, newest first.
    func slaEvents(limit: Int) async throws -> [SLAEventRow]
    /// A page of SLA events, newest first, with their ids: of `provider` and `site` when given, of `providers` only
    /// when that is not `nil`, older than the id `before` when given; at most `limit`.
    func slaEventPage(provider: String?, site: String?, providers: [String]?, before: Int64?, limit: Int) async throws -> [NumberedSLAEvent]
    /// A ticket's SLA standing.
    func ticketSLA(provider: String, id: String) async throws -> TicketSLAState?
}

/// What the aggregate watch and the console's figures need: sums per contract period, standings, daily figures.
package protocol FiguresStore: IntervalMetricStore, EvaluationStore {
    /// Consolidated status per provider and site.
    func status(now: Date, offlineAfter: Duration) async throws -> StatusReport
    /// Summed interval counts of `provider` in `from ..< to` within `scope`.
    func intervalTotals(provider: String, scope: RecordScope, from: Date, to: Date) async throws -> IntervalMetricTotals
    /// Ticket counts of `provider` whose clocks fell due in `from ..< to` within `scope`.
    func periodTicketCounts(provider: String, scope: RecordScope, from: Date, to: Date) async throws -> PeriodTicketCounts
    /// The records behind a period's figures (what a scorecard cites).
    func evidence(provider: String, from: Date, to: Date, limit: Int) async throws -> [EvidenceRow]
    func recordAggregateStandings(_ rows: [AggregateStandingRow]) async throws
    func aggregateStandings(provider: String?, containing instant: Date?, limit: Int) async throws -> [AggregateStandingRow]
    func dailyAttainment(from: Date, to: Date, provider: String?, timeZones: [String: TimeZone]) async throws -> [DailyAttainment]
    func dailyCSAT(from: Date, to: Date, provider: String?, timeZones: [String: TimeZone]) async throws -> [DailyCSAT]
    func backlog(now: Date, provider: String?) async throws -> [BacklogFigure]
    func newestRecords(provider: String?) async throws -> [String: [String: Date]]
    func atRiskTickets(provider: String?, limit: Int) async throws -> [AtRiskTicket]
    func breaches(provider: String, from: Date, to: Date, limit: Int) async throws -> [SLAEventRow]
    /// The tickets of `provider` created in `[from, to)`, by id, at most `limit`: the frame an audit sample is drawn from.
    func sampleFrame(provider: String, from: Date, to: Date, limit: Int) async throws -> [SampleFrameRow]
}

extension FiguresStore {
    /// The records behind a period's figures, at most 10,000.
    package func evidence(provider: String, from: Date, to: Date) async throws -> [EvidenceRow] {
        try await self.evidence(provider: provider, from: from, to: to, limit: 10_000)
    }

    /// Standings of `provider`, whatever period they cover.
    package func aggregateStandings(provider: String?, limit: Int) async throws -> [AggregateStandingRow] {
        try await self.aggregateStandings(provider: provider, containing: nil, limit: limit)
    }
}

/// What the console's audit pages need: QA evaluations with their disputes, and breach notes.
package protocol AnnotationStore: Sendable {
    func auditRows(windows: [AuditWindow], site: String?, limit: Int, offset: Int) async throws -> [AuditRow]
    func auditRow(provider: String, id: String) async throws -> AuditRow?
    func evaluationProviders() async throws -> [String]
    func disputes(provider: String, evaluationId: String) async throws -> [StoredDispute]
    func openDispute(provider: String, evaluationId: String, by user: String, reason: String, at: Date) async throws -> StoredDispute
    func decideDispute(provider: String, evaluationId: String, decision: DisputeState, by user: String, note: String, at: Date) async throws
        -> StoredDispute
    func ticketBreaches(provider: String, ticketId: String) async throws -> [SLAEventRow]
    func breachNotes(provider: String, ticketId: String) async throws -> [StoredBreachNote]
    func breachNoteCounts(provider: String, ticketIds: [String]) async throws -> [String: Int]
    func addBreachNote(provider: String, ticketId: String, clock: String?, author: String, role: String, text: String, at: Date) async throws
        -> StoredBreachNote
}

/// What `/readyz`, `/metrics` and the integrity check need.
package protocol OperationsStore: Sendable {
    /// The schema's migration state; throws when the store cannot be reached.
    func readiness() async throws -> StoreReadiness
    func metricsSnapshot() async throws -> StoreMetricsSnapshot
    /// Records carried by the batches `after < seq <= through` of one agent.
    func recordCount(agentId: String, after: Int64, through: Int64) async throws -> Int64
    /// Rows that break the integrity rules of docs/security.md ("Integrity of stored records"): written by an agent
    /// not enrolled for the row's site, or dated after `latest` or before the earliest allowed date. Rows stored before
    /// those rules were enforced can hold them; a head office reviews and re-syncs them (`integrity check`).
    func integrityFindings(latest: Date, limit: Int) async throws -> [IntegrityFinding]
}

/// Everything the coordinator stores: what the console and the commands use. ``SQLiteStore`` is the embedded
/// implementation.
package protocol CoordinatorStore: IngestStore, SLAStore, FiguresStore, AnnotationStore, BreachDisputeStore, OperationsStore, LeaseStore,
    HeadOfficeEvaluationStore, InvoiceStore {}

/// An SLA event with its id (the cursor of ``SLAStore/slaEventPage(provider:site:providers:before:limit:)``).
package struct NumberedSLAEvent: Sendable, Hashable {
    package var id: Int64
    package var event: SLAEventRow
    /// Creates a numbered event.
    package init(id: Int64, event: SLAEventRow) {
        self.id = id
        self.event = event
    }
}

extension IntervalMetricStore {
    /// `report` with each provider's count of stored interval reports.
    package func addingIntervalCounts(to report: StatusReport) async throws -> StatusReport {
        let counts = try await self.intervalCounts()
        var report = report
        for index in report.providers.indices {
            report.providers[index].intervals = counts[report.providers[index].provider] ?? 0
        }
        return report
    }
}

extension EvaluationStore {
    /// `report` with each provider's count of stored QA evaluations.
    package func addingEvaluationCounts(to report: StatusReport) async throws -> StatusReport {
        let counts = try await self.evaluationCounts()
        var report = report
        for index in report.providers.indices {
            report.providers[index].evaluations = counts[report.providers[index].provider] ?? 0
        }
        return report
    }
}
