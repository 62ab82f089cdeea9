//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import Synchronization
import Testing

@testable import OversightCoordinator

@Suite struct TicketChangeQueueTests {
    func ticket(_ id: String, updated: TimeInterval, status: TicketStatus = .open) -> TicketRecord {
        TicketRecord(
            provider: "acme", site: "lis", id: id, status: status, createdAt: Date(timeIntervalSince1970: 1_000),
            updatedAt: Date(timeIntervalSince1970: updated)
        )
    }

    @Test func keepsTheNewestVersionOfEachTicket() async {
        let queue = TicketChangeQueue()
        await queue.enqueue([self.ticket("T-2", updated: 10), self.ticket("T-1", updated: 10)])
        await queue.enqueue([self.ticket("T-1", updated: 20, status: .solved)])
        // An older version arriving later (another agent session, out of order) does not replace the newer one.
        await queue.enqueue([self.ticket("T-2", updated: 5, status: .pending)])
        #expect(queue.count == 2)
        let drained = queue.drain().sorted { $0.id < $1.id }
        #expect(drained.map(\.id) == ["T-1", "T-2"])
        #expect(drained[0].status == .solved)
        #expect(drained[1].status == .open)
        #expect(queue.count == 0)
        #expect(queue.drain().isEmpty)
    }

    @Test func aFullQueueMakesProducersWaitUntilDrained() async throws {
        let queue = TicketChangeQueue(capacity: 2)
        await queue.enqueue([self.ticket("T-1", updated: 1), self.ticket("T-2", updated: 1)])
        let done = Mutex(false)
        let producer = Task {
            await queue.enqueue([self.ticket("T-3", updated: 1)])
            done.withLock { $0 = true }
        }
        // The producer cannot finish while the queue is full; give it ample chances to run.
        for _ in 0..<50 { await Task.yield() }
        try await Task.sleep(for: .milliseconds(20))
        #expect(done.withLock { $0 } == false)
        #expect(queue.drain().map(\.id).sorted() == ["T-1", "T-2"])
        await producer.value
        #expect(done.withLock { $0 })
        #expect(queue.drain().map(\.id) == ["T-3"])
    }

    @Test func aWaitingConsumerWakesWhenTicketsArrive() async {
        let queue = TicketChangeQueue()
        let seen = queue.generation
        let consumer = Task { () -> [String] in
            await queue.waitForTickets(after: seen)
            return queue.drain().map(\.id)
        }
        await queue.enqueue([self.ticket("T-9", updated: 1)])
        #expect(await consumer.value == ["T-9"])
    }
}
