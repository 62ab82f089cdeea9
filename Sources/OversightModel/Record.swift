//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The unit the agent syncs: one record of a kind.
//
//===----------------------------------------------------------------------===//

import Foundation

/// One synced record. On the wire it is a JSON object with a `kind` and the kind's fields.
///
/// Kinds: `ticket`, `interval` (interval metrics) and `evaluation` (QA evaluations, the audit samples).
public enum Record: Sendable, Hashable {
    case ticket(TicketRecord)
    case interval(IntervalRecord)
    case evaluation(EvaluationRecord)
    /// An interaction returned for a sample request (or reported missing).
    case interaction(InteractionRecord)

    /// The record's kind as written on the wire.
    public var kind: String {
        switch self {
        case .ticket: "ticket"
        case .interval: "interval"
        case .evaluation: "evaluation"
        case .interaction: "interaction"
        }
    }

    /// The provider the record claims to belong to.
    public var provider: String {
        switch self {
        case .ticket(let ticket): ticket.provider
        case .interval(let interval): interval.provider
        case .evaluation(let evaluation): evaluation.provider
        case .interaction(let interaction): interaction.provider
        }
    }

    /// A key unique per provider and kind: the ticket id for tickets; `queue|start` for intervals (unique per provider
    /// and site); the evaluation id for evaluations.
    public var key: String {
        switch self {
        case .ticket(let ticket): ticket.id
        case .interval(let interval): interval.key
        case .evaluation(let evaluation): evaluation.id
        case .interaction(let interaction): interaction.key
        }
    }
}

extension Record: Codable {
    private enum CodingKeys: String, CodingKey { case kind }

    /// Decodes a record from its `kind` and fields.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case "ticket":
            self = .ticket(try TicketRecord(from: decoder))
        case "interval":
            self = .interval(try IntervalRecord(from: decoder))
        case "evaluation":
            self = .evaluation(try EvaluationRecord(from: decoder))
        case "interaction":
            self = .interaction(try InteractionRecord(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "unknown record kind '\(kind.prefix(40))'"
            )
        }
    }

    /// Encodes the record with its `kind`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.kind, forKey: .kind)
        switch self {
        case .ticket(let ticket): try ticket.encode(to: encoder)
        case .interval(let interval): try interval.encode(to: encoder)
        case .evaluation(let evaluation): try evaluation.encode(to: encoder)
        case .interaction(let interaction): try interaction.encode(to: encoder)
        }
    }
}
