//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What agents trust, on every backend: a later report replaces the earlier one, a missing part keeps what was stored.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightTesting
import Testing

@testable import OversightStore

extension StoreBackendTests {
    @Test(arguments: StoreBackend.available)
    func anAgentsTrustReportIsKeptPartByPart(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.enroll(store, agent: "agt_a")
            try await Self.enroll(store, agent: "agt_b", site: "oslo")
            #expect(try await store.agentTrust().isEmpty)

            // Enrollment: only the issuing CA is known.
            try await store.recordAgentTrust(agentId: "agt_a", report: nil, certificateIssuer: "sha256:old", now: self.now)
            var row = try #require(try await store.agentTrust()["agt_a"])
            #expect(row.caFingerprints == nil && row.coordinatorKeys == nil && row.certificateIssuer == "sha256:old")

            // hello: the report; the issuer is kept when not given.
            let report = TrustReport(caFingerprints: ["sha256:old", "sha256:new"], coordinatorKeys: ["k1"], nonce: "n")
            try await store.recordAgentTrust(agentId: "agt_a", report: report, certificateIssuer: nil, now: self.now + 5)
            row = try #require(try await store.agentTrust()["agt_a"])
            #expect(row == AgentTrustRow(agentId: "agt_a", caFingerprints: ["sha256:old", "sha256:new"], coordinatorKeys: ["k1"], certificateIssuer: "sha256:old", reportedAt: self.now + 5))

            // A renewal: the issuer changes, the report stays.
            try await store.recordAgentTrust(agentId: "agt_a", report: nil, certificateIssuer: "sha256:new", now: self.now + 9)
            row = try #require(try await store.agentTrust()["agt_a"])
            #expect(row.caFingerprints == ["sha256:old", "sha256:new"] && row.certificateIssuer == "sha256:new")

            // An empty list is kept as empty, not as unknown.
            try await store.recordAgentTrust(
                agentId: "agt_b", report: TrustReport(caFingerprints: ["sha256:new"], coordinatorKeys: [], nonce: "m"), certificateIssuer: nil,
                now: self.now
            )
            let all = try await store.agentTrust()
            #expect(all.count == 2)
            #expect(all["agt_b"]?.coordinatorKeys == [] && all["agt_b"]?.certificateIssuer == nil)
        }
    }
}
