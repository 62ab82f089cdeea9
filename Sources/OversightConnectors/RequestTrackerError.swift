//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// What can go wrong talking to Request Tracker; messages say what to fix and never hold a secret.
//
//===----------------------------------------------------------------------===//

/// A failed REST2 request or an unusable answer.
package struct RequestTrackerError: Error, CustomStringConvertible, Sendable {
    /// What kind of problem this is; compare errors by code.
    package enum Code: String, Sendable, Hashable {
        /// RT refused the credentials (401): wrong or revoked token, wrong user or password.
        case unauthorized
        /// RT knows the user but it may not see what was asked (403): rights on a queue.
        case forbidden
        /// RT did not answer, or answered 5xx or 429: the cursor stays and the poll is retried with backoff.
        case unavailable
        /// RT answered something that is not the documented JSON, or more than the agent accepts.
        case badResponse
        /// The token or password file cannot be used (missing, empty, readable by others).
        case credentials
    }

    /// What kind of problem this is.
    package var code: Code
    /// What is wrong, naming the request's path (never a secret).
    package var message: String

    /// Creates an error.
    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { self.message }
}
