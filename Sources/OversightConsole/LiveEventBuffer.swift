//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The bounded, merging buffer of one event stream.
//
//===----------------------------------------------------------------------===//

import Synchronization

/// The events waiting for one stream, merged: one entry per kind, provider, site and ticket, newest detail kept.
package final class LiveEventBuffer: Sendable {
    private struct State {
        var order: [ConsoleLiveEvent] = []
        var index: [String: Int] = [:]
        var overflowed = false
    }

    private let state = Mutex(State())
    /// Most distinct pending events.
    package let limit: Int

    /// Creates a buffer holding at most `limit` distinct events.
    package init(limit: Int) {
        self.limit = limit
    }

    /// Adds an event, merging it with a pending one about the same thing; `false` if the buffer overflowed instead.
    @discardableResult
    package func add(_ event: ConsoleLiveEvent) -> Bool {
        let key = [event.kind, event.provider, event.site ?? "", event.ticket ?? ""].joined(separator: "\u{1F}")
        return self.state.withLock { state in
            if let position = state.index[key] {
                state.order[position] = event
                return true
            }
            guard state.order.count < self.limit else {
                state.overflowed = true
                return false
            }
            state.index[key] = state.order.count
            state.order.append(event)
            return true
        }
    }

    /// Takes everything pending.
    package func take() -> (events: [ConsoleLiveEvent], overflowed: Bool) {
        self.state.withLock { state in
            defer { state = State() }
            return (state.order, state.overflowed)
        }
    }
}
