//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reading the text that `oversight-agent redact` checks, within a size limit.
//
//===----------------------------------------------------------------------===//

package import Foundation

extension Redactor {
    /// Most bytes `oversight-agent redact` reads from standard input (8 MiB).
    package static let maxInputBytes = 8 << 20

    /// Reads a whole input (standard input) as UTF-8 text, refusing more than `maxBytes`.
    ///
    /// The error never quotes the input: it is the text being checked for personal data.
    /// - Parameters:
    ///   - handle: The input, such as `FileHandle.standardInput`.
    ///   - name: How to name the input in errors (`standard input`).
    ///   - maxBytes: Most bytes accepted.
    /// - Throws: ``ConnectorError`` `.fileTooLarge` beyond `maxBytes`, `.fileUnreadable` for a read error or text that
    ///   is not UTF-8.
    package static func readText(from handle: FileHandle, name: String = "standard input", maxBytes: Int = Redactor.maxInputBytes)
        throws(ConnectorError) -> String
    {
        var data = Data()
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 64 << 10)
            } catch {
                throw ConnectorError(code: .fileUnreadable, path: name, message: "cannot be read")
            }
            guard let chunk, !chunk.isEmpty else { break }
            data.append(chunk)
            if data.count > maxBytes {
                throw ConnectorError(
                    code: .fileTooLarge, path: name,
                    message: "more than \(maxBytes >> 20) MiB (\(maxBytes) bytes); redact a smaller piece at a time"
                )
            }
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConnectorError(code: .fileUnreadable, path: name, message: "is not UTF-8 text")
        }
        return text
    }
}
