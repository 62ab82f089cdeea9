//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightSLA
import OversightStore
import OversightWire
import Testing

@testable import OversightCoordinator

/// Accepted breach disputes change the month's first-reply attainment and credit, checked against a hand computation;
/// open and rejected ones change nothing; an undecided one takes the contract's default once its time has passed.
@Suite struct BreachDisputeFiguresTests {
    /// 24/7 in UTC; first-reply attainment ≥ 85 % per month; a miss costs 5 % of 10,000 EUR (cap 10 %). Disputes: head
    /// office decides within 3 business days (every day is one here), else `default`.
    static func contractYAML(default decision: String) -> String {
        """
        provider: acme
        versions:
          - effective_from: 2026-01-01
            calendar: {time_zone: UTC, hours: 24/7}
            targets: {first_reply: 1h}
            aggregates:
              - {id: frt, figure: ticket_attainment, ticket_target: first_reply, period: month, target: 85%}
            credits:
              monthly_fee: 10000
              currency: EUR
              monthly_cap: 10%
              per_miss: [{target: frt, share: 5%}]
            disputes:
              reasons: [client_caused_delay, force_majeure, wrong_clock_holder, data_error]
              decide_within_business_days: 3
              default_decision: \(decision)
        """
    }

    let store: SQLiteStore
    let contracts: [String: Contract]
    /// 2026-11-10 00:00 UTC.
    let day = Date(timeIntervalSince1970: 1_794_268_800)
    /// After November closed.
    var december: Date { self.day + 40 * 86_400 }

    init() async throws {
        try self.init(default: "rejected")
    }

    init(default decision: String) throws {
        self.store = try SQLiteStore()
        self.contracts = ["acme": try Contract(yaml: Self.contractYAML(default: decision), file: "acme.contract.yaml", baseDirectory: "/")]
    }

    /// Ten tickets in November: T-1…T-8 replied within 30 minutes, T-9 and T-10 breached first reply → 8 / 10 = 80 %.
    func tenTicketsTwoBreached() async throws {
        try await self.store.createToken(hash: "t", provider: "acme", site: "paris", createdAt: self.day - 86_400, expiresAt: self.day)
        _ = try await self.store.consumeToken(
            hash: "t", agent: NewAgent(id: "agt", hostname: "h", signingKey: "x", certificateSerial: "1", certificateNotAfter: self.day),
            now: self.day - 86_400
        )
        var tickets: [TicketRecord] = []
        for number in 1...10 {
            let created = self.day + Double(number) * 3600
            let breached = number > 8
            tickets.append(
                TicketRecord(
                    provider: "acme", site: "paris", id: "T-\(number)", status: .open, createdAt: created, updatedAt: created + 7200,
                    firstReplyAt: created + (breached ? 7200 : 1800)
                )
            )
        }
        _ = try await self.store.commit(
            IncomingBatch(
                agentId: "agt", seq: 1, hash: "h1", prev: genesisBatchHash, jws: FlattenedJWS(protected: "p", payload: "p", signature: "s"),
                receivedAt: self.day, tickets: tickets
            )
        )
        try await self.store.updateSLA(
            tickets.map { ticket in
                TicketSLAState(
                    provider: "acme", ticketId: ticket.id, state: ticket.id == "T-9" || ticket.id == "T-10" ? "breached" : "met",
                    firstReplyDue: ticket.createdAt + 3600, resolutionDue: nil, atRiskAt: nil, breachedAt: nil, lateData: false, providerSeconds: 0,
                    clientSeconds: 0, customerSeconds: 0, evaluatedAt: self.day
                )
            }
        )
        for ticket in tickets where ticket.id == "T-9" || ticket.id == "T-10" {
            _ = try await self.store.recordSLAEvent(
                SLAEventRow(
                    provider: "acme", site: "paris", ticketId: ticket.id, clock: "first_reply", kind: "breach", at: ticket.createdAt + 3600,
                    detectedAt: ticket.createdAt + 3600, lateData: false
                )
            )
        }
    }

    var evaluator: AggregateEvaluator { AggregateEvaluator(store: self.store, contracts: self.contracts) }
    var desk: BreachDisputeDesk { BreachDisputeDesk(store: self.store, contracts: self.contracts) }

    func frt(_ statement: CreditStatement) throws -> CreditStatement.Line {
        try #require(statement.lines.first { $0.targetID == "frt" })
    }

    @Test func anAcceptedDisputeMovesAttainmentAndCreditByTheHandComputedAmount() async throws {
        try await self.tenTicketsTwoBreached()
        // Measured: 8 / 10 = 80 % < 85 % → owed 5 % × 10,000 = 500.00 EUR.
        let measured = try await self.evaluator.disputedCreditStatement(provider: "acme", month: "2026-11", disputes: self.store, now: self.december)
        #expect(try self.frt(measured.statement).actual == 0.8)
        #expect(measured.statement.owedAmount == 500 && measured.steps.isEmpty)

        // An open dispute, then a rejected one, change nothing.
        let rejected = try await self.desk.open(
            provider: "acme", ticketId: "T-9", clock: "first_reply", by: "prov1", reason: "data_error", note: "timestamps wrong", now: self.day + 86_400
        )
        #expect(rejected.state == .open && rejected.deadline == self.day + 5 * 86_400)
        let whileOpen = try await self.evaluator.disputedCreditStatement(
            provider: "acme", month: "2026-11", disputes: self.store, now: self.day + 2 * 86_400
        )
        // (November is still running here: the statement is the partial one, and the open dispute leaves it as measured.)
        #expect(whileOpen.outcomes.map(\.state) == [.open] && whileOpen.statement == whileOpen.measured && whileOpen.steps.isEmpty)
        _ = try await self.desk.decide(
            provider: "acme", id: rejected.dispute.id, decision: .rejected, by: "sup1", note: "the log shows the reply late", now: self.day + 2 * 86_400
        )
        let afterRejection = try await self.evaluator.disputedCreditStatement(
            provider: "acme", month: "2026-11", disputes: self.store, now: self.december
        )
        #expect(try self.frt(afterRejection.statement).actual == 0.8 && afterRejection.statement.owedAmount == 500 && afterRejection.steps.isEmpty)

        // Accepting T-10's dispute: 8 / 9 = 88.9 % ≥ 85 % → met, owed 0.00 EUR (before: 80 %, 500.00 EUR).
        let accepted = try await self.desk.open(
            provider: "acme", ticketId: "T-10", clock: "first_reply", by: "prov1", reason: "client_caused_delay", note: "waited for the client",
            now: self.day + 86_400
        )
        _ = try await self.desk.decide(
            provider: "acme", id: accepted.dispute.id, decision: .accepted, by: "sup1", note: "agreed", now: self.day + 2 * 86_400
        )
        let disputed = try await self.evaluator.disputedCreditStatement(provider: "acme", month: "2026-11", disputes: self.store, now: self.december)
        #expect(try self.frt(disputed.measured).actual == 0.8 && disputed.measured.owedAmount == 500)
        #expect(try self.frt(disputed.statement).actual == 8.0 / 9.0)
        #expect(try self.frt(disputed.statement).state == .met && disputed.statement.owedAmount == 0)
        let step = try #require(disputed.steps.first)
        #expect(disputed.steps.count == 1 && step.outcome.dispute.ticketId == "T-10")
        #expect(step.lines.map(\.targetID) == ["frt"])
        #expect(step.lines.first?.actualBefore == 0.8 && step.lines.first?.actualAfter == 8.0 / 9.0)
        #expect(step.lines.first?.amountBefore == 500 && step.lines.first?.amountAfter == 0)
        #expect(step.owedAmountBefore == 500 && step.owedAmountAfter == 0 && step.owedShareBefore == 0.05 && step.owedShareAfter == 0)
        // The measured statement (what the evidence bundle recomputes) is unchanged.
        #expect(try await self.evaluator.creditStatement(provider: "acme", month: "2026-11", now: self.december).owedAmount == 500)

        // The live standings count the accepted dispute too when the evaluator reads disputes; without, they are the measured ones.
        let watched = AggregateEvaluator(store: self.store, contracts: self.contracts, disputes: self.store)
        let standing = try #require(try await watched.standings(at: self.december).first { $0.row.targetId == "frt" && $0.row.periodLabel == "2026-11" })
        #expect(standing.row.value == 8.0 / 9.0 && standing.row.state == "met")
        let measuredStanding = try await self.evaluator.standings(at: self.december).first { $0.row.targetId == "frt" && $0.row.periodLabel == "2026-11" }
        #expect(measuredStanding?.row.value == 0.8 && measuredStanding?.row.state == "missed")

        let rates = OverturnRate.rates(disputed.outcomes)
        #expect(rates.map(\.reason) == ["data_error", "client_caused_delay", "all"])
        #expect(rates.map(\.rate) == [0, 1, 0.5])
        #expect(rates.last?.opened == 2 && rates.last?.byDefault == 0)

        // Reasons come from the contract; the breach must exist.
        await #expect(throws: CoordinatorError.self) {
            try await self.desk.open(provider: "acme", ticketId: "T-9", clock: "first_reply", by: "p", reason: "bad_luck", note: "n", now: self.day)
        }
        await #expect(throws: AnnotationError.conflict("this ticket has no breach to dispute")) {
            try await self.desk.open(provider: "acme", ticketId: "T-1", clock: "first_reply", by: "p", reason: "data_error", note: "n", now: self.day)
        }
    }

    @Test func anUndecidedDisputeTakesTheContractDefaultOnceItsTimeHasPassed() async throws {
        let accepting = try BreachDisputeFiguresTests(default: "accepted")
        try await accepting.tenTicketsTwoBreached()
        let opened = try await accepting.desk.open(
            provider: "acme", ticketId: "T-9", clock: "first_reply", by: "prov1", reason: "force_majeure", note: "power cut", now: self.day + 86_400
        )
        // Within the three days: still open, nothing changes.
        let within = try await accepting.evaluator.disputedCreditStatement(
            provider: "acme", month: "2026-11", disputes: accepting.store, now: self.day + 3 * 86_400
        )
        #expect(within.outcomes.map(\.state) == [.open] && within.statement == within.measured && within.steps.isEmpty)
        // Past the deadline (2026-11-14 00:00): accepted by default → 8 / 9, met; head office can no longer decide.
        let after = try await accepting.evaluator.disputedCreditStatement(
            provider: "acme", month: "2026-11", disputes: accepting.store, now: self.december
        )
        #expect(after.outcomes.map(\.state) == [.accepted] && after.outcomes.first?.byDefault == true)
        #expect(after.outcomes.first?.effectiveAt == self.day + 5 * 86_400)
        #expect(try self.frt(after.statement).actual == 8.0 / 9.0 && after.statement.owedAmount == 0)
        await #expect(throws: CoordinatorError.self) {
            try await accepting.desk.decide(provider: "acme", id: opened.dispute.id, decision: .rejected, by: "sup", note: "late", now: self.december)
        }
        #expect(OverturnRate.rates(after.outcomes).last?.byDefault == 1)
    }
}
