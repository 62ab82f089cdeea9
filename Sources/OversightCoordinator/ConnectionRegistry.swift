//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Live agent connections: so a revocation or a newer connection of the same agent can close them.
//
//===----------------------------------------------------------------------===//

import NIOCore
import Synchronization

/// One live session as the registry sees it.
package final class SessionHandle: Sendable {
    private struct State {
        var processing = false
        var closeWhenIdle = false
        var closed = false
    }
    package let channel: any Channel
    private let state = Mutex(State())

    /// Wraps a session's channel.
    package init(channel: any Channel) { self.channel = channel }

    /// Marks the start of a message's processing; `false` if the session must stop instead.
    package func beginProcessing() -> Bool {
        self.state.withLock { state in
            if state.closeWhenIdle || state.closed { return false }
            state.processing = true
            return true
        }
    }

    /// Marks the end of a message's processing; `true` if the session must close now (shutdown arrived meanwhile).
    package func endProcessing() -> Bool {
        self.state.withLock { state in
            state.processing = false
            return state.closeWhenIdle
        }
    }

    /// Closes now if idle, else once the message in progress is answered.
    package func closeGracefully() {
        let closeNow = self.state.withLock { state in
            state.closeWhenIdle = true
            return !state.processing
        }
        if closeNow { self.closeNow() }
    }

    /// Sends a final error frame (best effort), then closes.
    package func close(sending frame: ByteBuffer) {
        self.state.withLock { $0.closed = true }
        let channel = self.channel
        channel.writeAndFlush(frame).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Closes at once.
    package func closeNow() {
        self.state.withLock { $0.closed = true }
        self.channel.close(promise: nil)
    }
}

/// Sessions by agent id, plus every session (for shutdown and the connection limit).
package final class ConnectionRegistry: Sendable {
    private struct State {
        var byAgent: [String: SessionHandle] = [:]
        var all: [ObjectIdentifier: SessionHandle] = [:]
        var shuttingDown = false
    }
    private let state = Mutex(State())

    /// Creates an empty registry.
    package init() {}

    /// Number of open connections.
    package var count: Int { self.state.withLock { $0.all.count } }

    /// Adds a connection; `false` when shutting down.
    package func add(_ handle: SessionHandle) -> Bool {
        self.state.withLock { state in
            if state.shuttingDown { return false }
            state.all[ObjectIdentifier(handle)] = handle
            return true
        }
    }

    /// Binds a connection to its agent, returning the older connection of the same agent (to be closed).
    package func bind(agentId: String, to handle: SessionHandle) -> SessionHandle? {
        self.state.withLock { state in
            let previous = state.byAgent[agentId]
            state.byAgent[agentId] = handle
            return previous === handle ? nil : previous
        }
    }

    /// Removes a connection.
    package func remove(_ handle: SessionHandle, agentId: String?) {
        self.state.withLock { state in
            state.all[ObjectIdentifier(handle)] = nil
            if let agentId, state.byAgent[agentId] === handle { state.byAgent[agentId] = nil }
        }
    }

    /// Closes the live connection of an agent, if any, after sending it `frame`. Returns whether one was open.
    @discardableResult
    package func close(agentId: String, sending frame: ByteBuffer? = nil) -> Bool {
        let handle = self.state.withLock { $0.byAgent[agentId] }
        if let frame {
            handle?.close(sending: frame)
        } else {
            handle?.closeNow()
        }
        return handle != nil
    }

    /// Whether the agent has a live connection.
    package func isConnected(agentId: String) -> Bool {
        self.state.withLock { $0.byAgent[agentId] != nil }
    }

    /// Stops admitting connections and closes each one once its message in progress is answered.
    package func shutDown() {
        let handles = self.state.withLock { state in
            state.shuttingDown = true
            return Array(state.all.values)
        }
        for handle in handles { handle.closeGracefully() }
    }
}

/// The set of revoked agent ids, refreshed from the store; read by every TLS handshake.
package final class RevocationList: Sendable {
    private let revoked = Mutex<Set<String>>([])
    /// Creates an empty list.
    package init() {}
    /// Whether an agent is revoked.
    package func contains(_ agentId: String) -> Bool { self.revoked.withLock { $0.contains(agentId) } }
    /// Replaces the set; returns the ids newly revoked.
    package func replace(with ids: Set<String>) -> Set<String> {
        self.revoked.withLock { current in
            let added = ids.subtracting(current)
            current = ids
            return added
        }
    }
    /// Adds one id.
    package func insert(_ id: String) { _ = self.revoked.withLock { $0.insert(id) } }
}

/// Counters of what the listener refused, by kind (exported as `oversight.security.events`).
package final class SecurityCounters: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    /// Creates zeroed counters.
    package init() {}
    /// Adds one event of `kind`.
    package func increment(_ kind: String) { self.counts.withLock { $0[kind, default: 0] += 1 } }
    /// A snapshot of the counters.
    package var snapshot: [String: Int] { self.counts.withLock { $0 } }
}
