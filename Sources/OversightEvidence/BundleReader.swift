//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reads a bundle's files: relative paths only, regular files only, bounded sizes.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel

/// Reads files of a bundle folder. A bundle comes from outside, so every path is checked (relative, no `..`, no
/// symbolic link) and every file is bounded by ``EvidenceFormat/maxFileBytes`` before it is read.
package struct BundleReader: Sendable {
    /// The bundle folder.
    package let root: URL

    /// A reader of `directory`.
    package init(directory: String) {
        self.root = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
    }

    /// Whether `path` is a plain relative path inside the bundle.
    package static func isSafe(_ path: String) -> Bool {
        guard !path.isEmpty, path.utf8.count <= 1024, !path.hasPrefix("/"), !path.contains("\\"), !path.contains("\0") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    /// The bytes of `path`.
    /// - Throws: ``EvidenceError`` when the path is unsafe, the file is missing, not a regular file, or too large.
    package func data(_ path: String, limit: Int = EvidenceFormat.maxFileBytes) throws(EvidenceError) -> Data {
        guard Self.isSafe(path) else { throw EvidenceError(.badBundle, "\(path.prefix(200)): not a relative path inside the bundle") }
        let url = self.root.appendingPathComponent(path)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else {
            throw EvidenceError(.badBundle, "\(path): missing")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else { throw EvidenceError(.badBundle, "\(path): not a regular file") }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= limit else { throw EvidenceError(.badBundle, "\(path): \(size) bytes, more than the \(limit) a bundle file may hold") }
        do {
            let data = try Data(contentsOf: url)
            guard data.count <= limit else { throw EvidenceError(.badBundle, "\(path): grew beyond \(limit) bytes while read") }
            return data
        } catch let error as EvidenceError {
            throw error
        } catch {
            throw EvidenceError(.badBundle, "\(path): cannot read (\(error.localizedDescription))")
        }
    }

    /// `path` decoded as JSON in the wire form (strict: no duplicate member names, RFC 3339 timestamps).
    package func json<T: Decodable>(_ type: T.Type, _ path: String) throws(EvidenceError) -> T {
        let bytes = try self.data(path)
        do {
            return try WireJSON.decode(type, from: bytes)
        } catch {
            throw EvidenceError(.badBundle, "\(path): not the documented JSON (\(String(describing: error).prefix(300)))")
        }
    }

    /// Every regular file and symbolic link under the bundle, relative and sorted; at most ``EvidenceFormat/maxFiles``.
    package func allFiles() throws(EvidenceError) -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: self.root, includingPropertiesForKeys: [.isDirectoryKey]) else {
            throw EvidenceError(.badBundle, "\(self.root.path): cannot list the bundle")
        }
        let prefix = self.root.path.hasSuffix("/") ? self.root.path : self.root.path + "/"
        var files: [String] = []
        for case let url as URL in enumerator {
            if (try? url.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory == true { continue }
            let path = url.standardizedFileURL.path
            files.append(path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path)
            guard files.count <= EvidenceFormat.maxFiles else {
                throw EvidenceError(.badBundle, "more than \(EvidenceFormat.maxFiles) files in the bundle")
            }
        }
        return files.sorted()
    }
}
