//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The store's own timestamp writer against WireJSON.format.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import Testing

@testable import OversightStore

@Suite struct WireTimestampTests {
    /// Byte for byte what `WireJSON.format` writes, on edge instants and on seeded random ones over the whole range
    /// (including the years before 1583 and after 9999, which go to `WireJSON.format` itself).
    @Test func writesWhatWireJSONFormatWrites() {
        var edges: [Double] = [
            0, -0.0004, 0.0004, 0.0005, -0.0005, 0.9995, 59.9999, 86_399.9996, -1, -86_400, 951_782_400, 951_868_799.999,
            4_107_542_400, 1_772_440_514.25, 1_772_440_514.009, -12_212_553_600, -12_212_553_600.001, -12_219_292_800,
            253_402_300_799.999, 253_402_300_799.9996, 253_402_300_800, -62_135_596_800,
        ]
        var state: UInt64 = 42
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for _ in 0..<20_000 {
            // Whole milliseconds, and arbitrary doubles, from year 1000 to 10500.
            let seconds = Double(Int64(bitPattern: next() % 300_000_000_000) - 30_000_000_000)
            edges.append(next() % 2 == 0 ? seconds + Double(next() % 1000) / 1000 : seconds + Double(next() % 1_000_000) / 1_000_000)
        }
        var mismatches: [String] = []
        for seconds in edges {
            let date = Date(timeIntervalSince1970: seconds)
            let expected = WireJSON.format(date)
            let written = SQLiteStore.wireTimestamp(date)
            if written != expected { mismatches.append("\(seconds): \(written) != \(expected)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ, e.g. \(mismatches.prefix(5))")
    }
}
