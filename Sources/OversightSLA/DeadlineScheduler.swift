//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The next deadline of every open ticket, in an indexed min-heap.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Holds the next at-risk or breach moment of every open ticket, at most one per ``TicketKey``, in an
/// indexed binary min-heap: schedule (insert or move), remove and pop are O(log n), peek is O(1).
///
/// It is a value type with no clock of its own: callers pass the instant (`popDue(now:)`), so tests
/// fake time by passing instants; a service sleeps for ``delay(now:)`` on an injected
/// `Clock<Duration>` and then pops. The cost grows with changes, never with the number of stored
/// tickets: nothing scans.
///
/// Ties on the instant are broken by key, so the order of due events is deterministic.
package struct DeadlineScheduler: Sendable {
    // Entries live in slots that never move; the heap orders slot numbers, and `positions` maps a
    // slot back to its heap index, so moving an entry touches arrays only (no hashing).
    private var events: [DeadlineEvent?] = []
    private var times: [Double] = []
    private var positions: [Int] = []
    private var freeSlots: [Int] = []
    private var slotOfKey: [TicketKey: Int] = [:]
    private var heap: [Int] = []

    /// An empty scheduler.
    package init() {}

    /// Reserves room for `capacity` tickets.
    package mutating func reserveCapacity(_ capacity: Int) {
        self.events.reserveCapacity(capacity)
        self.times.reserveCapacity(capacity)
        self.positions.reserveCapacity(capacity)
        self.slotOfKey.reserveCapacity(capacity)
        self.heap.reserveCapacity(capacity)
    }

    /// The number of scheduled tickets.
    package var count: Int { self.heap.count }

    /// Whether nothing is scheduled.
    package var isEmpty: Bool { self.heap.isEmpty }

    /// The earliest scheduled event.
    package var next: DeadlineEvent? { self.heap.first.flatMap { self.events[$0] } }

    /// The event scheduled for a ticket.
    package subscript(key: TicketKey) -> DeadlineEvent? {
        self.slotOfKey[key].flatMap { self.events[$0] }
    }

    /// Schedules a ticket's next event, replacing (and moving) the one it had. O(log n).
    package mutating func schedule(_ event: DeadlineEvent) {
        if let slot = self.slotOfKey[event.key] {
            let old = self.times[slot]
            self.events[slot] = event
            self.times[slot] = event.at.timeIntervalSince1970
            let position = self.positions[slot]
            if self.times[slot] < old { self.siftUp(position) } else { self.siftDown(position) }
            return
        }
        let slot: Int
        if let free = self.freeSlots.popLast() {
            slot = free
            self.events[slot] = event
            self.times[slot] = event.at.timeIntervalSince1970
            self.positions[slot] = self.heap.count
        } else {
            slot = self.events.count
            self.events.append(event)
            self.times.append(event.at.timeIntervalSince1970)
            self.positions.append(self.heap.count)
        }
        self.slotOfKey[event.key] = slot
        self.heap.append(slot)
        self.siftUp(self.heap.count - 1)
    }

    /// Removes a ticket's event (it was solved, paused, or its contract changed). O(log n).
    /// - Returns: The removed event, if there was one.
    @discardableResult
    package mutating func remove(_ key: TicketKey) -> DeadlineEvent? {
        guard let slot = self.slotOfKey.removeValue(forKey: key) else { return nil }
        return self.removeSlot(slot)
    }

    /// Removes and returns, in order, every event due at or before `now`.
    package mutating func popDue(now: Date) -> [DeadlineEvent] {
        let limit = now.timeIntervalSince1970
        var due: [DeadlineEvent] = []
        while let top = self.heap.first, self.times[top] <= limit {
            if let event = self.events[top] {
                self.slotOfKey[event.key] = nil
                due.append(event)
            }
            _ = self.removeSlot(top)
        }
        return due
    }

    /// How long from `now` until the next event is due: zero if one is already due, `nil` if none is scheduled.
    package func delay(now: Date) -> Duration? {
        guard let next = self.heap.first else { return nil }
        let seconds = self.times[next] - now.timeIntervalSince1970
        return seconds <= 0 ? .zero : .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    // MARK: - Heap

    private mutating func removeSlot(_ slot: Int) -> DeadlineEvent? {
        let event = self.events[slot]
        let position = self.positions[slot]
        let lastPosition = self.heap.count - 1
        if position != lastPosition {
            let moved = self.heap[lastPosition]
            self.heap[position] = moved
            self.positions[moved] = position
        }
        self.heap.removeLast()
        self.events[slot] = nil
        self.freeSlots.append(slot)
        if position < self.heap.count {
            let moved = self.heap[position]
            self.siftUp(position)
            if self.positions[moved] == position { self.siftDown(position) }
        }
        return event
    }

    /// Whether slot `a` orders before slot `b`: earlier instant, then smaller key.
    private func precedes(_ a: Int, _ b: Int) -> Bool {
        let timeA = self.times[a]
        let timeB = self.times[b]
        if timeA != timeB { return timeA < timeB }
        guard let keyA = self.events[a]?.key, let keyB = self.events[b]?.key else { return false }
        return keyA < keyB
    }

    private mutating func siftUp(_ start: Int) {
        var index = start
        let slot = self.heap[index]
        while index > 0 {
            let parent = (index - 1) / 2
            let parentSlot = self.heap[parent]
            guard self.precedes(slot, parentSlot) else { break }
            self.heap[index] = parentSlot
            self.positions[parentSlot] = index
            index = parent
        }
        self.heap[index] = slot
        self.positions[slot] = index
    }

    private mutating func siftDown(_ start: Int) {
        var index = start
        let slot = self.heap[index]
        let count = self.heap.count
        while true {
            let left = 2 * index + 1
            guard left < count else { break }
            var child = left
            let right = left + 1
            if right < count, self.precedes(self.heap[right], self.heap[left]) { child = right }
            let childSlot = self.heap[child]
            guard self.precedes(childSlot, slot) else { break }
            self.heap[index] = childSlot
            self.positions[childSlot] = index
            index = child
        }
        self.heap[index] = slot
        self.positions[slot] = index
    }

    /// Checks the heap invariant and the index; for tests. O(n).
    package func checkInvariants() -> Bool {
        guard self.slotOfKey.count == self.heap.count else { return false }
        for (index, slot) in self.heap.enumerated() {
            guard self.positions[slot] == index, let event = self.events[slot], self.slotOfKey[event.key] == slot else { return false }
            if index > 0, self.precedes(slot, self.heap[(index - 1) / 2]) { return false }
        }
        return true
    }
}
