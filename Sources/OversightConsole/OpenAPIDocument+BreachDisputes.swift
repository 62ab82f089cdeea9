//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The OpenAPI description of the breach-dispute routes of a ticket.
//
//===----------------------------------------------------------------------===//

import Foundation

extension OpenAPIDocument {
    /// Every path of the breach-dispute routes.
    static var breachDisputePaths: [String] { self.breachDisputePathItems(reasons: []).keys.sorted() }

    /// The breach-dispute routes as OpenAPI path items, by path; `reasons` are the configured contracts' dispute reasons
    /// (the `reason` property's enum; any string when there are none).
    static func breachDisputePathItems(reasons: [String]) -> [String: Any] {
        let reason: [String: Any] = reasons.isEmpty ? string : ["type": "string", "enum": Array(Set(reasons)).sorted()]
        let pair = [pathParameter("provider"), pathParameter("id")]
        var decide = auditPost(
            "decideBreachDispute",
            "Accept or reject an open breach dispute with a note (supervisor, admin), before the contract's deadline",
            body: object(["decision": ["type": "string", "enum": ["accepted", "rejected"]], "note": annotationText]), status: "200",
            schema: ref("BreachDispute"), conflict: "Already decided, or the decision time has passed (the contract's default stands)"
        )
        decide["parameters"] = pair + [pathParameter("dispute")]
        return [
            "/api/v1/tickets/{provider}/{id}/breach-disputes": [
                "get": auditGet(
                    "listBreachDisputes", "A ticket's breach disputes, oldest first, with their state now", parameters: pair,
                    schema: ["type": "array", "items": ref("BreachDispute")]
                ),
                "post": auditPost(
                    "openBreachDispute", "Dispute a ticket's breach with a reason from the contract and a note (provider staff, own provider only)",
                    body: object(["clock": ["type": "string", "pattern": "^[a-z_]{1,64}$"], "reason": reason, "note": annotationText]),
                    status: "201", schema: ref("BreachDispute"),
                    conflict: "The ticket has no breach of that clock, the breach has an open or accepted dispute, or the provider's contract has no disputes: section"
                ),
            ],
            "/api/v1/tickets/{provider}/{id}/breach-disputes/{dispute}/decision": ["post": decide],
        ]
    }

    /// Schemas of the breach-dispute routes.
    static var breachDisputeSchemas: [String: Any] {
        let state: [String: Any] = ["type": "string", "enum": ["open", "accepted", "rejected"]]
        return [
            "BreachDispute": object(
                [
                    "id": integer, "provider": string, "ticketId": string, "clock": string, "breachAt": time, "openedBy": string, "openedAt": time,
                    "reason": string, "note": string, "state": state, "decidedBy": string, "decidedAt": time, "decisionNote": string,
                    "effectiveState": state, "decideBy": time, "kind": ["type": "string", "enum": ["ticket", "period"]], "target": string,
                    "period": string, "excludedFrom": time, "excludedTo": time,
                ],
                required: ["id", "provider", "ticketId", "clock", "breachAt", "openedBy", "openedAt", "reason", "note", "state", "effectiveState", "kind"]
            )
        ]
    }
}
