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
import OversightWire

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
                guard let value = Int(text), (1...500).contains(value) else { throw ConsoleError.badRequest("error.limit") }
                limit = value
            }
            var cursor: Int64?
            if let text = query.get("cursor") {
                guard let value = Int64(text), value > 0 else { throw ConsoleError.badRequest("error.cursor") }
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
        self.addFigureAPIRoutes(to: group)
        self.addWriteAPIRoutes(to: group)
    }

    /// Figures: the overview rows, a provider's figures by period, the monthly scorecard; the alerts page's history.
    func addFigureAPIRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("alerts/history") { request, context in
            let query = request.uri.queryParameters
            let user = try context.requireUser()
            var limit = 50
            if let text = query.get("limit") {
                guard let value = Int(text), (1...500).contains(value) else { throw ConsoleError.badRequest("error.limit") }
                limit = value
            }
            let provider = query.get("provider")
            let alerts = try await self.alerts.history(limit: 2_000).filter {
                user.canSee(provider: $0.subject.provider) && (provider == nil || $0.subject.provider == provider)
            }
            return try Self.json(Array(alerts.prefix(limit)))
        }
        group.get("figures/overview") { request, context in
            let query = request.uri.queryParameters
            let user = try context.requireUser()
            let provider = query.get("provider")
            if let provider, !user.canSee(provider: provider) { return try Self.json([OverviewRow]()) }
            return try Self.json(try await self.overviewRows(for: user, provider: provider, site: query.get("site")))
        }
        group.get("figures/providers/:provider") { request, context in
            let query = request.uri.queryParameters
            return try Self.json(
                try await self.providerFigures(
                    try context.parameters.require("provider"), site: query.get("site"), period: try Self.period(query.get("period")),
                    for: try context.requireUser()
                )
            )
        }
        group.get("scorecards/:provider") { request, context in
            try Self.json(
                try await self.scorecard(
                    provider: try context.parameters.require("provider"), month: request.uri.queryParameters.get("month"), for: try context.requireUser()
                )
            )
        }
    }

    /// The body of a write request as JSON (at most 64 KiB; an empty body reads as `{}`).
    static func jsonBody<T: Decodable>(_ request: Request, as type: T.Type) async throws -> T {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        let data = buffer.readableBytes == 0 ? Data("{}".utf8) : Data(buffer.readableBytesView)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw ConsoleError.badRequest("error.body_not_json")
        }
    }

    /// The caller of a write: an API token needs nothing more; a session cookie must send its CSRF token in
    /// `X-CSRF-Token` (a cross-site page cannot read it). Viewers may not write.
    func checkAPIWrite(_ request: Request, context: ConsoleRequestContext) throws -> ConsoleUser {
        guard let identity = context.identity else { throw ConsoleError.unauthorized }
        if identity.sessionId != nil {
            guard let expected = identity.csrf, let given = request.headers[.csrfToken], Secrets.constantTimeEquals(given, expected) else {
                throw ConsoleError(.csrf, status: .forbidden, "error.csrf_header")
            }
        }
        guard identity.user.role.canPost else { throw ConsoleError.forbidden() }
        return identity.user
    }

    /// White space as the OpenAPI document's patterns (ECMAScript `\s`) mean it, so a name the document accepts is never blank here.
    static let space = CharacterSet(charactersIn: "\t\n\u{0B}\u{0C}\r \u{A0}\u{1680}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}\u{FEFF}")
        .union(CharacterSet(charactersIn: "\u{2000}"..."\u{200A}"))

    /// Acknowledge an alert, create an enrollment token, revoke an agent.
    func addWriteAPIRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.post("alerts/:id/acknowledge") { request, context in
            let user = try self.checkAPIWrite(request, context: context)
            guard let id = Int64(try context.parameters.require("id")) else { throw ConsoleError.notFound("error.no_such_open_alert") }
            let body = try await Self.jsonBody(request, as: AcknowledgeRequest.self)
            // As the OpenAPI document says (maxLength counts code points); found by scripts/api-check.
            if let comment = body.comment, comment.unicodeScalars.count > 1000 { throw ConsoleError.badRequest("error.comment_too_long") }
            guard let alert = try await self.openAlerts(for: user).first(where: { $0.id == id }) else { throw ConsoleError.notFound("error.no_such_open_alert") }
            guard user.role.canAcknowledge else { throw ConsoleError.forbidden() }
            let comment = body.comment.flatMap { $0.isEmpty ? nil : String($0.prefix(1000)) }
            do {
                return try Self.json(try await self.alerts.acknowledge(key: alert.key, by: user.username, comment: comment))
            } catch let error as AlertError where error.code == .notFound {
                throw ConsoleError.notFound("error.no_such_open_alert")  // resolved meanwhile
            }
        }
        group.post("enrollment-tokens") { request, context in
            let user = try self.checkAPIWrite(request, context: context)
            guard user.role.canManageAgents else { throw ConsoleError.forbidden() }
            let body = try await Self.jsonBody(request, as: EnrollmentTokenRequest.self)
            // Lengths in Unicode code points, as JSON Schema counts them; the name is stored trimmed.
            guard body.provider.unicodeScalars.count <= 128, body.site.unicodeScalars.count <= 128 else {
                throw ConsoleError.badRequest("error.provider_site_too_long")
            }
            let provider = body.provider.trimmingCharacters(in: Self.space)
            let site = body.site.trimmingCharacters(in: Self.space)
            guard !provider.isEmpty, !site.isEmpty else { throw ConsoleError.badRequest("error.provider_site_blank") }
            let token = Secrets.random(prefix: "ovt_")
            let now = self.now
            let expiresAt = now.addingTimeInterval(Double(self.configuration.enrollmentTokenTTL.components.seconds))
            try await self.store.createToken(hash: JWS.sha256Hex(Data(token.utf8)), provider: provider, site: site, createdAt: now, expiresAt: expiresAt)
            var response = try Self.json(EnrollmentTokenResponse(token: token, provider: provider, site: site, expiresAt: expiresAt))
            response.status = .created
            return response
        }
        group.post("agents/:id/revoke") { request, context in
            let user = try self.checkAPIWrite(request, context: context)
            let id = try context.parameters.require("id")
            guard let agent = try await self.store.agent(id: id), user.canSee(provider: agent.provider) else { throw ConsoleError.notFound("error.no_such_agent") }
            guard user.role.canManageAgents else { throw ConsoleError.forbidden() }
            _ = try await self.store.revoke(agentId: id, now: self.now)
            let revoked = try await self.store.agent(id: id) ?? agent
            return try Self.json(AgentView(revoked, now: self.now, offlineAfter: self.configuration.offlineAfter))
        }
    }
}

/// `POST /api/v1/alerts/{id}/acknowledge`.
struct AcknowledgeRequest: Decodable {
    var comment: String?
}

/// `POST /api/v1/enrollment-tokens`.
struct EnrollmentTokenRequest: Decodable {
    var provider: String
    var site: String
}

/// The new enrollment token, shown once.
struct EnrollmentTokenResponse: Encodable {
    var token: String
    var provider: String
    var site: String
    var expiresAt: Date
}

extension HTTPFields.Element.Name {
    /// `X-CSRF-Token`: the session's CSRF token on API writes made with the session cookie.
    static var csrfToken: Self { .init("X-CSRF-Token")! }
}
