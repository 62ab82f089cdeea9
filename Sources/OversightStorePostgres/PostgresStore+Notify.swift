//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// LISTEN/NOTIFY on the shared database: how coordinators tell each other what changed (the console's live events).
//
//===----------------------------------------------------------------------===//

import PostgresNIO

extension PostgresStore {
    /// The channel the coordinators' live console events travel on.
    package static let liveEventChannel = "oversight_live_events"
    /// PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; this leaves room to spare.
    package static let maximumNotifyPayload = 7_900

    /// Sends `payload` to every session listening on `channel` (`pg_notify`, in its own transaction: delivered once
    /// it commits, after everything this coordinator committed before it).
    package func notify(channel: String, payload: String) async throws {
        try await self.execute("SELECT pg_notify(\(channel), \(payload))")
    }

    /// Listens on `channel` on one connection of the pool, which it keeps, until the task is cancelled or the
    /// connection fails (then it throws): `listening` is called once `LISTEN` is in force, `receive` with each
    /// payload in the order the server sends them.
    package func listen(
        channel: String, listening: @Sendable () -> Void, receive: @Sendable (String) async -> Void
    ) async throws {
        try await self.client.withConnection { connection in
            try await connection.listen(on: channel) { notifications in
                listening()
                for try await notification in notifications { await receive(notification.payload) }
            }
        }
    }
}
