//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Provider evaluations recomputed at head office on the audits page and API: a total that disagrees is flagged and
// counted per provider; the JSON matches the OpenAPI document's schemas.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import HummingbirdTesting
import OversightSLA
import Testing

@testable import OversightConsole

@Suite(.timeLimit(.minutes(1))) struct AuditRecomputationTests {
    /// The scorecard the fixture's evaluations name: greeting (1, low) and verification (5, high), zeroing.
    static let scorecard = """
        id: email-quality
        versions:
          - version: "3"
            effective_from: 2026-01-01
            high_impact_zeroes: true
            sections:
              - id: all
                items:
                  - {id: greeting, text: Greets, weight: 1, impact: low}
                  - {id: verification, text: Verifies, weight: 5, impact: high}
        """

    static func catalog() throws -> ScorecardCatalog {
        ScorecardCatalog([try Scorecard(yaml: Self.scorecard, file: "email-quality.scorecard.yaml")])
    }

    /// The OpenAPI schema `name`.
    static func schema(_ name: String) throws -> [String: Any] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        return try #require(schemas[name] as? [String: Any], "\(name)")
    }

    /// Every required property present, and no property the schema does not list.
    static func conforms(_ object: [String: Any], to name: String) throws {
        let schema = try Self.schema(name)
        let properties = try #require(schema["properties"] as? [String: Any])
        for key in (schema["required"] as? [String]) ?? [] { #expect(object[key] != nil, "\(name).\(key) is required") }
        for key in object.keys { #expect(properties[key] != nil, "\(name).\(key) is not in the OpenAPI document") }
    }

    @Test func aProviderTotalThatDisagreesIsFlaggedAndCounted() async throws {
        let fixture = try await ConsoleFixture.withAudits()
        let catalog = try Self.catalog()
        try await fixture.application(configure: { $0.scorecards = catalog }).test(.router) { client in
            let token = bearer(fixture.tokens["admin"])
            // EA1: verification failed, zeroed, the provider says 0: matches. EA2: both passed (6 of 6 = 100), the provider
            // says 92.5: differs. EG1 (globex): like EA1.
            let page = try jsonObject(try await client.execute(uri: "/api/v1/audits", method: .get, headers: token))
            let audits = try #require(page["audits"] as? [[String: Any]])
            let byId = Dictionary(uniqueKeysWithValues: audits.map { ($0["id"] as? String ?? "", $0) })
            #expect(byId["EA1"]?["recomputedScore"] as? Double == 0 && byId["EA1"]?["scoreDiffers"] as? Bool == false)
            #expect(byId["EA2"]?["recomputedScore"] as? Double == 100 && byId["EA2"]?["scoreDiffers"] as? Bool == true)
            #expect(byId["EA2"]?["score"] as? Double == 92.5 && byId["EA2"]?["recomputation"] as? String == "recomputed")
            #expect(byId["EG1"]?["scoreDiffers"] as? Bool == false)
            let counts = try #require(page["providers"] as? [[String: Any]])
            #expect(counts.map { $0["provider"] as? String } == ["acme", "globex"])
            #expect(counts.map { [$0["evaluations"] as? Int, $0["recomputed"] as? Int, $0["differs"] as? Int] } == [[2, 2, 1], [1, 1, 0]])
            try Self.conforms(page, to: "AuditPage")
            for audit in audits { try Self.conforms(audit, to: "Audit") }
            for count in counts { try Self.conforms(count, to: "AuditProviderCount") }

            // The count covers every page, not only the one returned.
            let first = try jsonObject(try await client.execute(uri: "/api/v1/audits?provider=acme&limit=1", method: .get, headers: token))
            #expect((first["audits"] as? [Any])?.count == 1)
            #expect(((first["providers"] as? [[String: Any]])?.first)?["differs"] as? Int == 1)

            let detail = try jsonObject(try await client.execute(uri: "/api/v1/audits/acme/EA2", method: .get, headers: token))
            let recomputation = try #require(detail["recomputation"] as? [String: Any])
            #expect(recomputation["status"] as? String == "recomputed" && recomputation["differs"] as? Bool == true)
            #expect(recomputation["score"] as? Double == 100 && recomputation["earned"] as? Double == 6 && recomputation["possible"] as? Double == 6)
            try Self.conforms(detail, to: "AuditDetail")
            try Self.conforms(recomputation, to: "Recomputation")
            let zeroed = try jsonObject(try await client.execute(uri: "/api/v1/audits/acme/EA1", method: .get, headers: token))
            let zeroedRecomputation = try #require(zeroed["recomputation"] as? [String: Any])
            #expect(zeroedRecomputation["zeroed"] as? Bool == true && zeroedRecomputation["failedHighImpact"] as? [String] == ["verification"])

            // The pages: the recomputed column with DIFFERS, the count per provider, the detail's line.
            var browser = Browser()
            #expect(try await browser.login(client, "admin").status == .seeOther)
            let list = String(buffer: try await browser.get(client, "/audits").body)
            #expect(list.contains("<th>Recomputed</th>") || list.contains(">Recomputed<"))
            #expect(list.contains("100 DIFFERS"))
            #expect(list.contains("Scores recomputed at head office"))
            let page2 = String(buffer: try await browser.get(client, "/audits/acme/EA2").body)
            #expect(page2.contains("100 — DIFFERS from the provider&#39;s total (6 of 6 weight)") || page2.contains("100 — DIFFERS from the provider's total (6 of 6 weight)"))
            let page1 = String(buffer: try await browser.get(client, "/audits/acme/EA1").body)
            #expect(page1.contains("0 — matches (1 of 6 weight; zeroed by verification)"))
        }
    }

    @Test func withoutTheScorecardNothingIsRecomputed() async throws {
        let fixture = try await ConsoleFixture.withAudits()
        try await fixture.application().test(.router) { client in
            let token = bearer(fixture.tokens["admin"])
            let page = try jsonObject(try await client.execute(uri: "/api/v1/audits", method: .get, headers: token))
            let audits = try #require(page["audits"] as? [[String: Any]])
            #expect(audits.allSatisfy { $0["recomputedScore"] == nil && $0["scoreDiffers"] as? Bool == false })
            #expect(audits.allSatisfy { $0["recomputation"] as? String == "unknown_scorecard" })
            let counts = try #require(page["providers"] as? [[String: Any]])
            #expect(counts.map { $0["recomputed"] as? Int } == [0, 0])
            let detail = try jsonObject(try await client.execute(uri: "/api/v1/audits/acme/EA2", method: .get, headers: token))
            #expect((detail["recomputation"] as? [String: Any])?["reason"] as? String == "head office has no scorecard with this id")
        }
    }
}
