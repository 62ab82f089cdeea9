//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightTesting
import Testing

extension EndToEnd {
    @Suite struct EnrollmentTests {
        @Test(.timeLimit(.minutes(3)))
        func refusedEnrollmentsExplainAndWriteNothing() async throws {
            try await withHarness("enroll") { harness in
                let coordinator = try await harness.startCoordinator()
                let fingerprint = try await coordinator.fingerprint()

                // A used token: the first agent enrolls, the second is refused.
                let token = try await coordinator.createToken(provider: "acme", site: "lyon")
                let first = try harness.makeAgent(name: "first")
                let ok = try await first.enroll(coordinator: coordinator.address, token: token, fingerprint: fingerprint)
                #expect(ok.exitCode == 0, "\(ok)")
                let reused = try harness.makeAgent(name: "reused")
                let used = try await reused.enroll(coordinator: coordinator.address, token: token, fingerprint: fingerprint)
                #expect(used.exitCode != 0)
                #expect(used.stderr.contains("already used"), "stderr: \(used.stderr)")
                expectNothingEnrolled(in: reused.dataDirectory)

                // An expired token.
                let shortLived = try await coordinator.createToken(provider: "acme", site: "lyon", ttl: "1s")
                try await Task.sleep(for: .seconds(2))
                let late = try harness.makeAgent(name: "late")
                let expired = try await late.enroll(coordinator: coordinator.address, token: shortLived, fingerprint: fingerprint)
                #expect(expired.exitCode != 0)
                #expect(expired.stderr.contains("expired"), "stderr: \(expired.stderr)")
                expectNothingEnrolled(in: late.dataDirectory)

                // An unknown token.
                let stranger = try harness.makeAgent(name: "stranger")
                let unknown = try await stranger.enroll(
                    coordinator: coordinator.address, token: "ovt_not-a-real-token-1234567890", fingerprint: fingerprint
                )
                #expect(unknown.exitCode != 0)
                #expect(unknown.stderr.contains("not known"), "stderr: \(unknown.stderr)")
                expectNothingEnrolled(in: stranger.dataDirectory)

                // A wrong CA fingerprint (as behind a TLS-inspecting proxy): refused before the token is spent.
                let fresh = try await coordinator.createToken(provider: "acme", site: "lyon")
                let pinned = try harness.makeAgent(name: "pinned")
                let wrong = "sha256:" + String(repeating: "ab", count: 32)
                let mismatch = try await pinned.enroll(coordinator: coordinator.address, token: fresh, fingerprint: wrong)
                #expect(mismatch.exitCode != 0)
                #expect(mismatch.stderr.contains("pinned"), "stderr: \(mismatch.stderr)")
                #expect(mismatch.stderr.contains("proxy"), "stderr: \(mismatch.stderr)")
                expectNothingEnrolled(in: pinned.dataDirectory)
                // The token was not consumed by the refused attempt.
                let retry = try await pinned.enroll(coordinator: coordinator.address, token: fresh, fingerprint: fingerprint)
                #expect(retry.exitCode == 0, "\(retry)")

                let store = try coordinator.openStore()
                #expect(try await store.agents().count == 2)
                #expect(coordinator.isRunning)
            }
        }
    }
}
