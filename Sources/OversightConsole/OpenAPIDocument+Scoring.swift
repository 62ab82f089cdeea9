//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The OpenAPI description of head-office scoring: sample requests and interactions, head-office evaluations and their
// disputes, and calibration (ConsoleHandlers+Scoring.swift).
//
//===----------------------------------------------------------------------===//

import Foundation

extension OpenAPIDocument {
    static var periodParameter: [String: Any] {
        queryParameter("period", ["type": "string", "pattern": "^([0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])|[0-9]{4}-(0[1-9]|1[0-2]))$"])
    }

    /// Every path of the scoring routes.
    static var scoringPaths: [String] { self.scoringPathItems.keys.sorted() }

    /// The scoring routes as OpenAPI path items, by path.
    static var scoringPathItems: [String: Any] {
        let request = [pathParameter("provider"), pathParameter("request")]
        let ticket = request + [pathParameter("ticket")]
        var score = auditPost(
            "scoreInteraction",
            "Score a returned interaction on the scorecard version in force on its date (auditor, supervisor, admin); stored append-only as a head-office evaluation",
            body: object(
                [
                    "scorecard": ["type": "string", "minLength": 1, "description": "The scorecard id; optional with one loaded scorecard, or when the provider's evaluation of the ticket names a loaded one"],
                    "items": [
                        "type": "object", "maxProperties": 1000,
                        "additionalProperties": ["type": "string", "enum": ["pass", "fail", "na"]],
                        "description": "Every item of the version: pass, fail, or na where the scorecard allows N/A",
                    ],
                    "comments": ["type": "string", "maxLength": 2000],
                ],
                required: ["items"]
            ),
            status: "201", schema: ref("HeadOfficeEvaluation"), conflict: "The interaction was not returned (pending or missing)"
        )
        score["parameters"] = ticket
        var open = auditPost(
            "openHeadOfficeDispute", "Dispute a head-office evaluation's findings with a reason (provider staff, own provider only)",
            body: object(["reason": annotationText]), status: "201", schema: ref("Dispute"), conflict: "The evaluation already has an open dispute"
        )
        open["parameters"] = [pathParameter("provider"), pathParameter("id")]
        return [
            "/api/v1/samples": [
                "get": auditGet(
                    "listSampleRequests", "Sample requests the caller may see, newest first: requested, returned, missing, pending and scored",
                    parameters: [queryParameter("provider", ["type": "string"]), periodParameter],
                    schema: ["type": "array", "items": ref("SampleRequest")]
                )
            ],
            "/api/v1/samples/{provider}/{request}": [
                "get": auditGet(
                    "getSampleRequest", "One sample request and each requested ticket: returned, missing with the agent's reason, or pending",
                    parameters: request, schema: ref("SampleRequestDetail")
                )
            ],
            "/api/v1/samples/{provider}/{request}/{ticket}": [
                "get": auditGet(
                    "getInteraction", "A requested interaction with its redacted text, the scorecard version in force on its date, and its head-office evaluations",
                    parameters: ticket + [queryParameter("scorecard", ["type": "string", "minLength": 1])], schema: ref("InteractionDetail")
                )
            ],
            "/api/v1/samples/{provider}/{request}/{ticket}/evaluations": ["post": score],
            "/api/v1/head-office-evaluations/{provider}/{id}": [
                "get": auditGet(
                    "getHeadOfficeEvaluation", "One head-office evaluation with its dispute thread",
                    parameters: [pathParameter("provider"), pathParameter("id")], schema: ref("HeadOfficeEvaluationDetail")
                )
            ],
            "/api/v1/head-office-evaluations/{provider}/{id}/disputes": ["post": open],
            "/api/v1/head-office-evaluations/{provider}/{id}/disputes/decision": [
                "post": auditPost(
                    "decideHeadOfficeDispute", "Uphold or reject the open dispute of a head-office evaluation with a note (auditor, admin)",
                    body: object(["decision": ["type": "string", "enum": ["upheld", "rejected"]], "note": annotationText]), status: "200",
                    schema: ref("Dispute"), conflict: "The evaluation has no open dispute"
                )
            ],
            "/api/v1/calibration": [
                "get": auditGet(
                    "getCalibration",
                    "Item-level agreement (percent, Cohen's kappa, Gwet's AC1) and the one-sided sign test of leniency between head office and the provider's QA, per provider and evaluator",
                    parameters: [
                        ["name": "provider", "in": "query", "required": true, "schema": ["type": "string", "minLength": 1]], periodParameter,
                    ],
                    schema: ref("Calibration")
                )
            ],
        ]
    }

    /// Schemas of the scoring routes.
    static var scoringSchemas: [String: Any] {
        let request = object(
            [
                "id": string, "provider": string, "site": string, "agentId": string, "period": string, "seedCommitment": string, "createdAt": time,
                "acknowledgedAt": time, "requested": integer, "returned": integer, "missing": integer, "pending": integer, "scored": integer,
            ],
            required: ["id", "provider", "site", "agentId", "period", "seedCommitment", "createdAt", "requested", "returned", "missing", "pending", "scored"]
        )
        let interaction = object(
            [
                "ticketId": string, "status": ["type": "string", "enum": ["returned", "missing", "pending"]], "reason": string,
                "format": ["type": "string", "enum": ["text", "email", "chat"]], "text": string,
                "redactions": ["type": "object", "additionalProperties": integer], "updatedAt": time, "headOfficeEvaluationId": string,
                "headOfficeScore": number,
            ],
            required: ["ticketId", "status"]
        )
        let item = object(
            [
                "section": string, "id": string, "text": string, "weight": number, "impact": ["type": "string", "enum": ["high", "low"]],
                "naAllowed": boolean, "communicationStyle": boolean,
            ]
        )
        let scorecard = object(
            [
                "id": string, "name": string, "version": string, "effectiveFrom": string, "highImpactZeroes": boolean, "interactionDate": string,
                "items": ["type": "array", "items": ref("ScorecardFormItem")],
            ],
            required: ["id", "version", "effectiveFrom", "highImpactZeroes", "interactionDate", "items"]
        )
        let evaluation = object(
            [
                "id": string, "provider": string, "site": string, "requestId": string, "ticketId": string, "period": string, "scorecard": string,
                "scorecardVersion": string, "items": ["type": "array", "items": ref("EvaluationItem")],
                "score": ["type": "number", "minimum": 0, "maximum": 100], "zeroed": boolean, "highImpactErrors": integer, "lowImpactErrors": integer,
                "evaluator": string, "evaluatorRole": string, "evaluatedAt": time, "comments": string,
            ],
            required: [
                "id", "provider", "site", "requestId", "ticketId", "period", "scorecard", "scorecardVersion", "items", "score", "zeroed",
                "highImpactErrors", "lowImpactErrors", "evaluator", "evaluatorRole", "evaluatedAt",
            ]
        )
        let figures = object(
            [
                "evaluator": string, "pairs": integer, "items": integer, "percentAgreement": number, "cohenKappa": number, "gwetAC1": number,
                "providerHigher": integer, "headOfficeHigher": integer, "ties": integer, "pValue": number, "meanDifference": number,
                "medianDifference": number, "lenient": boolean,
            ],
            required: ["pairs", "items", "providerHigher", "headOfficeHigher", "ties", "pValue", "lenient"]
        )
        let pair = object(
            [
                "ticketId": string, "period": string, "headOfficeEvaluationId": string, "providerEvaluationId": string, "evaluator": string,
                "scorecard": string, "scorecardVersion": string, "providerScore": number,
                "providerScoreSource": ["type": "string", "enum": ["recomputed", "provider"]], "headOfficeScore": number, "difference": number,
                "items": integer, "itemsAgreed": integer,
            ]
        )
        return [
            "SampleRequest": request,
            "SampleRequestDetail": object(["request": ref("SampleRequest"), "interactions": ["type": "array", "items": ref("Interaction")]]),
            "Interaction": interaction,
            "ScorecardFormItem": item,
            "ScorecardForm": scorecard,
            "InteractionDetail": object(
                [
                    "request": ref("SampleRequest"), "interaction": ref("Interaction"), "scorecard": ref("ScorecardForm"), "scorecardProblem": string,
                    "evaluations": ["type": "array", "items": ref("HeadOfficeEvaluation")],
                ],
                required: ["request", "interaction", "evaluations"]
            ),
            "HeadOfficeEvaluation": evaluation,
            "HeadOfficeEvaluationDetail": object(
                ["evaluation": ref("HeadOfficeEvaluation"), "notApplicable": ["type": "array", "items": string], "disputes": ["type": "array", "items": ref("Dispute")]],
                required: ["evaluation", "disputes"]
            ),
            "CalibrationFigures": figures,
            "CalibrationPair": pair,
            "Calibration": object(
                [
                    "provider": string, "period": string, "categories": ["type": "integer", "enum": [2, 3]], "minimumPairs": integer, "significance": number,
                    "overall": ref("CalibrationFigures"), "evaluators": ["type": "array", "items": ref("CalibrationFigures")],
                    "pairs": ["type": "array", "items": ref("CalibrationPair")],
                ],
                required: ["provider", "categories", "minimumPairs", "significance", "overall", "evaluators", "pairs"]
            ),
        ]
    }
}
