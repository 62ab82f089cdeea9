//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// An HTTPS request to a test coordinator's console with an API token, made with curl as a user's script would.
//
//===----------------------------------------------------------------------===//

import Foundation

/// `GET` (or `POST` with `json`) `path` on the console at `127.0.0.1:port` with the Bearer `token`: the status and body.
package func consoleAPI(_ port: Int, _ token: String, _ path: String, json: String? = nil) async throws -> (status: Int, body: String) {
    var arguments = ["curl", "-sk", "--max-time", "20", "-H", "Authorization: Bearer \(token)", "-w", "\n%{http_code}"]
    if let json { arguments += ["-H", "Content-Type: application/json", "--data", json] }
    let result = try await runCommand("/usr/bin/env", arguments + ["https://127.0.0.1:\(port)\(path)"])
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
}
