//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Hummingbird
import NIOCore
import OversightLocalization

/// Who is making a request, once authenticated.
package struct ConsoleIdentity: Sendable {
    /// The user.
    package var user: ConsoleUser
    /// The session's CSRF token; `nil` for API-token requests (which carry no cookie and post no forms).
    package var csrf: String?
    /// The session id from the cookie (to end it at logout).
    package var sessionId: String?
}

/// The console's request context: the client's address and, after ``ConsoleAuthMiddleware``, the identity.
package struct ConsoleRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The client's IP address (for login throttling), or `unknown`.
    package var remoteAddress: String
    /// The authenticated user, if any.
    package var identity: ConsoleIdentity?
    /// The request's language (the user's setting, else the language cookie, else `Accept-Language`); set by ``ConsoleAuthMiddleware``.
    package var localizer: Localizer

    /// Creates a context for a request.
    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        self.identity = nil
        self.localizer = .english
    }

    /// The authenticated user, or ``ConsoleError/unauthorized``.
    package func requireUser() throws -> ConsoleUser {
        guard let identity = self.identity else { throw ConsoleError.unauthorized }
        return identity.user
    }
}
