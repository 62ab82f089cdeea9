//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The interval metric fields a provider's columns can be mapped to.
//
//===----------------------------------------------------------------------===//

/// A field of an interval record, named as in the `mapping.fields` section of an `intervals` source.
package enum IntervalField: String, Sendable, CaseIterable, Hashable {
    case start
    case minutes
    case queue
    case channel
    case thresholdSeconds = "threshold_seconds"
    case offered
    case answered
    case answeredWithinThreshold = "answered_within_threshold"
    case abandoned
    case shortAbandons = "short_abandons"
    case shortAbandonSeconds = "short_abandon_seconds"
    case totalAnswerDelaySeconds = "total_answer_delay_seconds"
    case handled
    case totalHandleSeconds = "total_handle_seconds"
    case csatResponses = "csat_responses"
    case csatSatisfied = "csat_satisfied"
    case csatScoreSum = "csat_score_sum"
    case fcrResponses = "fcr_responses"
    case fcrYes = "fcr_yes"
    case agentsStaffed = "agents_staffed"
    case updatedAt = "updated_at"

    /// Fields every mapping must name (`minutes` and `threshold_seconds` too, unless `mapping.defaults` gives them).
    package static let required: [IntervalField] = [.start, .queue, .offered, .answered, .answeredWithinThreshold, .abandoned]

    /// The columns of the reference export (the simulator's telephony interval CSV, `IntervalReport.csvHeader`):
    /// the mapping used when a source gives no `mapping.fields`.
    package static let referenceColumns: [IntervalField: String] = [
        .start: "interval_start", .minutes: "interval_minutes", .queue: "queue", .offered: "offered", .answered: "answered",
        .answeredWithinThreshold: "answered_within_threshold", .thresholdSeconds: "threshold_seconds", .abandoned: "abandoned",
        .shortAbandons: "short_abandons", .totalAnswerDelaySeconds: "total_answer_delay_seconds", .totalHandleSeconds: "total_handle_seconds",
        .agentsStaffed: "agents_staffed",
    ]
}
