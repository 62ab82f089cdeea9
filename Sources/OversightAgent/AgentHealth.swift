//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Synchronization

/// What the source side tells the sync side (for heartbeats): whether the outbox is full and the last source error.
package final class AgentHealth: Sendable {
    private struct State {
        var outboxFull = false
        var lastSourceError: String?
    }
    private let state = Mutex(State())
    /// Creates a healthy state.
    package init() {}
    package var outboxFull: Bool {
        get { self.state.withLock { $0.outboxFull } }
        set { self.state.withLock { $0.outboxFull = newValue } }
    }
    package var lastSourceError: String? {
        get { self.state.withLock { $0.lastSourceError } }
        set { self.state.withLock { $0.lastSourceError = newValue } }
    }
}
