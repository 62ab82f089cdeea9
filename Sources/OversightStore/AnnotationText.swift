//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The rules of dispute reasons, decision notes and breach notes, the same for every store backend.
//
//===----------------------------------------------------------------------===//

import Foundation

/// The rules of annotation text (dispute reasons, decision notes, breach notes), checked before any backend stores it.
package enum AnnotationText {
    /// The longest reason, decision note or breach note, in characters (Unicode code points, as JSON Schema counts them).
    /// Checked here, not in SQL: SQLite's `length` stops at a NUL character.
    package static let maxLength = 2000

    /// White space as ECMAScript's `\s` means it (the OpenAPI document's patterns), so a text the document accepts as not
    /// blank is never blank here.
    package static let space = CharacterSet(
        charactersIn: "\t\n\u{0B}\u{0C}\r \u{A0}\u{1680}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}\u{FEFF}"
    )
    .union(CharacterSet(charactersIn: "\u{2000}"..."\u{200A}"))

    /// `text` trimmed, or ``AnnotationError/invalid(_:)`` naming `what` when it is blank, longer than the limit or holds
    /// a NUL character (which PostgreSQL's `text` cannot hold, and records may not hold either: one rule for every
    /// backend).
    package static func validated(_ text: String, _ what: String) throws(AnnotationError) -> String {
        let trimmed = text.trimmingCharacters(in: Self.space)
        guard !trimmed.isEmpty else { throw .invalid("\(what) is required and must not be blank") }
        guard !trimmed.unicodeScalars.contains("\u{0}") else { throw .invalid("\(what) holds a NUL character (U+0000)") }
        guard trimmed.unicodeScalars.count <= Self.maxLength else {
            throw .invalid("\(what) must be at most \(Self.maxLength) characters (it has \(trimmed.unicodeScalars.count))")
        }
        return trimmed
    }
}
