//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The OpenAPI description of the probes `/healthz` and `/readyz` (ConsoleHandlers+Health.swift).
//
//===----------------------------------------------------------------------===//

import Foundation

extension OpenAPIDocument {
    /// Every path of the probes.
    static var healthPaths: [String] { self.healthPathItems.keys.sorted() }

    /// The probes as OpenAPI path items, by path: no authentication (`security: []`), never cached.
    static var healthPathItems: [String: Any] {
        let health = object(["status": ["type": "string", "enum": ["ok"]], "version": string])
        var store = object(
            ["reachable": boolean, "migrationsKnown": integer, "migrationsApplied": integer, "migrationsComplete": boolean],
            required: ["reachable"]
        )
        store["description"] = "The migration counts are present when the store could be read."
        let readiness = object(
            ["status": ["type": "string", "enum": ["ready", "not-ready"]], "reason": string, "store": store],
            required: ["status", "store"]
        )
        return [
            "/healthz": [
                "get": [
                    "operationId": "getHealth", "summary": "Liveness: the coordinator's process answers HTTP (for load balancers; no authentication)",
                    "security": [],
                    "responses": ["200": jsonResponse("Alive", health)],
                ]
            ],
            "/readyz": [
                "get": [
                    "operationId": "getReadiness",
                    "summary": "Readiness: the store answers and every migration of this version is applied (no authentication)",
                    "security": [],
                    "responses": [
                        "200": jsonResponse("Ready for traffic", readiness),
                        "503": jsonResponse("Not ready: the store cannot be read, or its schema is not this version's", readiness),
                    ],
                ]
            ],
        ]
    }
}
