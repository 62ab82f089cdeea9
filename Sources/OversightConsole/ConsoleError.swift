//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird

/// An error the console reports to its caller: a status, a stable code and a message free of secrets.
///
/// Under `/api/` it renders as `{"error":{"code":…,"message":…}}`; pages render it as a small HTML page.
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
    package var message: String

    /// Creates an error.
    package init(_ code: Code, status: HTTPResponse.Status, _ message: String) {
        self.code = code
        self.status = status
        self.message = message
    }

    package var description: String { "\(self.code): \(self.message)" }

    package static func notFound(_ message: String = "not found") -> ConsoleError { .init(.notFound, status: .notFound, message) }
    package static func forbidden(_ message: String = "not allowed for this role") -> ConsoleError {
        .init(.forbidden, status: .forbidden, message)
    }
    package static func badRequest(_ message: String) -> ConsoleError { .init(.badRequest, status: .badRequest, message) }
    package static let unauthorized = ConsoleError(.unauthorized, status: .unauthorized, "authentication required")

    /// The JSON error body.
    package var jsonBody: String {
        struct Body: Encodable {
            struct Inner: Encodable {
                var code: String
                var message: String
            }
            var error: Inner
        }
        let data = (try? JSONEncoder().encode(Body(error: .init(code: self.code.rawValue, message: self.message)))) ?? Data()
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
            let message = error.status.code >= 500 ? "internal error" : (error.body ?? error.status.reasonPhrase)
            return ConsoleError(code, status: error.status, message)
        }
        if error is DecodingError { return .badRequest("the request body could not be read") }
        return ConsoleError(.internalError, status: .internalServerError, "internal error")
    }
}
