//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import OversightLocalization

/// An error the console reports to its caller: a status, a stable code and a message free of secrets.
///
/// Under `/api/` it renders as `{"error":{"code":…,"message":…}}`; pages render it as a small HTML page. The message
/// is a catalogue key with its arguments, rendered in the caller's language; ``message`` and ``description`` are English
/// (logs). The `code` stays English in every language.
package struct ConsoleError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable error code.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        package let rawValue: String
        package var description: String { self.rawValue }
        package static let badRequest = Code(rawValue: "bad_request")
        package static let unauthorized = Code(rawValue: "unauthorized")
        package static let forbidden = Code(rawValue: "forbidden")
        package static let notFound = Code(rawValue: "not_found")
        package static let conflict = Code(rawValue: "conflict")
        package static let tooManyRequests = Code(rawValue: "too_many_requests")
        package static let csrf = Code(rawValue: "csrf_failed")
        package static let invalidUser = Code(rawValue: "invalid_user")
        package static let methodNotAllowed = Code(rawValue: "method_not_allowed")
        package static let internalError = Code(rawValue: "internal_error")
    }

    package var code: Code
    package var status: HTTPResponse.Status
    /// The message's catalogue key (`error.…`).
    package var key: String
    /// The message's placeholders.
    package var arguments: [String: String]

    /// Creates an error whose message is the catalogue entry `key` with `arguments`.
    package init(_ code: Code, status: HTTPResponse.Status, _ key: String, _ arguments: [String: String] = [:]) {
        self.code = code
        self.status = status
        self.key = key
        self.arguments = arguments
    }

    /// The message in English.
    package var message: String { self.message(in: .english) }

    /// The message in `l`'s language.
    package func message(in l: Localizer) -> String { l.t(self.key, self.arguments) }

    package var description: String { "\(self.code): \(self.message)" }

    package static func notFound(_ key: String = "error.not_found", _ arguments: [String: String] = [:]) -> ConsoleError {
        .init(.notFound, status: .notFound, key, arguments)
    }
    package static func forbidden(_ key: String = "error.forbidden_role") -> ConsoleError {
        .init(.forbidden, status: .forbidden, key)
    }
    package static func badRequest(_ key: String, _ arguments: [String: String] = [:]) -> ConsoleError {
        .init(.badRequest, status: .badRequest, key, arguments)
    }
    package static let unauthorized = ConsoleError(.unauthorized, status: .unauthorized, "error.authentication_required")

    /// The JSON error body, the message in English.
    package var jsonBody: String { self.jsonBody(in: .english) }

    /// The JSON error body with the message in `l`'s language.
    package func jsonBody(in l: Localizer) -> String {
        struct Body: Encodable {
            struct Inner: Encodable {
                var code: String
                var message: String
            }
            var error: Inner
        }
        let data = (try? JSONEncoder().encode(Body(error: .init(code: self.code.rawValue, message: self.message(in: l))))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Maps any error to a console error; unknown errors become an opaque 500.
    package static func from(_ error: any Error) -> ConsoleError {
        if let error = error as? ConsoleError { return error }
        if let error = error as? HTTPError {
            let code: Code =
                switch error.status.code {
                case 400: .badRequest
                case 401: .unauthorized
                case 403: .forbidden
                case 404: .notFound
                case 405: .methodNotAllowed
                case 413: .badRequest
                default: error.status.code >= 500 ? .internalError : .badRequest
                }
            // Hummingbird's own texts are English; the status says the same in the caller's language.
            let key: String =
                switch error.status.code {
                case 400: "error.http.bad_request"
                case 401: "error.authentication_required"
                case 403: "error.forbidden_role"
                case 404: "error.not_found"
                case 405: "error.http.method_not_allowed"
                case 413: "error.http.too_large"
                default: error.status.code >= 500 ? "error.internal" : "error.http.bad_request"
                }
            return ConsoleError(code, status: error.status, key)
        }
        if error is DecodingError { return .badRequest("error.body_unreadable") }
        return ConsoleError(.internalError, status: .internalServerError, "error.internal")
    }
}
