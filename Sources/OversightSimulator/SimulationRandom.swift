//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The simulator's seeded random source and the distributions it draws from.
//
//===----------------------------------------------------------------------===//

import Foundation

/// A seeded, reproducible random source (xoshiro256**, seeded through SplitMix64).
///
/// The same seed gives the same sequence on every platform, so a simulation run is reproducible;
/// `Swift`'s `SystemRandomNumberGenerator` is never used by the simulator.
package struct SimulationRandom: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator.
    /// - Parameters:
    ///   - seed: the run's seed.
    ///   - stream: a name that separates independent streams drawn from one seed (arrivals, lifecycles, telephony…).
    package init(seed: UInt64, stream: String = "") {
        var mix = seed ^ Self.fnv1a(stream)
        func next() -> UInt64 {
            mix &+= 0x9E37_79B9_7F4A_7C15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        self.state = (next(), next(), next(), next())
    }

    /// A stable 64-bit hash of a name (FNV-1a), unlike `hashValue`, the same in every process.
    package static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    package mutating func next() -> UInt64 {
        let result = Self.rotate(self.state.1 &* 5, 7) &* 9
        let t = self.state.1 << 17
        self.state.2 ^= self.state.0
        self.state.3 ^= self.state.1
        self.state.1 ^= self.state.2
        self.state.0 ^= self.state.3
        self.state.2 ^= t
        self.state.3 = Self.rotate(self.state.3, 45)
        return result
    }

    private static func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform draw in `[0, 1)` with 53 random bits.
    package mutating func uniform() -> Double {
        Double(self.next() >> 11) * 0x1.0p-53
    }

    /// A uniform draw in `(0, 1]`, safe to take the logarithm of.
    package mutating func uniformPositive() -> Double { 1 - self.uniform() }

    /// True with probability `p`.
    package mutating func bernoulli(_ p: Double) -> Bool { self.uniform() < p }

    /// An exponential draw with the given mean.
    package mutating func exponential(mean: Double) -> Double { -mean * Foundation.log(self.uniformPositive()) }

    /// A standard normal draw (Box–Muller; one of the pair is used, so the stream stays simple to reason about).
    package mutating func standardNormal() -> Double {
        let u1 = self.uniformPositive()
        let u2 = self.uniform()
        return (-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A Poisson draw with the given mean: Knuth's product method for small means, a rounded normal above 60.
    package mutating func poisson(mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean > 60 {
            return max(0, Int((mean + mean.squareRoot() * self.standardNormal()).rounded()))
        }
        let limit = Foundation.exp(-mean)
        var count = 0
        var product = self.uniform()
        while product > limit {
            count += 1
            product *= self.uniform()
        }
        return count
    }

    /// An index drawn with probability proportional to `weights` (which need not sum to 1).
    package mutating func pick(weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        guard total > 0 else { return 0 }
        var target = self.uniform() * total
        for (index, weight) in weights.enumerated() {
            if target < weight { return index }
            target -= weight
        }
        return weights.count - 1
    }

    /// An element drawn uniformly.
    package mutating func element<T>(of items: [T]) -> T {
        items[Int(self.uniform() * Double(items.count)) % items.count]
    }
}
