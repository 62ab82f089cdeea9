//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The draw: deterministic, stratified as planned, recomputed by an independent script, and its documented test vector.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSLA
import Testing

@testable import OversightSampling

@Suite struct SampleDrawTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let seed = SampleSeed(bytes: Array(0..<32))

    /// A week of tickets: channels, outcomes, staff, CSAT, reopens and breaches spread deterministically.
    static func units(count: Int) -> [SampleUnit] {
        let start = ContractPeriod(sampleLabel: "2026-W49", in: utc)!.start
        let channels = ["email", "chat", "phone"]
        return (0..<count).map { (index: Int) -> SampleUnit in
            let offset = Double(index % 7) * 86_400 + Double(index)
            let csat: Int? = index % 6 == 0 ? nil : (index % 5) + 1
            return SampleUnit(
                id: "T-\(1000 + index)", site: "lisbon", channel: channels[(index * 7) % 3], solved: index % 4 != 0,
                createdAt: start.addingTimeInterval(offset), assignee: "staff-\(index % 5)", csat: csat,
                reopenCount: index % 9 == 0 ? 1 : 0, breached: index % 11 == 0
            )
        }
    }

    static func week(_ date: Date) -> String { ContractPeriod(.week, containing: date, in: utc).description }

    static let plan = SamplingPlan(
        provider: "acme", size: .fixed(12), strata: [.channel, .outcome], allocation: .neyman, expectedRates: ["email": 0.2, "chat": 0.05],
        defaultRate: 0.1, perStaffPerWeek: 3, targeted: [(.lowCSAT, 2), (.reopened, 2), (.breached, 2)]
    )

    @Test func theDrawIsTheSameEveryTimeAndWhateverTheOrder() {
        let units = Self.units(count: 90)
        let first = SampleDraw(units: units, plan: Self.plan, seed: Self.seed, calendar: Self.week)
        let again = SampleDraw(units: units.reversed(), plan: Self.plan, seed: Self.seed, calendar: Self.week)
        #expect(first.selections == again.selections)
        #expect(first.selections.filter { $0.purpose == .estimate }.count == 12)
        #expect(first.strata.reduce(0) { $0 + $1.drawn } == 12 && first.strata.reduce(0) { $0 + $1.population } == 90)
        #expect(Set(first.selections.map(\.ticketId)).count == first.selections.count, "a ticket is drawn once")
        // Every staff member reaches the quota (each has 18 tickets in the week).
        for staff in 0..<5 {
            let ids = Set(units.filter { $0.assignee == "staff-\(staff)" }.map(\.id))
            #expect(first.selections.filter { ids.contains($0.ticketId) && $0.purpose != .targeted }.count >= 3)
        }
        let targeted = first.selections.filter { $0.purpose == .targeted }
        #expect(targeted.map(\.stratum) == ["targeted/low_csat", "targeted/low_csat", "targeted/reopened", "targeted/reopened", "targeted/breached", "targeted/breached"])
        // Another seed, another draw.
        let other = SampleDraw(units: units, plan: Self.plan, seed: SampleSeed(bytes: Array(repeating: 7, count: 32)), calendar: Self.week)
        #expect(other.selections != first.selections)
    }

    @Test func theAcceptancePlanSetsTheLeastSizeAndEveryTicketHasAPlace() throws {
        let units = Self.units(count: 300)
        var plan = SamplingPlan(provider: "acme", size: .fixed(10), strata: [.channel])
        plan.acceptance = AcceptanceTerms(aql: 0.05, producerRisk: 0.1, rql: 0.25, consumerRisk: 0.1)
        let draw = SampleDraw(units: units, plan: plan, seed: Self.seed, calendar: Self.week)
        let acceptance = try #require(draw.acceptance)
        #expect(acceptance.n > 10 && draw.size == acceptance.n && draw.selections.count == acceptance.n)
        #expect(draw.positions.count == 300)
        let notDrawn = try #require(units.first { unit in !draw.selections.contains { $0.ticketId == unit.id } })
        let place = try #require(draw.positions[notDrawn.id])
        let stratum = try #require(draw.strata.first { $0.name == place.stratum })
        #expect(place.rank > stratum.drawn && place.stratum == notDrawn.channel)
    }

    @Test func anIndependentScriptRecomputesTheDraw() throws {
        let units = Self.units(count: 90)
        for plan in [Self.plan, SamplingPlan(provider: "acme", size: .fixed(20), strata: [.outcome], targeted: [(.breached, 3)])] {
            let draw = SampleDraw(units: units, plan: plan, seed: Self.seed, calendar: Self.week)
            let spec: [String: Any] = [
                "seed": Self.seed.hex, "size": draw.size, "strata": plan.strata.map(\.rawValue), "allocation": plan.allocation.rawValue,
                "expected_rates": plan.expectedRates, "default_rate": plan.defaultRate, "per_staff_per_week": plan.perStaffPerWeek ?? NSNull(),
                "targeted": plan.targeted.map { [$0.target.rawValue, $0.count] as [Any] },
                "tickets": units.map { unit -> [String: Any] in
                    [
                        "id": unit.id, "channel": unit.channel, "solved": unit.solved, "week": Self.week(unit.createdAt), "assignee": unit.assignee ?? NSNull(),
                        "csat": unit.csat ?? NSNull(), "reopen_count": unit.reopenCount, "breached": unit.breached,
                    ]
                },
            ]
            let script = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "Fixtures/recompute_draw.py")
            let output = try Self.run(["python3", script.path], input: try JSONSerialization.data(withJSONObject: spec))
            let expected = draw.selections.map { "\($0.ticketId)\t\($0.stratum)\t\($0.purpose.rawValue)\t\($0.rank)" }
            #expect(output.split(separator: "\n").map(String.init) == expected)
        }
    }

    /// docs/audits.md's test vector: seed 00 01 … 1f, six tickets, two strata by channel, a fixed size of 3.
    @Test func theDocumentedTestVector() {
        let start = ContractPeriod(sampleLabel: "2026-W49", in: Self.utc)!.start
        let units = ["A-1", "A-2", "A-3", "A-4", "B-1", "B-2"].enumerated().map { index, id in
            SampleUnit(id: id, site: "s", channel: id.hasPrefix("A") ? "email" : "chat", solved: true, createdAt: start + Double(index))
        }
        let plan = SamplingPlan(provider: "acme", size: .fixed(3), strata: [.channel])
        let draw = SampleDraw(units: units, plan: plan, seed: Self.seed, calendar: Self.week)
        #expect(Self.seed.commitment == "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd")
        let lines = draw.selections.map { "\($0.ticketId) \($0.stratum) #\($0.rank) \($0.key.prefix(16))" }
        #expect(lines == Self.vector, "\(lines)")
    }

    /// Computed by Python's hashlib (the lines of docs/audits.md), not by this code.
    static let vector = ["B-1 chat #1 2dd11df9ac1d9725", "A-4 email #1 469751b01d6115ff", "A-1 email #2 910b76196a238f94"]

    static func run(_ arguments: [String], input: Data) throws -> String {
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }
}

@Suite struct SamplingPlanTests {
    @Test func theExamplePlanReads() throws {
        let file = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "../../deploy/sampling/acme-support.sampling.yaml").standardized
        let plan = try SamplingPlan(contentsOf: file.path)
        #expect(plan.provider == "acme-support" && plan.allocation == .neyman && plan.strata == [.channel, .outcome])
        #expect(plan.size == .cochran(precision: 0.05, confidence: 0.95, expectedRate: 0.1))
        #expect(plan.acceptance == AcceptanceTerms(aql: 0.025, producerRisk: 0.05, rql: 0.10, consumerRisk: 0.10))
        #expect(plan.targeted.map(\.target) == [.lowCSAT, .reopened, .breached])
    }

    @Test func errorsNameTheLineAndKey() {
        let cases: [(String, String)] = [
            ("provider: a\nsize: {method: fixed, count: 0}\n", "p.yaml:2"),
            ("provider: a\nsize: {method: cochran, precision: 5%, confidence: 95%}\n", "expected_rate"),
            ("provider: a\nsize: {method: fixed, count: 5}\nstrata: [channel, channel]\n", "listed twice"),
            ("provider: a\nsize: {method: fixed, count: 5}\nacceptance: {aql: 10%, producer_risk: 5%, rql: 5%, consumer_risk: 10%}\n", "must be above"),
            ("provider: a\nsize: {method: fixed, count: 5}\ntargetted: {}\n", "targetted"),
            ("provider: a\nsize: {method: fixed, count: 5}\ntime_zone: Mars/Olympus\n", "time zone"),
        ]
        for (yaml, fragment) in cases {
            #expect(throws: (any Error).self) { try SamplingPlan(yaml: yaml, file: "p.yaml") }
            do {
                _ = try SamplingPlan(yaml: yaml, file: "p.yaml")
            } catch {
                #expect("\(error)".contains(fragment), "\(error)")
            }
        }
    }

    @Test func periodsByWeekAndMonth() throws {
        let utc = TimeZone(identifier: "UTC")!
        let week = try #require(ContractPeriod(sampleLabel: "2026-W49", in: utc))
        #expect(week.firstDay == CivilDate(year: 2026, month: 11, day: 30) && week.lastDay == CivilDate(year: 2026, month: 12, day: 6))
        #expect(ContractPeriod(sampleLabel: "2026-W53", in: utc)?.firstDay == CivilDate(year: 2026, month: 12, day: 28))
        #expect(ContractPeriod(sampleLabel: "2025-W53", in: utc) == nil)
        #expect(ContractPeriod(sampleLabel: "2026-W01", in: utc)?.firstDay == CivilDate(year: 2025, month: 12, day: 29))
        #expect(ContractPeriod(sampleLabel: "2026-11", in: utc)?.lastDay == CivilDate(year: 2026, month: 11, day: 30))
        for bad in ["2026-W00", "2026-13", "2026-W5", "26-11", "2026-11-01", "2026-w49"] { #expect(ContractPeriod(sampleLabel: bad, in: utc) == nil, "\(bad)") }
    }
}
