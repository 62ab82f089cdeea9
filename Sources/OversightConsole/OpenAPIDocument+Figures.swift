//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The OpenAPI description of the figure routes and the write routes.
//
//===----------------------------------------------------------------------===//

import Foundation

extension OpenAPIDocument {
    /// Figure routes (GET): overview rows, provider figures by period, monthly scorecards.
    package static var figureOperations: [(path: String, id: String, summary: String, parameters: [[String: Any]], schema: [String: Any])] {
        [
            (
                "/api/v1/figures/overview", "getOverviewFigures", "One row per provider × site: attainment, at risk, breached, backlog, CSAT, freshness",
                [queryParameter("provider", ["type": "string"]), queryParameter("site", ["type": "string"])],
                ["type": "array", "items": ref("OverviewRow")]
            ),
            (
                "/api/v1/figures/providers/{provider}", "getProviderFigures", "A provider's figures by day, week or month, at-risk tickets and breaches",
                [
                    pathParameter("provider"), queryParameter("site", ["type": "string"]),
                    queryParameter("period", ["type": "string", "enum": ["day", "week", "month"], "default": "day"]),
                ],
                ref("ProviderFigures")
            ),
            (
                "/api/v1/alerts/history", "listAlertHistory", "Alerts in every state, newest first (of the latest 2,000), as the alerts page's history",
                [queryParameter("provider", ["type": "string"]), queryParameter("limit", ["type": "integer", "minimum": 1, "maximum": 500, "default": 50])],
                ["type": "array", "items": ref("Alert")]
            ),
            (
                "/api/v1/scorecards/{provider}", "getScorecard", "The monthly vendor scorecard of a provider",
                [pathParameter("provider"), queryParameter("month", ["type": "string", "pattern": "^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])$"])],
                ref("Scorecard")
            ),
        ]
    }

    /// Write routes (POST): `(path, id, summary, path parameters, request body schema or nil, success status, response schema)`.
    package static var writeOperations: [(path: String, id: String, summary: String, parameters: [[String: Any]], body: [String: Any]?, status: String, schema: [String: Any])] {
        [
            (
                "/api/v1/alerts/{id}/acknowledge", "acknowledgeAlert", "Acknowledge an open alert with a comment (admin, supervisor)",
                [["name": "id", "in": "path", "required": true, "schema": ["type": "string", "pattern": "^[0-9]+$"]]],
                object(["comment": ["type": ["string", "null"], "maxLength": 1000]], required: []), "200", ref("Alert")
            ),
            (
                "/api/v1/enrollment-tokens", "createEnrollmentToken", "Create an enrollment token for a provider and site (admin); shown once",
                [],
                object([
                    "provider": ["type": "string", "minLength": 1, "maxLength": 128, "pattern": "[^\\s]"],
                    "site": ["type": "string", "minLength": 1, "maxLength": 128, "pattern": "[^\\s]"],
                ]),
                "201", ref("EnrollmentToken")
            ),
            (
                "/api/v1/agents/{id}/revoke", "revokeAgent", "Revoke an agent (admin)", [pathParameter("id")], nil, "200", ref("Agent")
            ),
        ]
    }

    /// Schemas of the figure and write routes.
    static var figureSchemas: [String: Any] {
        let figure = object(
            [
                "value": ["type": ["number", "null"]], "sample": integer, "target": ["type": ["number", "null"]], "atMost": boolean,
                "standing": ["type": "string", "enum": ["met", "missed", "no_target", "no_data"]],
                "rag": ["type": "string", "enum": ["green", "amber", "red", "none"]],
                "interval": [
                    "type": "object", "description": "QA score and high-impact error rate: the 95 % Wilson interval (in the figure's unit) and n evaluations",
                    "properties": ["lower": number, "upper": number, "n": integer, "confidence": number],
                    "required": ["lower", "upper", "n", "confidence"],
                ],
            ],
            required: ["sample", "atMost", "standing", "rag"]
        )
        let point = object(["period": string, "label": string, "from": time, "to": time, "figure": ref("FigureValue")])
        let series = object(
            [
                "id": string, "name": string, "figure": string, "detail": string, "unit": string, "period": string, "target": number, "atMost": boolean,
                "available": boolean, "points": ["type": "array", "items": ref("FigurePoint")],
            ],
            required: ["id", "name", "figure", "unit", "period", "atMost", "available", "points"]
        )
        let contract = object(
            [
                "provider": string, "name": string, "timeZone": string, "effectiveFrom": string,
                "ticketTargets": ["type": "object", "additionalProperties": ["type": "integer"]],
                "targets": ["type": "array", "items": ["type": "object"]], "monthlyFee": number, "currency": string, "monthlyCap": number,
                "credits": ["type": "array", "items": ["type": "object"]],
                "disputeReasons": ["type": "array", "items": string], "disputeDefault": ["type": "string", "enum": ["accepted", "rejected"]],
            ],
            required: ["provider", "timeZone", "effectiveFrom", "ticketTargets", "targets", "credits"]
        )
        let atRisk = object(["provider": string, "site": string, "ticketId": string, "clock": string, "deadline": time, "atRiskAt": time],
                            required: ["provider", "site", "ticketId", "clock", "deadline"])
        let breach = object(
            ["provider": string, "site": string, "ticketId": string, "clock": string, "kind": string, "at": time, "detectedAt": time, "lateData": boolean]
        )
        let overviewRow = object(
            [
                "provider": string, "site": string, "status": ["type": "string", "enum": ["red", "amber", "green"]],
                "attainmentToday": ref("FigureValue"), "attainmentMonth": ref("FigureValue"), "atRisk": integer, "breached": integer, "tickets": integer,
                "backlog": integer,
                "oldestAgeSeconds": number, "medianAgeSeconds": number, "p90AgeSeconds": number, "serviceLevel": ref("FigureValue"),
                "csat": ref("FigureValue"), "qa": ref("FigureValue"), "agentsOnline": integer, "agentsTotal": integer, "newestRecordAt": time,
                "trend": ["type": "array", "items": ["type": ["number", "null"]]], "trendDays": ["type": "array", "items": string],
            ],
            required: [
                "provider", "site", "status", "attainmentToday", "attainmentMonth", "atRisk", "breached", "tickets", "backlog", "serviceLevel", "csat", "qa",
                "agentsOnline", "agentsTotal", "trend", "trendDays",
            ]
        )
        let providerFigures = object(
            [
                "provider": string, "site": string, "period": string, "contract": ref("Contract"),
                "series": ["type": "array", "items": ref("FigureSeries")], "atRisk": ["type": "array", "items": ref("AtRiskTicket")],
                "breaches": ["type": "array", "items": ref("Breach")],
            ],
            required: ["provider", "period", "series", "atRisk", "breaches"]
        )
        let scorecardRow = object(
            [
                "id": string, "name": string, "figure": string, "detail": string, "unit": string, "period": string, "target": number, "atMost": boolean,
                "actual": ref("FigureValue"), "periodsMet": integer, "periodsWithData": integer, "result": string,
                "trend": ["type": "array", "items": ref("FigurePoint")], "credit": number,
            ],
            required: ["id", "name", "figure", "unit", "period", "atMost", "actual", "result", "trend"]
        )
        let scorecard = object(
            [
                "provider": string, "month": string, "from": time, "to": time, "contract": ref("Contract"),
                "rows": ["type": "array", "items": ref("ScorecardRow")], "creditsOwed": number, "currency": string,
            ],
            required: ["provider", "month", "from", "to", "rows"]
        )
        return [
            "FigureValue": figure, "FigurePoint": point, "FigureSeries": series, "Contract": contract, "AtRiskTicket": atRisk, "Breach": breach,
            "OverviewRow": overviewRow, "ProviderFigures": providerFigures, "ScorecardRow": scorecardRow, "Scorecard": scorecard,
            "EnrollmentToken": object(["token": string, "provider": string, "site": string, "expiresAt": time]),
        ]
    }

    /// The POST operations as OpenAPI path items, by path.
    static var writePathItems: [String: Any] {
        var items: [String: Any] = [:]
        for operation in self.writeOperations {
            var responses: [String: Any] = [
                operation.status: ["description": "Done", "content": ["application/json": ["schema": operation.schema]]],
                "400": errorResponse("Bad request body"),
                "401": errorResponse("Not authenticated"),
                "403": errorResponse("Not allowed for this role, or a session-cookie request without X-CSRF-Token"),
            ]
            if operation.path.contains("{") { responses["404"] = errorResponse("Unknown, or outside the caller's scope") }
            var post: [String: Any] = ["operationId": operation.id, "summary": operation.summary, "responses": responses]
            if !operation.parameters.isEmpty { post["parameters"] = operation.parameters }
            if let body = operation.body {
                // A body with required fields is itself required (schemathesis: an empty POST is rightly refused with 400).
                let needed = !((body["required"] as? [String])?.isEmpty ?? true)
                post["requestBody"] = ["required": needed, "content": ["application/json": ["schema": body]]]
            }
            items[operation.path] = ["post": post]
        }
        return items
    }
}
