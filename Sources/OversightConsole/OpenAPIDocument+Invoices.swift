//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The OpenAPI description of the invoice routes: a month's invoices reconciled, and an upload.
//
//===----------------------------------------------------------------------===//

import Foundation

extension OpenAPIDocument {
    /// Every path of the invoice routes.
    static var invoicePaths: [String] { self.invoicePathItems.keys.sorted() }

    /// An exact decimal as text (`1403.7`, `-3`): at most four decimals, never a binary number.
    static var decimal: [String: Any] { ["type": "string", "pattern": "^-?[0-9]+(\\.[0-9]{1,4})?$"] }

    /// The invoice routes as OpenAPI path items, by path.
    static var invoicePathItems: [String: Any] {
        let month: [String: Any] = ["name": "month", "in": "path", "required": true, "schema": ["type": "string", "pattern": "^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"]]
        let get: [String: Any] = [
            "operationId": "getInvoices",
            "summary": "A provider's invoices of one month (every stored version, oldest first), the latest reconciled line by line against what the agents measured, and the net (invoice total minus the service credits as measured and after the accepted disputes)",
            "parameters": [pathParameter("provider"), month],
            "responses": [
                "200": jsonResponse("OK", ref("InvoiceMonth")),
                "401": errorResponse("Not authenticated"),
                "404": errorResponse("Unknown provider, outside the caller's scope, without a contract, or a month the contract does not cover"),
                "400": errorResponse("The month is not written YYYY-MM"),
            ],
        ]
        let post: [String: Any] = [
            "operationId": "uploadInvoice",
            "summary": "Upload a provider's invoice (supervisor, admin): the file's text, CSV or JSON as docs/invoices.md documents (JSON when its first character that is not white space is `{`), at most 1 MiB; the month is the one the file names. Stored as that month's next version, reconciled, and an alert raised per line beyond tolerance",
            "parameters": [pathParameter("provider")],
            "requestBody": [
                "required": true,
                "content": [
                    "application/json": [
                        "schema": object(
                            ["file": ["type": "string", "minLength": 1, "description": "The invoice file's text"], "name": ["type": "string", "description": "A file name for error messages"]],
                            required: ["file"]
                        )
                    ]
                ],
            ],
            "responses": [
                "201": jsonResponse("Stored and reconciled", ref("InvoiceMonth")),
                "400": errorResponse("The body is not the JSON envelope, or the file is refused (the message names file:line and the field, or the JSON path); nothing is stored"),
                "401": errorResponse("Not authenticated"),
                "403": errorResponse("Not a supervisor or admin, or a session-cookie request without X-CSRF-Token"),
                "404": errorResponse("Unknown provider, outside the caller's scope, or without a contract"),
                "413": errorResponse("The body is larger than 4 MiB"),
            ],
        ]
        return [
            "/api/v1/providers/{provider}/invoices/{month}": ["get": get],
            "/api/v1/providers/{provider}/invoices": ["post": post],
        ]
    }

    /// Schemas of the invoice routes (and the credit statement's net).
    static var invoiceSchemas: [String: Any] {
        let kind: [String: Any] = ["type": "string", "enum": ["contacts", "handle_minutes", "staffed_hours", "productive_hours"]]
        return [
            "InvoiceVersion": object(
                [
                    "version": integer, "number": string, "currency": string, "format": ["type": "string", "enum": ["csv", "json"]], "total": decimal,
                    "lines": integer, "uploadedBy": string, "uploadedAt": time,
                ]
            ),
            "InvoiceEvidence": object(
                [
                    "intervals": integer, "intervalKeys": ["type": "array", "items": string, "maxItems": 50], "tickets": integer,
                    "ticketIds": ["type": "array", "items": string, "maxItems": 50],
                ]
            ),
            "InvoiceLine": object(
                [
                    "id": string, "kind": kind, "channel": string, "site": string, "queue": string,
                    "unit": ["type": "string", "enum": ["contacts", "minutes", "hours"]], "billed": decimal, "unitPrice": decimal, "amount": decimal,
                    "measured": decimal, "source": string, "difference": decimal, "differenceAmount": decimal, "tolerance": string, "allowed": decimal,
                    "state": ["type": "string", "enum": ["within", "beyond", "not measured"]], "evidence": ref("InvoiceEvidence"),
                ],
                required: ["id", "kind", "unit", "billed", "unitPrice", "amount", "source", "tolerance", "state"]
            ),
            "InvoiceReconciliation": object(
                [
                    "invoiceNumber": string, "invoiceVersion": integer, "currency": string, "invoiceTotal": decimal, "beyond": integer,
                    "lines": ["type": "array", "items": ref("InvoiceLine")],
                ]
            ),
            "InvoiceNet": object(
                [
                    "invoiceNumber": string, "invoiceVersion": integer, "currency": string, "invoiceTotal": decimal, "measuredCreditsOwed": decimal,
                    "creditsOwed": decimal, "creditsCurrency": string, "measuredNet": decimal, "net": decimal, "acceptedDisputes": integer,
                    "noNet": ["type": "string", "enum": ["no credits", "currency"]],
                ],
                required: ["invoiceNumber", "invoiceVersion", "currency", "invoiceTotal", "acceptedDisputes"]
            ),
            "InvoiceMonth": object(
                [
                    "provider": string, "month": string, "invoices": ["type": "array", "items": ref("InvoiceVersion")],
                    "reconciliation": ref("InvoiceReconciliation"), "net": ref("InvoiceNet"),
                ],
                required: ["provider", "month", "invoices"]
            ),
        ]
    }
}
