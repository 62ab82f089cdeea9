//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Breach disputes on the ticket page: provider staff open one with a contract reason, head office decides it before
// the deadline, other roles see it without forms.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import HummingbirdTesting
import OversightStore
import Testing

@testable import OversightConsole

@Suite(.timeLimit(.minutes(1))) struct BreachDisputeRouteTests {
    /// The fixture's console with acme's contract allowing disputes, decided within three days of opening.
    func application(_ fixture: ConsoleFixture, deadlineAfter seconds: Double = 3 * 86_400) throws -> some ApplicationProtocol {
        var configuration = ConsoleConfiguration(port: 0)
        configuration.now = { [now = fixture.now] in now + 60 }
        var contract = ConsoleContract(provider: "acme", effectiveFrom: "2026-01-01")
        contract.disputeReasons = ["client_caused_delay", "data_error"]
        contract.disputeDefault = "rejected"
        configuration.contracts = ["acme": contract]
        configuration.breachDisputeDeadline = { $0.openedAt + seconds }
        return try buildApplication(configuration: configuration, store: fixture.store, alerts: fixture.alerts, users: fixture.users, logger: .init(label: "t"))
    }

    @Test func providerStaffOpenHeadOfficeDecidesOthersOnlySee() async throws {
        let fixture = try await ConsoleFixture()
        try await self.application(fixture).test(.router) { client in
            var staff = Browser()
            _ = try await staff.login(client, "acmestaff")
            let page = String(buffer: try await staff.get(client, "/tickets/acme/T1").body)
            #expect(page.contains("Breach disputes") && page.contains("Dispute breach") && page.contains("value=\"data_error\""))
            let badReason = try await staff.post(
                client, "/tickets/acme/T1/disputes", ["clock": "resolution", "reason": "bad_luck", "note": "x", "csrf": staff.csrf]
            )
            #expect(badReason.status == .badRequest)
            let opened = try await staff.post(
                client, "/tickets/acme/T1/disputes",
                ["clock": "resolution", "reason": "client_caused_delay", "note": "waited on the client", "csrf": staff.csrf]
            )
            #expect(opened.status == .seeOther)
            let dispute = try #require(try await fixture.store.breachDisputes(provider: "acme").first)
            #expect(dispute.openedBy == "acmestaff" && dispute.state == .open && dispute.reason == "client_caused_delay")
            _ = try await staff.get(client, "/tickets/acme/T1")
            let staffDecides = try await staff.post(
                client, "/tickets/acme/T1/disputes/\(dispute.id)/decision", ["decision": "accepted", "note": "x", "csrf": staff.csrf]
            )
            #expect(staffDecides.status == .forbidden)

            var viewer = Browser()
            _ = try await viewer.login(client, "view")
            let seen = String(buffer: try await viewer.get(client, "/tickets/acme/T1").body)
            #expect(seen.contains("waited on the client") && seen.contains("open (decide by") && !seen.contains("Dispute breach") && !seen.contains("Decide #"))

            var supervisor = Browser()
            _ = try await supervisor.login(client, "sup")
            let forms = String(buffer: try await supervisor.get(client, "/tickets/acme/T1").body)
            #expect(forms.contains("Decide #\(dispute.id)") && !forms.contains("Dispute breach"))
            let opening = try await supervisor.post(
                client, "/tickets/acme/T1/disputes", ["clock": "resolution", "reason": "data_error", "note": "x", "csrf": supervisor.csrf]
            )
            #expect(opening.status == .forbidden)
            let decided = try await supervisor.post(
                client, "/tickets/acme/T1/disputes/\(dispute.id)/decision", ["decision": "accepted", "note": "agreed", "csrf": supervisor.csrf]
            )
            #expect(decided.status == .seeOther)
            #expect(try await fixture.store.breachDispute(provider: "acme", id: dispute.id)?.state == .accepted)
            #expect(try await fixture.store.breachDispute(provider: "acme", id: dispute.id)?.decidedBy == "sup")
        }
    }

    @Test func theAPIOpensListsAndDecidesWithTheSameRules() async throws {
        let fixture = try await ConsoleFixture()
        try await self.application(fixture).test(.router) { client in
            let staff = bearer(fixture.tokens["acmestaff"])
            let sup = bearer(fixture.tokens["sup"])
            let body: [String: Any] = ["clock": "resolution", "reason": "data_error", "note": "the export was wrong"]
            #expect(try await sendJSON(client, "/api/v1/tickets/acme/T1/breach-disputes", body, headers: sup).status == .forbidden)
            #expect(try await sendJSON(client, "/api/v1/tickets/globex/G1/breach-disputes", body, headers: staff).status == .notFound)
            let badClock: [String: Any] = ["clock": "first\u{0}reply", "reason": "data_error", "note": "n"]
            #expect(try await sendJSON(client, "/api/v1/tickets/acme/T1/breach-disputes", badClock, headers: staff).status == .badRequest)
            let opened = try await sendJSON(client, "/api/v1/tickets/acme/T1/breach-disputes", body, headers: staff)
            #expect(opened.status == .created)
            let id = try #require(try jsonObject(opened)["id"] as? Int)
            #expect(try await sendJSON(client, "/api/v1/tickets/acme/T1/breach-disputes", body, headers: staff).status == .conflict)
            let decision: [String: Any] = ["decision": "rejected", "note": "the export was right"]
            #expect(try await sendJSON(client, "/api/v1/tickets/acme/T1/breach-disputes/\(id)/decision", decision, headers: staff).status == .forbidden)
            let decided = try await sendJSON(client, "/api/v1/tickets/acme/T1/breach-disputes/\(id)/decision", decision, headers: sup)
            #expect(decided.status == .ok)
            #expect(try jsonObject(decided)["effectiveState"] as? String == "rejected")
            let listed = try await client.execute(uri: "/api/v1/tickets/acme/T1/breach-disputes", method: .get, headers: staff)
            let items = try #require(try JSONSerialization.jsonObject(with: Data(buffer: listed.body)) as? [[String: Any]])
            #expect(items.map { $0["state"] as? String } == ["rejected"] && items.first?["decidedBy"] as? String == "sup")
        }
    }

    /// What the server answers 400 to, its OpenAPI document excludes: a reason outside the configured contracts, a note
    /// with a NUL or only white space (schemathesis sends schema-valid bodies and expects no 400).
    @Test func theServedDocumentNamesTheContractReasonsAndExcludesNUL() async throws {
        let fixture = try await ConsoleFixture()
        try await self.application(fixture).test(.router) { client in
            let served = try await client.execute(uri: "/openapi.json", method: .get)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: served.body)) as? [String: Any])
            let path = try #require((document["paths"] as? [String: Any])?["/api/v1/tickets/{provider}/{id}/breach-disputes"] as? [String: Any])
            let post = try #require(path["post"] as? [String: Any])
            let content = try #require(((post["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])
            let properties = try #require((content["schema"] as? [String: Any])?["properties"] as? [String: Any])
            #expect((properties["reason"] as? [String: Any])?["enum"] as? [String] == ["client_caused_delay", "data_error"])
            let pattern = try #require((properties["note"] as? [String: Any])?["pattern"] as? String)
            let regex = try NSRegularExpression(pattern: pattern)
            func matches(_ text: String) -> Bool {
                regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            }
            #expect(matches("the export was wrong") && matches("  x "))
            #expect(!matches("a\u{0}b") && !matches(" \t\n") && !matches(""))
            // The server agrees: a NUL in a note is a 400, and so is a reason outside the contract's list.
            let staff = bearer(fixture.tokens["acmestaff"])
            let nul: [String: Any] = ["clock": "resolution", "reason": "data_error", "note": "a\u{0}b"]
            #expect(try await sendJSON(client, "/api/v1/tickets/acme/T1/breach-disputes", nul, headers: staff).status == .badRequest)
        }
        // With no contract allowing disputes, the reason is any string, and the server answers 409 (not 400).
        var configuration = ConsoleConfiguration(port: 0)
        configuration.now = { [now = fixture.now] in now + 60 }
        try await buildApplication(configuration: configuration, store: fixture.store, alerts: fixture.alerts, users: fixture.users, logger: .init(label: "t"))
            .test(.router) { client in
                let body: [String: Any] = ["clock": "resolution", "reason": "data_error", "note": "n"]
                let answer = try await sendJSON(client, "/api/v1/tickets/acme/T1/breach-disputes", body, headers: bearer(fixture.tokens["acmestaff"]))
                #expect(answer.status == .conflict)
            }
    }

    @Test func pastTheDeadlineTheDefaultStandsAndNoOneDecides() async throws {
        let fixture = try await ConsoleFixture()
        let dispute = try await fixture.store.openBreachDispute(
            provider: "acme", ticketId: "T1", clock: "resolution", by: "acmestaff", reason: "data_error", note: "n", at: fixture.now
        )
        try await self.application(fixture, deadlineAfter: 30).test(.router) { client in
            var supervisor = Browser()
            _ = try await supervisor.login(client, "sup")
            let page = String(buffer: try await supervisor.get(client, "/tickets/acme/T1").body)
            #expect(page.contains("rejected by the contract default") && !page.contains("Decide #"))
            let late = try await supervisor.post(
                client, "/tickets/acme/T1/disputes/\(dispute.id)/decision", ["decision": "accepted", "note": "late", "csrf": supervisor.csrf]
            )
            #expect(late.status == .conflict)
            #expect(try await fixture.store.breachDispute(provider: "acme", id: dispute.id)?.state == .open)
        }
    }
}
