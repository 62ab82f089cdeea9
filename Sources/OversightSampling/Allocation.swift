//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Sharing a sample size among strata: proportional or Neyman, rounded so the shares sum exactly to the size.
//
//===----------------------------------------------------------------------===//

import Foundation

/// How a plan shares its sample among the strata.
package enum Allocation: String, Sendable, CaseIterable {
    /// n_h ∝ N_h.
    case proportional
    /// n_h ∝ N_h · S_h with S_h = √(p_h (1 − p_h)), p_h the stratum's expected error rate.
    case neyman

    /// The shares of `total` among strata of `sizes` tickets with `weights` (S_h; ignored when proportional), by the
    /// largest-remainder method: each stratum gets the floor of its exact share, the rest go one each to the largest
    /// remainders (ties: the earlier stratum), no stratum gets more than it holds, and what a full stratum cannot take is
    /// shared again among the others. The result sums to min(total, Σ sizes).
    package static func shares(total: Int, sizes: [Int], weights: [Double]) -> [Int] {
        var result = Array(repeating: 0, count: sizes.count)
        var open = Set(sizes.indices.filter { sizes[$0] > 0 })
        var remaining = min(total, sizes.reduce(0, +))
        while remaining > 0, !open.isEmpty {
            let order = open.sorted()
            let mass = order.reduce(0.0) { $0 + weights[$1] * Double(sizes[$1]) }
            let count = Double(order.reduce(0) { $0 + sizes[$1] })
            // A zero weight everywhere (every expected rate 0 or 1) falls back to proportional.
            let exact = order.map { stratum in
                Double(remaining) * (mass > 0 ? weights[stratum] * Double(sizes[stratum]) / mass : Double(sizes[stratum]) / count)
            }
            // A stratum whose exact share reaches what it has left is filled; the rest is shared again.
            let overflowing = order.indices.filter { exact[$0] >= Double(sizes[order[$0]] - result[order[$0]]) }
            if !overflowing.isEmpty {
                for position in overflowing {
                    let stratum = order[position]
                    remaining -= sizes[stratum] - result[stratum]
                    result[stratum] = sizes[stratum]
                    open.remove(stratum)
                }
                continue
            }
            var floors = exact.map { Int($0.rounded(.down)) }
            var left = remaining - floors.reduce(0, +)
            let byRemainder = order.indices.sorted { (exact[$0] - Double(floors[$0]), -$0) > (exact[$1] - Double(floors[$1]), -$1) }
            for position in byRemainder where left > 0 {
                floors[position] += 1
                left -= 1
            }
            for (position, stratum) in order.enumerated() { result[stratum] += floors[position] }
            remaining = 0
        }
        return result
    }
}
