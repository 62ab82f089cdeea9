//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Quality audits, disputes and breach notes: each role against each new page and API route, scope, CSRF, bounded
// text, the dispute state machine and append-only notes.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import HummingbirdTesting
import OversightModel
import OversightStore
import OversightWire
import Testing

@testable import OversightConsole

extension ConsoleFixture {
    /// The console fixture plus QA evaluations in a second signed batch of each provider: acme `EA1` (flagged) and `EA2`
    /// (with an open dispute), globex `EG1`; and acme ticket `T2`, which never breached.
    static func withAudits() async throws -> ConsoleFixture {
        let fixture = try await ConsoleFixture()
        for (provider, agent, ids) in [("acme", "agt_acme", ["EA1", "EA2"]), ("globex", "agt_globex", ["EG1"])] {
            let evaluations = ids.enumerated().map { index, id in
                EvaluationRecord(
                    provider: provider, site: "paris", id: id, interactionRef: provider == "acme" ? "T1" : "G1", channel: .email, agent: "agent-7f3a",
                    evaluator: "eval-91c2", scorecard: "email-quality", scorecardVersion: "3",
                    evaluatedAt: fixture.now - Double(3600 * (index + 1)),
                    items: [
                        EvaluationItem(item: "greeting", passed: true, impact: .low, weight: 1),
                        EvaluationItem(item: "verification", passed: index != 0, impact: .high, weight: 5),
                    ],
                    highImpactErrors: index == 0 ? 1 : 0, lowImpactErrors: 0, score: index == 0 ? 0 : 92.5, comments: "checked \(id)",
                    updatedAt: fixture.now
                )
            }
            let tickets =
                provider == "acme"
                ? [TicketRecord(provider: provider, site: "paris", id: "T2", status: .open, createdAt: fixture.now, updatedAt: fixture.now + 5)] : []
            let outcome = try await fixture.store.commit(
                IncomingBatch(
                    agentId: agent, seq: 2, hash: "hash-\(provider)-2", prev: "hash-\(provider)",
                    jws: FlattenedJWS(protected: "p", payload: "x", signature: "s"), receivedAt: fixture.now + 30, tickets: tickets,
                    evaluations: evaluations
                )
            )
            #expect(outcome == .committed(applied: ids.count + tickets.count, stale: 0))
        }
        _ = try await fixture.store.openDispute(
            provider: "acme", evaluationId: "EA2", by: "acmestaff", reason: "the caller was verified by SMS", at: fixture.now
        )
        return fixture
    }
}

/// A JSON API request with a body.
func sendJSON(
    _ client: some TestClientProtocol, _ uri: String, _ body: [String: Any], headers: HTTPFields
) async throws -> TestResponse {
    var headers = headers
    headers[.contentType] = "application/json"
    let data = try JSONSerialization.data(withJSONObject: body)
    return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: data))
}

/// A JSON object response.
func jsonObject(_ response: TestResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
}

/// The error code of a JSON error body.
func errorCode(_ response: TestResponse) -> String? {
    let object = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
    return (object?["error"] as? [String: Any])?["code"] as? String
}

@Suite(.timeLimit(.minutes(1))) struct AuditRouteTests {
    @Test(arguments: ["admin", "sup", "audit", "view", "acmestaff"])
    func rolesAgainstAuditRoutes(username: String) async throws {
        let fixture = try await ConsoleFixture.withAudits()
        let seesGlobex = username == "admin" || username == "audit"
        let disputes = username == "acmestaff"
        let decides = username == "admin" || username == "audit"
        let annotates = username == "admin" || username == "sup" || username == "acmestaff"
        // Out of scope is 404, except that a viewer may write nothing at all (403 before anything is looked up).
        let outOfScope: HTTPResponse.Status = username == "view" ? .forbidden : .notFound
        try await fixture.application().test(.router) { client in
            let token = bearer(fixture.tokens[username])
            // Reading: everyone sees acme's audits and notes; only admin and the unscoped auditor see globex's.
            let list = String(buffer: try await client.execute(uri: "/api/v1/audits", method: .get, headers: token).body)
            #expect(list.contains("EA1") && list.contains("EA2"))
            #expect(list.contains("EG1") == seesGlobex)
            #expect(try await client.execute(uri: "/api/v1/audits/acme/EA1", method: .get, headers: token).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/tickets/acme/T1/notes", method: .get, headers: token).status == .ok)
            for uri in ["/api/v1/audits/globex/EG1", "/api/v1/tickets/globex/G1/notes"] {
                let response = try await client.execute(uri: uri, method: .get, headers: token)
                #expect(response.status == (seesGlobex ? .ok : .notFound), "\(uri)")
                if !seesGlobex { #expect(errorCode(response) == "not_found") }
            }
            #expect(try await client.execute(uri: "/api/v1/audits/acme/nope", method: .get, headers: token).status == .notFound)

            // Writing through the API with the token: the role decides, another provider's evaluation or ticket is 404 first.
            let open = try await sendJSON(client, "/api/v1/audits/acme/EA1/disputes", ["reason": "verification was done by SMS"], headers: token)
            #expect(open.status == (disputes ? .created : .forbidden))
            let openGlobex = try await sendJSON(client, "/api/v1/audits/globex/EG1/disputes", ["reason": "not ours"], headers: token)
            #expect(openGlobex.status == (seesGlobex ? .forbidden : outOfScope))
            let decide = try await sendJSON(
                client, "/api/v1/audits/acme/EA2/disputes/decision", ["decision": "upheld", "note": "SMS verification is allowed"], headers: token
            )
            #expect(decide.status == (decides ? .ok : .forbidden))
            let note = try await sendJSON(
                client, "/api/v1/tickets/acme/T1/notes", ["text": "customer was unreachable — call log ref 123"], headers: token
            )
            #expect(note.status == (annotates ? .created : .forbidden))
            let noteGlobex = try await sendJSON(client, "/api/v1/tickets/globex/G1/notes", ["text": "from another provider"], headers: token)
            #expect(noteGlobex.status == (username == "admin" ? .created : seesGlobex ? .forbidden : outOfScope))
            #expect(try await fixture.store.disputes(provider: "globex", evaluationId: "EG1").isEmpty)
            #expect(try await fixture.store.breachNotes(provider: "acme", ticketId: "T1").count == (annotates ? 1 : 0))

            // Pages: the same rules, with forms only for those who may use them.
            var browser = Browser()
            #expect(try await browser.login(client, username).status == .seeOther)
            let audits = try await browser.get(client, "/audits")
            #expect(audits.status == .ok)
            let auditsHTML = String(buffer: audits.body)
            #expect(auditsHTML.contains("EA1") && auditsHTML.contains("<a href=\"/audits\">Audits</a>"))
            #expect(auditsHTML.contains("globex") == seesGlobex)
            for uri in ["/audits/globex/EG1", "/tickets/globex/G1"] {
                #expect(try await browser.get(client, uri).status == (seesGlobex ? .ok : .notFound), "\(uri)")
            }
            let detail = String(buffer: try await browser.get(client, "/audits/acme/EA1").body)
            #expect(detail.contains("verification") && detail.contains("FAILED") && detail.contains("checked EA1"))
            #expect(detail.contains("<a href=\"/tickets/acme/T1\">Ticket T1</a>"))
            // No form on EA1: the provider's dispute (opened above) is open, so no second; for the others nothing is open to decide.
            #expect(!detail.contains("action=\"/audits/acme/EA1/"))
            #expect(detail.contains("OPEN") == disputes)
            let ticket = String(buffer: try await browser.get(client, "/tickets/acme/T1").body)
            #expect(ticket.contains("id=\"notes\"") && ticket.contains("call log ref 123") == annotates)
            #expect(ticket.contains("action=\"/tickets/acme/T1/notes\"") == annotates)

            _ = try await browser.get(client, "/audits/acme/EA2")
            let reopen = try await browser.post(client, "/audits/acme/EA2/dispute", ["reason": "again", "csrf": browser.csrf])
            // Only provider staff may dispute; EA2's dispute is still open unless an auditor or admin decided it above.
            #expect(reopen.status == (disputes ? .conflict : .forbidden))
            let pageDecision = try await browser.post(
                client, "/audits/acme/EA1/decision", ["decision": "rejected", "note": "the finding stands", "csrf": browser.csrf]
            )
            #expect(pageDecision.status == (decides ? .conflict : .forbidden))  // EA1 has no open dispute for them
            let pageNote = try await browser.post(
                client, "/tickets/acme/T1/notes", ["text": "second note", "clock": "resolution", "csrf": browser.csrf]
            )
            #expect(pageNote.status == (annotates ? .seeOther : .forbidden))
            #expect(try await browser.post(client, "/tickets/globex/G1/notes", ["text": "x", "csrf": browser.csrf]).status
                == (username == "admin" ? .seeOther : seesGlobex ? .forbidden : outOfScope))
            #expect(try await browser.post(client, "/audits/globex/EG1/dispute", ["reason": "x", "csrf": browser.csrf]).status
                == (seesGlobex ? .forbidden : outOfScope))
        }
    }

    @Test func providerDisputesAndAuditorDecidesThroughPages() async throws {
        let fixture = try await ConsoleFixture.withAudits()
        try await fixture.application().test(.router) { client in
            var staff = Browser()
            _ = try await staff.login(client, "acmestaff")
            let page = String(buffer: try await staff.get(client, "/audits/acme/EA1").body)
            #expect(page.contains("action=\"/audits/acme/EA1/dispute\""))
            #expect(try await staff.post(client, "/audits/acme/EA1/dispute", ["reason": "verified by SMS", "csrf": staff.csrf]).status == .seeOther)
            let disputed = String(buffer: try await staff.get(client, "/audits/acme/EA1").body)
            #expect(disputed.contains("verified by SMS") && disputed.contains("OPEN") && !disputed.contains("action=\"/audits/acme/EA1/dispute\""))
            #expect(String(buffer: try await staff.get(client, "/audits").body).contains("OPEN"))

            var auditor = Browser()
            _ = try await auditor.login(client, "audit")
            let review = String(buffer: try await auditor.get(client, "/audits/acme/EA1").body)
            #expect(review.contains("action=\"/audits/acme/EA1/decision\"") && !review.contains("action=\"/audits/acme/EA1/dispute\""))
            let decided = try await auditor.post(
                client, "/audits/acme/EA1/decision", ["decision": "upheld", "note": "SMS is an allowed method", "csrf": auditor.csrf]
            )
            #expect(decided.status == .seeOther)
            #expect(decided.headers[.location] == "/audits/acme/EA1#disputes")
            let thread = try await fixture.store.disputes(provider: "acme", evaluationId: "EA1")
            #expect(thread.map(\.state) == [.upheld] && thread[0].decidedBy == "audit" && thread[0].openedBy == "acmestaff")
            #expect(thread[0].decisionNote == "SMS is an allowed method")
        }
    }

    @Test func csrfIsRequiredOnEveryAuditWrite() async throws {
        let fixture = try await ConsoleFixture.withAudits()
        try await fixture.application().test(.router) { client in
            var staff = Browser()
            _ = try await staff.login(client, "acmestaff")
            _ = try await staff.get(client, "/audits/acme/EA1")
            for (uri, fields) in [
                ("/audits/acme/EA1/dispute", ["reason": "forged"]), ("/tickets/acme/T1/notes", ["text": "forged"]),
                ("/audits/acme/EA2/decision", ["decision": "upheld", "note": "forged"]),
            ] {
                #expect(try await staff.post(client, uri, fields.merging(["csrf": "forged"]) { own, _ in own }).status == .forbidden, "\(uri)")
                #expect(try await staff.post(client, uri, fields).status == .forbidden, "\(uri)")
            }
            // The API with the session cookie: refused without the session's token in X-CSRF-Token, accepted with it.
            for (uri, body) in [
                ("/api/v1/audits/acme/EA1/disputes", ["reason": "cookie without token"]), ("/api/v1/tickets/acme/T1/notes", ["text": "cookie"]),
                ("/api/v1/audits/acme/EA2/disputes/decision", ["decision": "upheld", "note": "cookie"]),
            ] {
                let refused = try await sendJSON(client, uri, body, headers: staff.cookieHeader)
                #expect(refused.status == .forbidden && errorCode(refused) == "csrf_failed", "\(uri)")
                var forged = staff.cookieHeader
                forged[.csrfToken] = "forged"
                #expect(try await sendJSON(client, uri, body, headers: forged).status == .forbidden, "\(uri)")
            }
            #expect(try await fixture.store.disputes(provider: "acme", evaluationId: "EA1").isEmpty)
            #expect(try await fixture.store.breachNotes(provider: "acme", ticketId: "T1").isEmpty)
            var headers = staff.cookieHeader
            headers[.csrfToken] = staff.csrf
            #expect(try await sendJSON(client, "/api/v1/audits/acme/EA1/disputes", ["reason": "with the token"], headers: headers).status == .created)
            #expect(try await sendJSON(client, "/api/v1/tickets/acme/T1/notes", ["text": "with the token"], headers: headers).status == .created)
        }
    }

    @Test func disputeStateMachine() async throws {
        let fixture = try await ConsoleFixture.withAudits()
        try await fixture.application().test(.router) { client in
            let staff = bearer(fixture.tokens["acmestaff"])
            let auditor = bearer(fixture.tokens["audit"])
            // EA2 already has an open dispute: a second is refused, whoever asks.
            let second = try await sendJSON(client, "/api/v1/audits/acme/EA2/disputes", ["reason": "again"], headers: staff)
            #expect(second.status == .conflict && errorCode(second) == "conflict")
            // EA1 has none to decide.
            let decision = "/api/v1/audits/acme/EA2/disputes/decision"
            let nothing = try await sendJSON(
                client, "/api/v1/audits/acme/EA1/disputes/decision", ["decision": "upheld", "note": "n"], headers: auditor
            )
            #expect(nothing.status == .conflict)
            #expect(try await sendJSON(client, decision, ["decision": "open", "note": "n"], headers: auditor).status == .badRequest)
            let rejected = try await sendJSON(client, decision, ["decision": "rejected", "note": "the recording shows no check"], headers: auditor)
            #expect(rejected.status == .ok)
            let decided = try jsonObject(rejected)
            #expect(decided["state"] as? String == "rejected" && decided["decidedBy"] as? String == "audit")
            // Decided once: deciding again is refused, and the row cannot be changed or removed even in SQL.
            #expect(try await sendJSON(client, decision, ["decision": "upheld", "note": "n"], headers: auditor).status == .conflict)
            await #expect(throws: (any Error).self) {
                try await fixture.store.writer.write { db in try db.execute(sql: "UPDATE dispute SET state = 'upheld' WHERE evaluation_id = 'EA2'") }
            }
            await #expect(throws: (any Error).self) {
                try await fixture.store.writer.write { db in try db.execute(sql: "DELETE FROM dispute") }
            }
            // A decided dispute lets the provider open a new one; the thread keeps both, oldest first.
            let reopened = try await sendJSON(client, "/api/v1/audits/acme/EA2/disputes", ["reason": "new evidence: call log 77"], headers: staff)
            #expect(reopened.status == .created)
            let detail = try jsonObject(try await client.execute(uri: "/api/v1/audits/acme/EA2", method: .get, headers: staff))
            let thread = try #require(detail["disputes"] as? [[String: Any]])
            #expect(thread.map { $0["state"] as? String } == ["rejected", "open"])
            #expect((detail["audit"] as? [String: Any])?["dispute"] as? String == "open")
            // The store refuses a second open dispute on its own (the unique partial index backs the check).
            await #expect(throws: AnnotationError.conflict("this evaluation already has an open dispute")) {
                try await fixture.store.openDispute(provider: "acme", evaluationId: "EA2", by: "x", reason: "y", at: fixture.now)
            }
            await #expect(throws: (any Error).self) {
                try await fixture.store.writer.write { db in
                    try db.execute(
                        sql: """
                            INSERT INTO dispute (provider, evaluation_id, opened_by, opened_at, reason, state)
                            VALUES ('acme', 'EA2', 'x', 0, 'y', 'open')
                            """
                    )
                }
            }
            await #expect(throws: AnnotationError.notFound("no such evaluation")) {
                try await fixture.store.openDispute(provider: "globex", evaluationId: "EA1", by: "x", reason: "y", at: fixture.now)
            }
        }
    }

    @Test func breachNotesAreAppendOnly() async throws {
        let fixture = try await ConsoleFixture.withAudits()
        try await fixture.application().test(.router) { client in
            let staff = bearer(fixture.tokens["acmestaff"])
            for text in ["first", "second"] {
                #expect(try await sendJSON(client, "/api/v1/tickets/acme/T1/notes", ["text": text], headers: staff).status == .created)
            }
            let listed = try jsonObject(try await client.execute(uri: "/api/v1/tickets/acme/T1/notes", method: .get, headers: staff))
            let notes = try #require(listed["notes"] as? [[String: Any]])
            #expect(notes.map { $0["text"] as? String } == ["first", "second"])
            #expect(notes.allSatisfy { $0["clock"] as? String == "resolution" && $0["author"] as? String == "acmestaff" })
            #expect(notes.allSatisfy { $0["role"] as? String == "provider" })
            #expect((listed["breaches"] as? [[String: Any]])?.map { $0["clock"] as? String } == ["resolution"])
            // No route edits or deletes a note, and SQL cannot either.
            for method in [HTTPRequest.Method.put, .delete, .patch] {
                let response = try await client.execute(uri: "/api/v1/tickets/acme/T1/notes", method: method, headers: staff)
                #expect(response.status == .methodNotAllowed && response.headers[.allow] == "GET, POST", "\(method)")
            }
            await #expect(throws: (any Error).self) {
                try await fixture.store.writer.write { db in try db.execute(sql: "UPDATE breach_note SET text = 'edited'") }
            }
            await #expect(throws: (any Error).self) {
                try await fixture.store.writer.write { db in try db.execute(sql: "DELETE FROM breach_note") }
            }
            #expect(try await fixture.store.breachNotes(provider: "acme", ticketId: "T1").map(\.text) == ["first", "second"])
            // Only breaches take notes: a ticket that never breached, or a clock that did not, is a conflict; no ticket is 404.
            #expect(try await sendJSON(client, "/api/v1/tickets/acme/T2/notes", ["text": "x"], headers: staff).status == .conflict)
            let otherClock = try await sendJSON(client, "/api/v1/tickets/acme/T1/notes", ["text": "x", "clock": "first_reply"], headers: staff)
            #expect(otherClock.status == .conflict)
            #expect(try await sendJSON(client, "/api/v1/tickets/acme/T9/notes", ["text": "x"], headers: staff).status == .notFound)
            // The provider page's breach list links to the notes.
            var browser = Browser()
            _ = try await browser.login(client, "acmestaff")
            let provider = String(buffer: try await browser.get(client, "/providers/acme").body)
            #expect(provider.contains("<a href=\"/tickets/acme/T1#notes\">2 notes</a>") && provider.contains(">0 notes</a>") == false)
            let csv = String(buffer: try await browser.get(client, "/tickets/acme/T1?format=csv&table=notes").body)
            #expect(csv.hasPrefix("At,Clock,Author,Role,Note\r\n") && csv.contains(",resolution,acmestaff,provider,first\r\n"))
        }
    }

    @Test func textsAreBounded() async throws {
        let fixture = try await ConsoleFixture.withAudits()
        try await fixture.application().test(.router) { client in
            let staff = bearer(fixture.tokens["acmestaff"])
            let auditor = bearer(fixture.tokens["audit"])
            let longest = String(repeating: "é", count: 2000)
            for (uri, field, headers, extra) in [
                ("/api/v1/tickets/acme/T1/notes", "text", staff, [String: String]()),
                ("/api/v1/audits/acme/EA1/disputes", "reason", staff, [:]),
                ("/api/v1/audits/acme/EA2/disputes/decision", "note", auditor, ["decision": "upheld"]),
            ] {
                for bad in [longest + "x", "", "  \n\t "] {
                    let response = try await sendJSON(client, uri, extra.merging([field: bad]) { own, _ in own }, headers: headers)
                    #expect(response.status == .badRequest && errorCode(response) == "bad_request", "\(uri) \(bad.count)")
                    let message = String(buffer: response.body)
                    #expect(message.contains(field), "\(uri): \(message)")
                }
                #expect(try await sendJSON(client, uri, extra, headers: headers).status == .badRequest, "\(uri) without \(field)")
                let accepted = try await sendJSON(client, uri, extra.merging([field: longest]) { own, _ in own }, headers: headers)
                #expect(accepted.status.code / 100 == 2, "\(uri)")
            }
            #expect(try await fixture.store.breachNotes(provider: "acme", ticketId: "T1").map(\.text) == [longest])
            #expect(try await fixture.store.disputes(provider: "acme", evaluationId: "EA1").map(\.reason) == [longest])
            // Forms: the same bound.
            var browser = Browser()
            _ = try await browser.login(client, "acmestaff")
            _ = try await browser.get(client, "/tickets/acme/T1")
            #expect(try await browser.post(client, "/tickets/acme/T1/notes", ["text": longest + "x", "csrf": browser.csrf]).status == .badRequest)
            #expect(try await browser.post(client, "/tickets/acme/T1/notes", ["text": "   ", "csrf": browser.csrf]).status == .badRequest)
            #expect(try await fixture.store.breachNotes(provider: "acme", ticketId: "T1").count == 1)
        }
    }

    @Test func auditListFiltersPagesAndExports() async throws {
        let fixture = try await ConsoleFixture.withAudits()
        try await fixture.application().test(.router) { client in
            let admin = bearer(fixture.tokens["admin"])
            struct Page: Decodable {
                struct Audit: Decodable {
                    var provider: String
                    var id: String
                    var flagged: Bool
                    var dispute: String?
                }
                var audits: [Audit]
                var nextOffset: Int?
            }
            func page(_ query: String) async throws -> Page {
                let response = try await client.execute(uri: "/api/v1/audits" + query, method: .get, headers: admin)
                #expect(response.status == .ok, "\(query)")
                return try JSONDecoder().decode(Page.self, from: Data(buffer: response.body))
            }
            // Newest first: EA1 and EG1 an hour before now, EA2 two hours.
            let all = try await page("")
            #expect(all.audits.map(\.id) == ["EA1", "EG1", "EA2"] && all.nextOffset == nil)
            #expect(all.audits.map(\.flagged) == [true, true, false] && all.audits.map(\.dispute) == [nil, nil, "open"])
            #expect(try await page("?provider=acme").audits.map(\.id) == ["EA1", "EA2"])
            #expect(try await page("?provider=acme&site=lyon").audits.isEmpty)
            let month = String(HTML.isoTime(fixture.now).prefix(7))
            #expect(try await page("?month=\(month)").audits.count == 3)
            #expect(try await page("?month=2020-01").audits.isEmpty)
            let first = try await page("?limit=2")
            #expect(first.audits.map(\.id) == ["EA1", "EG1"] && first.nextOffset == 2)
            let rest = try await page("?limit=2&offset=2")
            #expect(rest.audits.map(\.id) == ["EA2"] && rest.nextOffset == nil)
            for query in ["?month=2026-13", "?month=nope", "?limit=0", "?limit=501", "?offset=-1"] {
                let response = try await client.execute(uri: "/api/v1/audits" + query, method: .get, headers: admin)
                #expect(response.status == .badRequest && errorCode(response) == "bad_request", "\(query)")
            }
            // The page and its CSV, scoped like the page.
            var browser = Browser()
            _ = try await browser.login(client, "acmestaff")
            let html = String(buffer: try await browser.get(client, "/audits?month=\(month)").body)
            #expect(html.contains("1 HIGH-IMPACT") && html.contains("email-quality v3") && html.contains("eval-91c2") && html.contains("agt_acme #2"))
            let csv = try await browser.get(client, "/audits?provider=acme&format=csv")
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = String(buffer: csv.body).components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first == ConsoleHandlers.auditColumns(.english).joined(separator: ","))
            #expect(lines.count == 3 && lines[1].contains(",EA1,T1,agent-7f3a,0,— (unknown scorecard),1 HIGH-IMPACT,") && lines[2].hasSuffix(",OPEN"))
            #expect(!String(buffer: try await browser.get(client, "/audits?format=csv").body).contains("globex"))
            #expect(try await browser.get(client, "/audits?provider=globex").status == .ok)
            #expect(!String(buffer: try await browser.get(client, "/audits?provider=globex&format=csv").body).contains("EG1"))
            #expect(try await browser.get(client, "/audits/globex/EG1?format=csv").status == .notFound)
        }
    }
}
