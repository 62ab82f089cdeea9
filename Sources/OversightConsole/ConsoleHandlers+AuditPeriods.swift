//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The audits page's audit periods (seed commitments and acceptance verdicts), the verdict lines of the scorecard and
// provider pages, and `GET /api/v1/audit-periods` (AuditPeriods.swift computes them).
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import OversightLocalization
import OversightSLA
import OversightSampling
import OversightStore

extension ConsoleHandlers {
    /// The audit periods of `provider` `user` may see (404 out of scope); of one period when given.
    func auditPeriods(provider: String, period: String?, for user: ConsoleUser) async throws -> AuditPeriodsReport {
        guard user.canSee(provider: provider) else { throw ConsoleError.notFound("error.no_such_provider") }
        if let period { guard Self.isPeriodLabel(period) else { throw ConsoleError.badRequest("hoaudit.error.period") } }
        guard let files = self.configuration.sampling else { return AuditPeriodsReport(provider: provider, samplingPlan: false, periods: []) }
        // A label of the right shape that names no period (2026-W53 of a year without it) is a bad request too.
        if let period, let plan = try files.plan(provider: provider), ContractPeriod(sampleLabel: period, in: plan.timeZone) == nil {
            throw ConsoleError.badRequest("hoaudit.error.period")
        }
        return try await AuditPeriods.report(store: self.store, files: files, provider: provider, labels: period.map { [$0] }, now: self.now)
    }

    /// The providers `user` may see that have a sampling plan, from the given names.
    func sampledProviders(_ names: some Sequence<String>, for user: ConsoleUser) -> [String] {
        guard let files = self.configuration.sampling else { return [] }
        return Set(names).filter { user.canSee(provider: $0) && (try? files.plan(provider: $0)) != nil }.sorted()
    }

    /// The audits page's *Audit periods* section: per provider and period the verdict at the AQL and the seed
    /// commitment with its publication and, once closed, the seed and how to recompute the draw.
    func addAuditPeriods(to page: inout ConsolePage, provider: String?, context: ConsoleRequestContext) async throws {
        let user = try context.requireUser()
        let l = context.localizer
        var names = Set(try await self.store.evaluationProviders())
        names.formUnion(self.configuration.contracts.keys)
        names.formUnion(try await self.store.sampleRequests(provider: nil, period: nil).map(\.provider))
        if let provider { names = [provider] }
        var table = ConsoleTable(
            id: "audit-periods", title: l.t("aql.periods_title"),
            columns: [
                l.t("column.provider"), l.t("hoaudit.period"), l.t("aql.status"), l.t("aql.verdict"), l.t("aql.commitment"), l.t("aql.published"),
                l.t("aql.seed"),
            ],
            empty: l.t("aql.no_plans")
        )
        var recompute: [String] = []
        for name in self.sampledProviders(names, for: user) {
            let report = try await self.auditPeriods(provider: name, period: nil, for: user)
            let pl = l.in(timeZone: self.timeZone(of: name))
            for period in report.periods {
                let verdict = period.acceptance.map { AuditPeriods.verdictText($0, pl) } ?? l.t(period.status == "next" ? "aql.not_started" : "aql.no_terms")
                let state = period.acceptance?.state
                table.rows.append([
                    .link(name, "/audits?provider=\(ConsolePage.encode(name))#audit-periods"), .text(period.period),
                    .text(l.term("aql.period_status", period.status)),
                    .text(verdict, class: state == "rejected" ? "flagged" : (state == "accepted" ? "ok" : nil)),
                    .text(period.seed.commitment, class: "hash"), .text(AuditPeriods.publicationText(period.seed, pl), class: period.seed.changed || !period.seed.publishedBeforeStart ? "flagged" : nil),
                    .text(period.seed.seed ?? l.t("aql.seed_hidden"), class: "hash"),
                ])
                if let command = period.seed.recompute, recompute.count < 3 { recompute.append(command) }
            }
        }
        page.add("<section id=\"audit-periods\">")
        page.add(table)
        page.add("<p class=\"meta\">\(HTML.escape(l.t("aql.periods_explained")))</p>")
        if !recompute.isEmpty {
            page.add(
                "<p class=\"meta\">\(HTML.escape(l.t("aql.recompute")))</p><pre class=\"recompute\">"
                    + recompute.map { HTML.escape($0) }.joined(separator: "\n") + "</pre>"
            )
        }
        page.add("</section>")
    }

    /// "Audit acceptance 2026-11: accepted at AQL 2.5 % …" for the scorecard (`labels`: its month) and provider pages
    /// (`nil`: the open periods); empty when the provider has no sampling plan with acceptance terms.
    func acceptanceLines(provider: String, periods labels: [String]?, for user: ConsoleUser, _ l: Localizer) async throws -> [String] {
        guard let files = self.configuration.sampling, !self.sampledProviders([provider], for: user).isEmpty else { return [] }
        let report = try await AuditPeriods.report(store: self.store, files: files, provider: provider, labels: labels, now: self.now)
        return report.periods.compactMap { period in
            guard let acceptance = period.acceptance, labels != nil || period.status == "open" else { return nil }
            return l.t("aql.line", ["period": period.period, "verdict": AuditPeriods.verdictText(acceptance, l)])
        }
    }

    func addAuditPeriodAPIRoutes(to group: RouterGroup<ConsoleRequestContext>) {
        group.get("audit-periods") { request, context in
            let query = request.uri.queryParameters
            guard let provider = query.get("provider"), !provider.isEmpty else { throw ConsoleError.badRequest("hoaudit.error.provider_required") }
            return try Self.json(
                try await self.auditPeriods(provider: provider, period: query.get("period"), for: try context.requireUser())
            )
        }
    }
}
