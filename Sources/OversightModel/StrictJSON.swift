//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The one reading of a signed JSON text: what every parser would read the same way, or a refusal.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Checks that a JSON text can be read only one way, before anything decodes it.
///
/// A signed batch is evidence: someone re-checking the stored JWS years later, with Python's or JavaScript's JSON
/// parser, must read the record the coordinator applied. Parsers disagree on a few inputs that RFC 8259 leaves open,
/// so those are refused here (I-JSON, RFC 7493, makes the same choices):
///
/// - a member name that appears twice in one object (Foundation keeps the first, Python and JavaScript the last);
/// - invalid UTF-8, and `\u` escapes that leave a lone surrogate (no Unicode text can hold one);
/// - an integer literal outside the 64-bit range (−2⁶³…2⁶³−1), and a number too large to be a finite double;
/// - nesting deeper than ``maxDepth``, and anything that is not JSON at all.
///
/// The problem names where it is, as a path like `records[3].provider`.
public enum StrictJSON {
    /// Deepest nesting of objects and arrays accepted (a batch payload needs 5).
    public static let maxDepth = 64

    /// What is wrong with a text, and where.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// Where: `(root)`, or a path like `records[3].provider`.
        public var path: String
        /// What, without quoting more than 64 bytes of the input.
        public var message: String
        public var description: String { "\(self.path): \(self.message)" }
    }

    /// The first problem in `data`, or `nil` when it is one JSON value that every parser reads alike.
    public static func problem(in data: Data) -> Problem? {
        data.withUnsafeBytes { raw -> Problem? in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress, raw.count > 0 else {
                return Problem(path: "(root)", message: "empty text is not JSON")
            }
            var checker = Checker(base: base, count: raw.count)
            do throws(Problem) {
                checker.skipWhitespace()
                try checker.value(depth: 0)
                checker.skipWhitespace()
                if checker.index != checker.count { throw checker.problem("unexpected text after the JSON value") }
                return nil
            } catch {
                return error
            }
        }
    }

    /// Throws a `DecodingError.dataCorrupted` naming the problem, so callers that decode with `JSONDecoder` report it
    /// as they report every other decoding error.
    public static func validate(_ data: Data) throws {
        if let problem = Self.problem(in: data) {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: problem.description))
        }
    }
}

private struct Checker {
    let base: UnsafePointer<UInt8>
    let count: Int
    var index = 0
    /// Path components down to the value being checked: a member name, or an array index.
    var path: [Component] = []

    enum Component {
        case member(String)
        case element(Int)
    }

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    func problem(_ message: String) -> StrictJSON.Problem {
        var text = ""
        for component in self.path {
            switch component {
            case .member(let name):
                if !text.isEmpty { text += "." }
                text += name.count > 64 ? String(name.prefix(64)) + "…" : name
            case .element(let index):
                text += "[\(index)]"
            }
        }
        return StrictJSON.Problem(path: text.isEmpty ? "(root)" : text, message: message)
    }

    func peek() -> UInt8? {
        self.index < self.count ? self.base[self.index] : nil
    }

    mutating func skipWhitespace() {
        while self.index < self.count {
            switch self.base[self.index] {
            case 0x20, 0x0A, 0x0D, 0x09: self.index += 1
            default: return
            }
        }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(StrictJSON.Problem) {
        guard self.peek() == byte else {
            throw self.problem(self.peek() == nil ? "the text ends where \(what) was expected" : "expected \(what) at byte \(self.index)")
        }
        self.index += 1
    }

    mutating func value(depth: Int) throws(StrictJSON.Problem) {
        guard let byte = self.peek() else { throw self.problem("the text ends where a value was expected") }
        switch byte {
        case UInt8(ascii: "{"):
            guard depth < StrictJSON.maxDepth else { throw self.problem("nested deeper than \(StrictJSON.maxDepth) levels") }
            try self.object(depth: depth)
        case UInt8(ascii: "["):
            guard depth < StrictJSON.maxDepth else { throw self.problem("nested deeper than \(StrictJSON.maxDepth) levels") }
            try self.array(depth: depth)
        case UInt8(ascii: "\""):
            _ = try self.string()
        case UInt8(ascii: "t"): try self.literal("true")
        case UInt8(ascii: "f"): try self.literal("false")
        case UInt8(ascii: "n"): try self.literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try self.number()
        default: throw self.problem("unexpected byte 0x\(String(byte, radix: 16)) at byte \(self.index) where a value was expected")
        }
    }

    mutating func object(depth: Int) throws(StrictJSON.Problem) {
        self.index += 1
        self.skipWhitespace()
        if self.peek() == UInt8(ascii: "}") {
            self.index += 1
            return
        }
        var names = Set<String>()
        while true {
            self.skipWhitespace()
            guard self.peek() == UInt8(ascii: "\"") else { throw self.problem("expected a member name in quotes at byte \(self.index)") }
            let name = try self.string()
            guard names.insert(name).inserted else {
                throw self.problem("the member name '\(name.prefix(64))' appears twice in one object (parsers disagree on which one counts)")
            }
            self.skipWhitespace()
            try self.expect(UInt8(ascii: ":"), "':'")
            self.skipWhitespace()
            self.path.append(.member(name))
            try self.value(depth: depth + 1)
            self.path.removeLast()
            self.skipWhitespace()
            if self.peek() == UInt8(ascii: ",") {
                self.index += 1
                continue
            }
            try self.expect(UInt8(ascii: "}"), "',' or '}'")
            return
        }
    }

    mutating func array(depth: Int) throws(StrictJSON.Problem) {
        self.index += 1
        self.skipWhitespace()
        if self.peek() == UInt8(ascii: "]") {
            self.index += 1
            return
        }
        var element = 0
        while true {
            self.skipWhitespace()
            self.path.append(.element(element))
            try self.value(depth: depth + 1)
            self.path.removeLast()
            element += 1
            self.skipWhitespace()
            if self.peek() == UInt8(ascii: ",") {
                self.index += 1
                continue
            }
            try self.expect(UInt8(ascii: "]"), "',' or ']'")
            return
        }
    }

    mutating func literal(_ text: StaticString) throws(StrictJSON.Problem) {
        let length = text.utf8CodeUnitCount
        guard self.count - self.index >= length, memcmp(self.base + self.index, text.utf8Start, length) == 0 else {
            throw self.problem("unexpected text at byte \(self.index) where a value was expected")
        }
        self.index += length
    }

    /// A string's text: escapes decoded, UTF-8 and surrogates checked.
    mutating func string() throws(StrictJSON.Problem) -> String {
        self.index += 1  // the opening quote
        let start = self.index
        var bytes: [UInt8]?
        while self.index < self.count {
            let byte = self.base[self.index]
            if byte == UInt8(ascii: "\"") {
                let text: String?
                if let bytes {
                    text = String(validating: bytes, as: UTF8.self)
                } else {
                    text = String(validating: UnsafeBufferPointer(start: self.base + start, count: self.index - start), as: UTF8.self)
                }
                guard let text else { throw self.problem("a string is not valid UTF-8") }
                self.index += 1
                return text
            }
            if byte < 0x20 { throw self.problem("a string holds the control byte 0x\(String(byte, radix: 16)) unescaped") }
            if byte != UInt8(ascii: "\\") {
                bytes?.append(byte)
                self.index += 1
                continue
            }
            if bytes == nil { bytes = Array(UnsafeBufferPointer(start: self.base + start, count: self.index - start)) }
            self.index += 1
            guard let escape = self.peek() else { break }
            self.index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes!.append(escape)
            case UInt8(ascii: "b"): bytes!.append(0x08)
            case UInt8(ascii: "f"): bytes!.append(0x0C)
            case UInt8(ascii: "n"): bytes!.append(0x0A)
            case UInt8(ascii: "r"): bytes!.append(0x0D)
            case UInt8(ascii: "t"): bytes!.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try self.hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard self.count - self.index >= 6, self.base[self.index] == UInt8(ascii: "\\"),
                        self.base[self.index + 1] == UInt8(ascii: "u")
                    else { throw self.problem("a string holds a lone surrogate \\u\(String(scalar, radix: 16, uppercase: true))") }
                    self.index += 2
                    let low = try self.hex4()
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw self.problem("a string holds a lone surrogate \\u\(String(scalar, radix: 16, uppercase: true))")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw self.problem("a string holds a lone surrogate \\u\(String(scalar, radix: 16, uppercase: true))")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw self.problem("a string holds an invalid \\u escape") }
                bytes!.append(contentsOf: UTF8.encode(unicode)!)
            default:
                throw self.problem("a string holds the invalid escape '\\\(Character(Unicode.Scalar(escape)))'")
            }
        }
        throw self.problem("a string is not closed")
    }

    mutating func hex4() throws(StrictJSON.Problem) -> UInt32 {
        guard self.count - self.index >= 4 else { throw self.problem("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.base[self.index]
            self.index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw self.problem("a \\u escape needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; integers within 64 bits, others finite doubles.
    mutating func number() throws(StrictJSON.Problem) {
        let start = self.index
        if self.peek() == UInt8(ascii: "-") { self.index += 1 }
        let digitsStart = self.index
        let digits = self.skipDigits()
        guard digits > 0, !(digits > 1 && self.base[digitsStart] == UInt8(ascii: "0")) else {
            throw self.problem("invalid number at byte \(start)")
        }
        var integer = true
        if self.peek() == UInt8(ascii: ".") {
            integer = false
            self.index += 1
            guard self.skipDigits() > 0 else { throw self.problem("invalid number at byte \(start)") }
        }
        if self.peek() == UInt8(ascii: "e") || self.peek() == UInt8(ascii: "E") {
            integer = false
            self.index += 1
            if self.peek() == UInt8(ascii: "+") || self.peek() == UInt8(ascii: "-") { self.index += 1 }
            guard self.skipDigits() > 0 else { throw self.problem("invalid number at byte \(start)") }
        }
        let text = String(decoding: UnsafeBufferPointer(start: self.base + start, count: self.index - start), as: UTF8.self)
        if integer {
            guard Int64(text) != nil else {
                throw self.problem("the integer \(text.prefix(40)) is outside the 64-bit range (−9223372036854775808…9223372036854775807)")
            }
        } else {
            guard let value = Double(text), value.isFinite else {
                throw self.problem("the number \(text.prefix(40)) is too large for a double")
            }
        }
    }

    @discardableResult
    mutating func skipDigits() -> Int {
        let start = self.index
        while self.index < self.count, case UInt8(ascii: "0")...UInt8(ascii: "9") = self.base[self.index] { self.index += 1 }
        return self.index - start
    }
}
