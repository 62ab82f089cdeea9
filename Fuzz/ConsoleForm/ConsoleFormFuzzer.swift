//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// libFuzzer target (scripts/fuzz): the console's form body reader (Sources/OversightConsole/FormBody.swift, compiled
// alone by swiftc -sanitize=fuzzer,address); docs/reliability.md.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Every input, read as a form body: the same fields twice, at most `maxFields` of them, and what a browser would
/// post for those fields reads back as the very same fields.
@_cdecl("LLVMFuzzerTestOneInput")
public func consoleFormFuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    let fields = FormBody.parse(Substring(text))
    guard FormBody.parse(Substring(text)) == fields else { fatalError("two reads of one body differ") }
    guard fields.count <= FormBody.maxFields else { fatalError("\(fields.count) fields, more than \(FormBody.maxFields)") }
    let encoded = FormBody.encode(fields)
    guard encoded.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x20 }) else { fatalError("the encoding is not plain ASCII: \(encoded)") }
    let again = FormBody.parse(Substring(encoded))
    guard again == fields else { fatalError("round trip changed the fields: \(fields) -> \(encoded) -> \(again)") }
    return 0
}
