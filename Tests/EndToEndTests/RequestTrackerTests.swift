//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightTesting
import Testing

extension EndToEnd {
    /// Issue 16: a real agent with a `from: rt5` source polls a real Request Tracker 5 (Debian's request-tracker5, a
    /// throw-away SQLite instance, ``RequestTracker``) through REST2, and the real coordinator ends up with exactly
    /// the tickets made in RT, with their statuses, first replies and histories; a kill -9 of the agent between pages
    /// neither doubles nor loses a ticket version; a wrong token shows as a 401 in `status`.
    @Suite(.enabled(if: RequestTracker.unavailableReason == nil, "Request Tracker 5 is not installed (scripts/test installs it)"))
    struct RequestTrackerTests {
        /// The rt5 source's YAML with a token file.
        static func source(rt: RequestTracker, tokenFile: URL, perPage: Int, maxPages: Int) -> String {
            """
            - name: rt
              kind: tickets
              from: rt5
              poll_interval: 1s
              rt5:
                url: "\(rt.url)"
                queues: [General]
                token_file: "\(tokenFile.path)"
                per_page: \(perPage)
                max_pages: \(maxPages)
            """
        }

        static func writeSecret(_ text: String, in directory: URL, name: String) throws -> URL {
            let file = directory.appendingPathComponent(name)
            try Data((text + "\n").utf8).write(to: file)
            guard chmod(file.path, 0o600) == 0 else { throw HarnessError("chmod \(file.path) failed") }
            return file
        }

        @Test(.timeLimit(.minutes(6)))
        func ticketsMadeInRTReachTheCoordinatorOnceAcrossAKill() async throws {
            try await RequestTracker.with { rt in try await Self.ticketsAcrossAKill(rt) }
        }

        static func ticketsAcrossAKill(_ rt: RequestTracker) async throws {
            try await withHarness("rt5") { harness in
                // Made in RT before the agent exists: a stalled ticket with a reply, a resolved one, a new one.
                let stalled = try await rt.createTicket(subject: "Printer on fire", requestor: "alice@example.com")
                try await rt.reply(ticket: stalled)
                try await rt.setStatus(ticket: stalled, "stalled")
                let resolved = try await rt.createTicket(subject: "Refund", requestor: "bob@example.com")
                try await rt.reply(ticket: resolved, text: "Refunded.")
                try await rt.setStatus(ticket: resolved, "resolved")
                let fresh = try await rt.createTicket(subject: "Password reset", requestor: "carol@example.com")

                let coordinator = try await harness.startCoordinator()
                let tokenFile = try Self.writeSecret(rt.token, in: harness.directory.url, name: "rt.token")
                var options = AgentOptions()
                options.extraSources = Self.source(rt: rt, tokenFile: tokenFile, perPage: 2, maxPages: 10)
                let agent = try await harness.startAgent(name: "rt", coordinator: coordinator, provider: "acme", site: "lisbon", options: options)
                let store = try coordinator.openStore()
                try await eventually("the three RT tickets stored", timeout: .seconds(90)) {
                    var found = 0
                    for id in [stalled, resolved, fresh] where try await store.ticket(provider: "acme", id: id) != nil { found += 1 }
                    return found == 3
                }
                let one = try #require(try await store.ticket(provider: "acme", id: stalled)?.record)
                #expect(one.status == .onHold && one.queue == "General" && one.channel == .email && one.site == "lisbon")
                #expect(one.statusChanges.map(\.status) == [.new, .open, .onHold])
                #expect(one.firstReplyAt != nil && one.agentReplies?.count == 1)
                let two = try #require(try await store.ticket(provider: "acme", id: resolved)?.record)
                #expect(two.status == .solved && two.solvedAt != nil && two.firstReplyAt != nil)
                #expect(two.statusChanges.map(\.status) == [.new, .open, .solved])
                let three = try #require(try await store.ticket(provider: "acme", id: fresh)?.record)
                #expect(three.status == .new && three.firstReplyAt == nil && three.statusChanges.map(\.status) == [.new])

                // The agent stops; RT goes on: five new tickets and a reply on the new one. The agent comes back reading
                // one ticket per poll, and is killed once the first of them has been stored.
                await agent.stop()
                var later: [String] = []
                for n in 0 ..< 5 { later.append(try await rt.createTicket(subject: "Later \(n)", requestor: "dave\(n)@example.com")) }
                try await rt.reply(ticket: fresh)
                options.extraSources = Self.source(rt: rt, tokenFile: tokenFile, perPage: 1, maxPages: 1)
                try agent.writeConfig(options)
                try agent.start()
                try await eventually("a first later ticket stored", timeout: .seconds(60)) {
                    try await store.ticket(provider: "acme", id: later[0]) != nil
                }
                await agent.kill9()
                try agent.start()
                try await eventually("every later ticket stored, and the reply", timeout: .seconds(120)) {
                    for id in later where try await store.ticket(provider: "acme", id: id) == nil { return false }
                    return try await store.ticket(provider: "acme", id: fresh)?.record.status == .open
                }
                #expect(try await store.ticketCount() == 8, "exactly the tickets made in RT")
                let answered = try #require(try await store.ticket(provider: "acme", id: fresh)?.record)
                #expect(answered.firstReplyAt != nil && answered.statusChanges.map(\.status) == [.new, .open])
                // Nothing doubled: 3 versions, then 6 changed tickets, each carried once in the signed chain.
                let credentials = try agent.credentials()
                try await eventually("every version committed", timeout: .seconds(30)) {
                    try await store.committedChain(agentId: credentials.identity.agentId, key: credentials.signingKey.publicKey).recordIds.count >= 9
                }
                let chain = try await store.committedChain(agentId: credentials.identity.agentId, key: credentials.signingKey.publicKey)
                #expect(chain.recordIds.count == 9, "ticket versions sent: \(chain.recordIds)")
                // A record's key is its ticket id: every ticket once, but the answered one twice (new, then open).
                var versions: [String: Int] = [:]
                for id in chain.recordIds { versions[id, default: 0] += 1 }
                let expected = Dictionary(uniqueKeysWithValues: ([stalled, resolved] + later).map { ($0, 1) } + [(fresh, 2)])
                #expect(versions == expected, "ticket versions sent: \(chain.recordIds)")
                let status = try await agent.status()
                let source = try #require(status.sources.first { $0.name == "rt" })
                #expect(source.rowsTaken == 9 && source.lastError == nil)
            }
        }

        @Test(.timeLimit(.minutes(4)))
        func aWrongTokenIsReportedAsA401AndNothingIsRead() async throws {
            try await RequestTracker.with { rt in try await Self.wrongToken(rt) }
        }

        static func wrongToken(_ rt: RequestTracker) async throws {
            try await withHarness("rt5-401") { harness in
                _ = try await rt.createTicket(subject: "Printer on fire", requestor: "alice@example.com")
                let coordinator = try await harness.startCoordinator()
                let tokenFile = try Self.writeSecret("1-14-0000000000000000000000000000dead", in: harness.directory.url, name: "rt.token")
                var options = AgentOptions()
                options.extraSources = Self.source(rt: rt, tokenFile: tokenFile, perPage: 10, maxPages: 1)
                let agent = try await harness.startAgent(name: "rt", coordinator: coordinator, provider: "acme", site: "lisbon", options: options)
                try await eventually("the 401 in status", timeout: .seconds(60)) {
                    try await agent.status().sources.first { $0.name == "rt" }?.lastError?.contains("401") == true
                }
                let store = try coordinator.openStore()
                let agentId = try agent.agentId()
                try await eventually("the 401 in the heartbeat", timeout: .seconds(90)) {
                    try await store.agent(id: agentId)?.lastSourceError?.contains("401") == true
                }
                #expect(try await store.ticketCount() == 0)
                #expect(!agent.allLogs().contains("0000000000000000000000000000dead"), "the token is never logged")
            }
        }
    }
}
