//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightAlerts
import OversightCoordinator
import OversightModel
import OversightStore
import Synchronization
import Testing

/// The live-event broadcaster the console's event streams subscribe to, and the alert watch that feeds it.
@Suite struct LiveEventsTests {
    /// Collects what a subscriber was handed.
    final class Inbox: Sendable {
        let events = Mutex<[LiveEvent]>([])
        let ended = Mutex(0)
        var received: [LiveEvent] { self.events.withLock { $0 } }
        func subscribe(_ broadcaster: LiveEventBroadcaster) -> UInt64? {
            broadcaster.subscribe(deliver: { event in self.events.withLock { $0.append(event) } }, end: { self.ended.withLock { $0 += 1 } })
        }
    }

    @Test func boundedFanOutCancelAndFinish() {
        let broadcaster = LiveEventBroadcaster(maximumSubscribers: 2)
        let first = Inbox()
        let second = Inbox()
        let third = Inbox()
        let firstId = try? #require(first.subscribe(broadcaster))
        #expect(second.subscribe(broadcaster) != nil)
        #expect(third.subscribe(broadcaster) == nil, "a third stream is refused at the cap of two")
        broadcaster.publish(LiveEvent(kind: .alerts, provider: "acme", detail: "raised"))
        #expect(first.received.count == 1 && second.received.count == 1 && third.received.isEmpty)

        broadcaster.cancel(firstId ?? 0)
        #expect(broadcaster.subscriberCount == 1)
        #expect(third.subscribe(broadcaster) != nil, "a cancelled subscription frees its slot")
        broadcaster.publish(LiveEvent(kind: .sla, provider: "acme", ticket: "T1", detail: "breach"))
        #expect(first.received.count == 1, "a cancelled subscriber gets nothing more")
        #expect(second.received.count == 2 && third.received.count == 1)

        broadcaster.finish()
        #expect(second.ended.withLock { $0 } == 1 && third.ended.withLock { $0 } == 1)
        #expect(first.ended.withLock { $0 } == 0, "cancelled before the finish: not ended again")
        #expect(broadcaster.subscriberCount == 0)
        #expect(Inbox().subscribe(broadcaster) == nil, "a finished broadcaster takes no subscriber")
    }

    @Test func changedTicketsBecomeOneEventPerProviderAndSite() {
        let broadcaster = LiveEventBroadcaster()
        let inbox = Inbox()
        _ = inbox.subscribe(broadcaster)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        func ticket(_ provider: String, _ site: String, _ id: String) -> TicketRecord {
            TicketRecord(provider: provider, site: site, id: id, status: .open, createdAt: now, updatedAt: now, statusChanges: [])
        }
        broadcaster.ticketsChanged([
            ticket("acme", "paris", "1"), ticket("acme", "paris", "2"), ticket("acme", "lyon", "3"), ticket("globex", "paris", "4"),
        ])
        #expect(
            inbox.received == [
                LiveEvent(kind: .tickets, provider: "acme", site: "lyon", detail: "1"),
                LiveEvent(kind: .tickets, provider: "acme", site: "paris", detail: "2"),
                LiveEvent(kind: .tickets, provider: "globex", site: "paris", detail: "1"),
            ]
        )
        broadcaster.slaEvent(
            SLAEventRow(provider: "acme", site: "paris", ticketId: "1", clock: "first_reply", kind: "breach", at: now, detectedAt: now, lateData: false)
        )
        #expect(inbox.received.last == LiveEvent(kind: .sla, provider: "acme", site: "paris", ticket: "1", detail: "breach"))
    }

    @Test func alertWatchReportsRaisedAcknowledgedAndResolved() async throws {
        let directory = NSTemporaryDirectory() + "live-events-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let center = try AlertCenter(path: directory + "/alerts.sqlite", configuration: .init(consoleBaseURL: "https://console.test", receivers: []))
        let broadcaster = LiveEventBroadcaster()
        let inbox = Inbox()
        _ = inbox.subscribe(broadcaster)
        let (watching, watchingContinuation) = AsyncStream.makeStream(of: Void.self)
        let service = LiveEventService(broadcaster: broadcaster, center: center, logger: Logger(label: "t"), onWatching: { watchingContinuation.yield() })

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            for await _ in watching { break }

            let subject = AlertSubject(provider: "acme", site: "paris", ticket: "T1", clock: "resolution")
            let alert = NewAlert(kind: .ticketBreached, subject: subject, summary: "T1 breached", consolePath: "/tickets/acme/T1")
            try await center.raise(alert)
            try await Self.waitFor(inbox, count: 1)
            try await center.acknowledge(key: alert.key, by: "ops", comment: "on it")
            try await Self.waitFor(inbox, count: 2)
            try await center.resolve(key: alert.key)
            try await Self.waitFor(inbox, count: 3)
            #expect(inbox.received.map(\.detail) == ["raised", "acknowledged", "resolved"])
            #expect(inbox.received.allSatisfy { $0.kind == .alerts && $0.provider == "acme" && $0.ticket == "T1" && $0.site == "paris" })
            group.cancelAll()
        }
        #expect(inbox.ended.withLock { $0 } == 1, "the watch finishes the broadcaster when it stops")
    }

    /// Waits (yielding, without a clock threshold) until the inbox holds `count` events; fails after many rounds.
    static func waitFor(_ inbox: Inbox, count: Int) async throws {
        for _ in 0..<2000 where inbox.received.count < count {
            try await Task.sleep(for: .milliseconds(5))
        }
        try #require(inbox.received.count >= count, "got \(inbox.received)")
    }
}
