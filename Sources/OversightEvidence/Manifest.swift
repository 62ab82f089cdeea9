//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// manifest.json: every file of a bundle with its size and SHA-256.
//
//===----------------------------------------------------------------------===//

import Foundation

/// `manifest.json`: every other file of the bundle, its size and the lowercase hex SHA-256 of its bytes.
package struct EvidenceManifest: Codable, Sendable, Hashable {
    /// One file.
    package struct File: Codable, Sendable, Hashable {
        /// Path relative to the bundle, `/`-separated.
        package var path: String
        /// Size in bytes.
        package var bytes: Int
        /// Lowercase hex SHA-256 of the file's bytes.
        package var sha256: String

        /// Creates an entry.
        package init(path: String, bytes: Int, sha256: String) {
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    /// ``EvidenceFormat/name``.
    package var format: String
    /// ``EvidenceFormat/version``.
    package var version: Int
    /// The provider the bundle is about.
    package var provider: String
    /// `YYYY-MM`.
    package var month: String
    /// Every file but the manifest, sorted by path.
    package var files: [File]

    /// Creates a manifest.
    package init(provider: String, month: String, files: [File]) {
        self.format = EvidenceFormat.name
        self.version = EvidenceFormat.version
        self.provider = provider
        self.month = month
        self.files = files.sorted { $0.path < $1.path }
    }
}
