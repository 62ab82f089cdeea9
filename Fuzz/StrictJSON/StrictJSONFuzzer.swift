//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// libFuzzer target (scripts/fuzz): StrictJSON, the checker every signed JSON text and every JWS protected header goes
// through (Sources/OversightModel/StrictJSON.swift), differentially against Foundation's JSONSerialization, and
// Base64URL (Sources/OversightWire/Base64URL.swift); compiled alone by swiftc -sanitize=fuzzer,address;
// docs/reliability.md.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Every input, as a JSON text and as base64url text:
///
/// - StrictJSON gives the same answer twice; what it accepts, JSONSerialization reads (an object when the text is an
///   object); a problem always names a path;
/// - an accepted text stays accepted inside an array and as a member's value (unless that nests it too deep), and an
///   object with that member twice is always refused, also when the second name is spelled with `\u` escapes;
/// - each member name of an accepted object, twice in one object (once escaped), is refused;
/// - Base64URL: encode gives only the alphabet without padding, of the right length, and decodes back to the bytes;
///   decode of the input accepts only alphabet text of a possible length, and only the one canonical spelling of the
///   bytes it gives (encode of the result is the input).
@_cdecl("LLVMFuzzerTestOneInput")
public func strictJSONFuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    checkStrictJSON(data)
    checkBase64URL(data)
    return 0
}

private func accepted(_ text: Data) -> Bool { StrictJSON.problem(in: text) == nil }

private func checkStrictJSON(_ data: Data) {
    let problem = StrictJSON.problem(in: data)
    guard problem == StrictJSON.problem(in: data) else { fatalError("two checks of the same text differ") }
    if let problem {
        guard !problem.path.isEmpty, !problem.message.isEmpty else { fatalError("a problem without a path or message: \(problem)") }
        return
    }
    let object: Any
    do {
        object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    } catch {
        fatalError("StrictJSON accepts a text JSONSerialization refuses: \(error)")
    }
    let first = data.first { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }
    if first == UInt8(ascii: "{"), !(object is [String: Any]) { fatalError("an accepted object does not read as an object") }
    if first == UInt8(ascii: "["), !(object is [Any]) { fatalError("an accepted array does not read as an array") }

    // Nested one level: still accepted unless that takes it past the depth limit.
    let fits = depth(of: object) < StrictJSON.maxDepth
    guard accepted(Data("[".utf8) + data + Data("]".utf8)) == fits else { fatalError("[text] accepted: \(!fits), depth \(depth(of: object))") }
    guard accepted(Data(#"{"a":"#.utf8) + data + Data(#","b":"#.utf8) + data + Data("}".utf8)) == fits else {
        fatalError("{a: text, b: text} accepted: \(!fits)")
    }
    // The same member twice is always refused, whatever the value and however the name is spelled.
    for (first, second) in [(#""a""#, #""a""#), (#""a""#, #""\u0061""#), (#""\u007a""#, #""\u007A""#), (#""\u00e9""#, #""é""#)] {
        if accepted(Data("{\(first):".utf8) + data + Data(",\(second):".utf8) + data + Data("}".utf8)) {
            fatalError("an object with one member twice (\(first), \(second)) is accepted")
        }
    }
    if !accepted(Data(#"{"A":"#.utf8) + data + Data(#","\u0061":"#.utf8) + Data("0}".utf8)), fits {
        fatalError("names A and a (escaped) are different names, but refused")
    }
    // Each member name of an accepted object, twice: once as JSONSerialization writes it, once all \u escapes.
    if let members = object as? [String: Any] {
        for name in members.keys.prefix(4) {
            guard let plain = try? JSONSerialization.data(withJSONObject: name, options: [.fragmentsAllowed]) else {
                fatalError("JSONSerialization cannot write the member name \(name.debugDescription)")
            }
            let escaped = "\"" + name.utf16.map { String(format: "\\u%04x", $0) }.joined() + "\""
            guard accepted(Data("{".utf8) + plain + Data(":0}".utf8)) else { fatalError("the name \(name.debugDescription) alone is refused") }
            guard accepted(Data("{\(escaped):0}".utf8)) else { fatalError("the name \(name.debugDescription), escaped, is refused") }
            if accepted(Data("{".utf8) + plain + Data(":0,\(escaped):1}".utf8)) {
                fatalError("the name \(name.debugDescription) twice (once escaped) is accepted")
            }
        }
    }
}

/// Nesting depth as StrictJSON counts it: a scalar 0, an empty or flat container 1.
private func depth(of value: Any) -> Int {
    if let object = value as? [String: Any] { return 1 + (object.values.map(depth(of:)).max() ?? 0) }
    if let array = value as? [Any] { return 1 + (array.map(depth(of:)).max() ?? 0) }
    return 0
}

private let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

private func checkBase64URL(_ data: Data) {
    let encoded = Base64URL.encode(data)
    guard encoded.utf8.allSatisfy(alphabet.contains) else { fatalError("encode wrote a byte outside the alphabet: \(encoded)") }
    guard encoded.utf8.count == (data.count * 4 + 2) / 3 else { fatalError("encode of \(data.count) bytes is \(encoded.utf8.count) long") }
    guard Base64URL.decode(encoded) == data else { fatalError("decode(encode(bytes)) is not the bytes") }

    guard let text = String(validating: data, as: UTF8.self) else { return }
    guard let decoded = Base64URL.decode(text) else { return }
    guard text.utf8.allSatisfy(alphabet.contains), text.utf8.count % 4 != 1 else { fatalError("decode accepted \(text.debugDescription)") }
    guard decoded.count == text.utf8.count * 3 / 4 else { fatalError("decode of \(text.utf8.count) characters gave \(decoded.count) bytes") }
    guard Base64URL.encode(decoded) == text else {
        fatalError("decode accepted a non-canonical spelling \(text.debugDescription) of bytes whose encoding is \(Base64URL.encode(decoded))")
    }
}
