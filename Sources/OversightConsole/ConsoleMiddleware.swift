//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Security headers, error rendering and authentication.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import Logging
import OversightLocalization

/// Adds the security headers to every response.
package struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The Content-Security-Policy: no inline script, nothing framed, nothing from elsewhere.
    package static var contentSecurityPolicy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    /// Creates the middleware.
    package init() {}

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// Turns every thrown error into a response: `{"error":{"code","message"}}` under `/api/`, a small page elsewhere.
/// Unknown errors become an opaque 500 and are logged without detail in the body.
package struct ErrorRenderingMiddleware: RouterMiddleware {
    package typealias Context = ConsoleRequestContext

    /// Creates the middleware.
    package init() {}

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let consoleError = ConsoleError.from(error)
            // The outer context has no identity yet; the language cookie carries the user's setting (see `/language`).
            let l = context.identity == nil ? Localizer.for(request, user: nil) : context.localizer
            if consoleError.status.code >= 500 {
                context.logger.error("request failed", metadata: ["oversight.console.error": "\(String(reflecting: type(of: error)))"])
            }
            let isAPI = request.uri.path.hasPrefix("/api/") || request.uri.path == "/openapi.json" || request.uri.path == "/events"
            if !isAPI, consoleError.status == .unauthorized {
                return Response(status: .seeOther, headers: [.location: "/login"])
            }
            if isAPI {
                var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
                if consoleError.status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
                return Response(status: consoleError.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: consoleError.jsonBody(in: l))))
            }
            let statusKey = "status.\(consoleError.status.code)"
            let title = l.has(statusKey) ? l.t(statusKey) : l.t("status.other", ["code": String(consoleError.status.code)])
            let page = HTML.page(
                title: title, identity: context.identity,
                body: "<h1>\(HTML.escape(title))</h1><p>\(HTML.escape(consoleError.message(in: l)))</p>", localizer: l,
                path: request.uri.path
            )
            return HTML.response(page, status: consoleError.status)
        }
    }
}

/// Answers 405 Method Not Allowed, with `Allow`, for a method the OpenAPI document does not list on a path it describes
/// (the router alone would answer 404, as if the resource did not exist).
package struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// A documented path as segments (`nil` for a `{parameter}`) and its methods.
    struct Route: Sendable {
        var segments: [String?]
        var methods: Set<String>

        func matches(_ path: [Substring]) -> Bool {
            guard path.count == self.segments.count else { return false }
            return zip(self.segments, path).allSatisfy { segment, part in segment.map { $0 == part } ?? !part.isEmpty }
        }
    }

    let routes: [Route]

    /// Creates the middleware over `paths`: path template → lower-case methods, as in an OpenAPI document.
    package init(paths: [String: Set<String>]) {
        self.routes = paths.map { path, methods in
            Route(
                segments: path.split(separator: "/").map { $0.hasPrefix("{") && $0.hasSuffix("}") ? nil : String($0) },
                methods: Set(methods.map { $0.uppercased() })
            )
        }
    }

    /// Over the console's own OpenAPI document.
    package init() {
        let paths = (OpenAPIDocument.document()["paths"] as? [String: [String: Any]]) ?? [:]
        self.init(paths: paths.mapValues { Set($0.keys) })
    }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let method = request.method.rawValue
        guard method != "HEAD" else { return try await next(request, context) }
        let path = request.uri.path.split(separator: "/")
        let matching = self.routes.filter { $0.matches(path) }
        guard !matching.isEmpty else { return try await next(request, context) }
        let allowed = matching.reduce(into: Set<String>()) { $0.formUnion($1.methods) }
        guard !allowed.contains(method) else { return try await next(request, context) }
        let error = ConsoleError(.methodNotAllowed, status: .methodNotAllowed, "error.method_not_allowed", ["method": method, "allowed": allowed.sorted().joined(separator: ", ")])
        return Response(
            status: .methodNotAllowed,
            headers: [.contentType: "application/json; charset=utf-8", .allow: allowed.sorted().joined(separator: ", ")],
            body: .init(byteBuffer: ByteBuffer(string: error.jsonBody(in: Localizer.for(request, user: nil))))
        )
    }
}

/// Finds who is calling: a `Bearer` API token, or else the session cookie. It does not refuse anyone; routes do.
package struct ConsoleAuthMiddleware: RouterMiddleware {
    package typealias Context = ConsoleRequestContext
    /// Name of the session cookie.
    package static let sessionCookie = "ovc_session"

    let users: any ConsoleUserStore
    let now: @Sendable () -> Date

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer",
                let user = try await self.users.user(apiToken: String(parts[1]), now: self.now())
            else { throw ConsoleError(.unauthorized, status: .unauthorized, "error.invalid_api_token") }
            context.identity = ConsoleIdentity(user: user, csrf: nil, sessionId: nil)
        } else if let cookie = request.cookies[Self.sessionCookie]?.value, !cookie.isEmpty,
            let (user, csrf) = try await self.users.session(id: cookie, now: self.now())
        {
            context.identity = ConsoleIdentity(user: user, csrf: csrf, sessionId: cookie)
        }
        context.localizer = Localizer.for(request, user: context.identity?.user)
        return try await next(request, context)
    }
}

extension Localizer {
    /// Name of the cookie that remembers the chosen language (for the sign-in page, and error pages before sign-in).
    static let languageCookie = "ovc_lang"

    /// The request's language: the user's setting, else the language cookie, else `Accept-Language`, else English.
    static func `for`(_ request: Request, user: ConsoleUser?) -> Localizer {
        Localizer(
            Language.choose(
                userSetting: user?.language, cookie: request.cookies[Self.languageCookie]?.value,
                acceptLanguage: request.headers[.acceptLanguage]
            )
        )
    }
}

/// Refuses requests without an identity (401; pages turn that into a redirect to `/login`).
package struct RequireLoginMiddleware: RouterMiddleware {
    package typealias Context = ConsoleRequestContext
    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.identity != nil else { throw ConsoleError.unauthorized }
        return try await next(request, context)
    }
}

extension HTTPFields.Element.Name {
    /// `X-Frame-Options`.
    static var xFrameOptions: Self { .init("X-Frame-Options")! }
    /// `Referrer-Policy`.
    static var referrerPolicy: Self { .init("Referrer-Policy")! }
}
