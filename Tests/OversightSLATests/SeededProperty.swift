//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Deterministic property checks: PropertyBased generators driven by a fixed seed.
//
//===----------------------------------------------------------------------===//

import PropertyBased
import Testing

/// Runs `body` on `count` inputs drawn from `generator` with a fixed seed, so every run checks the
/// same cases (PropertyBased's `propertyCheck` draws a new seed per run). `body` returns `nil` when the property holds, or what went
/// wrong. Stops at the first failing input and records it with its index, so it can be replayed.
func seededPropertyCheck<Value>(
    seed: UInt64, count: Int, input generator: Generator<Value, some SendableSequenceType>,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: (Value) throws -> String?
) rethrows {
    var rng = Xoshiro(seed: (seed, seed ^ 0x9E37_79B9_7F4A_7C15, seed &* 0xBF58_476D_1CE4_E5B9, 0x94D0_49BB_1331_11EB))
    for index in 0..<count {
        let value = generator.run(using: &rng)
        if let failure = try body(value) {
            Issue.record("property failed for case \(index) of seed \(seed): \(failure)\n\(value)", sourceLocation: sourceLocation)
            return
        }
    }
}
