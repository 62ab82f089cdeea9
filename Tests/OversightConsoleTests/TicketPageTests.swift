//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GRDB
import Hummingbird
import HummingbirdTesting
import OversightLocalization
import OversightModel
import OversightStore
import OversightWire
import Testing

@testable import OversightConsole

/// The elements of an SVG (or any XML) document, as `XMLParser` reads it: fails on anything not well-formed.
final class XMLElements: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
        /// Index of the parent element, `nil` for the root.
        var parent: Int?
    }

    var elements: [Element] = []
    private var open: [Int] = []

    init(_ text: String) throws {
        super.init()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = self
        guard parser.parse() else {
            throw ConsoleError.badRequest("not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "unknown error") at line \(parser.lineNumber)")
        }
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        self.elements.append(Element(name: elementName, attributes: attributeDict, parent: self.open.last))
        self.open.append(self.elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        self.open.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let index = self.open.last { self.elements[index].text += string }
    }

    /// Elements named `name` whose `class` attribute has every one of `classes`.
    func named(_ name: String, classes: String...) -> [Int] {
        self.elements.indices.filter { index in
            let element = self.elements[index]
            let have = Set((element.attributes["class"] ?? "").split(separator: " ").map(String.init))
            return element.name == name && classes.allSatisfy { have.contains($0) }
        }
    }

    /// The texts of `name` children of element `index`.
    func children(of index: Int, named name: String) -> [String] {
        self.elements.filter { $0.parent == index && $0.name == name }.map(\.text)
    }
}

@Suite struct TicketTimelineTests {
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func segmentsFollowTheEngineRules() {
        // Changes out of order, one before creation; new before the first change; the current status appended.
        let ticket = TicketRecord(
            provider: "acme", site: "paris", id: "T", status: .open, createdAt: t0, updatedAt: t0 + 900,
            statusChanges: [.init(status: .pending, at: t0 + 300), .init(status: .open, at: t0 + 60), .init(status: .open, at: t0 + 600)]
        )
        let segments = TicketTimeline.segments(ticket)
        #expect(segments.map(\.status) == [.new, .open, .pending, .open])
        #expect(segments.map(\.start) == [t0, t0 + 60, t0 + 300, t0 + 600])
        #expect(segments.map(\.holder) == ["provider", "provider", "customer", "provider"])
        #expect(segments.map(\.paused) == [false, false, true, false])
        #expect(segments.last?.end == nil && segments.first?.end == t0 + 60)

        // No history: new from creation until the last update, then the current status; held_by on the current one.
        let bare = TicketRecord(provider: "acme", site: "paris", id: "B", status: .onHold, createdAt: t0, updatedAt: t0 + 120, heldBy: "customer")
        let bareSegments = TicketTimeline.segments(bare)
        #expect(bareSegments.map(\.status) == [.new, .onHold])
        #expect(bareSegments.map(\.start) == [t0, t0 + 120])
        #expect(bareSegments.map(\.holder) == ["provider", "customer"])

        // A solvedAt without a solved change adds one; solved stops the clock.
        let solved = TicketRecord(
            provider: "acme", site: "paris", id: "S", status: .solved, createdAt: t0, updatedAt: t0 + 500, solvedAt: t0 + 400,
            statusChanges: [.init(status: .open, at: t0)]
        )
        #expect(TicketTimeline.segments(solved).map(\.status) == [.open, .solved])
        #expect(TicketTimeline.segments(solved).map(\.holder) == ["provider", "stopped"])
    }

    @Test func svgIsWellFormedWithASegmentPerSpanAndLabelledMarkers() throws {
        let ticket = TicketRecord(
            provider: "acme", site: "paris", id: "T<&>", status: .open, createdAt: t0, updatedAt: t0 + 5400, firstReplyAt: t0 + 600,
            statusChanges: [
                .init(status: .new, at: t0), .init(status: .open, at: t0 + 600), .init(status: .pending, at: t0 + 1800),
                .init(status: .onHold, at: t0 + 3000), .init(status: .open, at: t0 + 4200),
            ],
            agentReplies: [t0 + 600, t0 + 1800], customerMessages: [t0 + 4100]
        )
        let sla = TicketSLAState(
            provider: "acme", ticketId: "T<&>", state: "breached", firstReplyDue: t0 + 900, resolutionDue: t0 + 5000, atRiskAt: t0 + 4000,
            breachedAt: t0 + 5000, lateData: false, providerSeconds: 0, clientSeconds: 0, customerSeconds: 0, evaluatedAt: t0 + 5400
        )
        let svg = TicketTimeline.svg(ticket, sla: sla, now: t0 + 6000)
        let xml = try XMLElements(svg)
        let root = try #require(xml.elements.first)
        #expect(root.name == "svg" && root.attributes["role"] == "img")
        #expect(root.attributes["aria-label"]?.contains("breached") == true)
        #expect(xml.children(of: 0, named: "title") == ["Status timeline of ticket T<&>"])

        // One status rectangle per span, in order, each with its word and a title.
        let statusRects = xml.named("rect", classes: "seg").filter { xml.elements[$0].attributes["class"]!.contains("status-") }
        #expect(statusRects.map { xml.elements[$0].attributes["class"]! } == [
            "seg status-new", "seg status-open", "seg status-pending", "seg status-on-hold", "seg status-open",
        ])
        let spanLabels = statusRects.map { xml.children(of: xml.elements[$0].parent!, named: "text") }
        #expect(spanLabels == [["new"], ["open"], ["pending · paused"], ["on-hold · paused"], ["open"]])
        for rect in statusRects { #expect(xml.children(of: xml.elements[rect].parent!, named: "title").count == 1) }
        // Paused spans hatched (a second rectangle filled with the pattern), the others not.
        #expect(xml.named("rect", classes: "paused").count == 2)
        #expect(xml.named("pattern").count == 1)
        // The holder band says who held the clock, in words.
        let holders = xml.named("rect", classes: "seg").filter { xml.elements[$0].attributes["class"]!.contains("holder-") }
            .map { xml.children(of: xml.elements[$0].parent!, named: "text") }
        #expect(holders == [["provider"], ["provider"], ["customer"], ["client"], ["provider"]])

        // Markers, each a group with a line and its label.
        func labels(_ kind: String) -> [String] { xml.named("g", classes: "mark", kind).flatMap { xml.children(of: $0, named: "text") } }
        #expect(labels("due").sorted() == ["first reply due", "resolution due"])
        #expect(labels("breach") == ["breached"])
        #expect(labels("risk") == ["at risk"])
        #expect(labels("now") == ["now"])
        #expect(labels("created") == ["created"])
        #expect(labels("reply") == ["first reply"])
        for group in xml.named("g", classes: "mark") { #expect(xml.children(of: group, named: "line").count == 1) }
        #expect(xml.named("path", classes: "msg", "reply").count == 2)
        #expect(xml.named("circle", classes: "msg", "customer").count == 1)
        // Nothing the CSP would block.
        #expect(!svg.contains("style=") && !svg.contains("<script"))
    }

    @Test func aNarrowSpanTakesItsLetterAndTheLegendSpellsIt() throws {
        // An hour on about 844 pixels: 90 s of pending is some 20 pixels, room for a letter but not a word.
        let ticket = TicketRecord(
            provider: "acme", site: "paris", id: "N", status: .open, createdAt: t0, updatedAt: t0 + 1890,
            statusChanges: [.init(status: .open, at: t0), .init(status: .pending, at: t0 + 1800), .init(status: .open, at: t0 + 1890)]
        )
        let xml = try XMLElements(TicketTimeline.svg(ticket, sla: nil, now: t0 + 3600))
        let pending = try #require(xml.named("rect", classes: "seg", "status-pending").first)
        #expect(xml.children(of: xml.elements[pending].parent!, named: "text") == ["P"])
        #expect(xml.children(of: xml.elements[pending].parent!, named: "title").first?.hasPrefix("pending (clock paused) from ") == true)
        let legend = xml.named("text", classes: "legend").map { xml.elements[$0].text }.joined(separator: "\n")
        #expect(legend.contains("P pending") && legend.contains("hatched: clock paused"))
    }

    @Test func withoutSLAStateOrHistoryThereAreNoDeadlineMarkers() throws {
        let ticket = TicketRecord(provider: "acme", site: "paris", id: "N", status: .closed, createdAt: t0, updatedAt: t0 + 100, closedAt: t0 + 100)
        let xml = try XMLElements(TicketTimeline.svg(ticket, sla: nil, now: t0 + 86_400))
        #expect(xml.named("g", classes: "mark", "due").isEmpty && xml.named("g", classes: "mark", "breach").isEmpty)
        #expect(xml.named("g", classes: "mark", "stop").flatMap { xml.children(of: $0, named: "text") } == ["closed"])
        // Closed long ago: the axis ends after the stop, and now is named off its right edge.
        #expect(xml.named("g", classes: "mark", "now").isEmpty)
        #expect(xml.named("text", classes: "mark", "now").count == 1)
        #expect(xml.named("rect", classes: "seg").count == 4)  // new, closed; in both bands
        #expect(xml.named("path", classes: "msg").isEmpty)
    }
}

/// Tickets of provider `initech` in batches signed with a real Ed25519 key, on top of the console fixture.
struct SignedTickets {
    let fixture: ConsoleFixture
    let key = Curve25519.Signing.PrivateKey()
    let agentId = "agt_initech"

    init() async throws {
        self.fixture = try await ConsoleFixture()
        let store = self.fixture.store
        let now = self.fixture.now
        try await store.createToken(hash: "h-initech", provider: "initech", site: "oslo", createdAt: now, expiresAt: now + 3600)
        _ = try await store.consumeToken(
            hash: "h-initech",
            agent: NewAgent(
                id: self.agentId, hostname: "host", signingKey: Base64URL.encode(self.key.publicKey.rawRepresentation), certificateSerial: "2",
                certificateNotAfter: now + 86400
            ),
            now: now
        )
        // Batch 1 signs GOOD and BAD; batch 2 signs OTHER but the store is told it carried LOST.
        var previous = genesisBatchHash
        for (seq, signed, stored) in [(Int64(1), ["GOOD", "BAD"], ["GOOD", "BAD"]), (2, ["OTHER"], ["LOST"])] {
            func record(_ id: String) -> TicketRecord {
                TicketRecord(
                    provider: "initech", site: "oslo", id: id, status: .open, createdAt: now, updatedAt: now + 10,
                    statusChanges: [.init(status: .open, at: now + 10)]
                )
            }
            let payload = try WireJSON.encode(
                BatchPayload(
                    agentId: self.agentId, provider: "initech", site: "oslo", seq: seq, prev: previous, sealedAt: now,
                    records: signed.map { .ticket(record($0)) }
                )
            )
            let jws = try JWS.sign(payload: payload, kid: self.agentId, type: JWS.batchType, key: self.key)
            let hash = JWS.sha256Hex(payload)
            let outcome = try await store.commit(
                IncomingBatch(agentId: self.agentId, seq: seq, hash: hash, prev: previous, jws: jws, receivedAt: now, tickets: stored.map(record))
            )
            #expect("\(outcome)".contains("committed"), "\(outcome)")
            previous = hash
        }
    }

    /// Moves ticket BAD into batch 3, a copy of batch 1 whose payload was changed after signing.
    func tamper() async throws {
        try await self.fixture.store.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO batch (agent_id, seq, hash, prev, protected, payload, signature, record_count, received_at)
                    SELECT agent_id, 3, hash, prev, protected, replace(payload, 'A', 'B'), signature, record_count, received_at
                    FROM batch WHERE agent_id = ? AND seq = 1
                    """,
                arguments: [self.agentId]
            )
            try db.execute(sql: "UPDATE ticket SET batch_seq = 3 WHERE provider = 'initech' AND id = 'BAD'")
        }
    }

    /// The ticket's page as the admin sees it and its API view's `signature`.
    func view(_ id: String, _ client: some TestClientProtocol) async throws -> (page: String, signature: [String: Any]) {
        var browser = Browser()
        _ = try await browser.login(client, "admin")
        let page = try await browser.get(client, "/tickets/initech/\(id)")
        #expect(page.status == .ok)
        let api = try await client.execute(uri: "/api/v1/tickets/initech/\(id)", method: .get, headers: bearer(self.fixture.tokens["admin"]))
        #expect(api.status == .ok)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: api.body)) as? [String: Any])
        return (String(buffer: page.body), try #require(object["signature"] as? [String: Any]))
    }
}

@Suite(.timeLimit(.minutes(1))) struct TicketSignatureTests {
    @Test func aGoodBatchShowsValidAndATamperedOneInvalid() async throws {
        let signed = try await SignedTickets()
        try await signed.tamper()
        try await signed.fixture.application().test(.router) { client in
            let good = try await signed.view("GOOD", client)
            #expect(good.page.contains("<td class=\"sig valid\">signature valid (Ed25519, key of agent agt_initech)"))
            #expect(!good.page.contains("INVALID"))
            #expect(good.signature["valid"] as? Bool == true && good.signature["result"] as? String == "valid")
            #expect(good.signature["algorithm"] as? String == "Ed25519" && good.signature["checkedAt"] is String)

            let bad = try await signed.view("BAD", client)
            #expect(bad.page.contains("<td class=\"sig invalid\">signature INVALID"))
            #expect(bad.signature["valid"] as? Bool == false && bad.signature["result"] as? String == "invalid")

            let lost = try await signed.view("LOST", client)
            #expect(lost.page.contains("NOT in the signed payload"))
            #expect(lost.signature["valid"] as? Bool == false && lost.signature["result"] as? String == "not-in-payload")
        }
    }

    @Test func aReplacedSignatureOrAMissingBatchIsNotValid() async throws {
        let signed = try await SignedTickets()
        let other = Curve25519.Signing.PrivateKey()
        let forged = try JWS.sign(payload: Data(#"{"agentId":"agt_initech","provider":"initech","seq":1,"records":[]}"#.utf8), kid: signed.agentId, type: JWS.batchType, key: other)
        try await signed.fixture.store.writer.write { db in
            try db.execute(sql: "UPDATE batch SET signature = ? WHERE agent_id = ? AND seq = 1", arguments: [forged.signature, signed.agentId])
            try db.execute(sql: "DELETE FROM batch WHERE agent_id = ? AND seq = 2", arguments: [signed.agentId])
        }
        try await signed.fixture.application().test(.router) { client in
            let good = try await signed.view("GOOD", client)
            #expect(good.page.contains("signature INVALID: signature does not verify with the agent&#39;s key"))
            #expect(good.signature["valid"] as? Bool == false)
            let lost = try await signed.view("LOST", client)
            #expect(lost.page.contains("batch missing"))
            #expect(lost.signature["result"] as? String == "batch-missing" && lost.signature["valid"] as? Bool == false)
        }
    }

    @Test func theCheckRefusesAReplayedPayloadAWrongHashAndAWrongKey() async throws {
        let signed = try await SignedTickets()
        let store = signed.fixture.store
        var agent = try #require(try await store.agent(id: signed.agentId))
        let batch = try #require(try await store.batch(agentId: signed.agentId, seq: 1))
        let ticket = try #require(try await store.ticket(provider: "initech", id: "GOOD")).record
        func check(_ batch: StoredBatch, seq: Int64 = 1, agent: AgentRow?) -> SignatureCheck {
            SignatureCheck.check(batch: batch, agent: agent, agentId: signed.agentId, seq: seq, ticket: ticket, now: signed.fixture.now)
        }
        #expect(check(batch, agent: agent).result == .valid)
        // Batch 1's signed payload claimed as batch 2: the signature holds, the payload names another batch.
        #expect(check(batch, seq: 2, agent: agent).reason == "the signed payload is batch 1 of agent agt_initech, not batch 2 of agt_initech")
        var rehashed = batch
        rehashed.hash = String(repeating: "0", count: 64)
        #expect(check(rehashed, agent: agent).reason == "the stored hash is not the SHA-256 of the signed payload")
        #expect(check(batch, agent: nil).result == .keyMissing)
        agent.signingKey = Base64URL.encode(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)
        #expect(check(batch, agent: agent).reason == "signature does not verify with the agent's key")
        agent.signingKey = "x"
        #expect(check(batch, agent: agent).result == .keyMissing)
    }

    @Test func theCheckLooksForTheRecordOfItsKind() async throws {
        let signed = try await SignedTickets()
        let store = signed.fixture.store
        let agent = try await store.agent(id: signed.agentId)
        let batch = try await store.batch(agentId: signed.agentId, seq: 1)
        func check(kind: String, id: String, provider: String = "initech") -> SignatureCheck {
            SignatureCheck.check(
                batch: batch, agent: agent, agentId: signed.agentId, seq: 1, kind: kind, id: id, provider: provider, now: signed.fixture.now
            )
        }
        #expect(check(kind: "ticket", id: "GOOD").result == .valid)
        // The evaluation page asks for an evaluation: a ticket of the same id in the payload does not count.
        let evaluation = check(kind: "evaluation", id: "GOOD")
        #expect(evaluation.result == .notInPayload)
        #expect(evaluation.summary(of: "evaluation", localizer: .english).contains("the evaluation is NOT in the signed payload"))
        #expect(check(kind: "ticket", id: "GOOD", provider: "acme").result == .notInPayload)
    }
}
