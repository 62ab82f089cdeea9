//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Live events across coordinators (LISTEN/NOTIFY): two relays, each on its own connection pool (two coordinators)
// on one real PostgreSQL. Every event published on one reaches the other's subscribers once, and never echoes back.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightStorePostgres
import OversightTesting
import Synchronization
import Testing

@testable import OversightCoordinator

/// What a subscriber received, in order.
final class ReceivedEvents: Sendable {
    private let events = Mutex<[LiveEvent]>([])
    func add(_ event: LiveEvent) { self.events.withLock { $0.append(event) } }
    var all: [LiveEvent] { self.events.withLock { $0 } }
    func count(_ event: LiveEvent) -> Int { self.all.filter { $0 == event }.count }
}

/// How many relays are listening.
final class ListeningCount: Sendable {
    private let count = Mutex(0)
    func increment() { self.count.withLock { $0 += 1 } }
    var value: Int { self.count.withLock { $0 } }
}

@Suite struct LiveEventRelayTests {
    @Test func payloadsSplitUnderTheLimitAndSkipTheirOwnOrigin() throws {
        let events = (0..<200).map { LiveEvent(kind: .tickets, provider: "acme", site: "site-\($0)-" + String(repeating: "x", count: 60), detail: "3") }
        let payloads = LiveEventRelay.payloads(events, origin: "coordinator-a")
        #expect(payloads.count > 1)
        #expect(payloads.allSatisfy { $0.utf8.count <= PostgresStore.maximumNotifyPayload })
        let decoded = payloads.flatMap { LiveEventRelay.events(in: $0, skippingOrigin: "coordinator-b") ?? [] }
        #expect(decoded == events, "every event, once, in order")
        #expect(payloads.allSatisfy { LiveEventRelay.events(in: $0, skippingOrigin: "coordinator-a") == nil }, "its own payloads are skipped")
        // An event too big for any payload is left out; its neighbours are not.
        let huge = LiveEvent(kind: .sla, provider: "acme", ticket: String(repeating: "T", count: 9000), detail: "breach")
        let small = LiveEvent(kind: .alerts, provider: "acme", detail: "raised")
        let mixed = LiveEventRelay.payloads([small, huge, small], origin: "a")
        #expect(mixed.flatMap { LiveEventRelay.events(in: $0, skippingOrigin: "b") ?? [] } == [small, small])
        #expect(LiveEventRelay.events(in: "not json", skippingOrigin: "b") == nil)
        #expect(LiveEventRelay.events(in: #"{"o":"a","e":[{"k":"unknown","p":"acme"},{"k":"sla","p":"acme"}]}"#, skippingOrigin: "b") == [
            LiveEvent(kind: .sla, provider: "acme")
        ])
    }

    @Test(.enabled(if: PostgresCluster.unavailableReason == nil || ProcessInfo.processInfo.environment["CI"] != nil, "no PostgreSQL binaries"))
    func eventsReachTheOtherCoordinatorOnceAndNeverEcho() async throws {
        let cluster = try PostgresCluster.shared()
        let logger = {
            var logger = Logger(label: "relay-test")
            logger.logLevel = .warning
            return logger
        }()
        let configuration = PostgresStore.Configuration(
            host: "127.0.0.1", port: cluster.port, database: try cluster.createDatabase(), username: cluster.username, tls: .disable
        )
        try await PostgresStore.withStore(configuration: configuration, logger: logger) { storeA in
            try await PostgresStore.withStore(configuration: configuration, logger: logger) { storeB in
                let (a, b) = (LiveEventBroadcaster(), LiveEventBroadcaster())
                let (atA, atB) = (ReceivedEvents(), ReceivedEvents())
                _ = a.subscribe(deliver: { atA.add($0) }, end: {})
                _ = b.subscribe(deliver: { atB.add($0) }, end: {})
                let listening = ListeningCount()
                let relayA = LiveEventRelay(store: storeA, broadcaster: a, origin: "coordinator-a", logger: logger) { listening.increment() }
                let relayB = LiveEventRelay(store: storeB, broadcaster: b, origin: "coordinator-b", logger: logger) { listening.increment() }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await relayA.run() }
                    group.addTask { try await relayB.run() }
                    defer { group.cancelAll() }
                    try await eventually("both relays listening") { listening.value == 2 }

                    let fromA = [
                        LiveEvent(kind: .tickets, provider: "acme", site: "paris", detail: "5"),
                        LiveEvent(kind: .sla, provider: "acme", site: "paris", ticket: "T-1", detail: "breach"),
                        LiveEvent(kind: .alerts, provider: "globex", ticket: "T-2", detail: "raised"),
                    ]
                    let fromB = LiveEvent(kind: .tickets, provider: "globex", site: "oslo", detail: "1")
                    for event in fromA { a.publish(event) }
                    a.ticketsChanged([])  // nothing changed: nothing sent
                    b.publish(fromB)
                    try await eventually("A's events at B, B's at A") {
                        fromA.allSatisfy { atB.count($0) == 1 } && atA.count(fromB) == 1
                    }
                    // NOTIFYs reach every listener in commit order: once B's marker, sent after A's events arrived at B,
                    // is at A (and A's marker at B), any echo of the earlier events would have arrived before it.
                    let markerB = LiveEvent(kind: .alerts, provider: "marker", detail: "b")
                    let markerA = LiveEvent(kind: .alerts, provider: "marker", detail: "a")
                    b.publish(markerB)
                    a.publish(markerA)
                    try await eventually("the markers crossed") { atA.count(markerB) == 1 && atB.count(markerA) == 1 }
                    for event in fromA {
                        #expect(atA.count(event) == 1, "A's own event shown once at A (no echo): \(event)")
                        #expect(atB.count(event) == 1, "A's event shown once at B: \(event)")
                    }
                    #expect(atB.count(fromB) == 1 && atA.count(fromB) == 1)
                    #expect(atA.count(markerA) == 1 && atB.count(markerB) == 1)
                    #expect(atA.all.count == 6 && atB.all.count == 6, "A: \(atA.all), B: \(atB.all)")
                }
            }
        }
    }
}
