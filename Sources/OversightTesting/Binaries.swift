//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Finds the built executables the end-to-end tests drive.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Where `oversight-coordinator`, `oversight-agent` and `oversight-verify` are: `$OVERSIGHT_BIN_DIR`, else `.build/debug` of this repo.
package enum Binaries {
    /// The repository root, found from this file's path (`Sources/OversightTesting/Binaries.swift`).
    package static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The folder holding the executables.
    package static var directory: URL {
        if let dir = ProcessInfo.processInfo.environment["OVERSIGHT_BIN_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return self.repositoryRoot.appendingPathComponent(".build/debug")
    }

    /// Path of `oversight-coordinator`; throws (never skips) if it was not built.
    package static func coordinator() throws -> String { try self.path("oversight-coordinator") }

    /// Path of `oversight-agent`; throws (never skips) if it was not built.
    package static func agent() throws -> String { try self.path("oversight-agent") }

    /// Path of `oversight-verify`; throws (never skips) if it was not built.
    package static func verify() throws -> String { try self.path("oversight-verify") }

    private static func path(_ name: String) throws -> String {
        let path = self.directory.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError(
                "\(name) not found at \(path): run `swift build` first (in \(self.repositoryRoot.path)), "
                    + "or set OVERSIGHT_BIN_DIR to the folder holding the built executables"
            )
        }
        return path
    }
}
