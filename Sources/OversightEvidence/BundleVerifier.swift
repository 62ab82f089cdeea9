//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Verifies an evidence bundle offline: manifest, signatures, chains, then the month's figures recomputed from the
// signed batches alone (docs/evidence.md, "Verifying").
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightModel
import OversightSLA
import OversightWire

/// Checks a bundle folder and reports every difference. Reads only the bundle; links no store and no web framework.
package struct BundleVerifier: Sendable {
    let reader: BundleReader

    /// A verifier of the bundle in `directory`.
    package init(directory: String) {
        self.reader = BundleReader(directory: directory)
    }

    /// Runs every check. Never throws: an unreadable file is a finding, and the checks that need it are skipped.
    package func verify() -> VerificationReport {
        var report = VerificationReport()
        guard let manifest = self.checkManifest(&report) else { return report }
        let info: EvidenceBundleInfo
        let agents: [EvidenceAgent]
        let index: [EvidenceBatch]
        do {
            info = try self.reader.json(EvidenceBundleInfo.self, EvidenceFormat.bundle)
            agents = try self.reader.json([EvidenceAgent].self, EvidenceFormat.agents)
            index = try self.reader.json([EvidenceBatch].self, EvidenceFormat.batches)
        } catch {
            report.findings.append(VerificationFinding(.bundle, "bundle", error.message))
            return report
        }
        if info.format != EvidenceFormat.name || info.version != EvidenceFormat.version || info.provider != manifest.provider || info.month != manifest.month {
            report.findings.append(VerificationFinding(.bundle, EvidenceFormat.bundle, "format, version, provider or month differ from the manifest's"))
        }
        let batches = self.checkBatches(info: info, agents: agents, index: index, report: &report)
        var records = RecordSet()
        for batch in batches.sorted(by: { ($0.receivedAt, $0.payload.agentId, $0.payload.seq) < ($1.receivedAt, $1.payload.agentId, $1.payload.seq) }) {
            records.apply(batch.payload, provider: info.provider)
        }
        report.tickets = records.tickets.count
        report.intervals = records.intervals.count
        report.evaluations = records.evaluations.count
        self.checkDisputes(info: info, records: records, report: &report)
        self.recomputeFigures(info: info, records: records, report: &report)
        report.reconciliationLines = InvoiceCheck.check(reader: self.reader, info: info, records: records, findings: &report.findings)
        return report
    }

    // MARK: Manifest

    func checkManifest(_ report: inout VerificationReport) -> EvidenceManifest? {
        let manifest: EvidenceManifest
        do {
            manifest = try self.reader.json(EvidenceManifest.self, EvidenceFormat.manifest)
        } catch {
            report.findings.append(VerificationFinding(.bundle, EvidenceFormat.manifest, error.message))
            return nil
        }
        guard manifest.format == EvidenceFormat.name, manifest.version == EvidenceFormat.version else {
            report.findings.append(
                VerificationFinding(.bundle, EvidenceFormat.manifest, "format \(manifest.format.prefix(40)) version \(manifest.version) is not \(EvidenceFormat.name) version \(EvidenceFormat.version)")
            )
            return nil
        }
        var listed = Set<String>()
        var total: Int64 = 0
        for file in manifest.files {
            guard listed.insert(file.path).inserted else {
                report.findings.append(VerificationFinding(.manifest, file.path.prefix(200).description, "listed twice"))
                continue
            }
            do {
                let bytes = try self.reader.data(file.path)
                total += Int64(bytes.count)
                guard total <= EvidenceFormat.maxTotalBytes else {
                    report.findings.append(VerificationFinding(.bundle, "bundle", "more than \(EvidenceFormat.maxTotalBytes) bytes"))
                    return nil
                }
                let hash = JWS.sha256Hex(bytes)
                if hash != file.sha256.lowercased() || bytes.count != file.bytes {
                    report.findings.append(
                        VerificationFinding(.manifest, file.path, "SHA-256 \(hash.prefix(16))… (\(bytes.count) bytes) is not the manifest's \(file.sha256.prefix(16))… (\(file.bytes) bytes)")
                    )
                }
            } catch {
                report.findings.append(VerificationFinding(.manifest, file.path.prefix(200).description, "listed in the manifest: \(error.message)"))
            }
        }
        do {
            for path in try self.reader.allFiles() where path != EvidenceFormat.manifest && !listed.contains(path) {
                report.findings.append(VerificationFinding(.manifest, path, "not listed in the manifest"))
            }
        } catch {
            report.findings.append(VerificationFinding(.bundle, "bundle", error.message))
        }
        return manifest
    }

    // MARK: Batches

    struct VerifiedBatch {
        var payload: BatchPayload
        var receivedAt: Date
    }

    /// The seq of a batch file name `<10 digits>.jws.json`.
    static func seq(ofFile name: String) -> Int64? {
        guard name.hasSuffix(".jws.json") else { return nil }
        let digits = name.dropLast(".jws.json".count)
        guard !digits.isEmpty, digits.count <= 19, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int64(digits)
    }

    func checkBatches(info: EvidenceBundleInfo, agents: [EvidenceAgent], index: [EvidenceBatch], report: inout VerificationReport) -> [VerifiedBatch] {
        struct IndexKey: Hashable {
            var agent: String
            var seq: Int64
        }
        var indexed: [IndexKey: EvidenceBatch] = [:]
        for entry in index {
            if indexed.updateValue(entry, forKey: IndexKey(agent: entry.agentId, seq: entry.seq)) != nil {
                report.findings.append(VerificationFinding(.batch, EvidenceFormat.batches, "agent \(entry.agentId) batch \(entry.seq) is listed twice"))
            }
        }
        // Batch files by agent folder, from the folder itself (a file dropped from the bundle shows as a gap).
        var filesByAgent: [String: [String]] = [:]
        let all = (try? self.reader.allFiles()) ?? []
        for path in all where path.hasPrefix(EvidenceFormat.batchFolder + "/") {
            let parts = path.split(separator: "/")
            guard parts.count == 3, Self.seq(ofFile: String(parts[2])) != nil else {
                report.findings.append(VerificationFinding(.batch, path, "not a batch file name (batches/<agent id>/<seq>.jws.json)"))
                continue
            }
            filesByAgent[String(parts[1]), default: []].append(path)
        }
        let known = Set(agents.map(\.id))
        for agent in filesByAgent.keys.sorted() where !known.contains(agent) {
            report.findings.append(VerificationFinding(.batch, "\(EvidenceFormat.batchFolder)/\(agent)", "batches of an agent that \(EvidenceFormat.agents) does not list"))
        }
        var verified: [VerifiedBatch] = []
        for agent in agents {
            if agent.provider != info.provider {
                report.findings.append(VerificationFinding(.batch, "\(EvidenceFormat.agents) \(agent.id)", "agent of provider \(agent.provider), not \(info.provider)"))
            }
            let key: Curve25519SigningKey?
            do {
                key = try JWS.publicKey(of: agent.signingKey)
            } catch {
                report.findings.append(VerificationFinding(.signature, "\(EvidenceFormat.agents) \(agent.id)", "the registered signing key is not an Ed25519 JWK"))
                key = nil
            }
            var links: [ChainLink] = []
            for path in (filesByAgent[agent.id] ?? []).sorted() {
                guard let seq = Self.seq(ofFile: String(path.split(separator: "/").last ?? "")) else { continue }
                report.batches += 1
                let subject = "\(path) (agent \(agent.id) batch \(seq))"
                let jws: FlattenedJWS
                do {
                    jws = try self.reader.json(FlattenedJWS.self, path)
                } catch {
                    report.findings.append(VerificationFinding(.batch, subject, error.message))
                    links.append(ChainLink(seq: seq, hash: nil, prev: nil, file: path))
                    continue
                }
                let rawPayload = Base64URL.decode(jws.payload)
                let hash = rawPayload.map { JWS.sha256Hex($0) }
                let payload = rawPayload.flatMap { try? BatchPayloadDecoder.decode($0) }
                links.append(ChainLink(seq: seq, hash: hash, prev: payload?.prev, file: path))
                var valid = false
                if let key {
                    switch JWS.verify(jws, key: key, expectedKid: agent.id, expectedType: JWS.batchType) {
                    case .valid:
                        valid = true
                    case .invalid(let failure):
                        report.findings.append(VerificationFinding(.signature, subject, "\(failure.reason) (\(agent.id)'s registered key)"))
                    }
                }
                guard let payload else {
                    if valid { report.findings.append(VerificationFinding(.batch, subject, "the signed payload is not a batch payload")) }
                    continue
                }
                if payload.agentId != agent.id || payload.seq != seq || payload.provider != info.provider {
                    report.findings.append(
                        VerificationFinding(.batch, subject, "the payload names agent \(payload.agentId), seq \(payload.seq), provider \(payload.provider)")
                    )
                    valid = false
                }
                let entry = indexed[IndexKey(agent: agent.id, seq: seq)]
                if let entry {
                    if entry.hash != hash || entry.prev != payload.prev || entry.recordCount != payload.records.count || entry.file != path {
                        report.findings.append(
                            VerificationFinding(.batch, subject, "\(EvidenceFormat.batches) gives another hash, prev, record count or file than the batch itself")
                        )
                    }
                } else {
                    report.findings.append(VerificationFinding(.batch, subject, "not listed in \(EvidenceFormat.batches)"))
                }
                if valid {
                    report.verifiedBatches += 1
                    verified.append(VerifiedBatch(payload: payload, receivedAt: entry?.receivedAt ?? payload.sealedAt))
                }
            }
            for problem in ChainCheck.problems(links: links, lastSeq: agent.lastSeq, lastHash: agent.lastHash) {
                report.findings.append(VerificationFinding(.chain, "agent \(agent.id)", problem))
            }
        }
        return verified
    }

    // MARK: Disputes

    func checkDisputes(info: EvidenceBundleInfo, records: RecordSet, report: inout VerificationReport) {
        if let reason = info.unavailable?[EvidenceFormat.disputes] {
            report.findings.append(VerificationFinding(.bundle, EvidenceFormat.disputes, "not exported (\(reason.prefix(300))): disputes unverified"))
            return
        }
        let disputes: [EvidenceDispute]
        do {
            disputes = try self.reader.json([EvidenceDispute].self, EvidenceFormat.disputes)
        } catch {
            report.findings.append(VerificationFinding(.bundle, EvidenceFormat.disputes, error.message))
            return
        }
        report.disputes = disputes.count
        for dispute in disputes where records.evaluations[dispute.evaluationId] == nil {
            report.findings.append(
                VerificationFinding(.dispute, "\(EvidenceFormat.disputes) #\(dispute.id)", "evaluation \(dispute.evaluationId.prefix(128)) is in no verified batch")
            )
        }
        // Breach disputes (bundles from before breach disputes have none): each must be about a ticket of a verified batch.
        guard FileManager.default.fileExists(atPath: self.reader.root.appendingPathComponent(EvidenceFormat.breachDisputes).path) else { return }
        let breachDisputes: [EvidenceBreachDispute]
        do {
            breachDisputes = try self.reader.json([EvidenceBreachDispute].self, EvidenceFormat.breachDisputes)
        } catch {
            report.findings.append(VerificationFinding(.bundle, EvidenceFormat.breachDisputes, error.message))
            return
        }
        for dispute in breachDisputes where dispute.period == nil && records.tickets[dispute.ticketId] == nil {
            report.findings.append(
                VerificationFinding(.dispute, "\(EvidenceFormat.breachDisputes) #\(dispute.id)", "ticket \(dispute.ticketId.prefix(128)) is in no verified batch")
            )
        }
    }

    // MARK: Figures

    func recomputeFigures(info: EvidenceBundleInfo, records: RecordSet, report: inout VerificationReport) {
        func fail(_ message: String) {
            report.findings.append(VerificationFinding(.bundle, "figures", "not recomputed: \(message)"))
        }
        guard BundleReader.isSafe(info.contractFile), info.contractFile.hasPrefix(EvidenceFormat.contractFolder + "/") else {
            return fail("\(EvidenceFormat.bundle) names the contract file \(info.contractFile.prefix(200)), not one under \(EvidenceFormat.contractFolder)/")
        }
        let contract: Contract
        do {
            _ = try self.reader.data(info.contractFile)  // bounded and inside the bundle
            contract = try Contract.load(file: self.reader.root.appendingPathComponent(info.contractFile).path)
        } catch {
            return fail("the contract does not load: \(error)")
        }
        guard contract.provider == info.provider else { return fail("the contract is for \(contract.provider), not \(info.provider)") }
        let plan: MonthFigurePlan
        do {
            plan = try MonthFigurePlan(contract: contract, month: info.month, now: info.exportedAt)
        } catch {
            return fail(error.message)
        }
        let totals = RecordTotals(records: records, contract: contract, now: info.exportedAt)
        let recomputed = plan.items.map { item in
            EvidenceFigure(item: item, totals: totals.totals(match: item.target.match, from: item.period.start, to: item.period.end))
        }
        do {
            let stored = try self.reader.json(EvidenceFigures.self, EvidenceFormat.figures)
            report.findings += FigureComparison.figures(stored: stored.figures, recomputed: recomputed)
            if stored.provider != info.provider || stored.month != info.month || stored.computedAt != info.exportedAt {
                report.findings.append(VerificationFinding(.figure, EvidenceFormat.figures, "provider, month or computedAt differ from \(EvidenceFormat.bundle)"))
            }
        } catch {
            report.findings.append(VerificationFinding(.bundle, EvidenceFormat.figures, error.message))
        }
        report.figures = recomputed.count
        report.figuresRecomputed = true
        guard let credits = plan.credits else {
            if info.hasCreditStatement {
                report.findings.append(VerificationFinding(.credit, EvidenceFormat.credits, "the contract has no service credits in \(info.month), but the bundle has a statement"))
            }
            return
        }
        guard info.hasCreditStatement else {
            let why = info.unavailable?[EvidenceFormat.credits].map { " (not exported: \($0.prefix(300)))" } ?? ""
            report.findings.append(
                VerificationFinding(.credit, EvidenceFormat.credits, "missing: the contract has service credits in \(info.month)\(why); the statement is unverified")
            )
            return
        }
        let results = zip(plan.items, recomputed).filter { $0.0.bearsCredit }.map { item, figure in
            TargetResult(targetID: item.target.id, period: item.period, value: figure.value)
        }
        let statement: CreditStatement
        do {
            statement = try credits.statement(
                month: plan.month, targets: plan.version.aggregates, results: results, evidence: totals.evidence(from: plan.month.start, to: plan.month.end)
            )
        } catch {
            report.findings.append(VerificationFinding(.credit, EvidenceFormat.credits, "cannot recompute the statement: \(error.message)"))
            return
        }
        let mine = EvidenceCreditStatement(provider: info.provider, statement)
        report.creditLines = mine.lines.count
        do {
            let stored = try self.reader.json(EvidenceCreditStatement.self, EvidenceFormat.credits)
            report.findings += FigureComparison.credits(stored: stored, recomputed: mine)
        } catch {
            report.findings.append(VerificationFinding(.bundle, EvidenceFormat.credits, error.message))
        }
        self.recomputeDisputedStatement(info: info, contract: contract, plan: plan, credits: credits, totals: totals, records: records, report: &report)
    }

    // MARK: The statement after disputes

    /// Recomputes `disputed-credits.json`: the statement with every accepted dispute of `breach-disputes.json` applied —
    /// a disputed ticket out of its clock's attainment in the period of its breach (as the batches give it), a disputed
    /// period without its excluded time — after checking each dispute's effective state against the contract's
    /// decision time and default at the export instant.
    func recomputeDisputedStatement(
        info: EvidenceBundleInfo, contract: Contract, plan: MonthFigurePlan, credits: ServiceCredits, totals: RecordTotals, records: RecordSet,
        report: inout VerificationReport
    ) {
        guard info.hasDisputedStatement == true else { return }  // a bundle from before disputed statements
        let file = EvidenceFormat.disputedCredits
        let disputes: [EvidenceBreachDispute]
        do {
            disputes = try self.reader.json([EvidenceBreachDispute].self, EvidenceFormat.breachDisputes)
        } catch {
            report.findings.append(VerificationFinding(.credit, file, "not recomputed: \(EvidenceFormat.breachDisputes) \(error.message)"))
            return
        }
        var exclusions = DisputeExclusions()
        for dispute in disputes {
            let subject = "\(EvidenceFormat.breachDisputes) #\(dispute.id)"
            // The effective state follows from the stored one, the contract's decision time and its default.
            var effective = dispute.state
            if dispute.state == "open", let version = contract.version(at: dispute.period?.start ?? dispute.breachAt), let terms = version.disputes {
                let deadline = terms.decisionDeadline(openedAt: dispute.openedAt, calendar: version.calendar)
                if info.exportedAt >= deadline { effective = terms.defaultDecision == .accepted ? "accepted" : "rejected" }
            }
            if effective != dispute.effectiveState {
                report.findings.append(
                    VerificationFinding(.dispute, subject, "effective state: coordinator \(dispute.effectiveState.prefix(16)), contract \(effective.prefix(16))")
                )
            }
            guard effective == "accepted" else { continue }
            if let period = dispute.period {
                exclusions.windows.append(PeriodExclusion(targetID: period.target, periodStart: period.start, from: period.excludedFrom, to: period.excludedTo))
                continue
            }
            guard let ticket = records.tickets[dispute.ticketId]?.record else { continue }  // named by checkDisputes
            guard let breachAt = totals.breach(ticketId: dispute.ticketId, clock: dispute.clock) else {
                report.findings.append(VerificationFinding(.dispute, subject, "ticket \(dispute.ticketId.prefix(128)) has no \(dispute.clock.prefix(32)) breach in the batches"))
                continue
            }
            exclusions.tickets.append(TicketExclusion(ticket: ticket, clock: dispute.clock, breachAt: breachAt))
        }
        var results: [TargetResult] = []
        for item in plan.items where item.bearsCredit {
            let measured = totals.totals(match: item.target.match, from: item.period.start, to: item.period.end)
            let windows = exclusions.windows(of: item.target, in: item.period).map { totals.totals(match: item.target.match, from: $0.from, to: $0.to) }
            let adjusted = exclusions.apply(to: measured, target: item.target, period: item.period, windowTotals: windows)
            results.append(TargetResult(targetID: item.target.id, period: item.period, value: item.target.figure.value(in: adjusted)))
        }
        let statement: CreditStatement
        do {
            statement = try credits.statement(
                month: plan.month, targets: plan.version.aggregates, results: results, evidence: totals.evidence(from: plan.month.start, to: plan.month.end)
            )
        } catch {
            report.findings.append(VerificationFinding(.credit, file, "cannot recompute the statement: \(error.message)"))
            return
        }
        do {
            let stored = try self.reader.json(EvidenceCreditStatement.self, file)
            report.findings += FigureComparison.credits(stored: stored, recomputed: EvidenceCreditStatement(provider: info.provider, statement), file: file)
        } catch {
            report.findings.append(VerificationFinding(.bundle, file, error.message))
        }
    }
}

/// The signing key type of ``JWS``.
typealias Curve25519SigningKey = Curve25519.Signing.PublicKey
