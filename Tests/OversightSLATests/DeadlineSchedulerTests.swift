//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSLA
import PropertyBased
import Testing

@Suite struct DeadlineSchedulerTests {
    static let origin = Date(timeIntervalSince1970: 1_750_000_000)

    static func event(_ id: String, _ seconds: Double, provider: String = "acme-support", kind: DeadlineEvent.Kind = .breach) -> DeadlineEvent {
        DeadlineEvent(key: TicketKey(provider: provider, ticket: id), at: Self.origin + seconds, kind: kind, clock: .resolution)
    }

    @Test func popsDueEventsInOrderAndKeepsOnePerTicket() {
        var scheduler = DeadlineScheduler()
        scheduler.schedule(Self.event("a", 30))
        scheduler.schedule(Self.event("b", 10))
        scheduler.schedule(Self.event("c", 20, kind: .atRisk))
        scheduler.schedule(Self.event("a", 5))  // moves a
        scheduler.schedule(Self.event("b", 10, provider: "globex-care"))  // same id, other provider: another ticket
        #expect(scheduler.count == 4)
        #expect(scheduler.next?.key.ticket == "a")
        #expect(scheduler.delay(now: Self.origin) == .seconds(5))
        #expect(scheduler.popDue(now: Self.origin + 4).isEmpty)
        let due = scheduler.popDue(now: Self.origin + 10)
        #expect(due.map(\.key.description) == ["acme-support/a", "acme-support/b", "globex-care/b"])
        #expect(scheduler.remove(TicketKey(provider: "acme-support", ticket: "c"))?.kind == .atRisk)
        #expect(scheduler.remove(TicketKey(provider: "acme-support", ticket: "c")) == nil)
        #expect(scheduler.isEmpty)
        #expect(scheduler.delay(now: Self.origin) == nil)
        #expect(scheduler.checkInvariants())
    }

    @Test func randomOperationsMatchASortedModel() {
        // Insert, move, remove and pop at random; the scheduler must agree with a plain dictionary.
        let operation = zip(Gen.int(in: 0...3), Gen.int(in: 0...199), Gen.int(in: 0...10_000))
        let script = operation.array(of: 1...400)
        seededPropertyCheck(seed: 0x5C4E_D01E, count: 60, input: script) { operations in
            var scheduler = DeadlineScheduler()
            var model: [TicketKey: Double] = [:]
            var clock = 0.0
            for (kind, id, value) in operations {
                let key = TicketKey(provider: "p\(id % 3)", ticket: "t\(id)")
                switch kind {
                case 0, 1:
                    let at = clock + Double(value)
                    scheduler.schedule(DeadlineEvent(key: key, at: Self.origin + at, kind: .breach, clock: .firstReply))
                    model[key] = at
                case 2:
                    if (scheduler.remove(key) != nil) != (model.removeValue(forKey: key) != nil) { return "remove \(key) disagreed" }
                default:
                    clock += Double(value) / 4
                    let due = scheduler.popDue(now: Self.origin + clock)
                    let expected = model.filter { $0.value <= clock }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key)
                    if due.map(\.key) != expected { return "popDue(\(clock)) gave \(due.map(\.key)), expected \(expected)" }
                    for key in expected { model[key] = nil }
                }
                if scheduler.count != model.count { return "count \(scheduler.count) != \(model.count)" }
            }
            return scheduler.checkInvariants() ? nil : "heap invariant broken"
        }
    }

    @Test func aMillionOpenTickets() {
        let count = 1_000_000
        var scheduler = DeadlineScheduler()
        scheduler.reserveCapacity(count)
        var rng = Xoshiro(seed: (0x0DD_BA11, 0xCAFE_F00D, 0xDEAD_BEEF, 0x5EED))
        let keys = (0..<count).map { TicketKey(provider: $0 % 2 == 0 ? "acme-support" : "globex-care", ticket: "T-\($0)") }
        // Deadlines spread over 30 days, on whole seconds so that ties happen too.
        for key in keys {
            scheduler.schedule(DeadlineEvent(key: key, at: Self.origin + Double(rng.next() % (30 * 86_400)), kind: .breach, clock: .resolution))
        }
        #expect(scheduler.count == count)

        // Moving one ticket moves exactly that one: to the front, then back, without touching the count.
        let moved = keys[count / 2]
        let earliest = scheduler.next!
        scheduler.schedule(DeadlineEvent(key: moved, at: earliest.at - 1, kind: .atRisk, clock: .firstReply))
        #expect(scheduler.count == count)
        #expect(scheduler.next?.key == moved)
        #expect(scheduler[moved]?.kind == .atRisk)
        let later = Self.origin + 40 * 86_400
        scheduler.schedule(DeadlineEvent(key: moved, at: later, kind: .breach, clock: .resolution))
        #expect(scheduler.next == earliest)
        #expect(scheduler[moved]?.at == later)

        // Pop in ten steps; every step returns exactly the due events, in (instant, key) order.
        var popped = 0
        var previous: DeadlineEvent?
        var ordered = true
        for step in 1...10 {
            let now = Self.origin + Double(step) * 3 * 86_400
            let due = scheduler.popDue(now: now)
            for event in due {
                if event.at > now { ordered = false }
                if let previous, (previous.at, previous.key) > (event.at, event.key) { ordered = false }
                previous = event
            }
            popped += due.count
            if let next = scheduler.next, next.at <= now { ordered = false }
        }
        #expect(ordered)
        #expect(popped == count - 1)
        #expect(scheduler.popDue(now: later).map(\.key) == [moved])
        #expect(scheduler.isEmpty)
    }
}
