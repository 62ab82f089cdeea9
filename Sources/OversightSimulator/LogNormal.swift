//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Log-normal durations: replies, handling, pending periods.
//
//===----------------------------------------------------------------------===//

import Foundation

/// A log-normal distribution of durations in seconds: `ln X ~ Normal(mu, sigma²)`.
///
/// Contact-centre times (first reply, handle, resolution) are right-skewed: most are near the median, a long
/// tail is much slower. The median is `exp(mu)`; the mean is `exp(mu + sigma²/2)`.
package struct LogNormal: Sendable, Hashable {
    /// Mean of the logarithm.
    package var mu: Double
    /// Standard deviation of the logarithm (the shape: 0.5 is tight, 1.0 has a long tail).
    package var sigma: Double

    /// Creates a distribution from the parameters of its logarithm.
    /// - Parameters:
    ///   - mu: mean of `ln X`.
    ///   - sigma: standard deviation of `ln X`.
    package init(mu: Double, sigma: Double) {
        self.mu = mu
        self.sigma = sigma
    }

    /// Creates a distribution from its median in seconds and its shape.
    /// - Parameters:
    ///   - median: the median duration in seconds.
    ///   - sigma: standard deviation of `ln X`.
    package init(median: Double, sigma: Double) {
        self.init(mu: Foundation.log(median), sigma: sigma)
    }

    /// The median in seconds.
    package var median: Double { Foundation.exp(self.mu) }
    /// The mean in seconds.
    package var mean: Double { Foundation.exp(self.mu + self.sigma * self.sigma / 2) }

    /// The same shape with every duration multiplied by `factor`.
    package func scaled(by factor: Double) -> LogNormal {
        LogNormal(mu: self.mu + Foundation.log(factor), sigma: self.sigma)
    }

    /// A draw, in seconds.
    package func sample(_ random: inout SimulationRandom) -> Double {
        Foundation.exp(self.mu + self.sigma * random.standardNormal())
    }
}
