//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The QA evaluation fields a QA tool's columns can be mapped to.
//
//===----------------------------------------------------------------------===//

/// A field of a QA evaluation record, named as in the `mapping.fields` section of an `evaluations` source.
package enum EvaluationField: String, Sendable, CaseIterable, Hashable {
    /// The QA tool's evaluation id; when unmapped or empty the agent derives a stable one.
    case id
    case interactionRef = "interaction_ref"
    case channel
    case queue
    /// The evaluated agent (pseudonymised before it leaves the agent).
    case agent
    /// The evaluator (pseudonymised before it leaves the agent).
    case evaluator
    case scorecard
    case scorecardVersion = "scorecard_version"
    case evaluatedAt = "evaluated_at"
    /// The item results: a JSON array of `{item, passed, impact, weight}` objects (in CSV, that JSON as the cell's text).
    case items
    case highImpactErrors = "high_impact_errors"
    case lowImpactErrors = "low_impact_errors"
    case score
    case comments
    case updatedAt = "updated_at"

    /// Fields every mapping must name (`scorecard_version` too, unless `mapping.defaults` gives it).
    package static let required: [EvaluationField] = [.interactionRef, .evaluator, .scorecard, .evaluatedAt, .score]

    /// The keys of the reference export (the simulator's QA JSON Lines, `QAEvaluation.jsonLine()`): the mapping used
    /// when a source gives no `mapping.fields`.
    package static let referenceColumns: [EvaluationField: String] = [
        .interactionRef: "interaction_ref", .evaluator: "evaluator", .scorecard: "scorecard_id", .scorecardVersion: "scorecard_version",
        .evaluatedAt: "evaluated_at", .items: "items", .highImpactErrors: "high_impact_errors", .lowImpactErrors: "low_impact_errors",
        .score: "score", .comments: "comments",
    ]
}
