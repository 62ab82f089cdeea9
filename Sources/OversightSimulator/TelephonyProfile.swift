//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A site's phone queue: volume, handle time, threshold, staffing target, caller patience.
//
//===----------------------------------------------------------------------===//

import Foundation

/// A site's phone queue, reported by the site's telephony system as 15-minute intervals.
///
/// Staffing follows the Erlang C requirement for ``targetServiceLevel`` at the forecast volume, multiplied by the
/// profile's ``Staffing`` share. Volumes are per *simulated* hour: intervals describe the simulated working day.
package struct TelephonyProfile: Sendable, Hashable {
    /// The queue's name in the interval files.
    package var queue: String = "phone"
    /// Calls offered per simulated hour at the intraday curve's peak.
    package var callsPerHour: Double = 240
    /// Handle time (talk + hold + after-call work) of an answered call.
    package var handle: LogNormal = LogNormal(median: 240, sigma: 0.45)
    /// Service-level threshold in seconds ("answered within 20 s").
    package var threshold: Double = 20
    /// Service level the workforce planners staff for.
    package var targetServiceLevel: Double = 0.8
    /// Mean caller patience in seconds (exponential): a caller who waits longer hangs up.
    package var patience: Double = 90
    /// Abandons within this many seconds are short abandons (misdials, not the site's fault).
    package var shortAbandon: Double = 5
    /// Interval length in simulated minutes.
    package var intervalMinutes: Int = 15

    /// Creates a phone queue with the defaults above.
    package init() {}
}
