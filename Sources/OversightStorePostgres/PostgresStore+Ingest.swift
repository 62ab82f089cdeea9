//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Tokens, agents, security events and the set-based commit of a signed batch.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightModel
import OversightStore
import PostgresNIO

extension PostgresStore {
    // MARK: Tokens and agents

    package func createToken(
        hash: String, provider: String, site: String, extraSites: [String], createdAt: Date, expiresAt: Date
    ) async throws {
        let extra = extraSites.joined(separator: ",")
        try await self.execute(
            """
            INSERT INTO enrollment_token (hash, provider, site, extra_sites, created_at, expires_at)
            VALUES (\(hash), \(provider), \(site), \(extra), \(createdAt.timeIntervalSince1970), \(expiresAt.timeIntervalSince1970))
            """
        )
    }

    package func token(hash: String) async throws -> TokenRow? {
        try await Self.token(hash: hash, forUpdate: false) { try await self.rows($0) }
    }

    static func token(hash: String, forUpdate: Bool, run: (PostgresQuery) async throws -> [PostgresRow]) async throws -> TokenRow? {
        var query: PostgresQuery = "SELECT provider, site, expires_at, used_at, extra_sites FROM enrollment_token WHERE hash = \(hash)"
        if forUpdate { query.sql += " FOR UPDATE" }
        guard let row = try await run(query).first else { return nil }
        let (provider, site, expiresAt, usedAt, extraSites) = try row.decode((String, String, Double, Double?, String).self)
        return TokenRow(
            provider: provider, site: site, expiresAt: Date(timeIntervalSince1970: expiresAt), usedAt: Self.date(usedAt),
            extraSites: SQLiteStore.sites(extraSites)
        )
    }

    package func consumeToken(hash: String, agent: NewAgent, now: Date) async throws(TokenProblem) -> TokenRow {
        let result: Result<TokenRow, TokenProblem>
        do {
            result = try await self.transaction { connection -> Result<TokenRow, TokenProblem> in
                // FOR UPDATE: two coordinators consuming the same token at once serialise here; the second sees it used.
                guard
                    let token = try await Self.token(hash: hash, forUpdate: true, run: { try await connection.query($0, logger: self.logger).collect() })
                else { return .failure(.unknown) }
                if token.usedAt != nil { return .failure(.used) }
                if token.expiresAt <= now { return .failure(.expired) }
                try await connection.query(
                    "UPDATE enrollment_token SET used_at = \(now.timeIntervalSince1970), agent_id = \(agent.id) WHERE hash = \(hash)",
                    logger: self.logger
                )
                let extra = token.extraSites.joined(separator: ",")
                try await connection.query(
                    """
                    INSERT INTO agent (id, provider, site, extra_sites, hostname, signing_key, certificate_serial,
                        certificate_not_after, enrolled_at, last_hash)
                    VALUES (\(agent.id), \(token.provider), \(token.site), \(extra), \(agent.hostname), \(agent.signingKey),
                        \(agent.certificateSerial), \(agent.certificateNotAfter.timeIntervalSince1970), \(now.timeIntervalSince1970),
                        \(genesisBatchHash))
                    """,
                    logger: self.logger
                )
                return .success(token)
            }
        } catch {
            throw .unknown
        }
        return try result.get()
    }

    static let agentColumns = """
        id, provider, site, hostname, signing_key, certificate_serial, certificate_not_after, enrolled_at, revoked_at,
        last_seq, last_hash, last_batch_at, last_heartbeat_at, version, outbox_depth, outbox_bytes, oldest_unsent_age,
        outbox_full, last_source_error, connected, extra_sites
        """

    static func agent(_ row: PostgresRow) throws -> AgentRow {
        let (id, provider, site, hostname, signingKey, serial, notAfter, enrolledAt, revokedAt, lastSeq, lastHash) =
            try row.decode((String, String, String, String, String, String, Double, Double, Double?, Int64, String).self)
        var columns = row.makeIterator()
        for _ in 0..<11 { _ = columns.next() }
        func next<T: PostgresDecodable>(_: T.Type) throws -> T { try columns.next()!.decode(T.self) }
        let lastBatchAt = try next(Double?.self)
        let lastHeartbeatAt = try next(Double?.self)
        let version = try next(String?.self)
        let outboxDepth = try next(Int?.self)
        let outboxBytes = try next(Int64?.self)
        let oldestUnsent = try next(Double?.self)
        let outboxFull = try next(Bool.self)
        let lastSourceError = try next(String?.self)
        let connected = try next(Bool.self)
        let extraSites = try next(String.self)
        return AgentRow(
            id: id, provider: provider, site: site, hostname: hostname, signingKey: signingKey, certificateSerial: serial,
            certificateNotAfter: Date(timeIntervalSince1970: notAfter), enrolledAt: Date(timeIntervalSince1970: enrolledAt),
            revokedAt: Self.date(revokedAt), lastSeq: lastSeq, lastHash: lastHash, lastBatchAt: Self.date(lastBatchAt),
            lastHeartbeatAt: Self.date(lastHeartbeatAt), version: version, outboxDepth: outboxDepth, outboxBytes: outboxBytes,
            oldestUnsentAgeSeconds: oldestUnsent, outboxFull: outboxFull, lastSourceError: lastSourceError, connected: connected,
            extraSites: SQLiteStore.sites(extraSites)
        )
    }

    package func agent(id: String) async throws -> AgentRow? {
        try await self.rows("SELECT \(unescaped: Self.agentColumns) FROM agent WHERE id = \(id)").first.map(Self.agent)
    }

    package func agents() async throws -> [AgentRow] {
        try await self.rows("SELECT \(unescaped: Self.agentColumns) FROM agent ORDER BY provider, site, id").map(Self.agent)
    }

    package func revokedAgentIds() async throws -> Set<String> {
        Set(try await self.rows("SELECT id FROM agent WHERE revoked_at IS NOT NULL").map { try $0.decode(String.self) })
    }

    package func revoke(agentId: String, now: Date) async throws -> Bool {
        let rows = try await self.rows(
            "UPDATE agent SET revoked_at = COALESCE(revoked_at, \(now.timeIntervalSince1970)), connected = false WHERE id = \(agentId) RETURNING id"
        )
        return !rows.isEmpty
    }

    package func recordHeartbeat(agentId: String, info: HeartbeatInfo, now: Date) async throws {
        try await self.execute(
            """
            UPDATE agent SET last_heartbeat_at = \(now.timeIntervalSince1970), version = \(info.version), outbox_depth = \(Int64(info.outboxDepth)),
                outbox_bytes = \(info.outboxBytes), oldest_unsent_age = \(info.oldestUnsentAgeSeconds), outbox_full = \(info.outboxFull),
                last_source_error = \(info.lastSourceError), connected = true
            WHERE id = \(agentId)
            """
        )
    }

    package func setConnected(agentId: String, connected: Bool, now: Date) async throws {
        if connected {
            try await self.execute("UPDATE agent SET connected = true, last_heartbeat_at = \(now.timeIntervalSince1970) WHERE id = \(agentId)")
        } else {
            try await self.execute("UPDATE agent SET connected = false WHERE id = \(agentId)")
        }
    }

    package func updateCertificate(agentId: String, serial: String, notAfter: Date) async throws {
        try await self.execute(
            "UPDATE agent SET certificate_serial = \(serial), certificate_not_after = \(notAfter.timeIntervalSince1970) WHERE id = \(agentId)"
        )
    }

    // MARK: Security events

    package func recordSecurityEvent(_ event: SecurityEvent) async throws {
        try await self.execute(
            """
            INSERT INTO security_event (at, agent_id, address, kind, detail)
            VALUES (\(event.at.timeIntervalSince1970), \(event.agentId), \(event.address), \(event.kind), \(event.detail))
            """
        )
    }

    package func securityEvents(limit: Int) async throws -> [SecurityEvent] {
        try await self.rows("SELECT at, agent_id, address, kind, detail FROM security_event ORDER BY id DESC LIMIT \(Int64(max(0, limit)))").map {
            let (at, agent, address, kind, detail) = try $0.decode((Double, String?, String?, String, String).self)
            return SecurityEvent(at: Date(timeIntervalSince1970: at), agentId: agent, address: address, kind: kind, detail: detail)
        }
    }

    package func securityEventCounts(since: Date) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await self.rows("SELECT kind, COUNT(*) FROM security_event WHERE at >= \(since.timeIntervalSince1970) GROUP BY kind") {
            let (kind, count) = try row.decode((String, Int).self)
            counts[kind] = count
        }
        return counts
    }

    // MARK: Batches

    package func batch(agentId: String, seq: Int64) async throws -> StoredBatch? {
        guard
            let row = try await self.rows(
                "SELECT hash, prev, protected, payload, signature, record_count, received_at FROM batch WHERE agent_id = \(agentId) AND seq = \(seq)"
            ).first
        else { return nil }
        let (hash, prev, protected, payload, signature, count, receivedAt) = try row.decode((String, String, String, String, String, Int, Double).self)
        return StoredBatch(
            agentId: agentId, seq: seq, hash: hash, prev: prev, jws: FlattenedJWS(protected: protected, payload: payload, signature: signature),
            recordCount: count, receivedAt: Date(timeIntervalSince1970: receivedAt)
        )
    }

    package func commit(_ batch: IncomingBatch) async throws -> CommitOutcome {
        try await self.commitReportingChanges(batch).outcome
    }

    /// A record would replace a stored one of another site: the whole batch is refused (rolled back).
    struct SiteConflict: Error {
        var kind: String
        var key: String
        var storedSite: String
    }

    package func commitReportingChanges(_ batch: IncomingBatch) async throws -> CommitResult {
        do {
            return try await self.transaction { connection in try await self.commit(batch, on: connection) }
        } catch let conflict as SiteConflict {
            return CommitResult(outcome: .wrongSite(kind: conflict.kind, key: conflict.key, storedSite: conflict.storedSite), appliedTickets: [])
        }
    }

    /// The commit, inside its transaction. The agent's row is locked first (`FOR UPDATE`): two connections of one agent,
    /// on one coordinator or two, serialise here, and the second finds the sequence taken (a duplicate or a chain
    /// mismatch). Each kind of record is then read once for the keys of the batch, the batch's own order is applied to
    /// what is stored in memory (newer `updated_at` wins, a record never changes site), and the winners are written by
    /// one `INSERT … SELECT FROM UNNEST(…) ON CONFLICT DO UPDATE` per kind: a few round trips per batch, none per record.
    func commit(_ batch: IncomingBatch, on connection: PostgresConnection) async throws -> CommitResult {
        func run(_ query: PostgresQuery) async throws -> [PostgresRow] { try await connection.query(query, logger: self.logger).collect() }
        guard
            let row = try await run("SELECT provider, last_seq, last_hash, revoked_at FROM agent WHERE id = \(batch.agentId) FOR UPDATE").first
        else { return CommitResult(outcome: .unknownAgent, appliedTickets: []) }
        let (provider, lastSeq, lastHash, revokedAt) = try row.decode((String, Int64, String, Double?).self)
        if revokedAt != nil { return CommitResult(outcome: .revoked, appliedTickets: []) }
        if batch.seq <= lastSeq {
            let stored = try await run("SELECT hash FROM batch WHERE agent_id = \(batch.agentId) AND seq = \(batch.seq)").first?.decode(String.self)
            return CommitResult(outcome: stored == batch.hash ? .duplicate : .chainMismatch(expectedPrev: stored ?? ""), appliedTickets: [])
        }
        if batch.seq > lastSeq + 1 { return CommitResult(outcome: .gap(expected: lastSeq + 1, lastHash: lastHash), appliedTickets: []) }
        guard batch.prev == lastHash else { return CommitResult(outcome: .chainMismatch(expectedPrev: lastHash), appliedTickets: []) }

        // Tickets: stored (site, updated_at) of the batch's ids, then the batch applied in order.
        var appliedTickets: [TicketRecord] = []
        var ticketWinners: [String: TicketRecord] = [:]
        var ticketOrder: [String] = []
        if !batch.tickets.isEmpty {
            let ids = Array(Set(batch.tickets.map(\.id)))
            var stored: [String: (site: String, updatedAt: Double)] = [:]
            for row in try await run("SELECT id, site, updated_at FROM ticket WHERE provider = \(provider) AND id = ANY(\(ids)) FOR UPDATE") {
                let (id, site, updatedAt) = try row.decode((String, String, Double).self)
                stored[id] = (site, updatedAt)
            }
            for ticket in batch.tickets {
                let updatedAt = ticket.updatedAt.timeIntervalSince1970
                if let current = stored[ticket.id] {
                    if current.site != ticket.site { throw SiteConflict(kind: "ticket", key: ticket.id, storedSite: current.site) }
                    guard updatedAt > current.updatedAt else { continue }
                }
                stored[ticket.id] = (ticket.site, updatedAt)
                if ticketWinners[ticket.id] == nil { ticketOrder.append(ticket.id) }
                ticketWinners[ticket.id] = ticket
                appliedTickets.append(ticket)
            }
        }

        // Intervals: keyed by (site, queue, start), so no site can change.
        var intervalApplied = 0
        var intervalWinners: [String: IntervalRecord] = [:]
        var intervalOrder: [String] = []
        if !batch.intervals.isEmpty {
            var stored: [String: Double] = [:]
            func key(_ site: String, _ queue: String, _ start: Double) -> String { "\(site)\u{1F}\(queue)\u{1F}\(start.bitPattern)" }
            let sites = batch.intervals.map(\.site)
            let queues = batch.intervals.map(\.queue)
            let starts = batch.intervals.map(\.start.timeIntervalSince1970)
            for row in try await run(
                """
                SELECT m.site, m.queue, m.start, m.updated_at FROM interval_metric m
                JOIN UNNEST(\(sites)::text[], \(queues)::text[], \(starts)::float8[]) AS k(site, queue, start)
                  ON m.site = k.site AND m.queue = k.queue AND m.start = k.start
                WHERE m.provider = \(provider) FOR UPDATE OF m
                """
            ) {
                let (site, queue, start, updatedAt) = try row.decode((String, String, Double, Double).self)
                stored[key(site, queue, start)] = updatedAt
            }
            for interval in batch.intervals {
                let k = key(interval.site, interval.queue, interval.start.timeIntervalSince1970)
                let updatedAt = interval.updatedAt.timeIntervalSince1970
                if let current = stored[k], updatedAt <= current { continue }
                stored[k] = updatedAt
                if intervalWinners[k] == nil { intervalOrder.append(k) }
                intervalWinners[k] = interval
                intervalApplied += 1
            }
        }

        // QA evaluations: as tickets.
        var evaluationApplied = 0
        var evaluationWinners: [String: EvaluationRecord] = [:]
        var evaluationOrder: [String] = []
        if !batch.evaluations.isEmpty {
            let ids = Array(Set(batch.evaluations.map(\.id)))
            var stored: [String: (site: String, updatedAt: Double)] = [:]
            for row in try await run("SELECT id, site, updated_at FROM qa_evaluation WHERE provider = \(provider) AND id = ANY(\(ids)) FOR UPDATE") {
                let (id, site, updatedAt) = try row.decode((String, String, Double).self)
                stored[id] = (site, updatedAt)
            }
            for evaluation in batch.evaluations {
                let updatedAt = evaluation.updatedAt.timeIntervalSince1970
                if let current = stored[evaluation.id] {
                    if current.site != evaluation.site { throw SiteConflict(kind: "evaluation", key: evaluation.id, storedSite: current.site) }
                    guard updatedAt > current.updatedAt else { continue }
                }
                stored[evaluation.id] = (evaluation.site, updatedAt)
                if evaluationWinners[evaluation.id] == nil { evaluationOrder.append(evaluation.id) }
                evaluationWinners[evaluation.id] = evaluation
                evaluationApplied += 1
            }
        }

        if !ticketOrder.isEmpty {
            try await connection.query(try Self.upsertTickets(ticketOrder.map { ticketWinners[$0]! }, provider: provider, batch: batch), logger: self.logger)
        }
        if !intervalOrder.isEmpty {
            try await connection.query(
                try Self.upsertIntervals(intervalOrder.map { intervalWinners[$0]! }, provider: provider, batch: batch), logger: self.logger
            )
        }
        if !evaluationOrder.isEmpty {
            try await connection.query(
                try Self.upsertEvaluations(evaluationOrder.map { evaluationWinners[$0]! }, provider: provider, batch: batch), logger: self.logger
            )
        }
        let interactionApplied = try await Self.upsertInteractions(batch, provider: provider, connection: connection, logger: self.logger)
        try await connection.query(
            """
            INSERT INTO batch (agent_id, seq, hash, prev, protected, payload, signature, record_count, received_at)
            VALUES (\(batch.agentId), \(batch.seq), \(batch.hash), \(batch.prev), \(batch.jws.protected), \(batch.jws.payload),
                \(batch.jws.signature), \(Int64(batch.recordCount)), \(batch.receivedAt.timeIntervalSince1970))
            """,
            logger: self.logger
        )
        try await connection.query(
            """
            UPDATE agent SET last_seq = \(batch.seq), last_hash = \(batch.hash), last_batch_at = \(batch.receivedAt.timeIntervalSince1970)
            WHERE id = \(batch.agentId)
            """,
            logger: self.logger
        )
        let applied = appliedTickets.count + intervalApplied + evaluationApplied + interactionApplied
        return CommitResult(outcome: .committed(applied: applied, stale: batch.recordCount - applied), appliedTickets: appliedTickets)
    }

    /// One statement for every ticket row the batch changes (already reduced to one row per id). The `WHERE` repeats
    /// the store's rule, so a row written meanwhile by another agent of the provider is never overwritten by an older one.
    package static func upsertTickets(_ tickets: [TicketRecord], provider: String, batch: IncomingBatch) throws -> PostgresQuery {
        var q = QueryBuilder()
        let columns: [String] = [
            try q.bind(tickets.map(\.id)), try q.bind(tickets.map(\.site)), try q.bind(tickets.map(\.channel.rawValue)),
            try q.bind(tickets.map(\.priority.rawValue)), try q.bind(tickets.map(\.status.rawValue)),
            try q.bind(tickets.map(\.createdAt.timeIntervalSince1970)), try q.bind(tickets.map(\.updatedAt.timeIntervalSince1970)),
            try q.bind(NullableArray(tickets.map { $0.firstReplyAt?.timeIntervalSince1970 })),
            try q.bind(NullableArray(tickets.map { $0.solvedAt?.timeIntervalSince1970 })),
            try q.bind(NullableArray(tickets.map { $0.closedAt?.timeIntervalSince1970 })),
            try q.bind(tickets.map { Int64($0.reopenCount) }), try q.bind(NullableArray(tickets.map(\.assignee))),
            try q.bind(NullableArray(tickets.map(\.queue))), try q.bind(tickets.map { SQLiteStore.jsonArray($0.tags) }),
            try q.bind(NullableArray(tickets.map { $0.csat.map(Int64.init) })), try q.bind(tickets.map { Int64($0.contactCount) }),
            try q.bind(NullableArray(tickets.map(\.heldBy))), try q.bind(tickets.map { SQLiteStore.jsonStatusChanges($0.statusChanges) }),
            try q.bind(NullableArray(tickets.map { $0.agentReplies.map(SQLiteStore.jsonTimes) })),
            try q.bind(NullableArray(tickets.map { $0.customerMessages.map(SQLiteStore.jsonTimes) })),
        ]
        let types = [
            "text", "text", "text", "text", "text", "float8", "float8", "float8", "float8", "float8", "int8", "text", "text", "text", "int8",
            "int8", "text", "text", "text", "text",
        ]
        let unnest = zip(columns, types).map { "\($0)::\($1)[]" }.joined(separator: ", ")
        q.sql = """
            INSERT INTO ticket (provider, agent_id, batch_seq, id, site, channel, priority, status, created_at, updated_at, first_reply_at,
                solved_at, closed_at, reopen_count, assignee, queue, tags, csat, contact_count, held_by, status_changes, agent_replies,
                customer_messages)
            SELECT \(try q.bind(provider)), \(try q.bind(batch.agentId)), \(try q.bind(batch.seq)), u.*
            FROM UNNEST(\(unnest)) AS u
            ON CONFLICT (provider, id) DO UPDATE SET
                site = excluded.site, agent_id = excluded.agent_id, batch_seq = excluded.batch_seq,
                channel = excluded.channel, priority = excluded.priority, status = excluded.status,
                created_at = excluded.created_at, updated_at = excluded.updated_at,
                first_reply_at = excluded.first_reply_at, solved_at = excluded.solved_at,
                closed_at = excluded.closed_at, reopen_count = excluded.reopen_count,
                assignee = excluded.assignee, queue = excluded.queue, tags = excluded.tags, csat = excluded.csat,
                contact_count = excluded.contact_count, held_by = excluded.held_by,
                status_changes = excluded.status_changes, agent_replies = excluded.agent_replies,
                customer_messages = excluded.customer_messages
            WHERE excluded.updated_at > ticket.updated_at AND excluded.site = ticket.site
            """
        return q.query
    }

    static func upsertIntervals(_ intervals: [IntervalRecord], provider: String, batch: IncomingBatch) throws -> PostgresQuery {
        var q = QueryBuilder()
        func ints(_ path: KeyPath<IntervalRecord, Int>) -> [Int64] { intervals.map { Int64($0[keyPath: path]) } }
        func optionalInts(_ path: KeyPath<IntervalRecord, Int?>) -> NullableArray<Int64> { NullableArray(intervals.map { $0[keyPath: path].map(Int64.init) }) }
        let columns: [(String, String)] = [
            (try q.bind(intervals.map(\.site)), "text"), (try q.bind(intervals.map(\.queue)), "text"),
            (try q.bind(intervals.map(\.start.timeIntervalSince1970)), "float8"), (try q.bind(intervals.map(\.channel.rawValue)), "text"),
            (try q.bind(ints(\.minutes)), "int8"), (try q.bind(ints(\.thresholdSeconds)), "int8"), (try q.bind(ints(\.offered)), "int8"),
            (try q.bind(ints(\.answered)), "int8"), (try q.bind(ints(\.answeredWithinThreshold)), "int8"),
            (try q.bind(ints(\.abandoned)), "int8"), (try q.bind(ints(\.shortAbandons)), "int8"),
            (try q.bind(optionalInts(\.shortAbandonSeconds)), "int8"), (try q.bind(intervals.map(\.totalAnswerDelaySeconds)), "float8"),
            (try q.bind(ints(\.handled)), "int8"), (try q.bind(intervals.map(\.totalHandleTimeSeconds)), "float8"),
            (try q.bind(ints(\.csatResponses)), "int8"), (try q.bind(ints(\.csatSatisfied)), "int8"),
            (try q.bind(optionalInts(\.csatScoreSum)), "int8"), (try q.bind(ints(\.fcrResponses)), "int8"), (try q.bind(ints(\.fcrYes)), "int8"),
            (try q.bind(optionalInts(\.agentsStaffed)), "int8"), (try q.bind(intervals.map(\.updatedAt.timeIntervalSince1970)), "float8"),
        ]
        let unnest = columns.map { "\($0.0)::\($0.1)[]" }.joined(separator: ", ")
        q.sql = """
            INSERT INTO interval_metric (provider, agent_id, batch_seq, site, queue, start, channel, minutes, threshold_seconds,
                offered, answered, answered_within_threshold, abandoned, short_abandons, short_abandon_seconds,
                total_answer_delay_seconds, handled, total_handle_time_seconds, csat_responses, csat_satisfied, csat_score_sum,
                fcr_responses, fcr_yes, agents_staffed, updated_at)
            SELECT \(try q.bind(provider)), \(try q.bind(batch.agentId)), \(try q.bind(batch.seq)), u.*
            FROM UNNEST(\(unnest)) AS u
            ON CONFLICT (provider, site, queue, start) DO UPDATE SET
                agent_id = excluded.agent_id, batch_seq = excluded.batch_seq, channel = excluded.channel,
                minutes = excluded.minutes, threshold_seconds = excluded.threshold_seconds, offered = excluded.offered,
                answered = excluded.answered, answered_within_threshold = excluded.answered_within_threshold,
                abandoned = excluded.abandoned, short_abandons = excluded.short_abandons,
                short_abandon_seconds = excluded.short_abandon_seconds,
                total_answer_delay_seconds = excluded.total_answer_delay_seconds, handled = excluded.handled,
                total_handle_time_seconds = excluded.total_handle_time_seconds, csat_responses = excluded.csat_responses,
                csat_satisfied = excluded.csat_satisfied, csat_score_sum = excluded.csat_score_sum,
                fcr_responses = excluded.fcr_responses, fcr_yes = excluded.fcr_yes, agents_staffed = excluded.agents_staffed,
                updated_at = excluded.updated_at
            WHERE excluded.updated_at > interval_metric.updated_at
            """
        return q.query
    }

    static func upsertEvaluations(_ evaluations: [EvaluationRecord], provider: String, batch: IncomingBatch) throws -> PostgresQuery {
        var q = QueryBuilder()
        let encoder = WireJSON.encoder()
        let items = try evaluations.map { String(decoding: try encoder.encode($0.items), as: UTF8.self) }
        let columns: [(String, String)] = [
            (try q.bind(evaluations.map(\.id)), "text"), (try q.bind(evaluations.map(\.site)), "text"),
            (try q.bind(evaluations.map(\.interactionRef)), "text"), (try q.bind(NullableArray(evaluations.map { $0.channel?.rawValue })), "text"),
            (try q.bind(NullableArray(evaluations.map(\.queue))), "text"), (try q.bind(NullableArray(evaluations.map(\.agent))), "text"),
            (try q.bind(evaluations.map(\.evaluator)), "text"), (try q.bind(evaluations.map(\.scorecard)), "text"),
            (try q.bind(evaluations.map(\.scorecardVersion)), "text"), (try q.bind(evaluations.map(\.evaluatedAt.timeIntervalSince1970)), "float8"),
            (try q.bind(items), "text"), (try q.bind(evaluations.map { Int64($0.highImpactErrors) }), "int8"),
            (try q.bind(evaluations.map { Int64($0.lowImpactErrors) }), "int8"), (try q.bind(evaluations.map(\.score)), "float8"),
            (try q.bind(NullableArray(evaluations.map(\.comments))), "text"), (try q.bind(evaluations.map(\.updatedAt.timeIntervalSince1970)), "float8"),
        ]
        let unnest = columns.map { "\($0.0)::\($0.1)[]" }.joined(separator: ", ")
        q.sql = """
            INSERT INTO qa_evaluation (provider, agent_id, batch_seq, id, site, interaction_ref, channel, queue, agent, evaluator,
                scorecard, scorecard_version, evaluated_at, items, high_impact_errors, low_impact_errors, score, comments, updated_at)
            SELECT \(try q.bind(provider)), \(try q.bind(batch.agentId)), \(try q.bind(batch.seq)), u.*
            FROM UNNEST(\(unnest)) AS u
            ON CONFLICT (provider, id) DO UPDATE SET
                site = excluded.site, agent_id = excluded.agent_id, batch_seq = excluded.batch_seq,
                interaction_ref = excluded.interaction_ref, channel = excluded.channel, queue = excluded.queue, agent = excluded.agent,
                evaluator = excluded.evaluator, scorecard = excluded.scorecard, scorecard_version = excluded.scorecard_version,
                evaluated_at = excluded.evaluated_at, items = excluded.items, high_impact_errors = excluded.high_impact_errors,
                low_impact_errors = excluded.low_impact_errors, score = excluded.score, comments = excluded.comments,
                updated_at = excluded.updated_at
            WHERE excluded.updated_at > qa_evaluation.updated_at AND excluded.site = qa_evaluation.site
            """
        return q.query
    }
}
