//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import OversightConnectors
import Testing

@Suite struct CSVReaderTests {
    static func rows(_ text: String, delimiter: Character = ",", quote: Character = "\"") -> [CSVReader.Row] {
        var reader = CSVReader(
            bytes: Array(text.utf8), delimiter: delimiter.asciiValue ?? 0, quote: quote.asciiValue ?? 0
        )
        var rows: [CSVReader.Row] = []
        while let row = reader.next() { rows.append(row) }
        return rows
    }

    @Test func plainRowsWithLineNumbers() {
        let rows = Self.rows("a,b,c\n1,2,3\n4,5,6")
        #expect(rows.map(\.fields) == [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "6"]])
        #expect(rows.map(\.line) == [1, 2, 3])
        #expect(rows.allSatisfy { $0.problem == nil })
    }

    @Test func quotedFieldsDoubledQuotesAndEmbeddedNewlines() {
        let text = "id,note\r\n1,\"say \"\"hi\"\"\"\r\n2,\"two\r\nlines\nhere\"\r\n3,\"a,b\"\r\n"
        let rows = Self.rows(text)
        #expect(rows.map(\.fields) == [["id", "note"], ["1", "say \"hi\""], ["2", "two\r\nlines\nhere"], ["3", "a,b"]])
        // Row 3 starts on line 3 and spans lines 3–5, so row 4 starts on line 6.
        #expect(rows.map(\.line) == [1, 2, 3, 6])
    }

    @Test func byteOrderMarkBlankLinesAndLoneCarriageReturns() {
        let rows = Self.rows("\u{FEFF}h1,h2\n\n1,2\r\r3,4\n\n")
        #expect(rows.map(\.fields) == [["h1", "h2"], ["1", "2"], ["3", "4"]])
        #expect(rows.map(\.line) == [1, 3, 5])
    }

    @Test func emptyFieldsAndTrailingDelimiter() {
        let rows = Self.rows("a,,c\n,,\n\"\",x,\n")
        #expect(rows.map(\.fields) == [["a", "", "c"], ["", "", ""], ["", "x", ""]])
    }

    @Test func malformedRowsCarryAProblemAndReadingGoesOn() {
        let rows = Self.rows("a,b\n\"x\"y,2\n3,4\n5,\"never closed\n6,7\n")
        #expect(rows.count == 4)
        #expect(rows[1].problem == "unexpected text after the closing quote of field 1")
        #expect(rows[1].line == 2)
        #expect(rows[2].fields == ["3", "4"])
        #expect(rows[2].problem == nil)
        #expect(rows[3].line == 4)
        #expect(rows[3].problem == "the quoted field starting on line 4 is never closed")
    }

    @Test func strayQuoteInsideAnUnquotedFieldIsText() {
        #expect(Self.rows("5\" screen,1\n").first?.fields == ["5\" screen", "1"])
    }

    @Test func otherDelimiterAndQuote() {
        let rows = Self.rows("a;'b;c';'it''s'\n", delimiter: ";", quote: "'")
        #expect(rows.first?.fields == ["a", "b;c", "it's"])
    }

    @Test func invalidUTF8IsAProblem() {
        var reader = CSVReader(bytes: Array("a,b\n".utf8) + [0x31, 0x2C, 0xFF, 0x0A])
        _ = reader.next()
        let row = reader.next()
        #expect(row?.problem == "field 2 is not valid UTF-8")
    }

    @Test func rawTextOfARow() {
        var reader = CSVReader(bytes: Array("h\r\n\"x\ny\"\r\nz".utf8))
        _ = reader.next()
        let row = reader.next()!
        #expect(reader.text(of: row) == "\"x\ny\"")
        #expect(reader.text(of: reader.next()!) == "z")
    }
}
