//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Audit periods in the console: the acceptance verdict at the AQL from head office's audits of the acceptance sample
// (not enough audits, accepted, rejected once the newest evaluation has a high-impact error), the seed commitments with
// their first publication and the seed revealed after close, scope, and the QA figures' Wilson intervals.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import OversightModel
import OversightSLA
import OversightSampling
import OversightStore
import OversightWire
import Synchronization
import Testing

@testable import OversightConsole

@Suite(.timeLimit(.minutes(1))) struct AuditPeriodRouteTests {
    /// acme's plan: 8 audits of 20 tickets, accept with at most 1 defect (AQL 5 %, α 10 %, RQL 40 %, β 10 %: hypergeometric).
    static let plan = """
        provider: acme
        time_zone: Europe/Paris
        size: { method: fixed, count: 4 }
        strata: [channel]
        acceptance: { aql: 5%, producer_risk: 10%, rql: 40%, consumer_risk: 10% }

        """

    /// 20 tickets of acme created in 2026-W38 (Paris), email and chat, committed as batch 2.
    static func tickets(_ fixture: ConsoleFixture) async throws -> [String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        let monday = calendar.date(from: DateComponents(year: 2026, month: 9, day: 14, hour: 9))!
        var records: [TicketRecord] = []
        for number in 1...20 {
            let created = monday.addingTimeInterval(Double(number) * 3600)
            let solved = created.addingTimeInterval(600)
            let channel: ContactChannel = number % 3 == 0 ? .chat : .email
            let changes = [TicketRecord.StatusChange(status: .new, at: created), TicketRecord.StatusChange(status: .solved, at: solved)]
            records.append(
                TicketRecord(
                    provider: "acme", site: "paris", id: "W\(number)", channel: channel, status: .solved, createdAt: created, updatedAt: solved,
                    statusChanges: changes
                )
            )
        }
        let outcome = try await fixture.store.commit(
            IncomingBatch(
                agentId: "agt_acme", seq: 2, hash: "hash-acme-2", prev: "hash-acme", jws: FlattenedJWS(protected: "p", payload: "x", signature: "s"),
                receivedAt: fixture.now, tickets: records
            )
        )
        #expect(outcome == .committed(applied: 20, stale: 0))
        return records.map(\.id)
    }

    static func period(_ report: [String: Any], _ label: String) throws -> [String: Any] {
        try #require((report["periods"] as? [[String: Any]])?.first { $0["period"] as? String == label }, "no period \(label) in \(report)")
    }

    @Test func theVerdictFollowsHeadOfficeAuditsOfTheAcceptanceSample() async throws {
        let fixture = try await ConsoleFixture()
        try FileManager.default.createDirectory(atPath: fixture.directory + "/sampling", withIntermediateDirectories: true)
        try Self.plan.write(toFile: fixture.directory + "/sampling/acme.sampling.yaml", atomically: true, encoding: .utf8)
        _ = try await Self.tickets(fixture)
        let clock = Mutex(fixture.now + 60)
        let application = try fixture.application {
            $0.scorecards = ConsoleFixture.scorecards
            $0.sampling = SamplingFiles(dataDirectory: fixture.directory)
            $0.now = { clock.withLock { $0 } }
        }
        try await application.test(.router) { client in
            let token = bearer(fixture.tokens["admin"])
            func report(_ query: String) async throws -> [String: Any] {
                let response = try await client.execute(uri: "/api/v1/audit-periods?\(query)", method: .get, headers: token)
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                return try jsonObject(response)
            }
            // The closed week 2026-W38, nothing audited: no verdict.
            var week = try Self.period(try await report("provider=acme&period=2026-W38"), "2026-W38")
            #expect(week["status"] as? String == "closed")
            var acceptance = try #require(week["acceptance"] as? [String: Any])
            let expected = try #require(
                AcceptancePlan.compute(AcceptanceTerms(aql: 0.05, producerRisk: 0.1, rql: 0.4, consumerRisk: 0.1), population: 20)
            )
            #expect(expected.n == 8 && expected.c == 1 && expected.model == .hypergeometric)
            #expect(acceptance["n"] as? Int == 8 && acceptance["c"] as? Int == 1 && acceptance["model"] as? String == "hypergeometric")
            #expect(acceptance["population"] as? Int == 20 && acceptance["aql"] as? Double == 0.05)
            #expect(acceptance["state"] as? String == "not_enough_audits" && acceptance["audited"] as? Int == 0 && acceptance["notRequested"] as? Int == 8)
            let sample = try #require(acceptance["sample"] as? [String])
            #expect(sample.count == 8 && Set(sample).count == 8)

            // The seed of the closed week is revealed, its SHA-256 is the commitment, and the recompute line names it.
            let seed = try #require(week["seed"] as? [String: Any])
            let secret = try SamplingSecret.load(path: fixture.directory + "/sampling-secret")
            let revealed = SampleSeed(secret: secret, provider: "acme", period: "2026-W38")
            #expect(seed["seed"] as? String == revealed.hex && seed["commitment"] as? String == revealed.commitment)
            #expect(SampleSeed.hex(SHA256.hash(data: revealed.bytes)) == revealed.commitment)
            #expect((seed["recompute"] as? String)?.contains("samples draw --provider acme --period 2026-W38 --seed \(revealed.hex)") == true)
            // Never published before it closed: no publication is invented.
            #expect(seed["publishedAt"] == nil && seed["publishedBeforeStart"] as? Bool == false)

            // The sample is requested and returned; head office audits seven of the eight, one with a high-impact error.
            try await fixture.store.createSampleRequests([
                SampleRequestRow(
                    id: "smp_w38", provider: "acme", site: "paris", agentId: "agt_acme", period: "2026-W38", seedCommitment: revealed.commitment,
                    ticketIds: sample, createdAt: fixture.now, acknowledgedAt: fixture.now
                )
            ])
            let interactions = sample.map {
                InteractionRecord(
                    provider: "acme", site: "paris", requestId: "smp_w38", ticketId: $0, status: .returned, format: .text, text: "Hello [name]",
                    redactions: ["name": 1], updatedAt: fixture.now
                )
            }
            _ = try await fixture.store.commit(
                IncomingBatch(
                    agentId: "agt_acme", seq: 3, hash: "hash-acme-3", prev: "hash-acme-2", jws: FlattenedJWS(protected: "p", payload: "x", signature: "s"),
                    receivedAt: fixture.now, tickets: [], interactions: interactions
                )
            )
            func score(_ ticket: String, defect: Bool) async throws {
                let items = ["greeting": "pass", "verification": defect ? "fail" : "pass", "tone": defect ? "pass" : "fail"]
                let response = try await sendJSON(client, "/api/v1/samples/acme/smp_w38/\(ticket)/evaluations", ["items": items], headers: token)
                #expect(response.status == .created, "\(String(buffer: response.body))")
            }
            for (index, ticket) in sample.prefix(7).enumerated() { try await score(ticket, defect: index == 0) }
            acceptance = try #require(try Self.period(try await report("provider=acme&period=2026-W38"), "2026-W38")["acceptance"] as? [String: Any])
            #expect(acceptance["state"] as? String == "not_enough_audits" && acceptance["audited"] as? Int == 7 && acceptance["defects"] as? Int == 1)
            #expect(acceptance["notRequested"] as? Int == 0)

            // The eighth: 8 of 8 audited, 1 defect ≤ c = 1: accepted.
            try await score(sample[7], defect: false)
            acceptance = try #require(try Self.period(try await report("provider=acme&period=2026-W38"), "2026-W38")["acceptance"] as? [String: Any])
            #expect(acceptance["state"] as? String == "accepted" && acceptance["audited"] as? Int == 8 && acceptance["defects"] as? Int == 1)

            // A re-score a minute later with a high-impact error (the newest evaluation counts): 2 defects > c: rejected.
            clock.withLock { $0 += 60 }
            try await score(sample[7], defect: true)
            acceptance = try #require(try Self.period(try await report("provider=acme&period=2026-W38"), "2026-W38")["acceptance"] as? [String: Any])
            #expect(acceptance["state"] as? String == "rejected" && acceptance["defects"] as? Int == 2)

            // The audits page and the CLI-shaped line; the monthly scorecard of September carries the month's line.
            var browser = Browser()
            _ = try await browser.login(client, "audit")
            let audits = String(buffer: try await browser.get(client, "/audits?provider=acme").body)
            #expect(audits.contains("id=\"audit-periods\""))
            #expect(audits.contains("rejected at AQL 5%: n = 8, c = 1, defects found: 2"), "\(audits)")
            #expect(audits.contains(revealed.commitment) && audits.contains(revealed.hex))
            let card = String(buffer: try await browser.get(client, "/scorecard?provider=acme&month=2026-09").body)
            #expect(card.contains("Audit acceptance 2026-09: in progress:"), "\(card)")
        }
    }

    @Test func commitmentsArePublishedBeforeTheirPeriodAndKeepTheirFirstTime() async throws {
        let fixture = try await ConsoleFixture()
        try FileManager.default.createDirectory(atPath: fixture.directory + "/sampling", withIntermediateDirectories: true)
        try Self.plan.write(toFile: fixture.directory + "/sampling/acme.sampling.yaml", atomically: true, encoding: .utf8)
        // The console's clock: 2026-09-21 14:14:20 UTC, in 2026-W39 (Monday) and September.
        let clock = Mutex(fixture.now + 60)
        let application = try fixture.application {
            $0.sampling = SamplingFiles(dataDirectory: fixture.directory)
            $0.now = { clock.withLock { $0 } }
        }
        try await application.test(.router) { client in
            func report(_ user: String, _ query: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/audit-periods?\(query)", method: .get, headers: bearer(fixture.tokens[user]))
            }
            let first = try jsonObject(try await report("admin", "provider=acme"))
            #expect(first["samplingPlan"] as? Bool == true)
            #expect((first["periods"] as? [[String: Any]])?.map { $0["period"] as? String } == ["2026-10", "2026-W40", "2026-W39", "2026-09"])
            let next = try #require(try Self.period(first, "2026-W40")["seed"] as? [String: Any])
            let open = try Self.period(first, "2026-W39")
            #expect(next["publishedBeforeStart"] as? Bool == true && next["seed"] == nil && next["changed"] as? Bool == false)
            #expect((open["seed"] as? [String: Any])?["publishedBeforeStart"] as? Bool == false, "first shown after W39 had started")
            #expect(try Self.period(first, "2026-W40")["acceptance"] == nil, "no verdict before the period starts")
            // The fixture's one acme ticket, T1, was created this week: the open week's verdict is in progress.
            let openAcceptance = try #require(open["acceptance"] as? [String: Any])
            #expect(openAcceptance["state"] as? String == "in_progress" && openAcceptance["population"] as? Int == 1)
            let publishedAt = try #require(next["publishedAt"] as? String)

            // An hour later the same commitment keeps its first publication time.
            clock.withLock { $0 += 3600 }
            let again = try jsonObject(try await report("admin", "provider=acme"))
            #expect((try Self.period(again, "2026-W40")["seed"] as? [String: Any])?["publishedAt"] as? String == publishedAt)
            let rows = try await fixture.store.seedCommitments(provider: "acme", period: "2026-W40", limit: 10)
            #expect(rows.count == 1 && rows.first?.publishedAt == fixture.now + 60)
            #expect(rows.first?.commitment == SampleSeed(secret: try SamplingSecret.load(path: fixture.directory + "/sampling-secret"), provider: "acme", period: "2026-W40").commitment)

            // Scope and bad input.
            #expect(try await report("sup", "provider=globex").status == .notFound)
            #expect(try await report("acmestaff", "provider=acme").status == .ok)
            #expect(try await report("admin", "provider=acme&period=2026-W60").status == .badRequest)
            #expect(try await report("admin", "provider=acme&period=2021-W53").status == .badRequest, "2021 has no week 53")
            #expect(try await report("admin", "").status == .badRequest)
            // A provider without a plan: nothing drawn, nothing published.
            let globex = try jsonObject(try await report("admin", "provider=globex"))
            #expect(globex["samplingPlan"] as? Bool == false && (globex["periods"] as? [Any])?.isEmpty == true)
            #expect(try await fixture.store.seedCommitments(provider: "globex", period: nil, limit: 10).isEmpty)
        }
    }

    /// The monthly scorecard's QA figures carry the 95 % Wilson interval of the month's evaluations and their n.
    @Test func theQAFiguresCarryTheirWilsonInterval() async throws {
        let fixture = try await ConsoleFixture()
        var contract = ConsoleContract(provider: "acme", name: "Acme Support", timeZone: "Europe/Paris", effectiveFrom: "2026-01-01")
        contract.targets = [
            .init(id: "qa-score", figure: "qa_score", period: "month", target: 85, unit: "score"),
            .init(id: "qa-errors", figure: "high_impact_error_rate", period: "month", atMost: true, target: 0.05, unit: "percentage"),
        ]
        // Ten evaluations in September, three with a high-impact error; scores 0 (those three) and 90 (the rest).
        let evaluations = (1...10).map { number in
            EvaluationRecord(
                provider: "acme", site: "paris", id: "QA-\(number)", interactionRef: "T\(number)", evaluator: "eval-1", scorecard: "email-quality",
                scorecardVersion: "3", evaluatedAt: fixture.now - Double(number) * 3600, items: [],
                highImpactErrors: number <= 3 ? 1 : 0, lowImpactErrors: 0, score: number <= 3 ? 0 : 90, updatedAt: fixture.now
            )
        }
        _ = try await fixture.store.commit(
            IncomingBatch(
                agentId: "agt_acme", seq: 2, hash: "hash-acme-2", prev: "hash-acme", jws: FlattenedJWS(protected: "p", payload: "x", signature: "s"),
                receivedAt: fixture.now, tickets: [], evaluations: evaluations
            )
        )
        try await fixture.application(contracts: ["acme": contract]).test(.router) { client in
            let card = try jsonObject(try await client.execute(uri: "/api/v1/scorecards/acme?month=2026-09", method: .get, headers: bearer(fixture.tokens["admin"])))
            let rows = try #require(card["rows"] as? [[String: Any]])
            let errors = try #require((rows.first { $0["id"] as? String == "qa-errors" }?["actual"] as? [String: Any])?["interval"] as? [String: Any])
            // 3 of 10: Wilson [0.1078, 0.6032] (by hand: centre (0.3 + 0.19208) / 1.38415 = 0.35551, half-width 0.24772).
            let wilson = try #require(WilsonInterval(successes: 3, n: 10))
            #expect(errors["n"] as? Int == 10 && errors["confidence"] as? Double == 0.95)
            #expect(abs((errors["lower"] as? Double ?? 0) - wilson.lower) < 1e-12 && abs((errors["upper"] as? Double ?? 0) - wilson.upper) < 1e-12, "\(errors)")
            #expect(abs(wilson.lower - 0.1078) < 0.00005 && abs(wilson.upper - 0.6032) < 0.00005)
            // The QA score: mean 63 points, the formula on p̂ = 0.63 with n = 10, in points.
            let score = try #require((rows.first { $0["id"] as? String == "qa-score" }?["actual"] as? [String: Any])?["interval"] as? [String: Any])
            let share = try #require(WilsonInterval(proportion: 0.63, n: 10))
            #expect(score["n"] as? Int == 10)
            #expect(abs((score["lower"] as? Double ?? 0) - 100 * share.lower) < 1e-9 && abs((score["upper"] as? Double ?? 0) - 100 * share.upper) < 1e-9)
        }
    }
}
