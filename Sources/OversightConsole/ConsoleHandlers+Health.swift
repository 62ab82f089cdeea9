//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `GET /healthz` and `GET /readyz`: probes for load balancers and service managers, without authentication.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import OversightModel
import OversightStore

/// The body of `GET /healthz`.
struct HealthResponse: Encodable {
    var status = "ok"
    var version = oversightVersion
}

/// The body of `GET /readyz`.
struct ReadinessResponse: Encodable {
    /// The store as the probe found it.
    struct Store: Encodable {
        var reachable: Bool
        var migrationsKnown: Int?
        var migrationsApplied: Int?
        var migrationsComplete: Bool?
    }
    var status: String
    var reason: String?
    var store: Store
}

extension ConsoleHandlers {
    /// `/healthz` (the process answers HTTP) and `/readyz` (the store answers and its schema is complete):
    /// reachable without a session, they reveal nothing but the version and the migration counts.
    func addHealthRoutes(to router: Router<ConsoleRequestContext>) {
        router.get("/healthz") { _, _ in try Self.probe(HealthResponse(), status: .ok) }
        router.get("/readyz") { _, _ in
            let response = await self.readiness()
            return try Self.probe(response, status: response.status == "ready" ? .ok : .serviceUnavailable)
        }
    }

    /// Checks the store the way `/readyz` reports it.
    func readiness() async -> ReadinessResponse {
        let readiness: StoreReadiness
        do {
            readiness = try await self.store.readiness()
        } catch {
            return ReadinessResponse(status: "not-ready", reason: "the store cannot be read", store: .init(reachable: false))
        }
        let store = ReadinessResponse.Store(
            reachable: true, migrationsKnown: readiness.knownMigrations, migrationsApplied: readiness.appliedMigrations,
            migrationsComplete: readiness.migrationsComplete
        )
        if readiness.supersededByNewerVersion {
            return ReadinessResponse(status: "not-ready", reason: "the store was migrated by a newer coordinator version", store: store)
        }
        if !readiness.migrationsComplete {
            return ReadinessResponse(status: "not-ready", reason: "the store's migrations are not all applied", store: store)
        }
        return ReadinessResponse(status: "ready", store: store)
    }

    /// A probe answer: JSON, never cached.
    static func probe(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: try Self.encoder.encode(value)))
        )
    }
}
