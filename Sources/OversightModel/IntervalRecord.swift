//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One interval of a queue as counts and sums, as the agent normalised it from a provider's report.
//
//===----------------------------------------------------------------------===//

import Foundation

/// One interval report of a queue (usually 15 or 30 minutes): counts and sums, never percentages
/// (PRODUCT.md §4.2), so head office sums intervals and computes service level, ASA, abandonment, AHT, CSAT and FCR
/// from the sums.
///
/// Intervals are upserted at the coordinator by `(provider, site, queue, start)` and ordered by ``updatedAt``, like
/// tickets: a re-sent report whose `updatedAt` is not newer than the stored one changes nothing.
public struct IntervalRecord: Sendable, Hashable {
    /// Provider that owns the queue (the agent's provider; the coordinator rejects any other).
    public var provider: String
    /// Site within the provider that reported the interval.
    public var site: String
    /// The queue (skill, split, hunt group) as the provider names it.
    public var queue: String
    /// Contact channel of the queue; phone unless the report says otherwise.
    public var channel: ContactChannel
    /// Start of the interval.
    public var start: Date
    /// Length of the interval in minutes, 1…1440.
    public var minutes: Int
    /// The threshold, in seconds, that ``answeredWithinThreshold`` was counted against.
    public var thresholdSeconds: Int
    /// Contacts offered to the queue.
    public var offered: Int
    /// Contacts answered.
    public var answered: Int
    /// Contacts answered within ``thresholdSeconds``.
    public var answeredWithinThreshold: Int
    /// Contacts that ended before an answer.
    public var abandoned: Int
    /// Of ``abandoned``, those that ended within the short-abandon limit.
    public var shortAbandons: Int
    /// The short-abandon limit in seconds, if the report says.
    public var shortAbandonSeconds: Int?
    /// Sum of the answered contacts' waits, seconds.
    public var totalAnswerDelaySeconds: Double
    /// Contacts handled (the divisor of AHT); the answered count unless the report says otherwise.
    public var handled: Int
    /// Sum of the handled contacts' handle times (talk + hold + after-contact work), seconds.
    public var totalHandleTimeSeconds: Double
    /// CSAT survey responses.
    public var csatResponses: Int
    /// CSAT responses that were satisfied (top-2 box: 4–5 of 5).
    public var csatSatisfied: Int
    /// Sum of the CSAT scores (1–5 each), for the mean-score variant, if the report has it.
    public var csatScoreSum: Int?
    /// FCR survey responses.
    public var fcrResponses: Int
    /// FCR survey responses that said the contact was resolved at first contact.
    public var fcrYes: Int
    /// Agents staffed on the queue in the interval, if the report says.
    public var agentsStaffed: Int?
    /// When the provider's system produced this version of the report; orders re-sent corrections.
    public var updatedAt: Date

    /// Creates an interval record.
    public init(
        provider: String, site: String, queue: String, channel: ContactChannel = .phone, start: Date, minutes: Int,
        thresholdSeconds: Int, offered: Int, answered: Int, answeredWithinThreshold: Int, abandoned: Int, shortAbandons: Int = 0,
        shortAbandonSeconds: Int? = nil, totalAnswerDelaySeconds: Double = 0, handled: Int? = nil, totalHandleTimeSeconds: Double = 0,
        csatResponses: Int = 0, csatSatisfied: Int = 0, csatScoreSum: Int? = nil, fcrResponses: Int = 0, fcrYes: Int = 0,
        agentsStaffed: Int? = nil, updatedAt: Date
    ) {
        self.provider = provider
        self.site = site
        self.queue = queue
        self.channel = channel
        self.start = start
        self.minutes = minutes
        self.thresholdSeconds = thresholdSeconds
        self.offered = offered
        self.answered = answered
        self.answeredWithinThreshold = answeredWithinThreshold
        self.abandoned = abandoned
        self.shortAbandons = shortAbandons
        self.shortAbandonSeconds = shortAbandonSeconds
        self.totalAnswerDelaySeconds = totalAnswerDelaySeconds
        self.handled = handled ?? answered
        self.totalHandleTimeSeconds = totalHandleTimeSeconds
        self.csatResponses = csatResponses
        self.csatSatisfied = csatSatisfied
        self.csatScoreSum = csatScoreSum
        self.fcrResponses = fcrResponses
        self.fcrYes = fcrYes
        self.agentsStaffed = agentsStaffed
        self.updatedAt = updatedAt
    }

    /// The key unique per provider and site: `queue|start` with the start in the wire form.
    public var key: String { self.queue + "|" + WireJSON.format(self.start) }

    /// End of the interval.
    public var end: Date { self.start.addingTimeInterval(Double(self.minutes) * 60) }
}

extension IntervalRecord: Codable {
    private enum CodingKeys: String, CodingKey {
        case provider, site, queue, channel, start, minutes, thresholdSeconds, offered, answered, answeredWithinThreshold, abandoned
        case shortAbandons, shortAbandonSeconds, totalAnswerDelaySeconds, handled, totalHandleTimeSeconds, csatResponses, csatSatisfied
        case csatScoreSum, fcrResponses, fcrYes, agentsStaffed, updatedAt
    }

    /// Decodes an interval; `channel` defaults to phone and `handled` to `answered` when absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let answered = try container.decode(Int.self, forKey: .answered)
        self.init(
            provider: try container.decode(String.self, forKey: .provider),
            site: try container.decode(String.self, forKey: .site),
            queue: try container.decode(String.self, forKey: .queue),
            channel: try container.decodeIfPresent(ContactChannel.self, forKey: .channel) ?? .phone,
            start: try container.decode(Date.self, forKey: .start),
            minutes: try container.decode(Int.self, forKey: .minutes),
            thresholdSeconds: try container.decode(Int.self, forKey: .thresholdSeconds),
            offered: try container.decode(Int.self, forKey: .offered),
            answered: answered,
            answeredWithinThreshold: try container.decode(Int.self, forKey: .answeredWithinThreshold),
            abandoned: try container.decode(Int.self, forKey: .abandoned),
            shortAbandons: try container.decode(Int.self, forKey: .shortAbandons),
            shortAbandonSeconds: try container.decodeIfPresent(Int.self, forKey: .shortAbandonSeconds),
            totalAnswerDelaySeconds: try container.decode(Double.self, forKey: .totalAnswerDelaySeconds),
            handled: try container.decodeIfPresent(Int.self, forKey: .handled) ?? answered,
            totalHandleTimeSeconds: try container.decode(Double.self, forKey: .totalHandleTimeSeconds),
            csatResponses: try container.decode(Int.self, forKey: .csatResponses),
            csatSatisfied: try container.decode(Int.self, forKey: .csatSatisfied),
            csatScoreSum: try container.decodeIfPresent(Int.self, forKey: .csatScoreSum),
            fcrResponses: try container.decode(Int.self, forKey: .fcrResponses),
            fcrYes: try container.decode(Int.self, forKey: .fcrYes),
            agentsStaffed: try container.decodeIfPresent(Int.self, forKey: .agentsStaffed),
            updatedAt: try container.decode(Date.self, forKey: .updatedAt)
        )
    }
}

extension IntervalRecord {
    /// Limits on a record that comes from outside.
    public enum Limits {
        /// Longest queue, provider and site, in UTF-8 bytes (as a ticket's strings).
        public static let maxStringLength = TicketRecord.Limits.maxStringLength
        /// Largest count of one interval.
        public static let maxCount = 10_000_000
        /// Largest sum of seconds of one interval (a 24-hour interval of `maxCount` contacts of an hour each is far below).
        public static let maxSeconds: Double = 1e12
        /// Largest threshold and short-abandon limit, seconds (one day).
        public static let maxThresholdSeconds = 86_400
        /// Longest interval, minutes (one day).
        public static let maxMinutes = 1_440
    }

    /// Checks the record's own consistency; returns the first problem found, naming the field.
    public func validationProblem() -> String? {
        if self.provider.isEmpty { return "provider is empty" }
        if self.site.isEmpty { return "site is empty" }
        if self.queue.isEmpty { return "queue is empty" }
        for (name, value) in [("provider", self.provider), ("site", self.site), ("queue", self.queue)]
        where value.utf8.count > Limits.maxStringLength {
            return "\(name) is longer than \(Limits.maxStringLength) bytes"
        }
        if !(1...Limits.maxMinutes).contains(self.minutes) { return "minutes must be 1–\(Limits.maxMinutes), got \(self.minutes)" }
        if !(0...Limits.maxThresholdSeconds).contains(self.thresholdSeconds) {
            return "thresholdSeconds must be 0–\(Limits.maxThresholdSeconds), got \(self.thresholdSeconds)"
        }
        if let seconds = self.shortAbandonSeconds, !(0...Limits.maxThresholdSeconds).contains(seconds) {
            return "shortAbandonSeconds must be 0–\(Limits.maxThresholdSeconds), got \(seconds)"
        }
        let counts: [(String, Int?)] = [
            ("offered", self.offered), ("answered", self.answered), ("answeredWithinThreshold", self.answeredWithinThreshold),
            ("abandoned", self.abandoned), ("shortAbandons", self.shortAbandons), ("handled", self.handled),
            ("csatResponses", self.csatResponses), ("csatSatisfied", self.csatSatisfied), ("csatScoreSum", self.csatScoreSum),
            ("fcrResponses", self.fcrResponses), ("fcrYes", self.fcrYes), ("agentsStaffed", self.agentsStaffed),
        ]
        for case (let name, let value?) in counts {
            if value < 0 { return "\(name) is negative (\(value))" }
            let limit = name == "csatScoreSum" ? Limits.maxCount * 5 : Limits.maxCount
            if value > limit { return "\(name) is larger than \(limit)" }
        }
        for (name, value) in [("totalAnswerDelaySeconds", self.totalAnswerDelaySeconds), ("totalHandleTimeSeconds", self.totalHandleTimeSeconds)] {
            if !value.isFinite || value < 0 { return "\(name) must be a finite number of seconds ≥ 0, got \(value)" }
            if value > Limits.maxSeconds { return "\(name) is larger than \(Int(Limits.maxSeconds)) seconds" }
        }
        if self.answered > self.offered { return "answered (\(self.answered)) is more than offered (\(self.offered))" }
        if self.answeredWithinThreshold > self.answered {
            return "answeredWithinThreshold (\(self.answeredWithinThreshold)) is more than answered (\(self.answered))"
        }
        if self.abandoned > self.offered { return "abandoned (\(self.abandoned)) is more than offered (\(self.offered))" }
        if self.answered + self.abandoned > self.offered {
            return "answered + abandoned (\(self.answered + self.abandoned)) is more than offered (\(self.offered))"
        }
        if self.shortAbandons > self.abandoned { return "shortAbandons (\(self.shortAbandons)) is more than abandoned (\(self.abandoned))" }
        if self.csatSatisfied > self.csatResponses {
            return "csatSatisfied (\(self.csatSatisfied)) is more than csatResponses (\(self.csatResponses))"
        }
        if let sum = self.csatScoreSum, !(self.csatResponses...(self.csatResponses * 5)).contains(sum) {
            let range = "\(self.csatResponses)–\(self.csatResponses * 5)"
            return "csatScoreSum (\(sum)) is outside \(range), the range of \(self.csatResponses) scores of 1–5"
        }
        if self.fcrYes > self.fcrResponses { return "fcrYes (\(self.fcrYes)) is more than fcrResponses (\(self.fcrResponses))" }
        return nil
    }
}
