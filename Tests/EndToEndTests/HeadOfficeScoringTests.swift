//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Issue 10, head-office scoring end to end: a real agent returns a sampled interaction redacted; an auditor signs in to
// the console over HTTPS, opens it beside the scorecard form and scores it; the stored head-office evaluation carries
// the total the scorecard computes, and calibration pairs it with the provider's own evaluation of the same ticket.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import OversightTesting
import Testing

extension EndToEnd {
    @Suite struct HeadOfficeScoringTests {
        /// `curl` against the console keeping cookies in `jar`: the status, the body and the `Location` header.
        static func curl(_ port: Int, _ path: String, jar: URL, form: [(String, String)]? = nil, token: String? = nil) async throws
            -> (status: Int, body: String, location: String)
        {
            var arguments = ["curl", "-sk", "--max-time", "20", "-c", jar.path, "-b", jar.path, "-w", "\n%{http_code} %{redirect_url}"]
            if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
            for (name, value) in form ?? [] { arguments += ["--data-urlencode", "\(name)=\(value)"] }
            let result = try await runCommand("/usr/bin/env", arguments + ["https://127.0.0.1:\(port)\(path)"])
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let last = (lines.last ?? "").split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            return (Int(last.first ?? "") ?? 0, lines.dropLast().joined(separator: "\n"), last.count > 1 ? String(last[1]) : "")
        }

        /// The CSRF token of the first form on a page.
        static func csrf(_ html: String) throws -> String {
            let range = try #require(html.range(of: "name=\"csrf\" value=\""))
            return String(html[range.upperBound...].prefix { $0 != "\"" })
        }

        @Test(.timeLimit(.minutes(5)))
        func anAuditorScoresAReturnedInteractionAndCalibrationPairsItWithTheProvidersEvaluation() async throws {
            try await withHarness("head-office-scoring") { harness in
                // Head office's scorecard: greeting 1 (low), verification 2 (high), tone 2 (low); a failed high-impact item zeroes.
                let scorecards = harness.directory.child("scorecards")
                try FileManager.default.createDirectory(at: scorecards, withIntermediateDirectories: true)
                try """
                    id: support
                    versions:
                      - version: "3"
                        effective_from: 2026-01-01
                        high_impact_zeroes: true
                        sections:
                          - id: all
                            items:
                              - {id: greeting, text: Greets the customer, weight: 1, impact: low}
                              - {id: verification, text: Verifies the customer, weight: 2, impact: high}
                              - {id: tone, text: Keeps a friendly tone, weight: 2, impact: low}

                    """.write(to: scorecards.appendingPathComponent("support.scorecard.yaml"), atomically: true, encoding: .utf8)
                let coordinator = try await harness.startCoordinator(configYAML: "scorecards: \(scorecards.path)\n", consolePort: try freeLoopbackPort())
                let port = coordinator.consolePort
                let transcripts = harness.directory.child("transcripts")
                try FileManager.default.createDirectory(at: transcripts, withIntermediateDirectories: true)
                var options = AgentOptions()
                options.ticketMapping = EvidenceTests.mapping
                options.transcriptsFolder = transcripts.path
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "lisbon", options: options)
                let store = try coordinator.openStore()
                let (start, week) = SamplesCommandTests.lastWeek()
                let base = start.addingTimeInterval(86_400 + 8 * 3600)
                try agent.drop("tickets.csv", EvidenceTests.tickets((0..<12).map { EvidenceTests.ticket($0, base: base) }))
                try await eventually("12 tickets stored") { try await store.ticketCount() == 12 }
                let plan = harness.directory.child("acme.sampling.yaml")
                try "provider: acme\nsize: { method: fixed, count: 2 }\n".write(to: plan, atomically: true, encoding: .utf8)
                let selection = ["--provider", "acme", "--period", week, "--plan", plan.path]
                let draw = try #require(
                    try JSONSerialization.jsonObject(with: Data(try await coordinator.cli(["samples", "draw", "--json"] + selection).stdout.utf8)) as? [String: Any]
                )
                let sampled = try #require(draw["selections"] as? [[String: Any]]).compactMap { $0["ticketId"] as? String }
                #expect(sampled.count == 2)
                let ticket = sampled[0]
                try "From: Anna Schmidt <anna.schmidt@example.de>\nSubject: Refund\n\nMy card 4111 1111 1111 1111 was charged twice.\n"
                    .write(to: transcripts.appendingPathComponent("\(ticket).eml"), atomically: true, encoding: .utf8)
                // The provider's own QA scored the same ticket on the same scorecard: every item passed, 100.
                let at = WireJSON.format(base.addingTimeInterval(3 * 3600))
                try agent.dropEvaluations(
                    "qa-1.jsonl",
                    #"{"evaluated_at":"\#(at)","evaluator":"qa-7","high_impact_errors":0,"interaction_ref":"\#(ticket)","#
                        + #""items":[{"impact":"low","item":"greeting","passed":true},{"impact":"high","item":"verification","passed":true},"#
                        + #"{"impact":"low","item":"tone","passed":true}],"low_impact_errors":0,"score":100,"scorecard_id":"support","scorecard_version":3}"#
                        + "\n"
                )
                let request = try await coordinator.cli(["samples", "request"] + selection)
                #expect(request.exitCode == 0, "\(request)")
                var requestId = ""
                try await eventually("the agent returned the interaction and reported the other missing", timeout: .seconds(60)) {
                    guard let row = try await store.sampleRequests(provider: "acme", period: week).first else { return false }
                    requestId = row.id
                    let interactions = try await store.interactions(requestId: row.id)
                    let theirs = try await store.providerEvaluations(provider: "acme", interactionRefs: [ticket])
                    return interactions.count == 2 && theirs.count == 1
                }

                // The auditor signs in over HTTPS and opens the interaction beside the scorecard form.
                try await coordinator.addConsoleUser("auditor1", role: "auditor", password: "correct horse battery")
                let jar = harness.directory.child("cookies.txt")
                let login = try await Self.curl(port, "/login", jar: jar)
                #expect(login.status == 200)
                let signedIn = try await Self.curl(
                    port, "/login", jar: jar, form: [("username", "auditor1"), ("password", "correct horse battery"), ("csrf", try Self.csrf(login.body))]
                )
                #expect(signedIn.status == 303, "\(signedIn)")
                let audits = try await Self.curl(port, "/audits?provider=acme", jar: jar)
                #expect(audits.status == 200 && audits.body.contains("/samples/acme/\(requestId)"), "\(audits.status)")
                let page = try await Self.curl(port, "/samples/acme/\(requestId)/\(ticket)", jar: jar)
                #expect(page.status == 200)
                #expect(page.body.contains("My card [card] was charged twice.") && !page.body.contains("4111 1111") && !page.body.contains("anna.schmidt"))
                #expect(page.body.contains("Scorecard support version 3") && page.body.contains("name=\"item.tone\""))
                // Scored through the real form: tone failed.
                let posted = try await Self.curl(
                    port, "/samples/acme/\(requestId)/\(ticket)/evaluations", jar: jar,
                    form: [
                        ("csrf", try Self.csrf(page.body)), ("scorecard", "support"), ("item.greeting", "pass"), ("item.verification", "pass"),
                        ("item.tone", "fail"), ("comments", "curt closing"),
                    ]
                )
                #expect(posted.status == 303, "\(posted)")
                let stored = try #require(try await store.headOfficeEvaluations(provider: "acme", period: week, ticketId: ticket, limit: 5).first)
                #expect(posted.location.hasSuffix("/head-office-evaluations/acme/\(stored.id)"), "\(posted.location)")
                // 100 × (1 + 2) / 5 = 60, computed by the scorecard's code; who, when, which version.
                #expect(stored.score == 60 && !stored.zeroed && stored.lowImpactErrors == 1 && stored.highImpactErrors == 0)
                #expect(stored.evaluator == "auditor1" && stored.evaluatorRole == "auditor" && stored.scorecard == "support" && stored.scorecardVersion == "3")
                #expect(stored.items.map(\.item) == ["greeting", "verification", "tone"] && stored.comments == "curt closing")
                #expect(abs(stored.evaluatedAt.timeIntervalSinceNow) < 600)
                let shown = try await Self.curl(port, "/head-office-evaluations/acme/\(stored.id)", jar: jar)
                #expect(shown.status == 200 && shown.body.contains("curt closing"))

                // Calibration of the constructed pair (provider 100, head office 60): items 2 of 3 alike; the provider
                // passed all, so kappa is 0 (p_e = 2/3); AC1 with 2 categories: π = (5/6, 1/6), p_e = 10/36, AC1 = 7/13.
                let admin = try await coordinator.cli(["users", "token", "admin"])
                let token = admin.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                let reply = try await Self.curl(port, "/api/v1/calibration?provider=acme&period=\(week)", jar: harness.directory.child("none.txt"), token: token)
                #expect(reply.status == 200, "\(reply)")
                let report = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
                let overall = try #require(report["overall"] as? [String: Any])
                #expect(report["categories"] as? Int == 2 && overall["pairs"] as? Int == 1 && overall["items"] as? Int == 3, "\(report)")
                #expect(abs((overall["percentAgreement"] as? Double ?? 0) - 2.0 / 3) < 1e-12)
                #expect(abs(overall["cohenKappa"] as? Double ?? 1) < 1e-12)
                #expect(abs((overall["gwetAC1"] as? Double ?? 0) - 7.0 / 13) < 1e-12)
                #expect(overall["providerHigher"] as? Int == 1 && overall["pValue"] as? Double == 0.5 && overall["lenient"] as? Bool == false)
                let pair = try #require((report["pairs"] as? [[String: Any]])?.first)
                #expect(pair["providerScore"] as? Double == 100 && pair["providerScoreSource"] as? String == "recomputed")
                #expect(pair["headOfficeScore"] as? Double == 60 && pair["difference"] as? Double == 40 && pair["headOfficeEvaluationId"] as? String == stored.id)
                await agent.stop()
                await coordinator.stop()
            }
        }
    }
}
