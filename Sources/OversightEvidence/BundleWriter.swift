//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Writes a bundle's files into an empty folder and, last, its manifest.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightWire

/// Writes files into a new or empty folder, remembering each one's size and SHA-256 for `manifest.json`.
package struct BundleWriter {
    /// The bundle folder.
    package let root: URL
    private var files: [EvidenceManifest.File] = []

    /// Prepares `directory`: created if missing; refused when it exists and is not an empty folder.
    /// - Throws: ``EvidenceError`` with ``EvidenceError/Code/badDestination``.
    package init(directory: String) throws(EvidenceError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw EvidenceError(.badDestination, "\(directory) exists and is not a folder") }
            let entries = (try? manager.contentsOfDirectory(atPath: directory)) ?? ["?"]
            guard entries.isEmpty else {
                throw EvidenceError(.badDestination, "\(directory) is not empty (\(entries.count) entries); evidence is exported into a new or empty folder")
            }
        } else {
            do {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw EvidenceError(.badDestination, "cannot create \(directory): \(error.localizedDescription)")
            }
        }
        self.root = URL(fileURLWithPath: directory, isDirectory: true)
    }

    /// Writes `bytes` at `path` (relative, `/`-separated).
    package mutating func write(_ bytes: Data, to path: String) throws(EvidenceError) {
        let url = self.root.appendingPathComponent(path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try bytes.write(to: url, options: .withoutOverwriting)
        } catch {
            throw EvidenceError(.io, "cannot write \(path): \(error.localizedDescription)")
        }
        self.files.append(EvidenceManifest.File(path: path, bytes: bytes.count, sha256: JWS.sha256Hex(bytes)))
    }

    /// Writes `value` as JSON (sorted keys, two-space indentation, RFC 3339 timestamps with milliseconds).
    package mutating func writeJSON(_ value: some Encodable, to path: String) throws(EvidenceError) {
        let data: Data
        do {
            data = try Self.encoder.encode(value)
        } catch {
            throw EvidenceError(.io, "cannot encode \(path): \(error)")
        }
        try self.write(data + Data("\n".utf8), to: path)
    }

    /// Writes `manifest.json` listing every file written so far.
    package mutating func finish(provider: String, month: String) throws(EvidenceError) -> EvidenceManifest {
        let manifest = EvidenceManifest(provider: provider, month: month, files: self.files)
        let data: Data
        do {
            data = try Self.encoder.encode(manifest)
        } catch {
            throw EvidenceError(.io, "cannot encode the manifest: \(error)")
        }
        do {
            try (data + Data("\n".utf8)).write(to: self.root.appendingPathComponent(EvidenceFormat.manifest), options: .withoutOverwriting)
        } catch {
            throw EvidenceError(.io, "cannot write the manifest: \(error.localizedDescription)")
        }
        return manifest
    }

    /// The bundle's JSON encoder.
    package static var encoder: JSONEncoder {
        let encoder = WireJSON.encoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }
}
