//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// credits.json: the month's credit statement (the same fields as `sla credits --json`).
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSLA

/// `credits.json`.
package struct EvidenceCreditStatement: Codable, Sendable, Hashable {
    /// One line: a credit-bearing target in one period of the month.
    package struct Line: Codable, Sendable, Hashable {
        package var target: String
        package var figure: String
        package var variant: String?
        package var unit: String
        package var period: String
        package var actual: Double?
        package var comparison: String
        package var targetValue: Double
        /// `met`, `owed`, `waived`, `pending` or `no data`.
        package var state: String
        package var share: Double
        package var amount: Double?
    }

    /// A record the statement rests on, with the batch that last wrote it.
    package struct Evidence: Codable, Sendable, Hashable {
        /// `ticket`, `interval` or `evaluation`.
        package var kind: String
        /// Ticket id, `queue|start` of an interval, evaluation id.
        package var key: String
        package var agent: String
        package var seq: Int64?
    }

    package var provider: String
    package var month: String
    package var monthlyFee: Double?
    package var currency: String?
    package var monthlyCap: Double
    package var lines: [Line]
    package var uncappedOwedShare: Double
    package var owedShare: Double
    package var pendingShare: Double
    package var waivedShare: Double
    package var capped: Bool
    package var owedAmount: Double?
    package var pendingAmount: Double?
    package var waivedAmount: Double?
    package var evidence: [Evidence]

    /// The document of a statement.
    package init(provider: String, _ statement: CreditStatement) {
        self.provider = provider
        self.month = statement.month.description
        self.monthlyFee = statement.monthlyFee
        self.currency = statement.currency
        self.monthlyCap = statement.monthlyCap
        self.lines = statement.lines.map { line in
            Line(
                target: line.targetID, figure: line.figure.name, variant: line.variant, unit: EvidenceFigure.unitName(line.figure.unit),
                period: line.period.description, actual: line.actual, comparison: line.comparison.rawValue, targetValue: line.target,
                state: line.state.rawValue, share: line.share, amount: line.amount
            )
        }
        self.uncappedOwedShare = statement.uncappedOwedShare
        self.owedShare = statement.owedShare
        self.pendingShare = statement.pendingShare
        self.waivedShare = statement.waivedShare
        self.capped = statement.capped
        self.owedAmount = statement.owedAmount
        self.pendingAmount = statement.pendingAmount
        self.waivedAmount = statement.waivedAmount
        self.evidence = statement.evidence.map { Evidence(kind: $0.kind.rawValue, key: $0.key, agent: $0.agent, seq: $0.seq) }
            .sorted { ($0.kind, $0.key) < ($1.kind, $1.key) }
    }
}
