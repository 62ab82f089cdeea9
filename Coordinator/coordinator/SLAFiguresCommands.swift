//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `sla figures` (each contract target's standing in its period) and `sla credits` (a month's credit statement with
// its evidence).
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import OversightCoordinator
import OversightSLA
import OversightStore

extension SLACommand {
    struct Figures: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each contract target's figure in its current period (and the one just closed), as the running coordinator last evaluated it."
        )
        @OptionGroup var store: StoreOptions
        @Option(help: "Only this provider.") var provider: String?
        @Flag(help: "Every recorded period, not only the current ones.") var history = false
        @Option(help: "With --history, how many rows.") var limit: Int = 200
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let (provider, containing, limit) = (self.provider, self.history ? nil : Date(), max(1, min(self.limit, 100_000)))
            let rows = try await self.store.with { try await $0.aggregateStandings(provider: provider, containing: containing, limit: limit) }
            if self.json {
                print(try JSONOutput.string(rows))
                return
            }
            if rows.isEmpty {
                print("No aggregate figures yet (no contract with aggregate targets, or the coordinator has not evaluated them yet).")
                return
            }
            var table = TextTable(columns: ["PROVIDER", "TARGET", "PERIOD", "FIGURE", "VALUE", "REFERENCE", "PROJECTED", "TARGET VALUE", "STATE"])
            for row in rows {
                table.add([
                    row.provider, row.targetId, row.periodLabel, row.figure + (row.variant.map { " (\($0))" } ?? ""),
                    FigureText.format(row.value, unit: row.unit), FigureText.format(row.referenceValue, unit: row.unit),
                    FigureText.format(row.projected, unit: row.unit), "\(row.comparison) \(FigureText.format(row.target, unit: row.unit))",
                    row.state.uppercased(),
                ])
            }
            print(table.render())
            for row in rows where row.state == "at risk" || row.state == "missed" {
                print("\(row.provider) \(row.targetId) \(row.periodLabel): \(row.summary)")
            }
        }
    }

    struct Credits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A provider's service-credit statement for a month, computed from the stored records and the accepted breach disputes, with its evidence.",
            discussion: """
                Every period of a credit-bearing target that belongs to the month gets a line: met, owed, waived (earned back), \
                pending earn-back, or no data. What is owed is capped at the contract's monthly cap. The evidence lists the \
                tickets that breached and the interval reports of the month, each with the agent and the sequence number of the \
                signed batch that carried it (`oversight-coordinator` keeps every batch's JWS).
                """
        )
        @OptionGroup var data: DataOptions
        @Option(help: "Provider.") var provider: String
        @Option(help: "Month, YYYY-MM, in the contract's time zone.") var month: String
        @Option(help: "Folder of *.contract.yaml files (default: the configuration's `contracts`, else DATA/contracts).") var contracts: String?
        @Option(help: "The coordinator configuration file, for its data directory and contracts folder.") var config: String?
        @Flag(help: "List the evidence records, not only their count.") var evidence = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let (provider, month) = (self.provider, self.month)
            let disputed = try await DisputeContext.with(data: self.data, config: self.config, contracts: self.contracts) { context in
                try await AggregateEvaluator(store: context.store, contracts: context.contracts)
                    .disputedCreditStatement(provider: provider, month: month, disputes: context.store)
            }
            var output = CreditStatementOutput(provider: self.provider, disputed.statement)
            let steps = DisputedStatementOutput(provider: self.provider, disputed)
            output.measuredOwedAmount = disputed.measured.owedAmount
            output.acceptedDisputes = steps.acceptedDisputes
            if self.json {
                print(try JSONOutput.string(output))
                return
            }
            print("Service credits of \(self.provider) for \(output.month)" + (output.monthlyFee.map { " — monthly fee \(Self.money($0, output.currency))" } ?? ""))
            var table = TextTable(columns: ["TARGET", "PERIOD", "FIGURE", "ACTUAL", "TARGET VALUE", "STATE", "SHARE", "AMOUNT"])
            for line in output.lines {
                table.add([
                    line.target, line.period, line.figure + (line.variant.map { " (\($0))" } ?? ""), FigureText.format(line.actual, unit: line.unit),
                    "\(line.comparison) \(FigureText.format(line.targetValue, unit: line.unit))", line.state.uppercased(),
                    line.share > 0 ? FigureText.percent(line.share) : "", line.amount.map { Self.money($0, output.currency) } ?? "",
                ])
            }
            print(table.render())
            var total = "Owed: \(FigureText.percent(output.owedShare)) of the fee"
            if let amount = output.owedAmount { total += " = \(Self.money(amount, output.currency))" }
            if output.capped { total += " (capped at \(FigureText.percent(output.monthlyCap)); \(FigureText.percent(output.uncappedOwedShare)) before the cap)" }
            print(total)
            if output.pendingShare > 0 { print("Pending earn-back: \(FigureText.percent(output.pendingShare)) of the fee") }
            if output.waivedShare > 0 { print("Waived (earned back): \(FigureText.percent(output.waivedShare)) of the fee") }
            if !steps.acceptedDisputes.isEmpty { DisputedStatementOutput.printSteps(steps) }
            let batches = Set(output.evidence.map { "\($0.agent)#\($0.seq.map(String.init) ?? "?")" })
            print("Evidence: \(output.evidence.count) records in \(batches.count) signed batches")
            if self.evidence {
                for item in output.evidence { print("  \(item.kind) \(item.key) — agent \(item.agent), batch \(item.seq.map(String.init) ?? "?")") }
            }
        }

        static func money(_ value: Double, _ currency: String?) -> String {
            String(format: "%.2f", value) + (currency.map { " \($0)" } ?? "")
        }
    }
}

/// A credit statement as printed and as JSON.
struct CreditStatementOutput: Encodable {
    struct Line: Encodable {
        var target: String
        var figure: String
        var variant: String?
        var unit: String
        var period: String
        var actual: Double?
        var comparison: String
        var targetValue: Double
        var state: String
        var share: Double
        var amount: Double?
    }
    struct Evidence: Encodable {
        var kind: String
        var key: String
        var agent: String
        var seq: Int64?
    }
    var provider: String
    var month: String
    var monthlyFee: Double?
    var currency: String?
    var monthlyCap: Double
    var lines: [Line]
    var uncappedOwedShare: Double
    var owedShare: Double
    var pendingShare: Double
    var waivedShare: Double
    var capped: Bool
    var owedAmount: Double?
    var pendingAmount: Double?
    var waivedAmount: Double?
    var evidence: [Evidence]
    /// What was owed from the records alone, before accepted breach disputes.
    var measuredOwedAmount: Double?
    /// Each accepted breach dispute with the figure and credit before and after it.
    var acceptedDisputes: [DisputedStatementOutput.Step] = []

    init(provider: String, _ statement: CreditStatement) {
        self.provider = provider
        self.month = statement.month.description
        self.monthlyFee = statement.monthlyFee
        self.currency = statement.currency
        self.monthlyCap = statement.monthlyCap
        self.lines = statement.lines.map { line in
            Line(
                target: line.targetID, figure: line.figure.name, variant: line.variant, unit: AggregateEvaluator.unitName(line.figure.unit),
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
    }
}

/// How figures print: percentages with one decimal, durations in seconds or minutes, scores with two decimals.
enum FigureText {
    static func format(_ value: Double?, unit: String) -> String {
        guard let value else { return "—" }
        switch unit {
        case "percentage": return Self.percent(value)
        case "duration": return value >= 120 ? String(format: "%.1f min", value / 60) : String(format: "%.0f s", value)
        default: return String(format: "%.2f", value)
        }
    }

    static func percent(_ share: Double) -> String { String(format: "%.1f %%", share * 100) }
}
