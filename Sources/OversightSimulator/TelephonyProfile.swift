//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A site's contact queue (phone or chat): volume, handle time, threshold, staffing target, patience, surveys.
//
//===----------------------------------------------------------------------===//

import Foundation
package import OversightModel

/// A site's contact queue — the phone queue of its telephony system, or the queue of its chat platform — reported as
/// 15-minute intervals of counts and sums.
///
/// Staffing follows the Erlang C requirement for ``targetServiceLevel`` at the forecast volume, multiplied by the
/// profile's ``Staffing`` share. Volumes are per hour of the site's day: intervals are dated on the wall clock, in the
/// periods the coordinator reports, never ahead of it.
package struct TelephonyProfile: Sendable, Hashable {
    /// The queue's name in the interval files.
    package var queue: String = "phone"
    /// The queue's contact channel (written in the files' `channel` column).
    package var channel: ContactChannel = .phone
    /// Contacts offered per hour at the intraday curve's peak.
    package var callsPerHour: Double = 240
    /// Handle time (talk + hold + after-call work) of an answered contact.
    package var handle: LogNormal = LogNormal(median: 240, sigma: 0.45)
    /// Service-level threshold in seconds ("answered within 20 s").
    package var threshold: Double = 20
    /// Service level the workforce planners staff for.
    package var targetServiceLevel: Double = 0.8
    /// Mean caller patience in seconds (exponential): a caller who waits longer hangs up.
    package var patience: Double = 90
    /// Abandons within this many seconds are short abandons (misdials, not the site's fault).
    package var shortAbandon: Double = 5
    /// Interval length in minutes.
    package var intervalMinutes: Int = 15
    /// Share of answered contacts that answer the post-contact survey "was your issue resolved?" (0: no survey).
    package var fcrSurveyShare: Double = 0
    /// Share of survey answers that say yes.
    package var fcrYesShare: Double = 0.8
    /// Relative weights of the 1…5 satisfaction scores surveyed contacts give, if the survey asks for one too (`nil`: no
    /// CSAT question; CSAT then comes from the tickets).
    package var csatScores: [Double]?

    /// Creates a phone queue with the defaults above.
    package init() {}

    /// A chat queue with the defaults above, named `chat`.
    package static var chat: TelephonyProfile {
        var profile = TelephonyProfile()
        profile.queue = "chat"
        profile.channel = .chat
        return profile
    }
}
