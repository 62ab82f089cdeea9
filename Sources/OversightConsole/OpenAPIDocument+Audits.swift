//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The OpenAPI description of the audit routes: QA evaluations, disputes of their findings, notes on breaches.
//
//===----------------------------------------------------------------------===//

import Foundation

extension OpenAPIDocument {
    /// A text the console bounds: 1–2000 characters, not only white space.
    static var annotationText: [String: Any] { ["type": "string", "minLength": 1, "maxLength": 2000, "pattern": "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"] }

    static var monthParameter: [String: Any] {
        queryParameter("month", ["type": "string", "pattern": "^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])$"])
    }

    /// Every path of the audit routes.
    static var auditPaths: [String] { self.auditPathItems.keys.sorted() }

    static func jsonResponse(_ description: String, _ schema: [String: Any]) -> [String: Any] {
        ["description": description, "content": ["application/json": ["schema": schema]]]
    }

    static func auditGet(_ id: String, _ summary: String, parameters: [[String: Any]], schema: [String: Any]) -> [String: Any] {
        var responses: [String: Any] = ["200": jsonResponse("OK", schema), "401": errorResponse("Not authenticated")]
        if parameters.contains(where: { $0["in"] as? String == "query" }) { responses["400"] = errorResponse("Bad parameter") }
        if parameters.contains(where: { $0["in"] as? String == "path" }) {
            responses["404"] = errorResponse("Unknown, or outside the caller's scope")
        }
        return ["operationId": id, "summary": summary, "parameters": parameters, "responses": responses]
    }

    static func auditPost(
        _ id: String, _ summary: String, body: [String: Any], status: String, schema: [String: Any], conflict: String
    ) -> [String: Any] {
        [
            "operationId": id, "summary": summary,
            "parameters": [pathParameter("provider"), pathParameter("id")],
            "requestBody": ["required": true, "content": ["application/json": ["schema": body]]],
            "responses": [
                status: jsonResponse("Done", schema),
                "400": errorResponse("Bad request body: a text blank or over 2000 characters"),
                "401": errorResponse("Not authenticated"),
                "403": errorResponse("Not allowed for this role, or a session-cookie request without X-CSRF-Token"),
                "404": errorResponse("Unknown, or outside the caller's scope"),
                "409": errorResponse(conflict),
            ],
        ]
    }

    /// The audit routes as OpenAPI path items, by path.
    static var auditPathItems: [String: Any] {
        let pair = [pathParameter("provider"), pathParameter("id")]
        return [
            "/api/v1/audits": [
                "get": auditGet(
                    "listAudits", "QA evaluations the caller may see, newest first, with the state of their latest dispute",
                    parameters: [
                        queryParameter("provider", ["type": "string"]), queryParameter("site", ["type": "string"]), monthParameter,
                        queryParameter("limit", ["type": "integer", "minimum": 1, "maximum": 500, "default": 50]),
                        queryParameter("offset", ["type": "integer", "minimum": 0, "maximum": 100_000, "default": 0]),
                    ],
                    schema: ref("AuditPage")
                )
            ],
            "/api/v1/audits/{provider}/{id}": [
                "get": auditGet(
                    "getAudit", "One QA evaluation: items, comments, the signed batch it came in and its dispute thread",
                    parameters: pair, schema: ref("AuditDetail")
                )
            ],
            "/api/v1/audits/{provider}/{id}/disputes": [
                "post": auditPost(
                    "openDispute", "Dispute an evaluation's findings with a reason (provider staff, own provider only)",
                    body: object(["reason": annotationText]), status: "201", schema: ref("Dispute"),
                    conflict: "The evaluation already has an open dispute"
                )
            ],
            "/api/v1/audits/{provider}/{id}/disputes/decision": [
                "post": auditPost(
                    "decideDispute", "Uphold or reject the open dispute of an evaluation with a note (auditor, admin)",
                    body: object(["decision": ["type": "string", "enum": ["upheld", "rejected"]], "note": annotationText]), status: "200",
                    schema: ref("Dispute"), conflict: "The evaluation has no open dispute"
                )
            ],
            "/api/v1/tickets/{provider}/{id}/notes": [
                "get": auditGet(
                    "listBreachNotes", "A ticket's breaches and the notes on them, oldest first", parameters: pair, schema: ref("BreachNotes")
                ),
                "post": auditPost(
                    "addBreachNote",
                    "Add a note to a ticket's breach (provider staff for their own provider, supervisor, admin); notes are never edited or deleted",
                    body: object(
                        ["text": annotationText, "clock": ["type": ["string", "null"], "minLength": 1, "maxLength": 64]], required: ["text"]
                    ),
                    status: "201", schema: ref("BreachNote"),
                    conflict: "The ticket has no breach, or none of that clock"
                ),
            ],
        ]
    }

    /// Schemas of the audit routes.
    static var auditSchemas: [String: Any] {
        let disputeState: [String: Any] = ["type": "string", "enum": ["open", "upheld", "rejected"]]
        let recomputationStatus: [String: Any] = [
            "type": "string", "enum": ["recomputed", "unknown_scorecard", "unknown_version", "no_items", "unscorable"],
            "description": "Whether head office recomputed the score from the item results on the scorecard version the evaluation names",
        ]
        let strings: [String: Any] = ["type": "array", "items": string]
        let audit = object(
            [
                "provider": string, "site": string, "id": string, "interactionRef": string, "channel": string, "queue": string, "agent": string,
                "evaluator": string, "scorecard": string, "scorecardVersion": string, "evaluatedAt": time, "updatedAt": time, "score": number,
                "highImpactErrors": integer, "lowImpactErrors": integer, "flagged": boolean,
                "batch": object(["agentId": string, "seq": integer]), "dispute": disputeState,
                "recomputedScore": ["type": "number", "minimum": 0, "maximum": 100, "description": "Head office's score; absent when not recomputed"],
                "scoreDiffers": ["type": "boolean", "description": "recomputedScore is more than 0.01 from the provider's score"],
                "recomputation": recomputationStatus,
            ],
            required: [
                "provider", "site", "id", "interactionRef", "evaluator", "scorecard", "scorecardVersion", "evaluatedAt", "updatedAt", "score",
                "highImpactErrors", "lowImpactErrors", "flagged", "batch", "scoreDiffers", "recomputation",
            ]
        )
        let dispute = object(
            [
                "id": integer, "provider": string, "evaluationId": string, "openedBy": string, "openedAt": time, "reason": string,
                "state": disputeState, "decidedBy": string, "decidedAt": time, "decisionNote": string,
                "subject": [
                    "type": "string", "enum": ["evaluation", "head_office_evaluation"],
                    "description": "What is disputed: a provider's QA evaluation or a head-office evaluation",
                ],
            ],
            required: ["id", "provider", "evaluationId", "openedBy", "openedAt", "reason", "state", "subject"]
        )
        let item = object(
            ["item": string, "passed": boolean, "impact": ["type": "string", "enum": ["high", "low", "none"]], "weight": number],
            required: ["item", "passed", "impact"]
        )
        let detail = object(
            [
                "audit": ref("Audit"), "items": ["type": "array", "items": ref("EvaluationItem")], "comments": string,
                "recomputation": ref("Recomputation"),
                "batch": object(
                    ["agentId": string, "seq": integer, "hash": string, "receivedAt": time, "recordCount": integer], required: ["agentId", "seq"]
                ),
                "signature": ref("SignatureCheck"),
                "disputes": ["type": "array", "items": ref("Dispute")],
            ],
            required: ["audit", "items", "recomputation", "batch", "signature", "disputes"]
        )
        let note = object([
            "id": integer, "provider": string, "ticketId": string, "clock": string, "author": string, "role": string, "at": time, "text": string,
        ])
        let notes = object([
            "provider": string, "ticketId": string,
            "breaches": ["type": "array", "items": object(["clock": string, "at": time, "detectedAt": time, "lateData": boolean])],
            "notes": ["type": "array", "items": ref("BreachNote")],
        ])
        let recomputation = object(
            [
                "status": recomputationStatus, "reason": string, "score": number, "differs": boolean, "earned": number, "possible": number,
                "zeroed": boolean, "notApplicable": strings, "failedHighImpact": strings, "impactMismatches": strings,
                "communicationStyleScore": number,
                "versionInForce": ["type": "boolean", "description": "The named version was in force when the evaluation was completed"],
            ],
            required: ["status", "differs"]
        )
        let providerCount = object(["provider": string, "evaluations": integer, "recomputed": integer, "differs": integer])
        return [
            "Audit": audit,
            "AuditPage": object(
                [
                    "audits": ["type": "array", "items": ref("Audit")], "nextOffset": integer,
                    "providers": ["type": "array", "items": ref("AuditProviderCount")],
                ],
                required: ["audits", "providers"]
            ),
            "Recomputation": recomputation, "AuditProviderCount": providerCount,
            "AuditDetail": detail, "EvaluationItem": item, "Dispute": dispute, "BreachNote": note, "BreachNotes": notes,
        ]
    }
}
