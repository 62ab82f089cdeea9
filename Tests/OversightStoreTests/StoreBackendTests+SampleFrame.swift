//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The audit-sample frame on every backend: a provider's tickets created in the period, by id, with what the draw's
// strata need (channel, outcome, staff, CSAT, reopens, breaches).
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightTesting
import Testing

@testable import OversightStore

extension StoreBackendTests {
    @Test(arguments: StoreBackend.available)
    func theSampleFrameIsThePeriodsTicketsWithTheirStrata(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let start = try Self.utc("2026-11-30T00:00:00Z")
            let end = try Self.utc("2026-12-07T00:00:00Z")
            var inside = Self.ticket("acme", "lisbon", "T-2", status: .solved, created: start, solved: start + 60, csat: 2)
            inside.channel = .chat
            inside.assignee = "p_1"
            inside.reopenCount = 1
            let last = Self.ticket("acme", "paris", "T-1", created: end - 1)
            let before = Self.ticket("acme", "lisbon", "T-0", created: start - 1)
            let after = Self.ticket("acme", "lisbon", "T-3", created: end)
            try await Self.store([inside, last, before, after], provider: "acme", in: store)
            try await Self.store([Self.ticket("globex", "manila", "G-1", created: start + 5)], provider: "globex", in: store)
            _ = try await store.recordSLAEvent(Self.breach("acme", "lisbon", "T-2", "first_reply", at: start + 30))

            let frame = try await store.sampleFrame(provider: "acme", from: start, to: end, limit: 10)
            #expect(frame.map(\.id) == ["T-1", "T-2"])
            #expect(
                frame.last
                    == SampleFrameRow(
                        id: "T-2", site: "lisbon", channel: "chat", status: "solved", createdAt: start, assignee: "p_1", csat: 2, reopenCount: 1,
                        breached: true
                    )
            )
            #expect(frame.first?.breached == false && frame.first?.site == "paris" && frame.first?.csat == nil && frame.first?.assignee == nil)
            #expect(try await store.sampleFrame(provider: "acme", from: start, to: end, limit: 1).map(\.id) == ["T-1"])
            #expect(try await store.sampleFrame(provider: "initech", from: start, to: end, limit: 10).isEmpty)
        }
    }
}
