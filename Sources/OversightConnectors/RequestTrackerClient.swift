//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// GET requests to Request Tracker 5's REST2 API, with the source's credentials and limits.
//
//===----------------------------------------------------------------------===//

internal import Foundation
#if canImport(FoundationNetworking)
internal import FoundationNetworking
#endif
package import OversightConfig

/// Reads JSON from RT's REST2 API (`{url}/REST/2.0/…`).
///
/// Foundation's `URLSession` is used (the agent links no HTTP client library; on Linux it is FoundationNetworking over
/// libcurl). Answers larger than ``maxResponseBytes`` are refused. The credentials are read from their files when the
/// client is made; they appear in no message and no log.
package struct RequestTrackerClient: Sendable {
    /// Largest answer accepted, in bytes.
    package static let maxResponseBytes = 8 << 20

    let base: String
    let authorization: String
    let session: URLSession
    let timeout: TimeInterval

    /// Creates a client for a source's `rt5` block, reading its token or password file.
    /// - Throws: ``RequestTrackerError`` with code `credentials` when the file is missing, empty or readable by others.
    package init(configuration: RequestTrackerConfiguration) throws(RequestTrackerError) {
        self.base = configuration.url + "/REST/2.0"
        if let tokenFile = configuration.tokenFile {
            self.authorization = "token " + (try Self.secret(at: tokenFile, what: "token_file"))
        } else if let username = configuration.username, let passwordFile = configuration.passwordFile {
            let password = try Self.secret(at: passwordFile, what: "password_file")
            self.authorization = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        } else {
            throw RequestTrackerError(.credentials, "rt5: expected token_file, or username with password_file")
        }
        let seconds = configuration.requestTimeout.components
        self.timeout = TimeInterval(seconds.seconds) + TimeInterval(seconds.attoseconds) / 1e18
        let session = URLSessionConfiguration.ephemeral
        session.timeoutIntervalForRequest = self.timeout
        session.httpMaximumConnectionsPerHost = max(1, configuration.concurrency)
        self.session = URLSession(configuration: session)
    }

    /// Reads a secret file: one line, trimmed; refused when missing, empty, or readable by group or others.
    static func secret(at path: String, what: String) throws(RequestTrackerError) -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let data = FileManager.default.contents(atPath: path)
        else {
            throw RequestTrackerError(.credentials, "rt5.\(what) \(path) cannot be read")
        }
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw RequestTrackerError(
                .credentials, "rt5.\(what) \(path) is readable by others (mode \(String(mode & 0o777, radix: 8))); chmod 600 it"
            )
        }
        guard data.count <= 4_096 else { throw RequestTrackerError(.credentials, "rt5.\(what) \(path) is longer than 4096 bytes") }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, !text.contains("\n") else {
            throw RequestTrackerError(.credentials, "rt5.\(what) \(path) must hold the secret on one line")
        }
        return text
    }

    /// GETs `path` (below `/REST/2.0`, with its query) and decodes the JSON answer.
    /// - Throws: ``RequestTrackerError``: `unauthorized` (401), `forbidden` (403), `unavailable` (no answer, 429, 5xx),
    ///   `badResponse` (other statuses, not JSON, too large).
    package func get(_ path: String) async throws(RequestTrackerError) -> JSONValue {
        guard let url = URL(string: self.base + path) else { throw RequestTrackerError(.badResponse, "rt5: cannot form a URL for \(path)") }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: self.timeout)
        request.setValue(self.authorization, forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let shown = Self.shownPath(path)
        let answer: (Data, URLResponse)
        do {
            answer = try await self.session.data(for: request)
        } catch {
            throw RequestTrackerError(.unavailable, "RT at \(self.base) did not answer \(shown): \(error.localizedDescription)")
        }
        let (data, response) = answer
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        switch status {
        case 200 ..< 300: break
        case 401:
            throw RequestTrackerError(
                .unauthorized,
                "RT refused the agent's credentials (401) for \(shown): the token in rt5.token_file, or the user and password, is wrong or revoked"
            )
        case 403:
            throw RequestTrackerError(
                .forbidden,
                "RT denied \(shown) (403): the RT user may not see it; grant it ShowTicket and SeeQueue on the source's queues"
            )
        case 404: throw RequestTrackerError(.badResponse, "RT has no \(shown) (404): check rt5.url (REST2 is below /REST/2.0)")
        case 429, 500 ..< 600: throw RequestTrackerError(.unavailable, "RT answered \(status) for \(shown)")
        default: throw RequestTrackerError(.badResponse, "RT answered \(status) for \(shown)")
        }
        guard data.count <= Self.maxResponseBytes else {
            throw RequestTrackerError(.badResponse, "RT's answer to \(shown) is larger than \(Self.maxResponseBytes) bytes")
        }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data), value.members != nil else {
            throw RequestTrackerError(.badResponse, "RT's answer to \(shown) is not a JSON object (is rt5.url RT's base URL?)")
        }
        return value
    }

    /// The path without its query, for messages.
    static func shownPath(_ path: String) -> String {
        "/REST/2.0" + (path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path)
    }
}
