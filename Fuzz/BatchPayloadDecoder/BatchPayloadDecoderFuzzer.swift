//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// libFuzzer target (scripts/fuzz): the coordinator's single-pass batch payload decoder, differentially against
// the Codable path (WireJSON's JSONDecoder after StrictJSON). Compiled with Sources/OversightModel by swiftc
// -sanitize=fuzzer,address; docs/reliability.md.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Every input: the fast path must give exactly what the Codable path gives, or give up (nil) — never a different
/// payload, and never accept what the Codable path refuses. `BatchPayloadDecoder.decode` (what the coordinator runs)
/// must agree with the Codable path on acceptance and on the payload. Any disagreement traps (a crash libFuzzer saves).
@_cdecl("LLVMFuzzerTestOneInput")
public func batchPayloadDecoderFuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    let codable = try? WireJSON.decode(BatchPayload.self, from: data)
    if let fast = BatchPayloadDecoder.fastDecode(data) {
        guard let codable else { fatalError("the fast path accepted a payload that the Codable path refuses") }
        guard fast == codable else { fatalError("the fast path and the Codable path decoded different payloads") }
    }
    let decoded = try? BatchPayloadDecoder.decode(data)
    guard decoded == codable else { fatalError("BatchPayloadDecoder.decode and the Codable path disagree") }
    return 0
}
