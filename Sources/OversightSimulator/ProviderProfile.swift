//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// How one simulated provider site behaves: traffic, channels, times, staffing, silences, telephony and QA.
//
//===----------------------------------------------------------------------===//

import Foundation
package import OversightModel

/// Everything that makes one simulated provider site behave the way it does.
///
/// Durations of tickets (first reply, handle, pending, close) are wall-clock seconds: the SLA engine measures the
/// exported ticket timestamps against wall time, so these are never accelerated. The bundled profiles
/// (``acmeSupport``, ``globexCare``, ``initechHelp``) are sized for a demo that lasts minutes: a first reply in
/// seconds to minutes rather than hours.
package struct ProviderProfile: Sendable {
    /// The provider, as in its contract and the agent's enrolment.
    package var provider: String
    /// The site within the provider.
    package var site: String
    /// The site's time zone: the intraday curve is read on its wall clock.
    package var timeZone: TimeZone
    /// One-line description of how this site behaves (healthy, drifting, goes silent).
    package var behaviour: String
    /// New tickets per wall-clock hour at the intraday curve's peak.
    package var ticketsPerHour: Double
    /// The shape of the site's day and week.
    package var curve: IntradayCurve
    /// Channels with their share of new tickets and their times.
    package var channels: [ChannelProfile]
    /// Share of new tickets by priority.
    package var priorities: [Priority: Double]
    /// Queues (groups) tickets are routed to, drawn uniformly.
    package var queues: [String]
    /// Tags; each ticket gets zero to two.
    package var tags: [String]
    /// Agents' names as the provider's system exports them (the Oversight agent pseudonymises them).
    package var assignees: [String]
    /// Prefix and first number of ticket ids.
    package var idPrefix: String
    /// Number of the first ticket; ids count up from it.
    package var firstNumber: Int
    /// Digits of the id's number (zero-padded).
    package var idDigits: Int
    /// Share of tickets that wait on the customer once (status pending) before they are solved.
    package var pendingShare: Double
    /// How long a pending (customer-held) period lasts.
    package var pending: LogNormal
    /// Share of solved tickets the customer reopens.
    package var reopenShare: Double
    /// Time from solve to reopen.
    package var reopenAfter: LogNormal
    /// Time from the last solve to closed.
    package var closeAfter: LogNormal
    /// Share of solved tickets whose customer answers the CSAT survey.
    package var csatShare: Double
    /// Relative weights of CSAT answers 1…5 when the first reply came in time.
    package var csatScores: [Double]
    /// Relative weights of CSAT answers 1…5 when the first reply took more than twice the channel's median.
    package var csatScoresWhenSlow: [Double]
    /// Time from the solve to the CSAT answer.
    package var csatAfter: LogNormal
    /// How well the site is staffed over the run; first replies slow down as staffing falls short.
    package var staffing: Staffing
    /// When the site's export job stops writing, if ever.
    package var silence: SilenceSchedule?
    /// The site's phone queue, reported as 15-minute intervals.
    package var telephony: TelephonyProfile
    /// The site's chat queue on its chat platform, reported as 15-minute intervals like the phone queue; `nil` for none.
    package var chat: TelephonyProfile?
    /// QA evaluations of solved tickets.
    package var quality: QAErrorProfile
    /// The export file format the site's system writes.
    package var format: ExportFormat
    /// Simulated history before the run starts: the first export carries the tickets of this backlog.
    package var warmUp: Duration

    /// Creates a profile; the bundled ones are ``acmeSupport``, ``globexCare`` and ``initechHelp``.
    /// - Parameters:
    ///   - provider: provider name.
    ///   - site: site name.
    ///   - timeZone: the site's zone.
    ///   - behaviour: a description.
    ///   - ticketsPerHour: peak arrivals per wall hour.
    ///   - curve: intraday and weekday shape.
    ///   - channels: channel mix and times.
    ///   - format: export format.
    package init(
        provider: String, site: String, timeZone: TimeZone, behaviour: String, ticketsPerHour: Double, curve: IntradayCurve,
        channels: [ChannelProfile], format: ExportFormat
    ) {
        self.provider = provider
        self.site = site
        self.timeZone = timeZone
        self.behaviour = behaviour
        self.ticketsPerHour = ticketsPerHour
        self.curve = curve
        self.channels = channels
        self.priorities = [.low: 0.2, .normal: 0.6, .high: 0.15, .urgent: 0.05]
        self.queues = ["general"]
        self.tags = []
        self.assignees = ["Agent One", "Agent Two"]
        self.idPrefix = provider.uppercased() + "-"
        self.firstNumber = 1
        self.idDigits = 5
        self.pendingShare = 0.2
        self.pending = LogNormal(median: 60, sigma: 0.6)
        self.reopenShare = 0.05
        self.reopenAfter = LogNormal(median: 90, sigma: 0.5)
        self.closeAfter = LogNormal(median: 240, sigma: 0.4)
        self.csatShare = 0.3
        self.csatScores = [0.02, 0.03, 0.08, 0.27, 0.60]
        self.csatScoresWhenSlow = [0.15, 0.20, 0.25, 0.25, 0.15]
        self.csatAfter = LogNormal(median: 45, sigma: 0.5)
        self.staffing = .steady
        self.silence = nil
        self.telephony = TelephonyProfile()
        self.chat = nil
        self.quality = QAErrorProfile()
        self.format = format
        self.warmUp = .seconds(300)
    }

    /// The queues whose interval reports the site exports: the phone queue, then the chat queue if any.
    package var contactQueues: [TelephonyProfile] { [self.telephony] + (self.chat.map { [$0] } ?? []) }

    /// One contact channel's share of new tickets and its times.
    package struct ChannelProfile: Sendable {
        /// The channel.
        package var channel: ContactChannel
        /// Relative share of new tickets.
        package var share: Double
        /// Time from creation to the first public reply, at full staffing.
        package var firstReply: LogNormal
        /// Agent working time from the first reply to the solve (pending periods come on top).
        package var handle: LogNormal

        /// Creates a channel profile.
        /// - Parameters:
        ///   - channel: the channel.
        ///   - share: relative share.
        ///   - firstReply: first-reply time at full staffing.
        ///   - handle: working time to solve.
        package init(_ channel: ContactChannel, share: Double, firstReply: LogNormal, handle: LogNormal) {
            self.channel = channel
            self.share = share
            self.firstReply = firstReply
            self.handle = handle
        }
    }
}
