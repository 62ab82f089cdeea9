//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One poll of a Request Tracker 5: the tickets changed since the cursor, with their histories, as records.
//
//===----------------------------------------------------------------------===//

internal import Foundation
package import OversightConfig
package import OversightModel

/// Polls RT's REST2 API for a `from: rt5` source.
///
/// A poll searches `(Queue = 'a' OR Queue = 'b') AND LastUpdated >= 'cursor'`, oldest change first, one page at a time;
/// each search starts again at the cursor the previous page moved, so a ticket updated while the poll runs is not
/// skipped by the pages shifting under it. For each ticket not yet taken at the cursor's second it reads the ticket
/// and its whole history (at most ``maxHistoryPages`` pages of 100 transactions), at most `concurrency` tickets at a
/// time, normalises them (``RequestTrackerTicket``) and maps them with the source's mapping. A failed request ends the
/// poll with an error and the cursor where it was.
package struct RequestTrackerSource: Sendable {
    /// One page's worth of tickets taken: the records, rejects and the cursor after them.
    package struct Batch: Sendable {
        /// The tickets' records.
        package var records: [Record]
        /// Tickets that could not be mapped: id and reason.
        package var rejects: [(id: String, reason: String)]
        /// The cursor to store with the records.
        package var cursor: RequestTrackerCursor
    }

    /// Most history pages read per ticket (100 transactions each).
    package static let maxHistoryPages = 20

    /// The source's configuration.
    package let configuration: SourceConfiguration
    let rt: RequestTrackerConfiguration
    let client: RequestTrackerClient
    let mapper: TicketRowMapper
    let nameKeys: [String]

    /// Creates the poller of a `from: rt5` source, reading its credentials.
    /// - Throws: ``RequestTrackerError`` when the source has no `rt5` block or its secret file cannot be used.
    package init(configuration: SourceConfiguration, pseudonymKey: [UInt8], redaction: RedactionConfiguration = .init()) throws(RequestTrackerError) {
        guard let rt = configuration.requestTracker else { throw RequestTrackerError(.credentials, "source \(configuration.name) has no rt5 block") }
        self.configuration = configuration
        self.rt = rt
        self.client = try RequestTrackerClient(configuration: rt)
        self.mapper = TicketRowMapper(mapping: configuration.mapping, pseudonymKey: pseudonymKey, redaction: redaction)
        self.nameKeys = redaction.nameFields + [configuration.mapping.fields[.assignee]].compactMap { $0 }
    }

    /// The TicketSQL search from `cursor`.
    package func query(from cursor: RequestTrackerCursor) -> String {
        let queues = self.rt.queues.map { "Queue = '\($0)'" }.joined(separator: " OR ")
        return "(\(queues)) AND LastUpdated >= '\(cursor.since) UTC'"
    }

    /// Reads up to `max_pages` pages from `cursor`, handing each page's batch to `take` (which stores it durably
    /// with its cursor) before the next page is searched.
    /// - Returns: the number of tickets taken.
    package func poll(
        from start: RequestTrackerCursor, provider: String, site: String, take: (Batch) async throws -> Void
    ) async throws -> Int {
        var cursor = start
        var taken = 0
        var page = 1
        var queueNames: [String: String] = [:]
        var pagesRead = 0
        var pagesSkipped = 0
        while pagesRead < self.rt.maxPages {
            let search = try await self.search(cursor: cursor, page: page)
            let fresh = search.items.filter { !(($0.updated == cursor.since) && cursor.takenAtSince.contains($0.id)) }
            if search.items.isEmpty { break }
            if fresh.isEmpty {
                // The whole page was taken at the cursor's second (re-found by `>=`): look further, without counting it
                // against max_pages, but never more pages than the tickets taken at that second can fill.
                pagesSkipped += 1
                guard search.more, pagesSkipped <= cursor.takenAtSince.count / max(1, self.rt.perPage) + 1 else { break }
                page += 1
                continue
            }
            pagesRead += 1
            pagesSkipped = 0
            page = 1
            let tickets = try await self.fetch(fresh.map(\.id), queueNames: &queueNames)
            var batch = Batch(records: [], rejects: [], cursor: cursor)
            for (item, ticket) in zip(fresh, tickets) {
                let fields = self.mapper.columns
                let names = self.nameKeys.compactMap { key -> String? in
                    guard case .success(let text?)? = ticket.value(at: key)?.text else { return nil }
                    return text
                }
                do {
                    batch.records.append(
                        try self.mapper.mapRecord(
                            provider: provider, site: site, fileDate: Date(), names: names,
                            cell: { field in fields[field].flatMap { ticket.value(at: $0) } },
                            label: { field in "key \"\(fields[field] ?? field.rawValue)\"" }
                        )
                    )
                } catch {
                    batch.rejects.append((item.id, error.message))
                }
                if item.updated == batch.cursor.since {
                    batch.cursor.takenAtSince.append(item.id)
                } else if item.updated > batch.cursor.since {
                    batch.cursor = RequestTrackerCursor(since: item.updated, takenAtSince: [item.id])
                }
            }
            try await take(batch)
            taken += fresh.count
            cursor = batch.cursor
            if !search.more && fresh.count == search.items.count { break }
        }
        return taken
    }

    /// One page of the search: ticket ids with their `LastUpdated` in TicketSQL form.
    func search(cursor: RequestTrackerCursor, page: Int) async throws(RequestTrackerError) -> (items: [(id: String, updated: String)], more: Bool) {
        let query = self.query(from: cursor)
        let path = "/tickets?query=\(Self.encode(query))&orderby=LastUpdated&order=ASC&orderby=id&order=ASC"
            + "&fields=LastUpdated&per_page=\(self.rt.perPage)&page=\(page)"
        let answer = try await self.client.get(path)
        guard let items = answer.value(at: "items")?.items else {
            throw RequestTrackerError(.badResponse, "RT's search answer has no items array")
        }
        var result: [(id: String, updated: String)] = []
        for item in items.prefix(self.rt.perPage) {
            guard let id = item.value(at: "id")?.string, let date = VendorTime.date(item.value(at: "LastUpdated")) else {
                throw RequestTrackerError(.badResponse, "RT's search answer has an item without id or LastUpdated")
            }
            result.append((id, RequestTrackerCursor.sqlTime(date)))
        }
        let pages = answer.value(at: "pages").flatMap { $0.string.flatMap(Int.init) }
        let more = pages.map { page < $0 } ?? (items.count >= self.rt.perPage)
        return (result, more)
    }

    /// The normalised tickets, in the order of `ids`, at most `concurrency` at a time; queue names are looked up once
    /// per poll into `names`.
    func fetch(_ ids: [String], queueNames names: inout [String: String]) async throws -> [JSONValue] {
        var results: [String: (ticket: JSONValue, history: [JSONValue])] = [:]
        try await withThrowingTaskGroup(of: (String, JSONValue, [JSONValue]).self) { group in
            var next = 0
            func start() {
                guard next < ids.count else { return }
                let id = ids[next]
                next += 1
                group.addTask { (id, try await self.client.get("/ticket/\(id)"), try await self.history(of: id)) }
            }
            for _ in 0 ..< max(1, self.rt.concurrency) { start() }
            while let (id, ticket, history) = try await group.next() {
                results[id] = (ticket, history)
                start()
            }
        }
        var tickets: [JSONValue] = []
        for id in ids {
            guard let (ticket, history) = results[id] else { continue }
            if let queue = RequestTrackerTicket.reference(ticket.value(at: "Queue")), names[queue] == nil {
                names[queue] = try await self.client.get("/queue/\(queue)").value(at: "Name")?.string ?? queue
            }
            tickets.append(RequestTrackerTicket.normalise(ticket: ticket, transactions: history, queueNames: names))
        }
        return tickets
    }

    /// A ticket's transactions, oldest first.
    func history(of id: String) async throws(RequestTrackerError) -> [JSONValue] {
        var transactions: [JSONValue] = []
        for page in 1 ... Self.maxHistoryPages {
            let answer = try await self.client.get(
                "/ticket/\(id)/history?fields=Type,Field,OldValue,NewValue,Created,Creator&per_page=100&page=\(page)"
            )
            let items = answer.value(at: "items")?.items ?? []
            transactions += items
            let pages = answer.value(at: "pages").flatMap { $0.string.flatMap(Int.init) } ?? 1
            if items.isEmpty || page >= pages { break }
        }
        return transactions
    }

    /// Percent-encodes a query parameter.
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
