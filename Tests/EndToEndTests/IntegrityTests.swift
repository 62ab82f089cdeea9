//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Every stored record is exactly what was signed, and only what its agent may say: hostile agents (lean clients
// over real mutual TLS) beside honest ones (the real agent), against the real coordinator.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightAgent
import OversightModel
import OversightStore
import OversightTesting
import OversightWire
import Testing

extension EndToEnd {
    @Suite struct IntegrityTests {
        /// One batch over a fresh connection of `credentials`; the coordinator's reply.
        static func send(
            _ jws: FlattenedJWS, port: Int, caPEM: String, credentials: AgentCredentials
        ) async throws -> LeanReply {
            let client = try await LeanClient.connect(port: port, caPEM: caPEM, credentials: credentials)
            defer { Task { await client.close() } }
            _ = try await client.hello(agentId: credentials.identity.agentId)
            try await client.send(batch: jws)
            return try await client.next()
        }

        /// A ticket of any site, provider `acme`.
        static func ticket(_ id: String, site: String, status: TicketStatus = .open, updatedAt: Date) -> Record {
            .ticket(
                TicketRecord(provider: "acme", site: site, id: id, status: status, createdAt: updatedAt.addingTimeInterval(-3600), updatedAt: updatedAt)
            )
        }

        /// The honest agent's stored tickets, to compare before and after the attacks.
        static func snapshot(_ store: SQLiteStore, _ ids: [String]) async throws -> [String: StoredTicket] {
            var result: [String: StoredTicket] = [:]
            for id in ids { result[id] = try await store.ticket(provider: "acme", id: id) }
            return result
        }

        // MARK: Defect 1: text is stored exactly as signed, or refused

        @Test(.timeLimit(.minutes(3)))
        func aControlCharacterInATextFieldIsRefusedAndExactTextIsStoredExactly() async throws {
            try await withHarness("integrity-text") { harness in
                let coordinator = try await harness.startCoordinator()
                let store = try coordinator.openStore()
                let caPEM = try coordinator.caPEM()
                let good = try await harness.startAgent(name: "good", coordinator: coordinator, provider: "acme", site: "paris")
                let rows = ticketRows("GOOD", count: 4)
                try good.drop("good-1.csv", ExportFile.csv(rows))
                try await eventually("the honest agent's tickets arrive") {
                    try await store.ticket(provider: "acme", id: rows[3].id) != nil
                }
                let before = try await Self.snapshot(store, rows.map(\.id))

                let mallory = try harness.makeAgent(name: "mallory")
                try await mallory.enroll(with: coordinator, provider: "acme", site: "rome")
                let credentials = try mallory.credentials()
                let signer = BatchSigner(credentials: credentials)
                let now = Date()

                // "Z-\0one" then "Z-\0two": before the fix both were acknowledged and stored as one row "Z-".
                for (seq, id) in [(Int64(1), "Z-\u{0}one"), (1, "Z-\u{0}two")] {
                    let batch = try signer.sign(seq: seq, prev: genesisBatchHash, records: [Self.ticket(id, site: "rome", updatedAt: now)])
                    let reply = try await Self.send(batch.jws, port: coordinator.port, caPEM: caPEM, credentials: credentials)
                    #expect(reply.error?.code == "bad_record", "got \(reply)")
                    #expect(reply.error?.message.contains("records[0] (ticket Z-") == true, "got \(reply)")
                    #expect(reply.error?.message.contains("id holds a NUL character (U+0000)") == true, "got \(reply)")
                }
                // Every other field and kind: a control character in a tag, a queue, an interval's queue.
                var tagged = TicketRecord(provider: "acme", site: "rome", id: "T-TAG", status: .open, createdAt: now - 60, updatedAt: now)
                tagged.tags = ["fine", "bad\u{1B}[31m"]
                let interval = signer.interval("q\u{0}ueue", start: now - 900, updatedAt: now)
                for (record, field) in [(Record.ticket(tagged), "tags[1] holds the control character U+001B"), (interval, "queue holds a NUL")] {
                    let batch = try signer.sign(seq: 1, prev: genesisBatchHash, records: [record])
                    let reply = try await Self.send(batch.jws, port: coordinator.port, caPEM: caPEM, credentials: credentials)
                    #expect(reply.error?.code == "bad_record", "got \(reply)")
                    #expect(reply.error?.message.contains(field) == true, "got \(reply)")
                }
                try await eventually("bad_record security events") { try await store.hasSecurityEvent("bad_record", agentId: credentials.identity.agentId) }
                #expect(try await store.ticket(provider: "acme", id: "Z-") == nil)
                #expect(try await store.agent(id: credentials.identity.agentId)?.lastSeq == 0)

                // Text without control characters is stored exactly as signed, byte for byte.
                let exact = "Z-é中😀\u{A0}e\u{301}"
                let batch = try signer.sign(seq: 1, prev: genesisBatchHash, records: [Self.ticket(exact, site: "rome", updatedAt: now)])
                let reply = try await Self.send(batch.jws, port: coordinator.port, caPEM: caPEM, credentials: credentials)
                #expect(reply.ack?.status == "committed" && reply.ack?.applied == 1, "got \(reply)")
                let stored = try #require(try await store.ticket(provider: "acme", id: exact))
                #expect(Array(stored.record.id.utf8) == Array(exact.utf8))

                // The honest agent's data is untouched, and it still syncs.
                #expect(try await Self.snapshot(store, rows.map(\.id)) == before)
                let more = ticketRows("GOOD2", count: 2, offset: 50)
                try good.drop("good-2.csv", ExportFile.csv(more))
                try await eventually("the honest agent still syncs") { try await store.ticket(provider: "acme", id: more[1].id) != nil }
                #expect(coordinator.isRunning)
            }
        }

        // MARK: Defect 2: an agent writes only its own site, never into the future

        @Test(.timeLimit(.minutes(4)))
        func anAgentOfAnotherSiteCannotWriteOrFreezeATicket() async throws {
            try await withHarness("integrity-site") { harness in
                let coordinator = try await harness.startCoordinator()
                let store = try coordinator.openStore()
                let caPEM = try coordinator.caPEM()
                let honest = try await harness.startAgent(name: "manila", coordinator: coordinator, provider: "acme", site: "manila-1")
                let honestId = try honest.agentId()
                var row = TicketRow.make(id: "F-1", n: 1)
                try honest.drop("f1.csv", ExportFile.csv([row]))
                try await eventually("the honest agent's F-1 arrives") { try await store.ticket(provider: "acme", id: "F-1") != nil }
                let first = try #require(try await store.ticket(provider: "acme", id: "F-1"))
                #expect(first.agentId == honestId && first.record.site == "manila-1")

                let cebu = try harness.makeAgent(name: "cebu")
                try await cebu.enroll(with: coordinator, provider: "acme", site: "cebu-1")
                let credentials = try cebu.credentials()
                let attackerId = credentials.identity.agentId
                let signer = BatchSigner(credentials: credentials)
                let forever = try #require(WireJSON.parseDate("9999-12-31T23:59:59Z"))

                // The reported attack: F-1 as site manila-1, updatedAt 9999-12-31, closed.
                let attack = try signer.sign(
                    seq: 1, prev: genesisBatchHash, records: [Self.ticket("F-1", site: "manila-1", status: .closed, updatedAt: forever)]
                )
                var reply = try await Self.send(attack.jws, port: coordinator.port, caPEM: caPEM, credentials: credentials)
                #expect(reply.error?.code == "wrong_site", "got \(reply)")
                #expect(reply.error?.message.contains("claims site 'manila-1' but this agent is enrolled for site 'cebu-1'") == true, "got \(reply)")

                // The same ticket relabelled as its own site: the stored F-1 belongs to manila-1, so still wrong_site.
                let relabelled = try signer.sign(
                    seq: 1, prev: genesisBatchHash, records: [Self.ticket("F-1", site: "cebu-1", status: .closed, updatedAt: Date())]
                )
                reply = try await Self.send(relabelled.jws, port: coordinator.port, caPEM: caPEM, credentials: credentials)
                #expect(reply.error?.code == "wrong_site", "got \(reply)")
                #expect(reply.error?.message.contains("ticket F-1 is stored for site 'manila-1'") == true, "got \(reply)")

                // Its own site, but dated in the future: bad_record naming the field.
                let future = try signer.sign(seq: 1, prev: genesisBatchHash, records: [Self.ticket("C-1", site: "cebu-1", updatedAt: forever)])
                reply = try await Self.send(future.jws, port: coordinator.port, caPEM: caPEM, credentials: credentials)
                #expect(reply.error?.code == "bad_record", "got \(reply)")
                #expect(reply.error?.message.contains("createdAt 9999-12-31T22:59:59.000Z is in the future") == true, "got \(reply)")

                // A payload that claims another site in its header.
                var liar = signer
                liar.site = "manila-1"
                let header = try liar.sign(seq: 1, prev: genesisBatchHash, records: [Self.ticket("C-2", site: "cebu-1", updatedAt: Date())])
                reply = try await Self.send(header.jws, port: coordinator.port, caPEM: caPEM, credentials: credentials)
                #expect(reply.error?.code == "wrong_site", "got \(reply)")

                try await eventually("wrong_site security events") { try await store.hasSecurityEvent("wrong_site", agentId: attackerId) }
                #expect(try await store.agent(id: attackerId)?.lastSeq == 0, "a refused batch must leave nothing stored")

                // The honest agent's real update of F-1 still applies.
                row.status = "closed"
                row.updated = row.updated.addingTimeInterval(3600)
                try honest.drop("f1-update.csv", ExportFile.csv([row]))
                try await eventually("the honest update of F-1 applies") {
                    try await store.ticket(provider: "acme", id: "F-1")?.record.status == .closed
                }
                let after = try #require(try await store.ticket(provider: "acme", id: "F-1"))
                #expect(after.agentId == honestId && after.record.site == "manila-1")

                // Head office may enroll an agent for several sites on purpose.
                let hub = try harness.makeAgent(name: "hub")
                try await hub.enroll(with: coordinator, provider: "acme", site: "cebu-1", alsoSites: ["cebu-2"])
                let hubCredentials = try hub.credentials()
                let hubSigner = BatchSigner(credentials: hubCredentials)
                let both = try hubSigner.sign(
                    seq: 1, prev: genesisBatchHash,
                    records: [Self.ticket("H-1", site: "cebu-1", updatedAt: Date()), Self.ticket("H-2", site: "cebu-2", updatedAt: Date())]
                )
                reply = try await Self.send(both.jws, port: coordinator.port, caPEM: caPEM, credentials: hubCredentials)
                #expect(reply.ack?.applied == 2, "got \(reply)")
                #expect(try await store.ticket(provider: "acme", id: "H-2")?.record.site == "cebu-2")

                // Nothing stored breaks the rules, and `integrity check` says so; `tickets show` works without a contract.
                let check = try await coordinator.cli(["integrity", "check"])
                #expect(check.exitCode == 0, "\(check)")
                #expect(check.stdout.contains("No stored row breaks the integrity rules"), "\(check)")
                let show = try await coordinator.cli(["tickets", "show", "--provider", "acme", "F-1", "--json"])
                #expect(show.exitCode == 0, "\(show)")
                #expect(show.stdout.contains("\"agentId\" : \"\(honestId)\""), "\(show)")
                #expect(show.stdout.contains("\"sla\" : null") || !show.stdout.contains("\"sla\""), "\(show)")
            }
        }

        // MARK: Defect 3: the signed evidence reads one way only

        @Test(.timeLimit(.minutes(3)))
        func payloadsThatParsersReadDifferentlyAreRefused() async throws {
            try await withHarness("integrity-json") { harness in
                let coordinator = try await harness.startCoordinator()
                let store = try coordinator.openStore()
                let caPEM = try coordinator.caPEM()
                let good = try await harness.startAgent(name: "good", coordinator: coordinator, provider: "acme", site: "paris")
                let rows = ticketRows("GOOD", count: 3)
                try good.drop("good-1.csv", ExportFile.csv(rows))
                try await eventually("the honest agent's tickets arrive") { try await store.ticket(provider: "acme", id: rows[2].id) != nil }
                let before = try await Self.snapshot(store, rows.map(\.id))

                let mallory = try harness.makeAgent(name: "mallory")
                try await mallory.enroll(with: coordinator, provider: "acme", site: "rome")
                let credentials = try mallory.credentials()
                let agentId = credentials.identity.agentId
                let key = credentials.signingKey
                let now = WireJSON.format(Date())
                func payload(_ record: String) -> String {
                    #"{"v":1,"agentId":"\#(agentId)","provider":"acme","site":"rome","seq":1,"prev":"\#(genesisBatchHash)","sealedAt":"\#(now)","records":[\#(record)]}"#
                }
                let fields = #""site":"rome","channel":"chat","priority":"high","status":"open","createdAt":"\#(now)","updatedAt":"\#(now)","reopenCount":0,"tags":[],"contactCount":1,"statusChanges":[]"#
                let cases: [(String, String)] = [
                    (payload(#"{"kind":"ticket","provider":"evil-bpo","provider":"acme","id":"DUP-1",\#(fields)}"#), "records[0]: the member name 'provider' appears twice"),
                    (payload(#"{"kind":"ticket","provider":"acme","id":"BIG-1",\#(fields.replacingOccurrences(of: #""reopenCount":0"#, with: #""reopenCount":123456789012345678901"#))}"#), "records[0].reopenCount: the integer 123456789012345678901 is outside the 64-bit range"),
                    (payload(#"{"kind":"ticket","provider":"acme","id":"SUR-\udc00",\#(fields)}"#), "records[0].id: a string holds a lone surrogate"),
                ]
                for (text, expected) in cases {
                    let jws = try JWS.sign(payload: Data(text.utf8), kid: agentId, type: JWS.batchType, key: key)
                    let reply = try await Self.send(jws, port: coordinator.port, caPEM: caPEM, credentials: credentials)
                    #expect(reply.error?.code == "bad_message", "got \(reply)")
                    #expect(reply.error?.message.contains(expected) == true, "expected \(expected), got \(reply)")
                }
                // A protected header with a duplicate parameter (RFC 7515 §4): refused before the signature counts.
                let header = Base64URL.encode(Data(#"{"alg":"Ed25519","kid":"\#(agentId)","typ":"\#(JWS.batchType)","kid":"agt_other"}"#.utf8))
                let body = Base64URL.encode(Data(payload(#"{"kind":"ticket","provider":"acme","id":"HDR-1",\#(fields)}"#).utf8))
                let signature = try key.signature(for: Data("\(header).\(body)".utf8))
                let reply = try await Self.send(
                    FlattenedJWS(protected: header, payload: body, signature: Base64URL.encode(signature)), port: coordinator.port, caPEM: caPEM,
                    credentials: credentials
                )
                #expect(reply.error?.code == "bad_signature", "got \(reply)")
                #expect(reply.error?.message.contains("the member name 'kid' appears twice") == true, "got \(reply)")

                try await eventually("bad_message security events") { try await store.hasSecurityEvent("bad_message", agentId: agentId) }
                for id in ["DUP-1", "BIG-1", "HDR-1"] { #expect(try await store.ticket(provider: "acme", id: id) == nil) }
                #expect(try await store.agent(id: agentId)?.lastSeq == 0)

                // Without a client certificate, a malformed batch is certificate_required (identity is checked first).
                let anonymous = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: nil)
                try await anonymous.sendFrame(Array(#"{"type":"batch","protected":1}"#.utf8))
                let refused = try await anonymous.next()
                #expect(refused.error?.code == "certificate_required", "got \(refused)")
                await anonymous.close()

                #expect(try await Self.snapshot(store, rows.map(\.id)) == before)
                let more = ticketRows("GOOD2", count: 2, offset: 50)
                try good.drop("good-2.csv", ExportFile.csv(more))
                try await eventually("the honest agent still syncs") { try await store.ticket(provider: "acme", id: more[1].id) != nil }
            }
        }

        // MARK: Defect 4: a flood of bad enrollments from one address does not hold others back

        @Test(.timeLimit(.minutes(4)))
        func anEnrollmentFloodFromOneAddressIsPacedThereAlone() async throws {
            try await withHarness("integrity-enroll") { harness in
                let coordinator = try await harness.startCoordinator()
                let store = try coordinator.openStore()
                let caPEM = try coordinator.caPEM()
                // 250 parallel attempts with wrong tokens, all from 127.0.0.2.
                let replies = try await withThrowingTaskGroup(of: ProtocolErrorMessage?.self) { group in
                    for index in 0..<250 {
                        group.addTask {
                            let client = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: nil, from: "127.0.0.2")
                            let request = AgentMessage.Enroll(
                                token: "ovt_wrong\(index)", csr: "-", signingKey: JWS.jwk(of: Curve25519.Signing.PrivateKey().publicKey),
                                hostname: "flood", version: "lean-test"
                            )
                            try await client.send(.enroll(request))
                            let reply = try await client.next()
                            await client.close()
                            return reply.error
                        }
                    }
                    var all: [ProtocolErrorMessage?] = []
                    for try await reply in group { all.append(reply) }
                    return all
                }
                let unknown = replies.filter { $0?.code == "token_unknown" }.count
                let paced = replies.compactMap { $0 }.filter { $0.code == "rate_limited" }
                // The default allowance is 10 failed attempts at once per address: at most that many reached the token
                // look-up (and the coordinator-wide enrollment bucket, whose burst of 20 they cannot exhaust).
                #expect(unknown >= 1 && unknown <= 10, "token_unknown \(unknown)")
                #expect(paced.count == 250 - unknown, "every other attempt is paced at once: \(replies.map { $0?.code ?? "nil" })")
                #expect(paced.allSatisfy { ($0.retryAfterSeconds ?? 0) >= 1 && $0.message.contains("try again in") })
                try await eventually("enrollment_paced security events") { try await store.hasSecurityEvent("enrollment_paced") }

                // A legitimate agent from another address enrolls at once and syncs (the real agent binary).
                let agent = try await harness.startAgent(name: "legit", coordinator: coordinator, provider: "acme", site: "paris")
                let rows = ticketRows("LEGIT", count: 2)
                try agent.drop("legit.csv", ExportFile.csv(rows))
                try await eventually("the legitimate agent syncs") { try await store.ticket(provider: "acme", id: rows[1].id) != nil }

                // The flooding address is still paced, and says how long to wait.
                let again = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: nil, from: "127.0.0.2")
                try await again.send(
                    .enroll(.init(token: "ovt_wrong", csr: "-", signingKey: JWS.jwk(of: Curve25519.Signing.PrivateKey().publicKey), hostname: "flood", version: "x"))
                )
                let still = try await again.next()
                #expect(still.error?.code == "rate_limited", "got \(still)")
                await again.close()
            }
        }

        // MARK: Security events under their real cause

        @Test(.timeLimit(.minutes(2)))
        func plainClosesAreNoEventAndASilentTLSClientIsATimeout() async throws {
            try await withHarness("integrity-events") { harness in
                let coordinator = try await harness.startCoordinator(configYAML: "limits:\n  hello_timeout: 2s\n")
                let store = try coordinator.openStore()
                let caPEM = try coordinator.caPEM()
                // A TLS client that completes the handshake and hangs up: an ordinary close, not an attack.
                for _ in 0..<3 {
                    let client = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: nil)
                    try await client.sendFrame(Array(#"{"type":"enroll"}"#.utf8))  // proves the handshake completed
                    _ = try await client.next()
                    await client.close()
                }
                // A TLS client that says nothing: closed at the hello timeout and recorded as `timeout`.
                let silent = try await LeanClient.connect(port: coordinator.port, caPEM: caPEM, credentials: nil)
                #expect(try await silent.waitForEnd(timeout: .seconds(30)).isEnd)
                await silent.close()
                try await eventually("timeout security event") { try await store.hasSecurityEvent("timeout") }
                let kinds = try await store.securityEvents(limit: 50).map(\.kind)
                #expect(!kinds.contains("tls_failed"), "security events: \(kinds)")
            }
        }
    }
}
