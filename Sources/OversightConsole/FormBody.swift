//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The console's `application/x-www-form-urlencoded` reader: Foundation only, so the fuzz target (Fuzz/ConsoleForm)
// compiles this very file.
//
//===----------------------------------------------------------------------===//

import Foundation

/// The fields of an `application/x-www-form-urlencoded` body, as the console's forms post them.
package enum FormBody {
    /// The most bytes a form body may have (the handler reads no more).
    package static let maxBytes = 64 * 1024
    /// The most fields a form body may have; further pairs are ignored.
    package static let maxFields = 1_000

    /// Fields by name: `+` is a space, `%XX` a byte of UTF-8; a pair without `=` has an empty value; a name or value
    /// whose escapes are not valid UTF-8 (or a stray `%`) reads as empty; the last of two pairs with one name wins.
    package static func parse(_ text: Substring) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&").prefix(Self.maxFields) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            fields[Self.decode(parts[0])] = parts.count > 1 ? Self.decode(parts[1]) : ""
        }
        return fields
    }

    /// What `encode` leaves as it is: ASCII letters and digits, `-._*`, and the space (written `+`).
    private static let unescaped = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._* ")

    /// One name or value, unescaped.
    static func decode(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
    }

    /// The body a browser would post for `fields` (names sorted): everything but unreserved characters escaped, spaces
    /// as `+`. `parse(encode(f)) == f` for any fields with distinct names.
    package static func encode(_ fields: [String: String]) -> String {
        func escape(_ text: String) -> String {
            (text.addingPercentEncoding(withAllowedCharacters: Self.unescaped) ?? "").replacingOccurrences(of: " ", with: "+")
        }
        return fields.sorted { $0.key < $1.key }.map { "\(escape($0.key))=\(escape($0.value))" }.joined(separator: "&")
    }
}
