//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The OpenAPI description of the audit periods: seed commitments and acceptance verdicts (ConsoleHandlers+AuditPeriods.swift).
//
//===----------------------------------------------------------------------===//

import Foundation

extension OpenAPIDocument {
    /// Every path of the audit-period routes.
    static var auditPeriodPaths: [String] { self.auditPeriodPathItems.keys.sorted() }

    static var auditPeriodPathItems: [String: Any] {
        var get = auditGet(
            "listAuditPeriods",
            "A provider's audit periods (the current and next week and month, and those with sample requests; or one period): the seed commitment with its first publication, the seed once the period has closed, and the acceptance verdict at the AQL from head office's audits",
            parameters: [["name": "provider", "in": "query", "required": true, "schema": ["type": "string", "minLength": 1]],
                queryParameter("period", ["type": "string", "pattern": "^([1-9][0-9]{3}-W(0[1-9]|[1-4][0-9]|5[0-3])|[1-9][0-9]{3}-(0[1-9]|1[0-2]))$"])],
            schema: ref("AuditPeriods")
        )
        var responses = get["responses"] as? [String: Any] ?? [:]
        responses["404"] = errorResponse("The provider is outside the caller's scope")
        responses["400"] = errorResponse("The period is not a week or month the calendar has (e.g. 2027-W53)")
        get["responses"] = responses
        return ["/api/v1/audit-periods": ["get": get]]
    }

    static var auditPeriodSchemas: [String: Any] {
        let share: [String: Any] = ["type": "number", "minimum": 0, "maximum": 1]
        let count: [String: Any] = ["type": "integer", "minimum": 0]
        let seed = object(
            [
                "commitment": ["type": "string", "pattern": "^[0-9a-f]{64}$"], "publishedAt": time, "publishedBeforeStart": boolean, "changed": boolean,
                "seed": ["type": "string", "pattern": "^[0-9a-f]{64}$", "description": "Only once the period has closed"],
                "recompute": ["type": "string", "description": "The command that recomputes the closed period's draw"],
            ],
            required: ["commitment", "publishedBeforeStart", "changed"]
        )
        let acceptance = object(
            [
                "state": [
                    "type": "string",
                    "enum": ["accepted", "rejected", "in_progress", "not_enough_audits", "no_tickets", "no_plan", "too_many_tickets"],
                ],
                "aql": share, "producerRisk": share, "rql": share, "consumerRisk": share, "population": count, "n": count, "c": count,
                "model": ["type": "string", "enum": ["binomial", "hypergeometric"]], "audited": count, "defects": count, "missing": count,
                "notRequested": count, "sample": ["type": "array", "items": string],
            ],
            required: [
                "state", "aql", "producerRisk", "rql", "consumerRisk", "population", "audited", "defects", "missing", "notRequested", "sample",
            ]
        )
        let period = object(
            [
                "provider": string, "period": string, "start": time, "end": time, "status": ["type": "string", "enum": ["next", "open", "closed"]],
                "seed": ref("SeedCommitment"), "acceptance": ref("Acceptance"),
            ],
            required: ["provider", "period", "start", "end", "status", "seed"]
        )
        return [
            "SeedCommitment": seed,
            "Acceptance": acceptance,
            "AuditPeriod": period,
            "AuditPeriods": object(
                ["provider": string, "samplingPlan": boolean, "periods": ["type": "array", "items": ref("AuditPeriod")]],
                required: ["provider", "samplingPlan", "periods"]
            ),
        ]
    }
}
