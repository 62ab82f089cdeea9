//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The JSON API under /api/v1.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import OversightAlerts
import OversightStore

extension ConsoleHandlers {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// A JSON response.
    static func json(_ value: some Encodable) throws -> Response {
        let data = try Self.encoder.encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// The read-only JSON API (Bearer token or session cookie).
    func addAPIRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("status") { _, context in try Self.json(try await self.status(for: try context.requireUser())) }
        group.get("providers") { _, context in
            try Self.json(try await self.status(for: try context.requireUser()).providers)
        }
        group.get("providers/:provider") { _, context in
            try Self.json(try await self.provider(try context.parameters.require("provider"), for: try context.requireUser()))
        }
        group.get("tickets/:provider/:id") { _, context in
            try Self.json(
                try await self.ticket(
                    provider: try context.parameters.require("provider"), id: try context.parameters.require("id"), for: try context.requireUser()
                )
            )
        }
        group.get("sla-events") { request, context in
            let query = request.uri.queryParameters
            var limit = 50
            if let text = query.get("limit") {
                guard let value = Int(text), (1...500).contains(value) else { throw ConsoleError.badRequest("limit must be 1–500") }
                limit = value
            }
            var cursor: Int64?
            if let text = query.get("cursor") {
                guard let value = Int64(text), value > 0 else { throw ConsoleError.badRequest("cursor is not one this API returned") }
                cursor = value
            }
            return try Self.json(
                try await self.slaEvents(
                    for: try context.requireUser(), provider: query.get("provider"), site: query.get("site"), limit: limit, cursor: cursor
                )
            )
        }
        group.get("alerts") { _, context in try Self.json(try await self.openAlerts(for: try context.requireUser())) }
        group.get("agents") { _, context in
            let now = self.now
            return try Self.json(
                try await self.agents(for: try context.requireUser()).map {
                    AgentView($0, now: now, offlineAfter: self.configuration.offlineAfter)
                }
            )
        }
    }
}
