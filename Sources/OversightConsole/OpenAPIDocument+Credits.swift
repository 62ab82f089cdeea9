//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The OpenAPI description of the credit statement and the disputes of aggregate misses.
//
//===----------------------------------------------------------------------===//

import Foundation

extension OpenAPIDocument {
    /// Every path of the credit routes.
    static var creditPaths: [String] { self.creditPathItems(reasons: []).keys.sorted() }

    /// The credit routes as OpenAPI path items, by path; `reasons` are the configured contracts' dispute reasons.
    static func creditPathItems(reasons: [String]) -> [String: Any] {
        let reason: [String: Any] = reasons.isEmpty ? string : ["type": "string", "enum": Array(Set(reasons)).sorted()]
        var open = auditPost(
            "openPeriodDispute",
            "Dispute a closed period's missed figure with a reason from the contract, a note and optionally the time to exclude (provider staff, own provider only)",
            body: object(
                [
                    "target": ["type": "string", "minLength": 1, "maxLength": 64],
                    "period": ["type": "string", "pattern": "^[0-9]{4}-(W[0-9]{2}|[0-9]{2}(-[0-9]{2})?)$"],
                    "from": time, "to": time, "reason": reason, "note": annotationText,
                ],
                required: ["target", "period", "reason", "note"]
            ),
            status: "201", schema: ref("BreachDispute"),
            conflict: "The contract refuses it (unknown target or period, not closed, not missed, window outside the period, no disputes: section), or the period has an open or accepted dispute"
        )
        open["parameters"] = [pathParameter("provider")]
        var decide = auditPost(
            "decidePeriodDispute",
            "Accept or reject an open dispute of a missed figure with a note (supervisor, admin), before the contract's deadline",
            body: object(["decision": ["type": "string", "enum": ["accepted", "rejected"]], "note": annotationText]), status: "200",
            schema: ref("BreachDispute"), conflict: "Already decided, or the decision time has passed (the contract's default stands)"
        )
        decide["parameters"] = [pathParameter("provider"), pathParameter("dispute")]
        var statement = auditGet(
            "getCreditStatement",
            "A month's credit statement: every credit-bearing line measured and after the accepted disputes, each accepted dispute's effect, and the month's disputes",
            parameters: [pathParameter("provider"), ["name": "month", "in": "path", "required": true, "schema": ["type": "string", "pattern": "^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"]]],
            schema: ref("CreditStatement")
        )
        if var responses = statement["responses"] as? [String: Any] {
            responses["400"] = errorResponse("Bad month")
            statement["responses"] = responses
        }
        return [
            "/api/v1/providers/{provider}/credits/{month}": ["get": statement],
            "/api/v1/providers/{provider}/period-disputes": ["post": open],
            "/api/v1/providers/{provider}/period-disputes/{dispute}/decision": ["post": decide],
        ]
    }

    /// Schemas of the credit routes.
    static var creditSchemas: [String: Any] {
        let state: [String: Any] = ["type": "string", "enum": ["met", "owed", "waived", "pending earn-back", "no data"]]
        let unit: [String: Any] = ["type": "string", "enum": ["percentage", "duration", "score"]]
        return [
            "CreditLine": object(
                [
                    "target": string, "figure": string, "unit": unit, "period": string, "comparison": ["type": "string", "enum": [">=", "<="]],
                    "targetValue": number, "measuredActual": number, "measuredState": state, "measuredAmount": number, "actual": number, "state": state,
                    "amount": number,
                ],
                required: ["target", "figure", "unit", "period", "comparison", "targetValue", "measuredState", "state"]
            ),
            "CreditChange": object(
                [
                    "target": string, "period": string, "unit": unit, "actualBefore": number, "actualAfter": number, "stateBefore": state,
                    "stateAfter": state, "amountBefore": number, "amountAfter": number,
                ],
                required: ["target", "period", "unit", "stateBefore", "stateAfter"]
            ),
            "CreditStep": object(
                [
                    "dispute": integer, "owedShareBefore": number, "owedShareAfter": number, "owedAmountBefore": number, "owedAmountAfter": number,
                    "changes": ["type": "array", "items": ref("CreditChange")],
                ],
                required: ["dispute", "owedShareBefore", "owedShareAfter", "changes"]
            ),
            "OverturnRate": object(
                [
                    "reason": string, "opened": integer, "open": integer, "accepted": integer, "rejected": integer, "byDefault": integer,
                    "rate": number,
                ],
                required: ["reason", "opened", "open", "accepted", "rejected", "byDefault"]
            ),
            "CreditStatement": object(
                [
                    "provider": string, "month": string, "currency": string, "monthlyFee": number, "measuredOwedShare": number,
                    "measuredOwedAmount": number, "owedShare": number, "owedAmount": number,
                    "lines": ["type": "array", "items": ref("CreditLine")], "steps": ["type": "array", "items": ref("CreditStep")],
                    "disputes": ["type": "array", "items": ref("BreachDispute")],
                    "overturnRates": ["type": "array", "items": ref("OverturnRate")],
                    // The net of the month's latest invoice (OpenAPIDocument+Invoices.swift); absent without one.
                    "invoice": ref("InvoiceNet"),
                ],
                required: ["provider", "month", "measuredOwedShare", "owedShare", "lines", "steps", "disputes", "overturnRates"]
            ),
        ]
    }
}
