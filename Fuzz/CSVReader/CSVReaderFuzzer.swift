//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// libFuzzer target (scripts/fuzz): the agent's RFC 4180 CSV reader (Sources/OversightConnectors/CSVReader.swift),
// compiled alone by swiftc -sanitize=fuzzer,address; docs/reliability.md.
//
//===----------------------------------------------------------------------===//

/// Every input: the reader ends, each row's byte range lies inside the input and after the previous row's, line
/// numbers never go back, and every row it read cleanly survives a round trip — written back with every field
/// quoted and read again, the same fields come out. Any breach traps (a crash libFuzzer saves).
@_cdecl("LLVMFuzzerTestOneInput")
public func csvReaderFuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: bytes, count: count))
    // The first byte picks the delimiter, as a source's `csv.delimiter` would: comma, semicolon or tab.
    let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]
    let delimiter = delimiters[Int(input.first ?? 0) % delimiters.count]
    var reader = CSVReader(bytes: input, delimiter: delimiter)
    var clean: [[String]] = []
    var lastLine = 0
    var lastEnd = 0
    var rows = 0
    while let row = reader.next() {
        rows += 1
        guard rows <= count + 1 else { fatalError("more rows than bytes: the reader does not advance") }
        guard row.line >= lastLine else { fatalError("line \(row.line) after line \(lastLine)") }
        guard row.range.lowerBound >= lastEnd, row.range.upperBound <= count, !row.range.isEmpty else {
            fatalError("row range \(row.range) outside \(lastEnd)..<\(count)")
        }
        guard !row.fields.isEmpty else { fatalError("a row without fields") }
        lastLine = row.line
        lastEnd = row.range.upperBound
        if row.problem == nil { clean.append(row.fields) }
    }
    // Round trip of the clean rows.
    let quote = UInt8(ascii: "\"")
    var written: [UInt8] = []
    for fields in clean {
        for (index, field) in fields.enumerated() {
            if index > 0 { written.append(delimiter) }
            written.append(quote)
            for byte in field.utf8 {
                written.append(byte)
                if byte == quote { written.append(quote) }
            }
            written.append(quote)
        }
        written.append(UInt8(ascii: "\n"))
    }
    var again = CSVReader(bytes: written, delimiter: delimiter)
    var reread: [[String]] = []
    while let row = again.next() {
        guard row.problem == nil else { fatalError("a written row reads with a problem: \(row.problem ?? "")") }
        reread.append(row.fields)
    }
    guard reread == clean else { fatalError("the round trip changed the rows: \(clean) → \(reread)") }
    return 0
}
