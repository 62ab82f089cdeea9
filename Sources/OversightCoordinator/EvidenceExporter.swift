//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `evidence export`: everything one provider's month of figures rests on, written as a bundle that
// `oversight-verify` (or a provider's own tool, docs/evidence.md) checks offline.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightEvidence
import OversightModel
import OversightSLA
import OversightStore
import OversightStorePostgres

/// Writes evidence bundles from the coordinator's store (through the store protocols, so SQLite and PostgreSQL alike).
package struct EvidenceExporter: Sendable {
    let store: any CoordinatorStore
    let contracts: [String: Contract]
    let caPEM: String?

    /// What an export wrote.
    package struct Summary: Sendable {
        /// Files left out because the store does not serve their reads, with why.
        package var unavailable: [String: String] = [:]
        package var agents = 0
        package var batches = 0
        package var figures = 0
        package var creditLines = 0
        package var disputes = 0
        /// Reconciled invoice lines (0 when the month has no invoice).
        package var invoiceLines = 0
        package var files = 0
    }

    /// Creates an exporter.
    /// - Parameters:
    ///   - store: The coordinator's store.
    ///   - contracts: The loaded contracts by provider (``SLAEngine/loadContracts(directory:)``).
    ///   - caPEM: The coordinator's CA certificate, the issuer of the agents' certificates.
    package init(store: any CoordinatorStore, contracts: [String: Contract], caPEM: String?) {
        self.store = store
        self.contracts = contracts
        self.caPEM = caPEM
    }

    /// Exports `provider`'s `month` into `directory` (new or empty).
    /// - Parameter now: The instant the figures are computed at; recorded (to the millisecond) as `exportedAt`.
    /// - Throws: ``CoordinatorError`` for a bad month, an unknown provider, a provider without a contract or a
    ///   non-empty folder, before anything is written; ``EvidenceError`` when writing fails.
    package func export(provider: String, month: String, to directory: String, now: Date = Date()) async throws -> Summary {
        let now = Date(timeIntervalSince1970: (now.timeIntervalSince1970 * 1000).rounded() / 1000)
        do {
            _ = try MonthFigurePlan.firstDay(of: month)
        } catch {
            throw CoordinatorError(.invalidArgument, error.message)
        }
        let agents = try await self.store.agents().filter { $0.provider == provider }.sorted { $0.id < $1.id }
        guard let contract = self.contracts[provider] else {
            if agents.isEmpty {
                throw CoordinatorError(.invalidArgument, "unknown provider '\(provider.prefix(64))': no agent is enrolled for it and no contract names it")
            }
            throw CoordinatorError(.invalidArgument, "no contract is loaded for provider '\(provider.prefix(64))'; its figures cannot be exported")
        }
        let plan: MonthFigurePlan
        do {
            plan = try MonthFigurePlan(contract: contract, month: month, now: now)
        } catch {
            throw CoordinatorError(.invalidArgument, error.message)
        }
        var writer: BundleWriter
        do {
            writer = try BundleWriter(directory: directory)
        } catch {
            throw CoordinatorError(.invalidArgument, error.message)
        }
        var summary = Summary()

        let contractFile = try self.writeContract(contract, writer: &writer)
        if let caPEM = self.caPEM { try writer.write(Data(caPEM.utf8), to: EvidenceFormat.caCertificate) }

        try writer.writeJSON(
            agents.map { agent in
                EvidenceAgent(
                    id: agent.id, provider: agent.provider, site: agent.site, extraSites: agent.extraSites, signingKey: PublicJWK(x: agent.signingKey),
                    certificateSerial: agent.certificateSerial, certificateNotAfter: agent.certificateNotAfter, enrolledAt: agent.enrolledAt,
                    revokedAt: agent.revokedAt, lastSeq: agent.lastSeq, lastHash: agent.lastHash
                )
            },
            to: EvidenceFormat.agents
        )
        summary.agents = agents.count

        // Every batch of every agent of the provider: a month's tickets may be updated by batches of later months.
        var index: [EvidenceBatch] = []
        let compact = WireJSON.encoder()
        for agent in agents where agent.lastSeq > 0 {
            for seq in 1...agent.lastSeq {
                guard let batch = try await self.store.batch(agentId: agent.id, seq: seq) else { continue }
                let file = EvidenceFormat.batchFile(agentId: agent.id, seq: seq)
                try writer.write(try compact.encode(batch.jws), to: file)
                index.append(
                    EvidenceBatch(
                        agentId: agent.id, seq: seq, hash: batch.hash, prev: batch.prev, recordCount: batch.recordCount, receivedAt: batch.receivedAt,
                        file: file
                    )
                )
            }
        }
        try writer.writeJSON(index, to: EvidenceFormat.batches)
        summary.batches = index.count

        // A file whose reads a backend cannot serve would be left out and named in bundle.json's `unavailable`; both
        // stores now serve every read, so any error stops the export.
        var unavailable: [String: String] = [:]
        func optional<T>(_ file: String, _ read: () async throws -> T) async throws -> T? {
            try await read()
        }
        let disputes = try await optional(EvidenceFormat.disputes) {
            var disputes: [EvidenceDispute] = []
            for evaluation in try await self.store.evaluations(provider: provider, site: nil, from: plan.month.start, to: plan.month.end, limit: 100_000) {
                for dispute in try await self.store.disputes(provider: provider, evaluationId: evaluation.record.id) {
                    disputes.append(
                        EvidenceDispute(
                            id: dispute.id, evaluationId: dispute.evaluationId, openedBy: dispute.openedBy, openedAt: dispute.openedAt,
                            reason: dispute.reason, state: dispute.state.rawValue, decidedBy: dispute.decidedBy, decidedAt: dispute.decidedAt,
                            decisionNote: dispute.decisionNote
                        )
                    )
                }
            }
            return disputes
        }
        if let disputes {
            try writer.writeJSON(disputes.sorted { $0.id < $1.id }, to: EvidenceFormat.disputes)
            summary.disputes = disputes.count
        }

        // Disputes of the month's breaches and of its periods' figures (a week belongs to the month of its Sunday, so its
        // disputes may start in the month before). figures.json and credits.json stay the measured ones (what the batches
        // alone give); disputed-credits.json applies the accepted disputes on top.
        let earliest = plan.items.map(\.period.start).min().map { min($0, plan.month.start) } ?? plan.month.start
        let breachDisputes = try await self.store.breachDisputes(
            provider: provider, ticketId: nil, breachFrom: earliest, breachTo: plan.month.end
        ).map { dispute in
            let outcome = BreachDisputeOutcome(dispute: dispute, contract: self.contracts[provider], now: now)
            return EvidenceBreachDispute(
                id: dispute.id, ticketId: dispute.ticketId, clock: dispute.clock, breachAt: dispute.breachAt, openedBy: dispute.openedBy,
                openedAt: dispute.openedAt, reason: dispute.reason, note: dispute.note, state: dispute.state.rawValue, decidedBy: dispute.decidedBy,
                decidedAt: dispute.decidedAt, decisionNote: dispute.decisionNote, effectiveState: outcome.state.rawValue, byDefault: outcome.byDefault,
                decideBy: outcome.deadline,
                period: dispute.period.map {
                    EvidenceBreachDispute.Period(
                        target: $0.targetId, label: $0.label, start: $0.start, end: $0.end, excludedFrom: $0.excludedFrom, excludedTo: $0.excludedTo
                    )
                }
            )
        }
        try writer.writeJSON(breachDisputes, to: EvidenceFormat.breachDisputes)

        let evaluator = AggregateEvaluator(store: self.store, contracts: self.contracts)
        var figures: [EvidenceFigure] = []
        for item in plan.items {
            let totals = try await evaluator.totals(provider: provider, match: item.target.match, from: item.period.start, to: item.period.end)
            figures.append(EvidenceFigure(item: item, totals: totals))
        }
        try writer.writeJSON(EvidenceFigures(provider: provider, month: month, computedAt: now, figures: figures), to: EvidenceFormat.figures)
        summary.figures = figures.count

        var hasCreditStatement = false
        if plan.credits != nil,
            let statement = try await optional(EvidenceFormat.credits, { try await evaluator.creditStatement(provider: provider, month: month, now: now) })
        {
            let document = EvidenceCreditStatement(provider: provider, statement)
            try writer.writeJSON(document, to: EvidenceFormat.credits)
            summary.creditLines = document.lines.count
            hasCreditStatement = true
            let disputed = try await evaluator.disputedCreditStatement(provider: provider, month: month, disputes: self.store, now: now)
            try writer.writeJSON(EvidenceCreditStatement(provider: provider, disputed.statement), to: EvidenceFormat.disputedCredits)
        }

        summary.invoiceLines = try await self.writeInvoice(provider: provider, month: month, now: now, writer: &writer)

        let versions = contract.versions
        var inForce: [String] = []
        for (offset, version) in versions.enumerated() where version.effectiveFrom <= plan.month.lastDay {
            let next = offset + 1 < versions.count ? versions[offset + 1] : nil
            if next.map({ $0.effectiveFrom > plan.month.firstDay }) ?? true { inForce.append(version.effectiveFrom.description) }
        }
        if !inForce.contains(plan.version.effectiveFrom.description) { inForce.insert(plan.version.effectiveFrom.description, at: 0) }
        try writer.writeJSON(
            EvidenceBundleInfo(
                provider: provider, month: month, monthStart: plan.month.start, monthEnd: plan.month.end, timeZone: plan.month.timeZone.identifier,
                exportedAt: now, coordinatorVersion: oversightVersion, contractFile: contractFile, contractVersions: inForce,
                calendar: plan.version.calendarName, hasCreditStatement: hasCreditStatement, unavailable: unavailable.isEmpty ? nil : unavailable,
                hasDisputedStatement: hasCreditStatement
            ),
            to: EvidenceFormat.bundle
        )
        summary.unavailable = unavailable
        let manifest = try writer.finish(provider: provider, month: month)
        summary.files = manifest.files.count + 1
        return summary
    }

    /// Copies the contract file and the iCalendar files it names into `contract/`; returns the contract's bundle path.
    func writeContract(_ contract: Contract, writer: inout BundleWriter) throws -> String {
        guard let path = contract.file else {
            throw CoordinatorError(.invalidArgument, "the contract of \(contract.provider) was not loaded from a file")
        }
        let limit = 16 * 1024 * 1024
        func read(_ path: String) throws -> Data {
            guard let data = FileManager.default.contents(atPath: path) else { throw CoordinatorError(.io, "cannot read \(path)") }
            guard data.count <= limit else { throw CoordinatorError(.invalidArgument, "\(path) is larger than \(limit) bytes") }
            return data
        }
        let bytes = try read(path)
        let name = (path as NSString).lastPathComponent
        let bundlePath = EvidenceFormat.contractFolder + "/" + name
        try writer.write(bytes, to: bundlePath)
        let base = (path as NSString).deletingLastPathComponent
        var copied: Set<String> = []
        for ics in try ContractFiles.icsPaths(yaml: String(decoding: bytes, as: UTF8.self), file: path) where copied.insert(ics).inserted {
            guard BundleReader.isSafe(ics) else {
                throw CoordinatorError(
                    .invalidArgument,
                    "\(name): the iCalendar path \(ics.prefix(200)) is not relative to the contract file inside its folder; a bundle can only carry relative ones"
                )
            }
            try writer.write(try read((base as NSString).appendingPathComponent(ics)), to: EvidenceFormat.contractFolder + "/" + ics)
        }
        return bundlePath
    }
}
