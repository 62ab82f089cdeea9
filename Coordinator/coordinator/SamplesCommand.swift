//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `samples`: the reproducible audit-sample draw of a provider-period, why each ticket was chosen, the seed's
// commitment, and checking a sampling plan.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import Logging
import OversightSLA
import OversightSampling
import OversightStore
import OversightStorePostgres

struct SamplesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samples",
        abstract: "Audit samples: the reproducible draw of a provider-period by its sampling plan (docs/audits.md).",
        subcommands: [Draw.self, Explain.self, Seed.self, Check.self, Request.self, Requests.self, Verdict.self]
    )

    /// The options every draw-related subcommand takes.
    struct Selection: ParsableArguments {
        @OptionGroup var data: DataOptions
        @Option(help: "Provider.") var provider: String
        @Option(help: "Period: an ISO week (2026-W49) or a month (2026-11), in the plan's time zone.") var period: String
        @Option(help: "Sampling plan (default: DATA/sampling/PROVIDER.sampling.yaml).") var plan: String?
        @Option(help: "The coordinator configuration file, for its data directory and store.") var config: String?

        func settings() throws -> CoordinatorSettings { try CoordinatorSettings.load(file: self.config, dataOverride: self.data.data) }

        func loadPlan(settings: CoordinatorSettings) throws -> SamplingPlan {
            let path = self.plan ?? "\(settings.paths.directory)/sampling/\(self.provider).sampling.yaml"
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("no sampling plan at \(path); pass --plan FILE (examples: deploy/sampling/*.sampling.yaml)")
            }
            let plan: SamplingPlan
            do { plan = try SamplingPlan(contentsOf: path) } catch { throw ValidationError("\(error)") }
            guard plan.provider == self.provider else {
                throw ValidationError("the sampling plan \(path) is for provider \(plan.provider), not \(self.provider)")
            }
            return plan
        }

        func period(_ plan: SamplingPlan) throws -> ContractPeriod {
            guard let period = ContractPeriod(sampleLabel: self.period, in: plan.timeZone) else {
                throw ValidationError("--period must be an ISO week such as 2026-W49 or a month such as 2026-11, not '\(self.period)'")
            }
            return period
        }

        /// The seed of the provider-period from the data directory's sampling secret.
        func seed(settings: CoordinatorSettings, period: ContractPeriod) throws -> SampleSeed {
            let secret = try SamplingSecret.load(path: "\(settings.paths.directory)/sampling-secret")
            return SampleSeed(secret: secret, provider: self.provider, period: period.description)
        }

        /// The draw of the provider-period, with the plan and period it used.
        /// With `revealed` (a closed period's seed, 64 hex digits), that seed instead of the sampling secret's.
        func draw(revealed: String? = nil) async throws -> (draw: SampleDraw, plan: SamplingPlan, period: ContractPeriod, seed: SampleSeed) {
            let drawn = try await self.drawWithSites(revealed: revealed)
            return (drawn.draw, drawn.plan, drawn.period, drawn.seed)
        }

        /// A seed given as 64 hexadecimal digits.
        static func seed(hex text: String) throws -> SampleSeed {
            let digits = Array(text.lowercased().utf8)
            guard digits.count == 64, digits.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
                throw ValidationError("--seed must be 64 hexadecimal digits (the revealed seed of a closed period), not '\(text.prefix(80))'")
            }
            let bytes = stride(from: 0, to: 64, by: 2).map { UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
            return SampleSeed(bytes: bytes)
        }

        /// ``draw()`` with each ticket's site (a sample request goes to the agent of the ticket's site).
        func drawWithSites(revealed: String? = nil) async throws
            -> (draw: SampleDraw, plan: SamplingPlan, period: ContractPeriod, seed: SampleSeed, sites: [String: String])
        {
            let settings = try self.settings()
            let plan = try self.loadPlan(settings: settings)
            let period = try self.period(plan)
            let seed = try revealed.map(Self.seed(hex:)) ?? self.seed(settings: settings, period: period)
            let provider = self.provider
            let limit = 200_000
            let rows: [SampleFrameRow]
            if let postgres = settings.postgresConfiguration {
                var logger = Logger(label: "oversight.samples")
                logger.logLevel = .warning
                rows = try await PostgresStore.withStore(configuration: postgres, logger: logger) { store in
                    try await store.sampleFrame(provider: provider, from: period.start, to: period.end, limit: limit + 1)
                }
            } else {
                guard FileManager.default.fileExists(atPath: settings.paths.store) else {
                    throw ValidationError("no coordinator store at \(settings.paths.store); run `oversight-coordinator init` first")
                }
                let store = try SQLiteStore(path: settings.paths.store)
                rows = try await store.sampleFrame(provider: provider, from: period.start, to: period.end, limit: limit + 1)
            }
            guard rows.count <= limit else { throw ValidationError("\(provider) has more than \(limit) tickets in \(period); the draw is limited to \(limit)") }
            let units = rows.map {
                SampleUnit(
                    id: $0.id, site: $0.site, channel: $0.channel, solved: $0.status == "solved" || $0.status == "closed", createdAt: $0.createdAt,
                    assignee: $0.assignee, csat: $0.csat, reopenCount: $0.reopenCount, breached: $0.breached
                )
            }
            let zone = plan.timeZone
            let draw = SampleDraw(units: units, plan: plan, seed: seed) { instant in
                ContractPeriod(.week, containing: instant, in: zone).description
            }
            return (draw, plan, period, seed, Dictionary(rows.map { ($0.id, $0.site) }, uniquingKeysWith: { first, _ in first }))
        }
    }

    struct Draw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the sample of a provider-period: the same selection every time, from the tickets, the plan and the seed.",
            discussion: """
                The seed's SHA-256 is shown (publish it before the period starts); the seed itself only once the period has \
                closed, so anyone can then recompute the draw by the algorithm in docs/audits.md.
                """
        )
        @OptionGroup var selection: Selection
        @Flag(help: "Print JSON (the selections, strata, seed commitment and acceptance plan).") var json = false
        @Option(help: "Draw with this revealed seed (64 hex digits) instead of the sampling secret's: recompute a closed period's draw.")
        var seed: String?

        func run() async throws {
            let (draw, plan, period, seed) = try await self.selection.draw(revealed: self.seed)
            let closed = period.isClosed(at: Date())
            if self.json {
                print(SamplesCommand.json(draw: draw, plan: plan, period: period, seed: seed, closed: closed))
                return
            }
            print(
                "\(self.selection.provider) \(period): \(draw.population) tickets, unbiased sample of \(draw.size) (\(SamplesCommand.describe(plan.size))"
                    + (draw.size > plan.size.size(population: draw.population) ? ", raised to the acceptance plan's n)" : ")")
            )
            print("seed sha256 \(seed.commitment)" + (closed ? ", seed \(seed.hex)" : " (the seed is revealed when the period closes)"))
            if !closed { print("the period is still open: the draw covers the tickets stored so far and can grow until it closes") }
            if let acceptance = draw.acceptance, let terms = plan.acceptance {
                print(SamplesCommand.describe(acceptance, terms))
            }
            for purpose in [SampleDraw.Purpose.estimate, .quota, .targeted] {
                let chosen = draw.selections.filter { $0.purpose == purpose }
                guard !chosen.isEmpty else { continue }
                print("\(purpose.rawValue) (\(chosen.count)):")
                for selection in chosen { print("  \(selection.ticketId)\t\(selection.stratum)\t#\(selection.rank)") }
            }
        }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show why each ticket of a provider-period's sample was chosen: its stratum, the stratum's size and share, its rank and rank key."
        )
        @OptionGroup var selection: Selection
        @Option(help: "Only this ticket (also when it was not drawn: its stratum and rank are shown).") var ticket: String?

        func run() async throws {
            let (draw, plan, period, seed) = try await self.selection.draw()
            print("\(self.selection.provider) \(period): \(draw.population) tickets; size \(draw.size) by \(SamplesCommand.describe(plan.size))")
            print("strata by \(plan.strata.map(\.rawValue).joined(separator: ", ")), \(plan.allocation.rawValue) allocation:")
            for stratum in draw.strata { print("  \(stratum.name): \(stratum.drawn) of \(stratum.population)") }
            let chosen = draw.selections.filter { self.ticket == nil || $0.ticketId == self.ticket }
            for selection in chosen {
                let why: String
                switch selection.purpose {
                case .estimate: why = "one of the \(draw.strata.first { $0.name == selection.stratum }?.drawn ?? 0) smallest rank keys of its stratum"
                case .quota: why = "the staff member's weekly quota of \(plan.perStaffPerWeek ?? 0)"
                case .targeted: why = "a targeted stratum, reported apart from the estimate"
                }
                print("\(selection.ticketId): \(selection.stratum), rank \(selection.rank), key \(selection.key): \(why)")
            }
            if let ticket = self.ticket, chosen.isEmpty {
                if let place = draw.positions[ticket] {
                    let stratum = draw.strata.first { $0.name == place.stratum }
                    print(
                        "\(ticket) was not drawn: \(place.stratum), rank \(place.rank) of \(stratum?.population ?? 0), key \(place.key); "
                            + "the stratum's \(stratum?.drawn ?? 0) smallest keys were drawn, and no quota or targeted stratum took it"
                    )
                } else {
                    print("\(ticket) is not a ticket of \(self.selection.provider) created in \(period)")
                }
            }
            print("seed sha256 \(seed.commitment)")
        }
    }

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the SHA-256 of a provider-period's seed (to publish before the period starts), and the seed once it has closed."
        )
        @OptionGroup var selection: Selection

        func run() async throws {
            let settings = try self.selection.settings()
            let plan = try self.selection.loadPlan(settings: settings)
            let period = try self.selection.period(plan)
            let seed = try self.selection.seed(settings: settings, period: period)
            print("\(self.selection.provider) \(period) seed sha256 \(seed.commitment)")
            if period.isClosed(at: Date()) { print("\(self.selection.provider) \(period) seed \(seed.hex)") }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a sampling plan file and print its sizes and acceptance plan.")
        @Argument(help: "A *.sampling.yaml file.") var file: String
        @Option(help: "Tickets in a period, to show the sizes for.") var tickets = 1_000

        func run() throws {
            let plan: SamplingPlan
            do { plan = try SamplingPlan(contentsOf: self.file) } catch { throw ValidationError("\(error)") }
            print("\(self.file): sampling plan of \(plan.provider), \(SamplesCommand.describe(plan.size))")
            print("for \(self.tickets) tickets: sample of \(plan.size.size(population: self.tickets))")
            if let terms = plan.acceptance {
                if let acceptance = AcceptancePlan.compute(terms, population: self.tickets) {
                    print(SamplesCommand.describe(acceptance, terms))
                } else {
                    print("no acceptance plan of at most \(AcceptancePlan.maxSize) audits meets both risks")
                }
            }
        }
    }

    static func percent(_ value: Double) -> String {
        let text = String(format: "%.2f", value * 100)
        return (text.hasSuffix(".00") ? String(text.dropLast(3)) : text.hasSuffix("0") ? String(text.dropLast()) : text) + " %"
    }

    static func describe(_ size: SampleSize) -> String {
        switch size {
        case .fixed(let count): "fixed \(count)"
        case .cochran(let precision, let confidence, let rate):
            "Cochran: ±\(percent(precision)) at \(percent(confidence)), expected rate \(percent(rate)), finite-population corrected"
        case .zeroError(let rate, let confidence): "zero-error: no error found shows a rate under \(percent(rate)) at \(percent(confidence))"
        }
    }

    static func describe(_ plan: AcceptancePlan, _ terms: AcceptanceTerms) -> String {
        "acceptance at AQL \(percent(terms.aql)): audit n = \(plan.n), accept with at most c = \(plan.c) defects (\(plan.model.rawValue)"
            + (plan.population.map { ", N = \($0)" } ?? "") + "; P(reject | \(percent(terms.aql)) defective) = \(percent(plan.producerRisk)), "
            + "P(accept | \(percent(terms.rql)) defective) = \(percent(plan.consumerRisk)))"
    }

    static func json(draw: SampleDraw, plan: SamplingPlan, period: ContractPeriod, seed: SampleSeed, closed: Bool) -> String {
        var object: [String: Any] = [
            "provider": plan.provider, "period": period.description, "population": draw.population, "size": draw.size,
            "seedSha256": seed.commitment, "closed": closed,
            "strata": draw.strata.map { ["name": $0.name, "population": $0.population, "drawn": $0.drawn] },
            "selections": draw.selections.map {
                ["ticketId": $0.ticketId, "stratum": $0.stratum, "purpose": $0.purpose.rawValue, "rank": $0.rank, "key": $0.key] as [String: Any]
            },
        ]
        if closed { object["seed"] = seed.hex }
        if let acceptance = draw.acceptance {
            object["acceptance"] = [
                "n": acceptance.n, "c": acceptance.c, "model": acceptance.model.rawValue, "producerRisk": acceptance.producerRisk,
                "consumerRisk": acceptance.consumerRisk,
            ]
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
