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
        var liveSourceErrors: [String: String] = [:]
    }
    private let state = Mutex(State())
    /// Creates a healthy state.
    package init() {}
    package var outboxFull: Bool {
        get { self.state.withLock { $0.outboxFull } }
        set { self.state.withLock { $0.outboxFull = newValue } }
    }
    package var lastSourceError: String? {
        get {
            self.state.withLock { state in
                state.lastSourceError ?? state.liveSourceErrors.min { $0.key < $1.key }.map { entry in "\(entry.key): \(entry.value)" }
            }
        }
        set { self.state.withLock { $0.lastSourceError = newValue } }
    }

    /// Sets (or clears, with `nil`) the last error of a live source (`from: rt5`), which polls on its own schedule; the
    /// heartbeat's last source error shows it when the folder sources have none.
    package func setLiveSourceError(_ error: String?, source: String) {
        self.state.withLock { $0.liveSourceErrors[source] = error }
    }
}
