//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// An RFC 4180 CSV reader that knows the line each row starts on.
//
//===----------------------------------------------------------------------===//

/// Reads CSV (RFC 4180) from bytes, one row at a time, with the physical line number each row starts on.
///
/// Hand-written rather than taken from a library because rejects must name the line an operator
/// sees in an editor, and a quoted field may span several lines: the row number and the line number
/// differ as soon as one cell holds a line break, and CSV libraries report only the former.
///
/// Handles quoted fields, doubled quotes (`""`) inside them, line breaks inside quotes, LF, CRLF and
/// lone CR line ends, and a UTF-8 byte-order mark. Blank lines are skipped. A malformed row (text after
/// a closing quote, an unterminated quote, invalid UTF-8) is returned with a ``Row/problem`` so the
/// caller can reject it and go on; the reader never fails as a whole.
package struct CSVReader {
    /// One record of the file.
    package struct Row: Sendable, Hashable {
        /// The fields, unquoted.
        package var fields: [String]
        /// 1-based physical line on which the row starts.
        package var line: Int
        /// Byte range of the row in the input, without its line end.
        package var range: Range<Int>
        /// Why the row is malformed, if it is.
        package var problem: String?
    }

    private let bytes: [UInt8]
    private let delimiter: UInt8
    private let quote: UInt8
    private var index: Int
    private var line = 1

    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    /// Creates a reader over a whole file's bytes.
    /// - Parameters:
    ///   - bytes: The file's contents.
    ///   - delimiter: Field separator (`,` by default).
    ///   - quote: Quote character (`"` by default).
    package init(bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\"")) {
        self.bytes = bytes
        self.delimiter = delimiter
        self.quote = quote
        self.index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    /// The bytes of a row as text, for reject files; invalid UTF-8 is replaced.
    package func text(of row: Row, maxBytes: Int = 4_096) -> String {
        let end = min(row.range.upperBound, row.range.lowerBound + maxBytes)
        return String(decoding: self.bytes[row.range.lowerBound..<end], as: UTF8.self)
    }

    /// The next row, or `nil` at the end of the input.
    package mutating func next() -> Row? {
        // Skip blank lines.
        while self.index < self.bytes.count, self.bytes[self.index] == Self.lineFeed || self.bytes[self.index] == Self.carriageReturn {
            self.consumeLineEnd()
        }
        guard self.index < self.bytes.count else { return nil }

        let startLine = self.line
        let start = self.index
        var fields: [String] = []
        var field: [UInt8] = []
        var problem: String?
        var end = self.bytes.count

        func finishField() {
            if let text = String(validating: field, as: UTF8.self) {
                fields.append(text)
            } else {
                fields.append(String(decoding: field, as: UTF8.self))
                if problem == nil { problem = "field \(fields.count) is not valid UTF-8" }
            }
            field.removeAll(keepingCapacity: true)
        }

        fieldLoop: while true {
            if self.index < self.bytes.count, self.bytes[self.index] == self.quote {
                // Quoted field: up to the closing quote; doubled quotes stand for one.
                let quoteLine = self.line
                self.index += 1
                var closed = false
                while self.index < self.bytes.count {
                    let byte = self.bytes[self.index]
                    if byte == self.quote {
                        if self.index + 1 < self.bytes.count, self.bytes[self.index + 1] == self.quote {
                            field.append(byte)
                            self.index += 2
                            continue
                        }
                        self.index += 1
                        closed = true
                        break
                    }
                    if byte == Self.lineFeed || byte == Self.carriageReturn {
                        let before = self.index
                        self.consumeLineEnd()
                        field.append(contentsOf: self.bytes[before..<self.index])
                        continue
                    }
                    field.append(byte)
                    self.index += 1
                }
                if !closed, problem == nil { problem = "the quoted field starting on line \(quoteLine) is never closed" }
                // After the closing quote only a delimiter or a line end may follow.
                if self.index < self.bytes.count {
                    let byte = self.bytes[self.index]
                    if byte != self.delimiter && byte != Self.lineFeed && byte != Self.carriageReturn {
                        if problem == nil { problem = "unexpected text after the closing quote of field \(fields.count + 1)" }
                        while self.index < self.bytes.count, self.bytes[self.index] != self.delimiter,
                            self.bytes[self.index] != Self.lineFeed, self.bytes[self.index] != Self.carriageReturn
                        {
                            field.append(self.bytes[self.index])
                            self.index += 1
                        }
                    }
                }
            } else {
                // Unquoted field: up to the delimiter or the line end; a stray quote is kept as text.
                while self.index < self.bytes.count {
                    let byte = self.bytes[self.index]
                    if byte == self.delimiter || byte == Self.lineFeed || byte == Self.carriageReturn { break }
                    field.append(byte)
                    self.index += 1
                }
            }
            finishField()
            guard self.index < self.bytes.count else { break fieldLoop }
            let byte = self.bytes[self.index]
            if byte == self.delimiter {
                self.index += 1
                if self.index == self.bytes.count { fields.append("") }
                continue fieldLoop
            }
            end = self.index
            self.consumeLineEnd()
            break fieldLoop
        }
        return Row(fields: fields, line: startLine, range: start..<end, problem: problem)
    }

    /// Consumes one LF, CRLF or CR at `index` and counts the line.
    private mutating func consumeLineEnd() {
        if self.bytes[self.index] == Self.carriageReturn, self.index + 1 < self.bytes.count, self.bytes[self.index + 1] == Self.lineFeed {
            self.index += 2
        } else {
            self.index += 1
        }
        self.line += 1
    }
}
