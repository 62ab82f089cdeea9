//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Head-office scoring in the console: who may score, the form and the API computing the same total, disputes of
// head-office evaluations, calibration figures and the leniency alert raised once per provider and period.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import HummingbirdTesting
import OversightAlerts
import OversightModel
import OversightSLA
import OversightStore
import OversightWire
import Testing

@testable import OversightConsole

extension ConsoleFixture {
    /// Head office's scorecard: greeting 1 (low), verification 5 (high, N/A allowed), tone 2 (low); zeroing.
    static let scorecards = ScorecardCatalog([
        OversightSLA.Scorecard(
            id: "email-quality",
            versions: [
                ScorecardVersion(
                    version: "3", effectiveFrom: CivilDate(year: 2026, month: 1, day: 1), highImpactZeroes: true,
                    sections: [
                        ScorecardSection(
                            id: "all",
                            items: [
                                ScorecardItem(id: "greeting", text: "Greets the customer", weight: 1, impact: .low),
                                ScorecardItem(id: "verification", text: "Verifies the caller", weight: 5, impact: .high, naAllowed: true),
                                ScorecardItem(id: "tone", text: "Keeps a friendly tone", weight: 2, impact: .low, communicationStyle: true),
                            ]
                        )
                    ]
                )
            ]
        )
    ])

    /// The fixture plus acme's sample request `smp_t` of week 2026-W38 for S1…S11 (returned) and M1 (reported
    /// missing), and the provider's own evaluations of S1…S11, every item passed (100) by evaluator `eval-1` or `eval-2`.
    static func withSamples() async throws -> ConsoleFixture {
        let fixture = try await ConsoleFixture()
        let tickets = (1...11).map { "S\($0)" }
        try await fixture.store.createSampleRequests([
            SampleRequestRow(
                id: "smp_t", provider: "acme", site: "paris", agentId: "agt_acme", period: "2026-W38", seedCommitment: String(repeating: "ab", count: 32),
                ticketIds: tickets + ["M1"], createdAt: fixture.now, acknowledgedAt: fixture.now + 5
            )
        ])
        let interactions =
            tickets.map {
                InteractionRecord(
                    provider: "acme", site: "paris", requestId: "smp_t", ticketId: $0, status: .returned, format: .email,
                    text: "From: [name] <[email]>\nMy card [card] was charged twice.", redactions: ["email": 1, "card": 1], updatedAt: fixture.now
                )
            } + [InteractionRecord(provider: "acme", site: "paris", requestId: "smp_t", ticketId: "M1", status: .missing, reason: "no transcript file", updatedAt: fixture.now)]
        let evaluations = tickets.enumerated().map { index, ticket in
            EvaluationRecord(
                provider: "acme", site: "paris", id: "E-\(ticket)", interactionRef: ticket, evaluator: index % 2 == 0 ? "eval-1" : "eval-2",
                scorecard: "email-quality", scorecardVersion: "3", evaluatedAt: fixture.now - 600,
                items: ["greeting", "verification", "tone"].map { EvaluationItem(item: $0, passed: true, impact: $0 == "verification" ? .high : .low) },
                highImpactErrors: 0, lowImpactErrors: 0, score: 100, updatedAt: fixture.now
            )
        }
        let outcome = try await fixture.store.commit(
            IncomingBatch(
                agentId: "agt_acme", seq: 2, hash: "hash-acme-2", prev: "hash-acme", jws: FlattenedJWS(protected: "p", payload: "x", signature: "s"),
                receivedAt: fixture.now + 30, tickets: [], evaluations: evaluations, interactions: interactions
            )
        )
        #expect(outcome == .committed(applied: evaluations.count + interactions.count, stale: 0))
        return fixture
    }

    func scoringApplication() throws -> some ApplicationProtocol {
        try self.application { $0.scorecards = Self.scorecards }
    }
}

@Suite(.timeLimit(.minutes(1))) struct HeadOfficeScoringRouteTests {
    static var toneFailed: [String: Any] { ["items": ["greeting": "pass", "verification": "pass", "tone": "fail"]] }

    @Test(arguments: ["admin", "sup", "audit", "view", "acmestaff"])
    func rolesAgainstScoringRoutes(username: String) async throws {
        let fixture = try await ConsoleFixture.withSamples()
        let scores = ["admin", "sup", "audit"].contains(username)
        try await fixture.scoringApplication().test(.router) { client in
            let token = bearer(fixture.tokens[username])
            // Everyone who may see acme sees its requests, with the counts.
            let list = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: try await client.execute(uri: "/api/v1/samples", method: .get, headers: token).body))
                    as? [[String: Any]]
            )
            #expect(list.count == 1)
            #expect(list.first?["requested"] as? Int == 12 && list.first?["returned"] as? Int == 11 && list.first?["missing"] as? Int == 1)
            #expect(list.first?["pending"] as? Int == 0 && list.first?["scored"] as? Int == 0)
            let interaction = try jsonObject(try await client.execute(uri: "/api/v1/samples/acme/smp_t/S1", method: .get, headers: token))
            #expect((interaction["interaction"] as? [String: Any])?["text"] as? String == "From: [name] <[email]>\nMy card [card] was charged twice.")
            let card = try #require(interaction["scorecard"] as? [String: Any])
            #expect(card["id"] as? String == "email-quality" && card["version"] as? String == "3")
            #expect((card["items"] as? [[String: Any]])?.map { $0["id"] as? String } == ["greeting", "verification", "tone"])
            // Scoring: head office only.
            let scored = try await sendJSON(client, "/api/v1/samples/acme/smp_t/S1/evaluations", Self.toneFailed, headers: token)
            #expect(scored.status == (scores ? .created : .forbidden), "\(String(buffer: scored.body))")
            if scores {
                let body = try jsonObject(scored)
                // 100 × (1 + 5) / 8 = 75, by the scorecard's code.
                #expect(body["score"] as? Double == 75 && body["zeroed"] as? Bool == false && body["lowImpactErrors"] as? Int == 1)
                #expect(body["evaluator"] as? String == username && body["period"] as? String == "2026-W38")
            }
            #expect(try await fixture.store.headOfficeEvaluations(provider: "acme", period: nil, ticketId: "S1", limit: 5).count == (scores ? 1 : 0))
            // Globex's scope: no such request there.
            #expect(try await client.execute(uri: "/api/v1/samples/globex/smp_t", method: .get, headers: token).status == .notFound)
        }
    }

    @Test func badResultsAreRefusedAndNothingIsStored() async throws {
        let fixture = try await ConsoleFixture.withSamples()
        try await fixture.scoringApplication().test(.router) { client in
            let token = bearer(fixture.tokens["audit"])
            let cases: [([String: Any], String)] = [
                (["items": ["greeting": "pass", "verification": "pass"]], "Item tone has no result"),
                (["items": ["greeting": "na", "verification": "pass", "tone": "pass"]], "Item greeting may not be N"),
                (["items": ["greeting": "pass", "verification": "pass", "tone": "good"]], "The result of item tone must be pass, fail or na"),
                (["items": ["greeting": "pass", "verification": "pass", "tone": "pass", "extra": "pass"]], "Item extra is not on the scorecard"),
                (["scorecard": "nope", "items": ["greeting": "pass"]], "Head office has no scorecard nope"),
                (["items": ["greeting": "pass", "verification": "pass", "tone": "pass"], "comments": String(repeating: "x", count: 2001)], "at most 2000"),
            ]
            for (body, message) in cases {
                let response = try await sendJSON(client, "/api/v1/samples/acme/smp_t/S1/evaluations", body, headers: token)
                #expect(response.status == .badRequest && String(buffer: response.body).contains(message), "\(String(buffer: response.body))")
            }
            let missing = try await sendJSON(client, "/api/v1/samples/acme/smp_t/M1/evaluations", Self.toneFailed, headers: token)
            #expect(missing.status == .conflict)
            #expect(try await sendJSON(client, "/api/v1/samples/acme/smp_t/NOPE/evaluations", Self.toneFailed, headers: token).status == .notFound)
            #expect(try await fixture.store.headOfficeEvaluations(provider: "acme", period: nil, ticketId: nil, limit: 5).isEmpty)
            // N/A where allowed, and a high-impact failure zeroes.
            let na = try jsonObject(
                try await sendJSON(client, "/api/v1/samples/acme/smp_t/S2/evaluations", ["items": ["greeting": "pass", "verification": "na", "tone": "fail"]], headers: token)
            )
            #expect(abs((na["score"] as? Double ?? 0) - 100.0 / 3) < 1e-9)
            let zero = try jsonObject(
                try await sendJSON(client, "/api/v1/samples/acme/smp_t/S3/evaluations", ["items": ["greeting": "pass", "verification": "fail", "tone": "pass"]], headers: token)
            )
            #expect(zero["score"] as? Double == 0 && zero["zeroed"] as? Bool == true && zero["highImpactErrors"] as? Int == 1)
        }
    }

    @Test func theFormScoresBesideTheRedactedTextAndTheProviderDisputesIt() async throws {
        let fixture = try await ConsoleFixture.withSamples()
        try await fixture.scoringApplication().test(.router) { client in
            var auditor = Browser()
            _ = try await auditor.login(client, "audit")
            let audits = String(buffer: try await auditor.get(client, "/audits").body)
            #expect(audits.contains("id=\"table-sample-requests\"") && audits.contains("/samples/acme/smp_t"))
            let request = String(buffer: try await auditor.get(client, "/samples/acme/smp_t").body)
            #expect(request.contains("no transcript file") && request.contains("/samples/acme/smp_t/S4"))
            let page = try await auditor.get(client, "/samples/acme/smp_t/S4")
            let html = String(buffer: page.body)
            #expect(html.contains("id=\"interaction-text\"") && html.contains("My card [card] was charged twice."))
            #expect(html.contains("name=\"item.verification\" value=\"na\"") && !html.contains("name=\"item.greeting\" value=\"na\""))
            let posted = try await auditor.post(
                client, "/samples/acme/smp_t/S4/evaluations",
                ["csrf": auditor.csrf, "scorecard": "email-quality", "item.greeting": "pass", "item.verification": "pass", "item.tone": "fail", "comments": "too curt"]
            )
            #expect(posted.status == .seeOther)
            let location = try #require(posted.headers[.location])
            let stored = try #require(try await fixture.store.headOfficeEvaluations(provider: "acme", period: nil, ticketId: "S4", limit: 1).first)
            #expect(location == "/head-office-evaluations/acme/\(stored.id)")
            #expect(stored.score == 75 && stored.evaluator == "audit" && stored.evaluatorRole == "auditor" && stored.comments == "too curt")
            #expect(stored.scorecard == "email-quality" && stored.scorecardVersion == "3" && stored.evaluatedAt == fixture.now + 60)
            // The provider's staff read it and dispute it through the form; the auditor decides.
            var staff = Browser()
            _ = try await staff.login(client, "acmestaff")
            let shown = String(buffer: try await staff.get(client, location).body)
            #expect(shown.contains("75") && shown.contains("action=\"\(location)/dispute\""))
            #expect(!String(buffer: try await staff.get(client, "/samples/acme/smp_t/S5").body).contains("id=\"score-form\""))
            #expect(try await staff.post(client, location + "/dispute", ["csrf": staff.csrf, "reason": "the tone was fine"]).status == .seeOther)
            let disputes = try await fixture.store.disputes(provider: "acme", evaluationId: stored.id, subject: .headOfficeEvaluation)
            #expect(disputes.map(\.state) == [.open] && disputes.first?.openedBy == "acmestaff")
            _ = try await auditor.get(client, location)
            #expect(try await auditor.post(client, location + "/decision", ["csrf": auditor.csrf, "decision": "rejected", "note": "curt"]).status == .seeOther)
            #expect(try await fixture.store.disputes(provider: "acme", evaluationId: stored.id, subject: .headOfficeEvaluation).map(\.state) == [.rejected])
            // The provider's own evaluation of S4 is untouched by the head-office dispute.
            #expect(try await fixture.store.disputes(provider: "acme", evaluationId: "E-S4").isEmpty)
            // Through the API too.
            let api = try jsonObject(try await client.execute(uri: "/api/v1/head-office-evaluations/acme/\(stored.id)", method: .get, headers: bearer(fixture.tokens["acmestaff"])))
            #expect((api["disputes"] as? [[String: Any]])?.first?["subject"] as? String == "head_office_evaluation")
        }
    }

    @Test func calibrationFiguresAndTheLeniencyAlertOncePerProviderAndPeriod() async throws {
        let fixture = try await ConsoleFixture.withSamples()
        try await fixture.scoringApplication().test(.router) { client in
            let token = bearer(fixture.tokens["audit"])
            for n in 1...9 {
                #expect(try await sendJSON(client, "/api/v1/samples/acme/smp_t/S\(n)/evaluations", Self.toneFailed, headers: token).status == .created)
            }
            // Nine pairs, each provider 100 against head office 75: p = 1/512, but fewer than 10 pairs: no verdict, no alert.
            var report = try jsonObject(try await client.execute(uri: "/api/v1/calibration?provider=acme&period=2026-W38", method: .get, headers: token))
            var overall = try #require(report["overall"] as? [String: Any])
            #expect(overall["pairs"] as? Int == 9 && overall["providerHigher"] as? Int == 9 && overall["lenient"] as? Bool == false)
            #expect(abs((overall["pValue"] as? Double ?? 0) - 1.0 / 512) < 1e-12)
            #expect(try await fixture.alerts.openAlerts().filter { $0.kind == .calibrationLenient }.isEmpty)
            // Items: greeting and verification agree, tone never: 2/3 agreement. Provider passes all: kappa 0 (p_e = 2/3);
            // AC1 with 3 categories (verification allows N/A): π = (5/6, 1/6, 0), p_e = (5/36 + 5/36) / 2 = 5/36,
            // AC1 = (2/3 − 5/36) / (31/36) = 19/31.
            #expect(report["categories"] as? Int == 3 && overall["items"] as? Int == 27)
            #expect(abs((overall["percentAgreement"] as? Double ?? 0) - 2.0 / 3) < 1e-12)
            #expect(abs((overall["cohenKappa"] as? Double ?? 1)) < 1e-12)
            #expect(abs((overall["gwetAC1"] as? Double ?? 0) - 19.0 / 31) < 1e-12)
            let evaluators = try #require(report["evaluators"] as? [[String: Any]])
            #expect(evaluators.map { $0["evaluator"] as? String } == ["eval-1", "eval-2"] && evaluators.map { $0["pairs"] as? Int } == [5, 4])
            // The tenth pair: p = 1/1024 with 10 pairs: the alert fires, once.
            #expect(try await sendJSON(client, "/api/v1/samples/acme/smp_t/S10/evaluations", Self.toneFailed, headers: token).status == .created)
            let alerts = try await fixture.alerts.openAlerts().filter { $0.kind == .calibrationLenient }
            #expect(alerts.count == 1)
            let alert = try #require(alerts.first)
            #expect(alert.subject.provider == "acme" && alert.subject.period == "2026-W38" && alert.consolePath == "/calibration?provider=acme&period=2026-W38")
            #expect(alert.summary.contains("higher 10 times") && alert.summary.contains("p = 0.0010"), "\(alert.summary)")
            report = try jsonObject(try await client.execute(uri: "/api/v1/calibration?provider=acme&period=2026-W38", method: .get, headers: token))
            overall = try #require(report["overall"] as? [String: Any])
            #expect(overall["lenient"] as? Bool == true && overall["pairs"] as? Int == 10)
            // Resolved and re-scored: not raised again for the same provider and period.
            _ = try await fixture.alerts.resolve(key: alert.key)
            #expect(try await sendJSON(client, "/api/v1/samples/acme/smp_t/S11/evaluations", Self.toneFailed, headers: token).status == .created)
            _ = try await client.execute(uri: "/api/v1/calibration?provider=acme&period=2026-W38", method: .get, headers: token)
            #expect(try await fixture.alerts.openAlerts().filter { $0.kind == .calibrationLenient }.isEmpty)
            #expect(try await fixture.alerts.history(key: alert.key).count == 1)
            // The page shows the figures.
            var browser = Browser()
            _ = try await browser.login(client, "audit")
            let html = String(buffer: try await browser.get(client, "/calibration?provider=acme&period=2026-W38").body)
            #expect(html.contains("MORE LENIENT") && html.contains("id=\"table-pairs\"") && html.contains("0.613"))
            #expect(try await client.execute(uri: "/api/v1/calibration?provider=acme&period=bad", method: .get, headers: token).status == .badRequest)
            #expect(try await client.execute(uri: "/api/v1/calibration", method: .get, headers: token).status == .badRequest)
        }
    }
}
