//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation

/// A fresh folder under the system temporary directory, one per test.
package struct TemporaryDirectory: Sendable {
    package let url: URL
    package var path: String { self.url.path }

    /// Creates `$TMPDIR/oversight-e2e-<prefix>-<random>`.
    package init(prefix: String) throws {
        let name = "oversight-e2e-\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
        self.url = FileManager.default.temporaryDirectory.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: self.url, withIntermediateDirectories: true)
    }

    /// A sub-path (not created).
    package func child(_ name: String) -> URL { self.url.appendingPathComponent(name) }

    /// Creates a sub-folder and returns it.
    package func makeFolder(_ name: String) throws -> URL {
        let url = self.child(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Deletes the folder and everything in it.
    package func remove() { try? FileManager.default.removeItem(at: self.url) }
}

extension FileManager {
    /// Names of the regular files directly in `folder` (no sub-folders, no hidden files), sorted.
    package func fileNames(in folder: URL) -> [String] {
        let names = (try? self.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".") && self.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }.sorted()
    }
}
