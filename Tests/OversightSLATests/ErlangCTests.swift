//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSLA
import Testing

/// Erlang C against textbook values and against a second, independent computation: the closed form
/// `C = (A^N/N! · N/(N−A)) / (Σ_{k<N} A^k/k! + A^N/N! · N/(N−A))`, summed in log space.
@Suite struct ErlangCSLATests {
    /// The closed form, evaluated with log-gamma so it works for thousands of agents.
    static func independentC(agents n: Int, traffic a: Double) -> Double {
        let logTerms = (0..<n).map { Double($0) * log(a) - lgamma(Double($0) + 1) }
        let logLast = Double(n) * log(a) - lgamma(Double(n) + 1) + log(Double(n) / (Double(n) - a))
        let top = max(logTerms.max() ?? logLast, logLast)
        let sum = logTerms.reduce(0) { $0 + exp($1 - top) }
        let last = exp(logLast - top)
        return last / (sum + last)
    }

    static func independentSL(agents n: Int, traffic a: Double, threshold: Double, aht: Double) -> Double {
        1 - Self.independentC(agents: n, traffic: a) * exp(-(Double(n) - a) * threshold / aht)
    }

    /// (N, A, AHT s, threshold s, P(wait), SL): computed in Python with the closed form, rounded to 4 decimals.
    static let textbook: [(Int, Double, Double, Double, Double, Double)] = [
        (11, 10, 180, 20, 0.6821, 0.3896),
        (12, 10, 180, 20, 0.4494, 0.6402),
        (14, 10, 180, 20, 0.1741, 0.8884),
        (55, 48, 240, 20, 0.2387, 0.8668),
    ]

    @Test func textbookValues() {
        for (n, a, aht, threshold, wait, sl) in Self.textbook {
            let c = ErlangC.probabilityOfWaiting(agents: n, traffic: a)
            let level = ErlangC.serviceLevel(agents: n, traffic: a, threshold: .seconds(threshold), handleTime: .seconds(aht))
            #expect(abs(c - wait) < 5e-5, "C(\(n), \(a)) = \(c)")
            #expect(abs(level - sl) < 5e-5, "SL(\(n), \(a)) = \(level)")
            #expect(abs(c - Self.independentC(agents: n, traffic: a)) < 1e-12)
            #expect(abs(level - Self.independentSL(agents: n, traffic: a, threshold: threshold, aht: aht)) < 1e-12)
        }
        // A = 10, N = 11, AHT 180 s: ASA = C · AHT / (N − A) = 122.8 s.
        let asa = ErlangC.averageSpeedOfAnswer(agents: 11, traffic: 10, handleTime: .seconds(180))
        #expect(asa.map { abs(Double($0.components.seconds) - 122) <= 1 } == true)
    }

    @Test func agreesWithTheClosedFormOnAGrid() {
        for n in [1, 2, 3, 7, 20, 100, 400] {
            for fraction in [0.1, 0.5, 0.8, 0.95, 0.999] {
                let a = Double(n) * fraction
                let c = ErlangC.probabilityOfWaiting(agents: n, traffic: a)
                #expect(abs(c - Self.independentC(agents: n, traffic: a)) < 1e-9, "N=\(n) A=\(a)")
                #expect(c > 0 && c < 1)
            }
        }
    }

    @Test func stableForThousandsOfAgents() {
        // A^N/N! overflows a Double long before N = 2,000; the recursion never leaves (0, 1].
        let c = ErlangC.probabilityOfWaiting(agents: 2_000, traffic: 1_950)
        #expect(c.isFinite && c > 0 && c < 1)
        #expect(abs(c - Self.independentC(agents: 2_000, traffic: 1_950)) < 1e-9)
        #expect(ErlangC.blocking(agents: 2_000, traffic: 1_950) > 0)
    }

    @Test func noMoreAgentsThanTrafficIsACertainQueue() {
        #expect(ErlangC.probabilityOfWaiting(agents: 10, traffic: 10) == 1)
        #expect(ErlangC.probabilityOfWaiting(agents: 9, traffic: 10) == 1)
        #expect(ErlangC.probabilityOfWaiting(agents: 0, traffic: 0.5) == 1)
        #expect(ErlangC.serviceLevel(agents: 10, traffic: 10, threshold: .seconds(20), handleTime: .seconds(180)) == 0)
        #expect(ErlangC.averageSpeedOfAnswer(agents: 10, traffic: 10, handleTime: .seconds(180)) == nil)
        // No traffic: nobody waits.
        #expect(ErlangC.probabilityOfWaiting(agents: 3, traffic: 0) == 0)
        #expect(ErlangC.serviceLevel(agents: 0, traffic: 0, threshold: .seconds(20), handleTime: .seconds(180)) == 1)
    }

    @Test func trafficAndStaffing() {
        // 200 contacts in an hour at 180 s each: 10 Erlangs.
        #expect(ErlangC.traffic(offered: 200, over: .seconds(3600), handleTime: .seconds(180)) == 10)
        let needed = ErlangC.agentsNeeded(traffic: 10, threshold: .seconds(20), handleTime: .seconds(180), target: 0.8)
        #expect(needed == 14)
        #expect(ErlangC.serviceLevel(agents: 13, traffic: 10, threshold: .seconds(20), handleTime: .seconds(180)) < 0.8)  // 0.7956
        #expect(ErlangC.serviceLevel(agents: 14, traffic: 10, threshold: .seconds(20), handleTime: .seconds(180)) >= 0.8)  // 0.8884
    }
}
