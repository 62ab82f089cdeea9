//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The OpenAPI 3.1 document served at /openapi.json.
//
//===----------------------------------------------------------------------===//

import Foundation

/// The OpenAPI 3.1 description of the JSON API, built in code so that it cannot drift from a file.
package enum OpenAPIDocument {
    /// Every API route as `(path, summary, parameters, response schema)`.
    package static var operations: [(path: String, id: String, summary: String, parameters: [[String: Any]], schema: [String: Any])] {
        [
        ("/api/v1/status", "getStatus", "Consolidated status per provider and site", [], ref("StatusReport")),
        ("/api/v1/providers", "listProviders", "Providers the caller may see, with their sites", [], ["type": "array", "items": ref("Provider")]),
        ("/api/v1/providers/{provider}", "getProvider", "One provider and its sites", [pathParameter("provider")], ref("Provider")),
        (
            "/api/v1/tickets/{provider}/{id}", "getTicket", "A ticket, its SLA standing and the batch it came in",
            [pathParameter("provider"), pathParameter("id")], ref("TicketView")
        ),
        (
            "/api/v1/sla-events", "listSLAEvents", "At-risk and breach events, newest first",
            [
                queryParameter("provider", ["type": "string"]), queryParameter("site", ["type": "string"]),
                queryParameter("limit", ["type": "integer", "minimum": 1, "maximum": 500, "default": 50]),
                queryParameter("cursor", ["type": "string", "pattern": "^[1-9][0-9]{0,17}$"]),
            ], ref("SLAEventPage")
        ),
        ("/api/v1/alerts", "listAlerts", "Open alerts", [], ["type": "array", "items": ref("Alert")]),
        ("/api/v1/agents", "listAgents", "Enrolled agents", [], ["type": "array", "items": ref("Agent")]),
        ]
    }

    /// Every path the document describes.
    package static var paths: [String] {
        self.operations.map(\.path) + self.figureOperations.map(\.path) + self.writeOperations.map(\.path)  // figure and write routes: OpenAPIDocument+Figures.swift
            + self.auditPaths  // OpenAPIDocument+Audits.swift
            + self.breachDisputePaths  // OpenAPIDocument+BreachDisputes.swift
            + self.creditPaths  // OpenAPIDocument+Credits.swift
            + self.invoicePaths  // OpenAPIDocument+Invoices.swift
            + self.healthPaths  // OpenAPIDocument+Health.swift
            + self.scoringPaths  // OpenAPIDocument+Scoring.swift
            + self.auditPeriodPaths  // OpenAPIDocument+AuditPeriods.swift
    }

    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }
    static func pathParameter(_ name: String) -> [String: Any] {
        ["name": name, "in": "path", "required": true, "schema": ["type": "string", "minLength": 1]]
    }
    static func queryParameter(_ name: String, _ schema: [String: Any]) -> [String: Any] {
        ["name": name, "in": "query", "required": false, "schema": schema]
    }

    static var string: [String: Any] { ["type": "string"] }
    static var optionalString: [String: Any] { ["type": ["string", "null"]] }
    static var time: [String: Any] { ["type": "string", "format": "date-time"] }
    static var optionalTime: [String: Any] { ["type": ["string", "null"], "format": "date-time"] }
    static var integer: [String: Any] { ["type": "integer"] }
    static var optionalInteger: [String: Any] { ["type": ["integer", "null"]] }
    static var number: [String: Any] { ["type": "number"] }
    static var boolean: [String: Any] { ["type": "boolean"] }

    static func object(_ properties: [String: [String: Any]], required: [String]? = nil) -> [String: Any] {
        ["type": "object", "properties": properties, "required": required ?? properties.filter { !(($0.value["type"] as? [String])?.contains("null") ?? false) }.map(\.key).sorted()]
    }

    static var schemas: [String: Any] {
        let site = object([
            "site": string, "agentsOnline": integer, "agentsTotal": integer, "tickets": integer, "openTickets": integer,
            "newestRecordAt": time, "atRisk": integer, "breached": integer,
        ], required: ["site", "agentsOnline", "agentsTotal", "tickets", "openTickets", "atRisk", "breached"])
        let provider = object([
            "provider": string, "agentsOnline": integer, "agentsTotal": integer, "tickets": integer, "openTickets": integer,
            "newestRecordAt": time, "atRisk": integer, "breached": integer, "sites": ["type": "array", "items": ref("Site")],
        ], required: ["provider", "agentsOnline", "agentsTotal", "tickets", "openTickets", "atRisk", "breached", "sites"])
        // The ticket route's evidence check (TicketSignature.swift).
        var signatureCheck = object(
            [
                "valid": boolean, "result": ["type": "string", "enum": ["valid", "invalid", "batch-missing", "key-missing", "not-in-payload"]],
                "algorithm": ["type": "string", "enum": ["Ed25519"]], "agentId": string, "reason": string, "checkedAt": time,
            ],
            required: ["valid", "result", "algorithm", "agentId", "checkedAt"]
        )
        signatureCheck["description"] = """
            The stored batch's JWS verified again on this request with the agent's Ed25519 signing key; `valid` also needs the \
            stored hash to be the payload's SHA-256, the payload to name the same agent and sequence, and the ticket to be among its records.
            """
        return [
            "Error": object(["error": object(["code": string, "message": string])]),
            "Site": site,
            "Provider": provider,
            "StatusReport": object(["generatedAt": time, "providers": ["type": "array", "items": ref("Provider")]]),
            "TicketView": object(
                ["ticket": ["type": "object"], "sla": ["type": ["object", "null"]], "batch": object(
                    ["agentId": string, "seq": integer, "hash": string, "receivedAt": time, "recordCount": integer], required: ["agentId", "seq"]
                ), "signature": ref("SignatureCheck")],
                required: ["ticket", "batch", "signature"]
            ),
            "SignatureCheck": signatureCheck,
            "SLAEvent": object([
                "id": integer, "provider": string, "site": string, "ticketId": string, "clock": string, "kind": string, "at": time,
                "detectedAt": time, "lateData": boolean,
            ]),
            "LiveEvent": object(
                ["kind": ["type": "string", "enum": ["tickets", "sla", "alerts"]], "provider": string, "site": string, "ticket": string, "detail": string],
                required: ["kind", "provider"]
            ),
            "SLAEventPage": object(["events": ["type": "array", "items": ref("SLAEvent")], "nextCursor": string], required: ["events"]),
            "Alert": object(
                ["id": integer, "key": string, "kind": string, "severity": string, "summary": string, "state": string, "consolePath": string,
                 "subject": ["type": "object"], "startsAt": time],
                required: ["id", "key", "kind", "severity", "summary", "state", "consolePath", "subject", "startsAt"]
            ),
            "Agent": object(
                ["id": string, "provider": string, "site": string, "hostname": string, "version": string, "online": boolean, "connected": boolean,
                 "revoked": boolean, "revokedAt": time, "lastSeq": integer, "lastBatchAt": time, "lastHeartbeatAt": time, "outboxDepth": integer,
                 "certificateNotAfter": time, "enrolledAt": time],
                required: ["id", "provider", "site", "hostname", "online", "connected", "revoked", "lastSeq", "certificateNotAfter", "enrolledAt"]
            ),
        ]
    }

    /// `GET /events`: the live-update stream (Server-Sent Events), documented here; it never ends on its own.
    static var eventsOperation: [String: Any] {
        [
            "operationId": "streamEvents",
            "summary": "Live updates as Server-Sent Events",
            "description": """
                A `text/event-stream` that stays open. Each event is named by its kind — `tickets` (a committed batch changed \
                tickets of a provider site; `detail` is how many), `sla` (an at-risk or breach moment; `detail` is `at-risk` or \
                `breach`), `alerts` (`detail` is `raised`, `acknowledged` or `resolved`) — and its `data` line is a \
                `LiveEvent` as JSON. Only providers the caller may see are reported. Bursts are merged (at most one write per \
                second per stream); a stream that falls behind gets one `reload` event instead. A comment line (`: heartbeat`) \
                is sent every 15 s. 503 when too many streams are open.
                """,
            "responses": [
                "200": [
                    "description": "The stream",
                    "content": ["text/event-stream": ["schema": ["type": "string"], "x-event-data": ref("LiveEvent")]],
                ],
                "401": errorResponse("Not authenticated"),
                "503": errorResponse("Too many live event streams are open"),
            ],
        ]
    }

    static func errorResponse(_ description: String) -> [String: Any] {
        ["description": description, "content": ["application/json": ["schema": ref("Error")]]]
    }

    /// The document as a JSON object, with the breach-dispute reasons the configured contracts allow (`[]`: any string).
    package static func document(disputeReasons: [String] = []) -> [String: Any] {
        var paths: [String: Any] = [:]
        for operation in self.operations + self.figureOperations {
            var responses: [String: Any] = [
                "200": ["description": "OK", "content": ["application/json": ["schema": operation.schema]]],
                "401": errorResponse("Not authenticated"),
            ]
            if !operation.parameters.isEmpty { responses["400"] = errorResponse("Bad parameter") }
            if operation.path.contains("{") { responses["404"] = errorResponse("Unknown, or outside the caller's scope") }
            var get: [String: Any] = ["operationId": operation.id, "summary": operation.summary, "responses": responses]
            if !operation.parameters.isEmpty { get["parameters"] = operation.parameters }
            paths[operation.path] = ["get": get]
        }
        paths["/events"] = ["get": self.eventsOperation]
        paths.merge(self.writePathItems) { get, _ in get }  // write routes: OpenAPIDocument+Figures.swift
        paths.merge(self.auditPathItems) { own, _ in own }  // audits, disputes, breach notes: OpenAPIDocument+Audits.swift
        paths.merge(self.breachDisputePathItems(reasons: disputeReasons)) { own, _ in own }  // breach disputes: OpenAPIDocument+BreachDisputes.swift
        paths.merge(self.creditPathItems(reasons: disputeReasons)) { own, _ in own }  // credit statement, period disputes: OpenAPIDocument+Credits.swift
        paths.merge(self.invoicePathItems) { own, _ in own }  // invoices, reconciliation, net: OpenAPIDocument+Invoices.swift
        paths.merge(self.healthPathItems) { own, _ in own }  // /healthz, /readyz: OpenAPIDocument+Health.swift
        paths.merge(self.scoringPathItems) { own, _ in own }  // head-office scoring, calibration: OpenAPIDocument+Scoring.swift
        paths.merge(self.auditPeriodPathItems) { own, _ in own }  // seed commitments, acceptance verdicts: OpenAPIDocument+AuditPeriods.swift
        return [
            "openapi": "3.1.0",
            "info": ["title": "Oversight head-office API", "version": "1.0.0", "description": "JSON API of the Oversight console: the figures of every page, and writes (acknowledge, enrollment tokens, revoke) with the caller's role."],
            "paths": paths,
            "components": [
                "schemas": self.schemas.merging(self.figureSchemas) { own, _ in own }.merging(self.auditSchemas) { own, _ in own }
                    .merging(self.breachDisputeSchemas) { own, _ in own }.merging(self.creditSchemas) { own, _ in own }.merging(self.scoringSchemas) { own, _ in own }
                    .merging(self.auditPeriodSchemas) { own, _ in own }.merging(self.invoiceSchemas) { own, _ in own },
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer", "description": "An API token (ovc_…) created for a console user."],
                    "session": ["type": "apiKey", "in": "cookie", "name": "ovc_session"],
                ],
            ],
            "security": [["bearer": []], ["session": []]],
        ]
    }

    /// The document as JSON text, without configured dispute reasons.
    package static let json: String = json(disputeReasons: [])

    /// The document as JSON text, with the breach-dispute reasons of the configured contracts.
    package static func json(disputeReasons: [String]) -> String {
        let data =
            (try? JSONSerialization.data(withJSONObject: document(disputeReasons: disputeReasons), options: [.sortedKeys, .prettyPrinted]))
            ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
