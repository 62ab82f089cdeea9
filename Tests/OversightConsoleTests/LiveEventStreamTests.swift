//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OversightConsole
import Synchronization
import Testing

/// `GET /events`: the Server-Sent Events stream of live updates.
@Suite struct LiveEventStreamTests {
    /// A feed a test drives by hand: it records the subscriber and may refuse it.
    final class ManualFeed: Sendable {
        struct Subscriber: Sendable {
            var deliver: @Sendable (ConsoleLiveEvent) -> Void
            var end: @Sendable () -> Void
        }

        let subscriber = Mutex<Subscriber?>(nil)
        let unsubscribed = Mutex(0)
        let refuse: Bool

        init(refuse: Bool = false) {
            self.refuse = refuse
        }

        var feed: ConsoleEventFeed {
            var feed = ConsoleEventFeed { deliver, end in
                guard !self.refuse else { return nil }
                self.subscriber.withLock { $0 = Subscriber(deliver: deliver, end: end) }
                return { self.unsubscribed.withLock { $0 += 1 } }
            }
            feed.minimumInterval = .milliseconds(1)
            return feed
        }

        /// Waits (yielding) until a stream has subscribed.
        func waitForSubscriber() async throws -> Subscriber {
            for _ in 0..<2000 {
                if let subscriber = self.subscriber.withLock({ $0 }) { return subscriber }
                try await Task.sleep(for: .milliseconds(5))
            }
            throw ConsoleError.notFound("no stream subscribed")
        }
    }

    func application(_ fixture: ConsoleFixture, feed: ConsoleEventFeed) throws -> some ApplicationProtocol {
        var configuration = ConsoleConfiguration(port: 0)
        configuration.now = { [now = fixture.now] in now + 60 }
        return try buildApplication(
            configuration: configuration, store: fixture.store, alerts: fixture.alerts, users: fixture.users, logger: Logger(label: "t"),
            events: feed
        )
    }

    @Test func streamsOnlyTheProvidersTheUserMaySeeAndEndsWithTheSource() async throws {
        let fixture = try await ConsoleFixture()
        let manual = ManualFeed()
        try await self.application(fixture, feed: manual.feed).test(.router) { client in
            // `sup` is a supervisor scoped to acme.
            async let response = client.execute(uri: "/events", method: .get, headers: bearer(fixture.tokens["sup"]))
            let subscriber = try await manual.waitForSubscriber()
            subscriber.deliver(ConsoleLiveEvent(kind: "tickets", provider: "acme", site: "paris", detail: "3"))
            subscriber.deliver(ConsoleLiveEvent(kind: "alerts", provider: "globex", site: "paris", ticket: "G1", detail: "raised"))
            subscriber.deliver(ConsoleLiveEvent(kind: "sla", provider: "acme", site: "paris", ticket: "T1", detail: "breach"))
            subscriber.end()
            let stream = try await response
            #expect(stream.status == .ok)
            #expect(stream.headers[.contentType] == "text/event-stream; charset=utf-8")
            #expect(stream.headers[.cacheControl] == "no-store")
            let body = String(buffer: stream.body)
            #expect(body.hasPrefix("retry: 3000\n: connected\n\n"))
            #expect(body.contains("event: tickets\ndata: {\"detail\":\"3\",\"kind\":\"tickets\",\"provider\":\"acme\",\"site\":\"paris\"}\n\n"))
            #expect(body.contains("event: sla\ndata: {\"detail\":\"breach\",\"kind\":\"sla\",\"provider\":\"acme\",\"site\":\"paris\",\"ticket\":\"T1\"}\n\n"))
            #expect(!body.contains("globex"), "a user scoped to acme never hears of globex")
            #expect(manual.unsubscribed.withLock { $0 } == 1, "the stream unsubscribes when it ends")
        }
    }

    @Test func refusesWithoutSignInAndWhenTooManyStreamsAreOpen() async throws {
        let fixture = try await ConsoleFixture()
        try await self.application(fixture, feed: ManualFeed().feed).test(.router) { client in
            let anonymous = try await client.execute(uri: "/events", method: .get)
            #expect(anonymous.status == .unauthorized)
            #expect(String(buffer: anonymous.body).contains("\"code\":\"unauthorized\""))
            let wrongMethod = try await client.execute(uri: "/events", method: .post, headers: bearer(fixture.tokens["admin"]))
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "GET")
            // Every path of the OpenAPI document answers an undocumented method with 405 and what it allows.
            let delete = try await client.execute(uri: "/api/v1/tickets/acme/T1", method: .delete, headers: bearer(fixture.tokens["admin"]))
            #expect(delete.status == .methodNotAllowed)
            #expect(delete.headers[.allow] == "GET")
            #expect(String(buffer: delete.body).contains("\"code\":\"method_not_allowed\""))
            let getOnPost = try await client.execute(uri: "/api/v1/agents/agt_acme/revoke", method: .get, headers: bearer(fixture.tokens["admin"]))
            #expect(getOnPost.status == .methodNotAllowed && getOnPost.headers[.allow] == "POST")
        }
        try await self.application(fixture, feed: ManualFeed(refuse: true).feed).test(.router) { client in
            let full = try await client.execute(uri: "/events", method: .get, headers: bearer(fixture.tokens["admin"]))
            #expect(full.status == .serviceUnavailable)
            #expect(String(buffer: full.body).contains("too many live event streams"))
        }
    }

    @Test func burstsAreMergedAndAnOverflowBecomesOneReload() {
        let buffer = LiveEventBuffer(limit: 3)
        for n in 1...50 { buffer.add(ConsoleLiveEvent(kind: "tickets", provider: "acme", site: "paris", detail: String(n))) }
        buffer.add(ConsoleLiveEvent(kind: "tickets", provider: "acme", site: "lyon", detail: "1"))
        var taken = buffer.take()
        #expect(taken.events.map(\.detail) == ["50", "1"], "fifty changes of one site merge into one event with the newest detail")
        #expect(!taken.overflowed)
        #expect(buffer.take().events.isEmpty, "take empties the buffer")

        for provider in ["a", "b", "c", "d", "e"] { buffer.add(ConsoleLiveEvent(kind: "alerts", provider: provider)) }
        taken = buffer.take()
        #expect(taken.events.count == 3 && taken.overflowed, "beyond the limit events are dropped and the stream is told to reload")
    }
}
