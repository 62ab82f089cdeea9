//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
@testable import OversightCoordinator
import Testing

@Suite struct ClockSkewWatchTests {
    let start = Date(timeIntervalSince1970: 1_796_000_000)

    @Test func aSkewBeyondTwoMinutesIsReportedOncePerDirectionAndAgainAfterAnHour() {
        let watch = ClockSkewWatch()
        // Within the threshold, either way: nothing.
        #expect(watch.check(agentId: "a", sentAt: start.addingTimeInterval(119), receivedAt: start) == nil)
        #expect(watch.check(agentId: "a", sentAt: start.addingTimeInterval(-119), receivedAt: start) == nil)
        // Three hours ahead: reported, then quiet for an hour, then reported again.
        #expect(watch.check(agentId: "a", sentAt: start.addingTimeInterval(10_800), receivedAt: start) == 10_800)
        #expect(watch.check(agentId: "a", sentAt: start.addingTimeInterval(10_830), receivedAt: start.addingTimeInterval(30)) == nil)
        #expect(watch.check(agentId: "a", sentAt: start.addingTimeInterval(14_399), receivedAt: start.addingTimeInterval(3_599)) == nil)
        #expect(watch.check(agentId: "a", sentAt: start.addingTimeInterval(14_400), receivedAt: start.addingTimeInterval(3_600)) == 10_800)
        // Another agent is watched on its own.
        #expect(watch.check(agentId: "b", sentAt: start.addingTimeInterval(-600), receivedAt: start) == -600)
        // The direction changes: reported at once.
        #expect(watch.check(agentId: "a", sentAt: start.addingTimeInterval(3_000), receivedAt: start.addingTimeInterval(3_700)) == -700)
        // Right again, then off again: forgotten in between, so reported at once.
        #expect(watch.check(agentId: "a", sentAt: start.addingTimeInterval(3_800), receivedAt: start.addingTimeInterval(3_800)) == nil)
        #expect(watch.check(agentId: "a", sentAt: start.addingTimeInterval(3_300), receivedAt: start.addingTimeInterval(3_900)) == -600)
    }

    @Test func theDetailNamesTheSkewAndItsDirection() {
        let ahead = ClockSkewWatch.describe(skew: 10_812, sentAt: start.addingTimeInterval(10_812), receivedAt: start)
        #expect(ahead.hasPrefix("the agent's clock is 3 h 0 min 12 s ahead of the coordinator's"))
        let behind = ClockSkewWatch.describe(skew: -300, sentAt: start.addingTimeInterval(-300), receivedAt: start)
        #expect(behind.hasPrefix("the agent's clock is 5 min 0 s behind the coordinator's"))
    }
}
