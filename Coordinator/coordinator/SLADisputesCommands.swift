//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `sla dispute open|decide|list` (breach disputes between the provider and head office) and `sla disputes` (a month's
// disputes, overturn rates per reason, and the credit before and after each accepted dispute).
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import OversightConsole
import OversightCoordinator
import OversightSLA
import OversightStore

/// What a breach-dispute command opens: the store, the contracts and the console users (who may open or decide).
struct DisputeContext: Sendable {
    let store: any CoordinatorStore
    let contracts: [String: Contract]
    let users: any ConsoleUserAdministration

    /// Runs `body` with the configured store (SQLite, or the configuration's PostgreSQL), contracts and console users.
    static func with<Result: Sendable>(
        data: DataOptions, config: String?, contracts: String?, _ body: @Sendable (DisputeContext) async throws -> Result
    ) async throws -> Result {
        let settings = try CoordinatorSettings.load(file: config, dataOverride: data.data)
        let folder = contracts ?? settings.contractsDirectory ?? (settings.paths.directory + "/contracts")
        let loaded = try SLAEngine.loadContracts(directory: folder)
        let directory = settings.paths.directory
        return try await ConfiguredStore.with(settings) { store in
            // `--as` is checked against the store's users: on PostgreSQL the shared ones, else DATA/console.sqlite.
            try await body(DisputeContext(store: store, contracts: loaded, users: try consoleUsers(for: store, directory: directory)))
        }
    }

    var desk: BreachDisputeDesk { BreachDisputeDesk(store: self.store, contracts: self.contracts) }

    /// The enabled console user `username`, allowed `roles` and to see `provider`.
    func user(_ username: String, roles: Set<ConsoleRole>, provider: String, action: String) async throws -> ConsoleUser {
        guard let user = try await self.users.user(username: username), !user.disabled else {
            throw ValidationError("--as \(username.prefix(64)): no enabled console user of that name (`oversight-coordinator users list`)")
        }
        guard roles.contains(user.role), user.canSee(provider: provider) else {
            let allowed = roles.map(\.rawValue).sorted().joined(separator: " or ")
            throw ValidationError("--as \(username.prefix(64)): a \(user.role.rawValue) cannot \(action) for \(provider); only a \(allowed) user of \(provider) can")
        }
        return user
    }
}

/// Options every dispute command shares.
struct DisputeOptions: ParsableArguments {
    @OptionGroup var data: DataOptions
    @Option(help: "The coordinator configuration file, for its data directory and contracts folder.") var config: String?
    @Option(help: "Folder of *.contract.yaml files (default: the configuration's `contracts`, else DATA/contracts).") var contracts: String?
    @Flag(help: "Print JSON.") var json = false

    /// Runs `body` with the dispute context these options name.
    func withContext<Result: Sendable>(_ body: @Sendable (DisputeContext) async throws -> Result) async throws -> Result {
        try await DisputeContext.with(data: self.data, config: self.config, contracts: self.contracts, body)
    }
}

/// A breach dispute as printed and as JSON.
struct BreachDisputeOutput: Encodable {
    var id: Int64
    var provider: String
    var ticket: String
    var clock: String
    var breachAt: String
    var reason: String
    var note: String
    var openedBy: String
    var openedAt: String
    var state: String
    var byDefault: Bool
    var decideBy: String?
    var decidedBy: String?
    var decidedAt: String?
    var decisionNote: String?
    var effectiveAt: String?
    /// `ticket` or `period` (an aggregate miss: target, period and excluded window instead of ticket and clock).
    var kind: String
    var target: String?
    var period: String?
    var excludedFrom: String?
    var excludedTo: String?

    init(_ outcome: BreachDisputeOutcome) {
        let dispute = outcome.dispute
        self.kind = dispute.period == nil ? "ticket" : "period"
        self.target = dispute.period?.targetId
        self.period = dispute.period?.label
        self.excludedFrom = dispute.period.map { WireTime.format($0.excludedFrom) }
        self.excludedTo = dispute.period.map { WireTime.format($0.excludedTo) }
        self.id = dispute.id
        self.provider = dispute.provider
        self.ticket = dispute.ticketId
        self.clock = dispute.clock
        self.breachAt = WireTime.format(dispute.breachAt)
        self.reason = dispute.reason
        self.note = dispute.note
        self.openedBy = dispute.openedBy
        self.openedAt = WireTime.format(dispute.openedAt)
        self.state = outcome.state.rawValue
        self.byDefault = outcome.byDefault
        self.decideBy = outcome.deadline.map(WireTime.format)
        self.decidedBy = dispute.decidedBy
        self.decidedAt = dispute.decidedAt.map(WireTime.format)
        self.decisionNote = dispute.decisionNote
        self.effectiveAt = outcome.effectiveAt.map(WireTime.format)
    }

    static func table(_ outcomes: [BreachDisputeOutcome]) -> String {
        var table = TextTable(columns: ["ID", "TICKET / TARGET", "CLOCK / PERIOD", "BREACHED / EXCLUDED", "REASON", "OPENED BY", "STATE", "DECIDED BY"])
        for outcome in outcomes {
            let dispute = outcome.dispute
            let subject: [String] =
                if let period = dispute.period {
                    [period.targetId, period.label, "\(WireTime.format(period.excludedFrom)) – \(WireTime.format(period.excludedTo))"]
                } else {
                    [dispute.ticketId, dispute.clock, WireTime.format(dispute.breachAt)]
                }
            table.add(subject + [
                dispute.reason,
                "\(dispute.openedBy) \(WireTime.format(dispute.openedAt))", outcome.summary,
                dispute.decidedBy.map { "\($0) \(dispute.decidedAt.map(WireTime.format) ?? "")" } ?? (outcome.byDefault ? "contract default" : ""),
            ])
        }
        return table.render()
    }
}

extension SLACommand {
    struct Dispute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Breach disputes: provider staff open one on a ticket's breach or a missed figure, head office (supervisor or admin) accepts or rejects it.",
            discussion: """
                The reasons, the business days head office has to decide and the default applied after them come from the \
                contract's `disputes:` section (docs/sla.md, "Breach disputes"). Every step is kept append-only, with who and when. \
                An accepted dispute of a ticket's breach takes the ticket out of that clock's attainment; an accepted dispute of \
                an aggregate miss (`--target` and `--period`) recomputes that period without the excluded time (`--from`/`--to`, \
                the whole period by default). `sla disputes` and `sla credits` show the effect.
                """,
            subcommands: [Open.self, Decide.self, List.self]
        )

        struct Open: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Dispute a ticket's breach (--ticket, --clock) or a closed period's missed figure (--target, --period), as a provider user."
            )
            @OptionGroup var options: DisputeOptions
            @Option(help: "Provider.") var provider: String
            @Option(help: "Ticket id (a ticket's breach).") var ticket: String?
            @Option(help: "The breached clock: first_reply, resolution, ….") var clock: String?
            @Option(help: "A contract target id (an aggregate miss).") var target: String?
            @Option(help: "The target's closed period: 2026-11-03, 2026-W45 or 2026-11.") var period: String?
            @Option(help: "Start of the time to exclude (RFC 3339; default the period's start).") var from: String?
            @Option(help: "End of the time to exclude (RFC 3339; default the period's end).") var to: String?
            @Option(name: .customLong("as"), help: "The console user opening it (role provider, of this provider).") var user: String
            @Option(help: "A reason from the contract's disputes.reasons.") var reason: String
            @Option(help: "The provider's explanation.") var note: String

            func validate() throws {
                let ticketForm = self.ticket != nil || self.clock != nil
                let periodForm = self.target != nil || self.period != nil || self.from != nil || self.to != nil
                guard ticketForm != periodForm else {
                    throw ValidationError("give either --ticket and --clock (a ticket's breach) or --target and --period (an aggregate miss)")
                }
                if ticketForm, self.ticket == nil || self.clock == nil { throw ValidationError("a ticket's breach needs both --ticket and --clock") }
                if periodForm, self.target == nil || self.period == nil { throw ValidationError("an aggregate miss needs both --target and --period") }
                for (name, value) in [("--from", self.from), ("--to", self.to)] {
                    if let value, WireTime.parse(value) == nil { throw ValidationError("\(name) must be an RFC 3339 instant such as 2026-11-03T14:00:00Z") }
                }
            }

            func run() async throws {
                let (username, provider, reason, note) = (self.user, self.provider, self.reason, self.note)
                let (ticket, clock, target, period) = (self.ticket, self.clock, self.target, self.period)
                let (from, to) = (self.from.flatMap(WireTime.parse), self.to.flatMap(WireTime.parse))
                let outcome = try await self.options.withContext { context in
                    let user = try await context.user(username, roles: [.provider], provider: provider, action: "open a breach dispute")
                    if let target, let period {
                        let evaluator = AggregateEvaluator(store: context.store, contracts: context.contracts, disputes: context.store)
                        return try await context.desk.openPeriod(
                            provider: provider, targetId: target, label: period, from: from, to: to, by: user.username, reason: reason, note: note,
                            evaluator: evaluator
                        )
                    }
                    return try await context.desk.open(
                        provider: provider, ticketId: ticket ?? "", clock: clock ?? "", by: user.username, reason: reason, note: note
                    )
                }
                if self.options.json {
                    print(try JSONOutput.string(BreachDisputeOutput(outcome)))
                    return
                }
                if let period = outcome.dispute.period {
                    print(
                        "Opened dispute \(outcome.dispute.id) of \(period.targetId) \(period.label) of \(self.provider) (excluding \(WireTime.format(period.excludedFrom)) – \(WireTime.format(period.excludedTo))): \(outcome.summary)"
                    )
                } else {
                    print("Opened breach dispute \(outcome.dispute.id) on \(self.ticket ?? "") (\(self.clock ?? "")) of \(self.provider): \(outcome.summary)")
                }
            }
        }

        struct Decide: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Accept or reject an open breach dispute (as a supervisor or admin).")
            @OptionGroup var options: DisputeOptions
            @Option(help: "Provider.") var provider: String
            @Argument(help: "The dispute's id (`sla dispute list`).") var id: Int64
            @Option(help: "accepted or rejected.") var decision: String
            @Option(name: .customLong("as"), help: "The console user deciding (role supervisor or admin).") var user: String
            @Option(help: "Why.") var note: String

            func validate() throws {
                guard DisputeTerms.Decision(rawValue: self.decision) != nil else { throw ValidationError("--decision must be accepted or rejected") }
            }

            func run() async throws {
                let decision = DisputeTerms.Decision(rawValue: self.decision) ?? .rejected
                let (username, provider, id, note) = (self.user, self.provider, self.id, self.note)
                let (outcome, decidedBy) = try await self.options.withContext { context in
                    let user = try await context.user(username, roles: [.supervisor, .admin], provider: provider, action: "decide a breach dispute")
                    return (try await context.desk.decide(provider: provider, id: id, decision: decision, by: user.username, note: note), user.username)
                }
                if self.options.json {
                    print(try JSONOutput.string(BreachDisputeOutput(outcome)))
                    return
                }
                print("Breach dispute \(self.id) of \(self.provider): \(outcome.summary) by \(decidedBy)")
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "A provider's breach disputes with their state (the contract default applied when overdue).")
            @OptionGroup var options: DisputeOptions
            @Option(help: "Provider.") var provider: String
            @Option(help: "Only this ticket.") var ticket: String?

            func run() async throws {
                let now = Date()
                let (provider, ticket) = (self.provider, self.ticket)
                let outcomes = try await self.options.withContext { context in
                    try await context.store.breachDisputes(provider: provider, ticketId: ticket).map {
                        BreachDisputeOutcome(dispute: $0, contract: context.contracts[provider], now: now)
                    }
                }
                if self.options.json {
                    print(try JSONOutput.string(outcomes.map(BreachDisputeOutput.init)))
                    return
                }
                print(outcomes.isEmpty ? "No breach disputes." : BreachDisputeOutput.table(outcomes))
            }
        }
    }

    struct Disputes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A month's breach disputes of a provider, overturn rates per reason, and the credit before and after each accepted dispute."
        )
        @OptionGroup var options: DisputeOptions
        @Option(help: "Provider.") var provider: String
        @Option(help: "Month, YYYY-MM, in the contract's time zone (disputes of breaches in that month).") var month: String

        func run() async throws {
            let (provider, month) = (self.provider, self.month)
            let disputed = try await self.options.withContext { context in
                try await AggregateEvaluator(store: context.store, contracts: context.contracts)
                    .disputedCreditStatement(provider: provider, month: month, disputes: context.store)
            }
            let output = DisputedStatementOutput(provider: self.provider, disputed)
            if self.options.json {
                print(try JSONOutput.string(output))
                return
            }
            print("Breach disputes of \(self.provider) for \(output.month)")
            print(disputed.outcomes.isEmpty ? "No breach disputes." : BreachDisputeOutput.table(disputed.outcomes))
            var rates = TextTable(columns: ["REASON", "OPENED", "OPEN", "ACCEPTED", "REJECTED", "BY DEFAULT", "OVERTURN RATE"])
            for rate in output.overturnRates {
                rates.add([
                    rate.reason, "\(rate.opened)", "\(rate.open)", "\(rate.accepted)", "\(rate.rejected)", "\(rate.byDefault)",
                    rate.rate.map(FigureText.percent) ?? "—",
                ])
            }
            print(rates.render())
            DisputedStatementOutput.printSteps(output)
        }
    }
}

/// The disputes of a month, their overturn rates and the statement before and after each accepted one.
struct DisputedStatementOutput: Encodable {
    struct Rate: Encodable {
        var reason: String
        var opened: Int
        var open: Int
        var accepted: Int
        var rejected: Int
        var byDefault: Int
        var rate: Double?
    }
    struct LineChange: Encodable {
        var target: String
        var period: String
        var actualBefore: Double?
        var actualAfter: Double?
        var stateBefore: String
        var stateAfter: String
        var amountBefore: Double?
        var amountAfter: Double?
        var unit: String
    }
    struct Step: Encodable {
        var dispute: BreachDisputeOutput
        var lines: [LineChange]
        var owedShareBefore: Double
        var owedShareAfter: Double
        var owedAmountBefore: Double?
        var owedAmountAfter: Double?
    }
    var provider: String
    var month: String
    var currency: String?
    var disputes: [BreachDisputeOutput]
    var overturnRates: [Rate]
    var acceptedDisputes: [Step]
    var measuredOwedAmount: Double?
    var owedAmount: Double?

    init(provider: String, _ disputed: DisputedCreditStatement) {
        self.provider = provider
        self.month = disputed.statement.month.description
        self.currency = disputed.statement.currency
        self.disputes = disputed.outcomes.map(BreachDisputeOutput.init)
        self.overturnRates = OverturnRate.rates(disputed.outcomes).map {
            Rate(reason: $0.reason, opened: $0.opened, open: $0.open, accepted: $0.accepted, rejected: $0.rejected, byDefault: $0.byDefault, rate: $0.rate)
        }
        self.acceptedDisputes = disputed.steps.map { step in
            Step(
                dispute: BreachDisputeOutput(step.outcome),
                lines: step.lines.map {
                    LineChange(
                        target: $0.targetID, period: $0.period.description, actualBefore: $0.actualBefore, actualAfter: $0.actualAfter,
                        stateBefore: $0.stateBefore.rawValue, stateAfter: $0.stateAfter.rawValue, amountBefore: $0.amountBefore, amountAfter: $0.amountAfter,
                        unit: AggregateEvaluator.unitName($0.unit)
                    )
                },
                owedShareBefore: step.owedShareBefore, owedShareAfter: step.owedShareAfter, owedAmountBefore: step.owedAmountBefore,
                owedAmountAfter: step.owedAmountAfter
            )
        }
        self.measuredOwedAmount = disputed.measured.owedAmount
        self.owedAmount = disputed.statement.owedAmount
    }

    /// Prints each accepted dispute's effect: the figure and credit before and after.
    static func printSteps(_ output: DisputedStatementOutput) {
        guard !output.acceptedDisputes.isEmpty else {
            print("No accepted disputes: the statement is as measured.")
            return
        }
        print("Accepted disputes, in the order they took effect:")
        for step in output.acceptedDisputes {
            let money = { (value: Double?) in value.map { SLACommand.Credits.money($0, output.currency) } ?? "—" }
            print(
                "  #\(step.dispute.id) \(step.dispute.target.map { "\($0) \(step.dispute.period ?? "")" } ?? "\(step.dispute.ticket) \(step.dispute.clock)") (\(step.dispute.reason), \(step.dispute.state)\(step.dispute.byDefault ? " by default" : "")): owed \(money(step.owedAmountBefore)) → \(money(step.owedAmountAfter))"
            )
            for line in step.lines {
                print(
                    "    \(line.target) \(line.period): \(FigureText.format(line.actualBefore, unit: line.unit)) → \(FigureText.format(line.actualAfter, unit: line.unit)), \(line.stateBefore) → \(line.stateAfter), \(money(line.amountBefore)) → \(money(line.amountAfter))"
                )
            }
        }
        print("Owed as measured: \(output.measuredOwedAmount.map { SLACommand.Credits.money($0, output.currency) } ?? "—"); after disputes: \(output.owedAmount.map { SLACommand.Credits.money($0, output.currency) } ?? "—")")
    }
}
