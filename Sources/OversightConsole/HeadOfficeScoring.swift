//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Head-office scoring of sampled interactions and calibration against the provider's QA: what the pages and the API
// read and write (docs/audits.md "Head-office scoring", "Calibration").
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightAlerts
import OversightModel
import OversightSLA
import OversightSampling
import OversightStore

extension ConsoleRole {
    /// Whether the role may score sampled interactions at head office: head-office admins, supervisors and auditors
    /// (never provider staff or viewers).
    package var canScore: Bool { self == .admin || self == .supervisor || self == .auditor }
}

// MARK: Views

/// A sample request with how far it came.
package struct SampleRequestView: Sendable, Codable {
    package var id: String
    package var provider: String
    package var site: String
    package var agentId: String
    package var period: String
    package var seedCommitment: String
    package var createdAt: Date
    /// When the agent took it; absent while it is still to be sent.
    package var acknowledgedAt: Date?
    package var requested: Int
    package var returned: Int
    package var missing: Int
    /// Requested tickets the agent has not answered for yet.
    package var pending: Int
    /// Returned interactions with at least one head-office evaluation.
    package var scored: Int
}

/// One requested ticket: returned (with its redacted text in the detail), missing with the reason, or pending.
package struct InteractionView: Sendable, Codable {
    package var ticketId: String
    /// `returned`, `missing` or `pending`.
    package var status: String
    package var reason: String?
    package var format: String?
    /// The redacted text (only in an interaction's detail).
    package var text: String?
    package var redactions: [String: Int]?
    package var updatedAt: Date?
    /// The newest head-office evaluation's id and score, if scored.
    package var headOfficeEvaluationId: String?
    package var headOfficeScore: Double?
}

/// `GET /api/v1/samples/{provider}/{request}`.
package struct SampleRequestDetail: Sendable, Codable {
    package var request: SampleRequestView
    package var interactions: [InteractionView]
}

/// A scorecard item as the form shows it.
package struct ScorecardItemView: Sendable, Codable {
    package var section: String
    package var id: String
    package var text: String
    package var weight: Double
    package var impact: String
    package var naAllowed: Bool
    package var communicationStyle: Bool
}

/// The scorecard version in force on the interaction's date, as the form shows it.
package struct ScorecardFormView: Sendable, Codable {
    package var id: String
    package var name: String?
    package var version: String
    package var effectiveFrom: String
    package var highImpactZeroes: Bool
    /// The day the version was chosen for (the ticket's creation, else the request's), `YYYY-MM-DD` UTC.
    package var interactionDate: String
    package var items: [ScorecardItemView]
}

/// `GET /api/v1/samples/{provider}/{request}/{ticket}`: the interaction, the scorecard to score it on, and its
/// head-office evaluations so far (newest first).
package struct InteractionDetail: Sendable, Codable {
    package var request: SampleRequestView
    package var interaction: InteractionView
    package var scorecard: ScorecardFormView?
    /// Why there is no scorecard to score it on (none loaded, none in force on the date).
    package var scorecardProblem: String?
    package var evaluations: [HeadOfficeEvaluation]
}

/// `GET /api/v1/head-office-evaluations/{provider}/{id}`.
package struct HeadOfficeEvaluationDetail: Sendable, Codable {
    package var evaluation: HeadOfficeEvaluation
    /// Items left N/A, in scorecard order (when the scorecard version is still loaded).
    package var notApplicable: [String]?
    package var disputes: [StoredDispute]
}

/// `POST /api/v1/samples/{provider}/{request}/{ticket}/evaluations`.
struct HeadOfficeScoreRequest: Decodable {
    /// The scorecard id; may be left out when head office has one scorecard, or the provider's evaluation of the ticket names a loaded one.
    var scorecard: String?
    /// Every item of the version in force: `pass`, `fail` or `na` (only where the scorecard allows N/A).
    var items: [String: String]
    var comments: String?
}

/// One interaction both head office and the provider's QA scored on the same scorecard.
package struct CalibrationPairView: Sendable, Codable {
    package var ticketId: String
    package var period: String
    package var headOfficeEvaluationId: String
    package var providerEvaluationId: String
    /// The provider's evaluator (a pseudonym).
    package var evaluator: String
    package var scorecard: String
    package var scorecardVersion: String
    /// The provider's total as head office recomputes it (`providerScoreSource` `recomputed`), else as the provider sent it.
    package var providerScore: Double
    package var providerScoreSource: String
    package var headOfficeScore: Double
    /// providerScore − headOfficeScore.
    package var difference: Double
    /// Scorecard items compared, and those rated alike.
    package var items: Int
    package var itemsAgreed: Int
}

/// Agreement and leniency over a set of pairs.
package struct CalibrationFigures: Sendable, Codable {
    /// The provider's evaluator (pseudonym); absent for the provider as a whole.
    package var evaluator: String?
    package var pairs: Int
    /// Items compared (pairs × scorecard items).
    package var items: Int
    package var percentAgreement: Double?
    package var cohenKappa: Double?
    package var gwetAC1: Double?
    /// Sign test: pairs where the provider scored higher, lower, alike (within 0.01).
    package var providerHigher: Int
    package var headOfficeHigher: Int
    package var ties: Int
    /// One-sided p-value of the exact sign test (provider more lenient).
    package var pValue: Double
    package var meanDifference: Double?
    package var medianDifference: Double?
    /// p < 0.05 with at least ``LeniencyRule/minimumPairs`` pairs.
    package var lenient: Bool
}

/// `GET /api/v1/calibration`: one provider's calibration for one period (or all periods).
package struct CalibrationReport: Sendable, Codable {
    package var provider: String
    package var period: String?
    /// The rating categories of the item tables: 3 (pass, fail, N/A) when a compared item allows N/A, else 2.
    package var categories: Int
    package var minimumPairs: Int
    package var significance: Double
    package var overall: CalibrationFigures
    package var evaluators: [CalibrationFigures]
    package var pairs: [CalibrationPairView]
}

extension ConsoleHandlers {
    /// Most sample requests, head-office evaluations and pairs one listing reads.
    static let scoringReadLimit = 10_000

    // MARK: Sample requests

    func requestView(_ request: SampleRequestRow, interactions: [StoredInteraction], scoredTickets: Set<String>) -> SampleRequestView {
        let byTicket = Dictionary(interactions.map { ($0.record.ticketId, $0.record) }, uniquingKeysWith: { a, b in a.updatedAt >= b.updatedAt ? a : b })
        let requested = Set(request.ticketIds)
        let returned = requested.filter { byTicket[$0]?.status == .returned }
        let missing = requested.filter { byTicket[$0]?.status == .missing }.count
        return SampleRequestView(
            id: request.id, provider: request.provider, site: request.site, agentId: request.agentId, period: request.period,
            seedCommitment: request.seedCommitment, createdAt: request.createdAt, acknowledgedAt: request.acknowledgedAt,
            requested: requested.count, returned: returned.count, missing: missing, pending: requested.count - returned.count - missing,
            scored: returned.filter { scoredTickets.contains($0) }.count
        )
    }

    /// The sample requests `user` may see, of `provider` and `period` when given, newest first.
    func sampleRequests(for user: ConsoleUser, provider: String?, period: String?) async throws -> [SampleRequestView] {
        if let provider, !user.canSee(provider: provider) { return [] }
        let rows = try await self.store.sampleRequests(provider: provider, period: period).filter { user.canSee(provider: $0.provider) }
        var scored: [String: Set<String>] = [:]
        var views: [SampleRequestView] = []
        for row in rows.prefix(Self.scoringReadLimit) {
            if scored[row.provider] == nil {
                scored[row.provider] = Set(
                    try await self.store.headOfficeEvaluations(provider: row.provider, period: nil, ticketId: nil, limit: Self.scoringReadLimit).map(\.ticketId)
                )
            }
            views.append(self.requestView(row, interactions: try await self.store.interactions(requestId: row.id), scoredTickets: scored[row.provider] ?? []))
        }
        return views
    }

    /// A request of `provider` (404 when unknown or out of scope), with its interactions.
    func sampleRequestRow(provider: String, id: String, for user: ConsoleUser) async throws -> (SampleRequestRow, [StoredInteraction]) {
        guard user.canSee(provider: provider), let row = try await self.store.sampleRequest(id: id), row.provider == provider else {
            throw ConsoleError.notFound("hoaudit.error.no_such_request")
        }
        return (row, try await self.store.interactions(requestId: id))
    }

    func sampleRequestDetail(provider: String, id: String, for user: ConsoleUser) async throws -> SampleRequestDetail {
        let (row, interactions) = try await self.sampleRequestRow(provider: provider, id: id, for: user)
        let evaluations = try await self.store.headOfficeEvaluations(provider: provider, period: nil, ticketId: nil, limit: Self.scoringReadLimit)
            .filter { $0.requestId == id }
        let view = self.requestView(row, interactions: interactions, scoredTickets: Set(evaluations.map(\.ticketId)))
        let byTicket = Dictionary(interactions.map { ($0.record.ticketId, $0.record) }, uniquingKeysWith: { a, b in a.updatedAt >= b.updatedAt ? a : b })
        var seen = Set<String>()
        let list = row.ticketIds.filter { seen.insert($0).inserted }.map { ticket in
            Self.interactionView(ticket: ticket, record: byTicket[ticket], newest: evaluations.first { $0.ticketId == ticket }, withText: false)
        }
        return SampleRequestDetail(request: view, interactions: list)
    }

    static func interactionView(ticket: String, record: InteractionRecord?, newest: HeadOfficeEvaluation?, withText: Bool) -> InteractionView {
        InteractionView(
            ticketId: ticket, status: record?.status.rawValue ?? "pending", reason: record?.reason, format: record?.format?.rawValue,
            text: withText ? record?.text : nil, redactions: record?.redactions, updatedAt: record?.updatedAt,
            headOfficeEvaluationId: newest?.id, headOfficeScore: newest?.score
        )
    }

    // MARK: Scoring

    /// The scorecard to score `ticket` on: `requested`, else the one the provider's evaluation of the ticket names, else
    /// head office's only (or first) scorecard; its version in force on `date`.
    func scorecard(for provider: String, ticket: String, date: Date, requested: String?) async throws -> Result<(OversightSLA.Scorecard, ScorecardVersion), ConsoleError> {
        let catalog = self.configuration.scorecards
        guard !catalog.isEmpty else { return .failure(ConsoleError.badRequest("hoaudit.error.no_scorecards")) }
        var id = requested
        if id == nil {
            let named = try await self.store.providerEvaluations(provider: provider, interactionRefs: [ticket]).map(\.record.scorecard)
            id = named.last { catalog.scorecards[$0] != nil } ?? (catalog.scorecards.keys.sorted().first)
        }
        guard let id, let scorecard = catalog.scorecards[id] else {
            return .failure(ConsoleError.badRequest("hoaudit.error.unknown_scorecard", ["scorecard": requested ?? ""]))
        }
        guard let version = scorecard.version(at: date) else {
            return .failure(ConsoleError.badRequest("hoaudit.error.no_version_in_force", ["scorecard": id, "date": Self.day(date)]))
        }
        return .success((scorecard, version))
    }

    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// The date an interaction's scorecard version is chosen by: its ticket's creation, else the request's.
    func interactionDate(provider: String, ticket: String, request: SampleRequestRow) async throws -> Date {
        try await self.store.ticket(provider: provider, id: ticket)?.record.createdAt ?? request.createdAt
    }

    static func formView(_ scorecard: OversightSLA.Scorecard, _ version: ScorecardVersion, date: Date) -> ScorecardFormView {
        ScorecardFormView(
            id: scorecard.id, name: scorecard.name, version: version.version, effectiveFrom: version.effectiveFrom.description,
            highImpactZeroes: version.highImpactZeroes, interactionDate: Self.day(date),
            items: version.sections.flatMap { section in
                section.items.map {
                    ScorecardItemView(
                        section: section.title ?? section.id, id: $0.id, text: $0.text, weight: $0.weight, impact: $0.impact.rawValue,
                        naAllowed: $0.naAllowed, communicationStyle: $0.communicationStyle
                    )
                }
            }
        )
    }

    func interactionDetail(provider: String, requestId: String, ticket: String, for user: ConsoleUser, scorecard requested: String? = nil) async throws
        -> InteractionDetail
    {
        let (row, interactions) = try await self.sampleRequestRow(provider: provider, id: requestId, for: user)
        guard row.ticketIds.contains(ticket) else { throw ConsoleError.notFound("hoaudit.error.not_requested") }
        let record = interactions.filter { $0.record.ticketId == ticket }.max { $0.record.updatedAt < $1.record.updatedAt }?.record
        let evaluations = try await self.store.headOfficeEvaluations(provider: provider, period: nil, ticketId: ticket, limit: 100)
            .filter { $0.requestId == requestId }
        let scored = Set(
            try await self.store.headOfficeEvaluations(provider: provider, period: nil, ticketId: nil, limit: Self.scoringReadLimit)
                .filter { $0.requestId == requestId }.map(\.ticketId)
        )
        var detail = InteractionDetail(
            request: self.requestView(row, interactions: interactions, scoredTickets: scored),
            interaction: Self.interactionView(ticket: ticket, record: record, newest: evaluations.first, withText: true),
            evaluations: evaluations
        )
        let date = try await self.interactionDate(provider: provider, ticket: ticket, request: row)
        switch try await self.scorecard(for: provider, ticket: ticket, date: date, requested: requested) {
        case .success(let (scorecard, version)): detail.scorecard = Self.formView(scorecard, version, date: date)
        case .failure(let error): detail.scorecardProblem = error.message
        }
        return detail
    }

    /// Scores a returned interaction: every item of the version in force `pass`, `fail` or `na`; stores the head-office
    /// evaluation with the total the scorecard computes, then checks the provider's leniency for the period.
    func scoreInteraction(
        provider: String, requestId: String, ticket: String, scorecard requested: String?, results: [String: String], comments: String?,
        by user: ConsoleUser
    ) async throws -> HeadOfficeEvaluation {
        let (row, interactions) = try await self.sampleRequestRow(provider: provider, id: requestId, for: user)
        guard row.ticketIds.contains(ticket) else { throw ConsoleError.notFound("hoaudit.error.not_requested") }
        guard user.role.canScore else { throw ConsoleError.forbidden("hoaudit.error.score_head_office_only") }
        guard let interaction = interactions.first(where: { $0.record.ticketId == ticket })?.record else {
            throw ConsoleError(.conflict, status: .conflict, "hoaudit.error.not_returned")
        }
        guard interaction.status == .returned else { throw ConsoleError(.conflict, status: .conflict, "hoaudit.error.not_returned") }
        let date = try await self.interactionDate(provider: provider, ticket: ticket, request: row)
        let (scorecard, version): (OversightSLA.Scorecard, ScorecardVersion)
        switch try await self.scorecard(for: provider, ticket: ticket, date: date, requested: requested) {
        case .success(let found): (scorecard, version) = found
        case .failure(let error): throw error
        }
        guard results.count <= 1_000 else { throw ConsoleError.badRequest("hoaudit.error.unknown_item", ["item": "…"]) }
        let items = version.items
        for key in results.keys.sorted() where !items.contains(where: { $0.id == key }) {
            throw ConsoleError.badRequest("hoaudit.error.unknown_item", ["item": String(key.prefix(100))])
        }
        var evaluationItems: [EvaluationItem] = []
        for item in items {
            guard let result = results[item.id] else { throw ConsoleError.badRequest("hoaudit.error.item_unrated", ["item": item.id]) }
            switch result {
            case "pass", "fail":
                evaluationItems.append(
                    EvaluationItem(item: item.id, passed: result == "pass", impact: item.impact == .high ? .high : .low, weight: item.weight)
                )
            case "na":
                guard item.naAllowed else { throw ConsoleError.badRequest("hoaudit.error.na_not_allowed", ["item": item.id]) }
            default:
                throw ConsoleError.badRequest("hoaudit.error.bad_result", ["item": item.id])
            }
        }
        var remark: String?
        if let comments, !comments.trimmingCharacters(in: Self.space).isEmpty {
            try Self.checkLength(comments, "comments")
            guard !comments.contains("\u{0}") else { throw ConsoleError.badRequest("error.text_nul", ["field": "comments"]) }
            remark = comments
        }
        let score: ScorecardScore
        switch version.score(evaluationItems) {
        case .success(let computed): score = computed
        case .failure(let problem): throw ConsoleError.badRequest("hoaudit.error.unscorable", ["detail": problem.message])
        }
        let evaluation = HeadOfficeEvaluation(
            id: HeadOfficeEvaluation.newId(), provider: provider, site: interaction.site, requestId: requestId, ticketId: ticket, period: row.period,
            scorecard: scorecard.id, scorecardVersion: version.version, items: evaluationItems, score: score.score, zeroed: score.zeroed,
            highImpactErrors: score.failedHighImpact.count, lowImpactErrors: score.failedLowImpact.count, evaluator: user.username,
            evaluatorRole: user.role.rawValue, evaluatedAt: self.now, comments: remark
        )
        try await Self.annotating { try await self.store.addHeadOfficeEvaluation(evaluation) }
        await self.checkLeniency(provider: provider, period: row.period)
        return evaluation
    }

    func headOfficeEvaluationDetail(provider: String, id: String, for user: ConsoleUser) async throws -> HeadOfficeEvaluationDetail {
        guard user.canSee(provider: provider), let evaluation = try await self.store.headOfficeEvaluation(provider: provider, id: id) else {
            throw ConsoleError.notFound("hoaudit.error.no_such_evaluation")
        }
        var notApplicable: [String]?
        if let version = self.configuration.scorecards.version(scorecard: evaluation.scorecard, version: evaluation.scorecardVersion),
            case .success(let score) = version.score(evaluation.items)
        {
            notApplicable = score.notApplicable
        }
        return HeadOfficeEvaluationDetail(
            evaluation: evaluation, notApplicable: notApplicable,
            disputes: try await self.store.disputes(provider: provider, evaluationId: id, subject: .headOfficeEvaluation)
        )
    }

    func openHeadOfficeDispute(provider: String, id: String, reason: String, by user: ConsoleUser) async throws -> StoredDispute {
        guard user.canSee(provider: provider), try await self.store.headOfficeEvaluation(provider: provider, id: id) != nil else {
            throw ConsoleError.notFound("hoaudit.error.no_such_evaluation")
        }
        guard user.role.canDispute else { throw ConsoleError.forbidden("error.dispute_evaluation_provider_only") }
        return try await Self.annotating {
            try await self.store.openDispute(provider: provider, evaluationId: id, subject: .headOfficeEvaluation, by: user.username, reason: reason, at: self.now)
        }
    }

    func decideHeadOfficeDispute(provider: String, id: String, decision text: String, note: String, by user: ConsoleUser) async throws -> StoredDispute {
        guard user.canSee(provider: provider), try await self.store.headOfficeEvaluation(provider: provider, id: id) != nil else {
            throw ConsoleError.notFound("hoaudit.error.no_such_evaluation")
        }
        guard user.role.canDecideDisputes else { throw ConsoleError.forbidden("error.decide_dispute_auditor_only") }
        guard let decision = DisputeState(rawValue: text), decision != .open else { throw ConsoleError.badRequest("error.decision_upheld_rejected") }
        return try await Self.annotating {
            try await self.store.decideDispute(
                provider: provider, evaluationId: id, subject: .headOfficeEvaluation, decision: decision, by: user.username, note: note, at: self.now
            )
        }
    }

    // MARK: Calibration

    /// The calibration of `provider`'s QA against head office, for `period` (every period when `nil`).
    ///
    /// A pair is a ticket's newest head-office evaluation and the provider's newest evaluation of the same ticket
    /// (`interactionRef`) on the same scorecard id. Items are compared on the head-office evaluation's scorecard version:
    /// pass, fail, or N/A (no result).
    func calibration(provider: String, period: String?) async throws -> CalibrationReport {
        let evaluations = try await self.store.headOfficeEvaluations(provider: provider, period: period, ticketId: nil, limit: Self.scoringReadLimit)
        var newest: [String: HeadOfficeEvaluation] = [:]
        for evaluation in evaluations where newest[evaluation.ticketId] == nil { newest[evaluation.ticketId] = evaluation }
        let providerEvaluations = try await self.store.providerEvaluations(provider: provider, interactionRefs: Array(newest.keys))
        let catalog = self.configuration.scorecards
        struct Compared {
            var pair: CalibrationPairView
            var ratings: [(provider: ItemRating, headOffice: ItemRating)]
        }
        var compared: [Compared] = []
        var naPossible = false
        for ticket in newest.keys.sorted() {
            guard let ho = newest[ticket], let version = catalog.version(scorecard: ho.scorecard, version: ho.scorecardVersion) else { continue }
            let candidates = providerEvaluations.map(\.record).filter { $0.interactionRef == ticket && $0.scorecard == ho.scorecard }
            guard let theirs = candidates.max(by: { ($0.evaluatedAt, $0.id) < ($1.evaluatedAt, $1.id) }) else { continue }
            let recomputed = ScoreRecomputation(theirs, catalog: catalog).score
            let providerScore = recomputed ?? theirs.score
            var ratings: [(provider: ItemRating, headOffice: ItemRating)] = []
            let hoItems = Dictionary(ho.items.map { ($0.item, $0.passed) }, uniquingKeysWith: { a, _ in a })
            let theirItems = Dictionary(theirs.items.map { ($0.item, $0.passed) }, uniquingKeysWith: { a, _ in a })
            for item in version.items {
                if item.naAllowed { naPossible = true }
                func rating(_ passed: Bool?) -> ItemRating { passed.map { $0 ? .pass : .fail } ?? .notApplicable }
                ratings.append((rating(theirItems[item.id]), rating(hoItems[item.id])))
            }
            compared.append(
                Compared(
                    pair: CalibrationPairView(
                        ticketId: ticket, period: ho.period, headOfficeEvaluationId: ho.id, providerEvaluationId: theirs.id, evaluator: theirs.evaluator,
                        scorecard: ho.scorecard, scorecardVersion: ho.scorecardVersion, providerScore: providerScore,
                        providerScoreSource: recomputed == nil ? "provider" : "recomputed", headOfficeScore: ho.score,
                        difference: providerScore - ho.score, items: ratings.count, itemsAgreed: ratings.filter { $0.provider == $0.headOffice }.count
                    ),
                    ratings: ratings
                )
            )
        }
        let categories = naPossible ? 3 : 2
        func figures(_ group: [Compared], evaluator: String?) -> CalibrationFigures {
            var table = AgreementTable(categories: categories)
            var items = 0
            for entry in group {
                for rating in entry.ratings where rating.provider.rawValue < categories && rating.headOffice.rawValue < categories {
                    table.add(rating.provider.rawValue, rating.headOffice.rawValue)
                    items += 1
                }
            }
            let test = SignTest(differences: group.map(\.pair.difference))
            return CalibrationFigures(
                evaluator: evaluator, pairs: group.count, items: items, percentAgreement: table.percentAgreement, cohenKappa: table.cohenKappa,
                gwetAC1: table.gwetAC1, providerHigher: test.positive, headOfficeHigher: test.negative, ties: test.ties, pValue: test.pValue,
                meanDifference: test.meanDifference, medianDifference: test.medianDifference, lenient: LeniencyRule.isLenient(test)
            )
        }
        let byEvaluator = Dictionary(grouping: compared, by: \.pair.evaluator)
        return CalibrationReport(
            provider: provider, period: period, categories: categories, minimumPairs: LeniencyRule.minimumPairs,
            significance: LeniencyRule.significance, overall: figures(compared, evaluator: nil),
            evaluators: byEvaluator.keys.sorted().map { figures(byEvaluator[$0] ?? [], evaluator: $0) }, pairs: compared.map(\.pair)
        )
    }

    /// The calibration `user` may see (404 out of scope).
    func calibration(provider: String, period: String?, for user: ConsoleUser) async throws -> CalibrationReport {
        guard user.canSee(provider: provider) else { throw ConsoleError.notFound("error.no_such_provider") }
        if let period { guard Self.isPeriodLabel(period) else { throw ConsoleError.badRequest("hoaudit.error.period") } }
        let report = try await self.calibration(provider: provider, period: period)
        if let period, report.overall.lenient { await self.raiseLeniency(report, period: period) }
        return report
    }

    /// `2026-W49` or `2026-11`.
    static func isPeriodLabel(_ text: String) -> Bool {
        text.wholeMatch(of: /[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])/) != nil || text.wholeMatch(of: /[0-9]{4}-(0[1-9]|1[0-2])/) != nil
    }

    /// Raises `calibration_lenient` for `provider` and `period` when its calibration shows the provider's QA significantly
    /// more lenient; never twice for one provider and period (an alert once raised, even resolved, is not raised again).
    func checkLeniency(provider: String, period: String) async {
        guard let report = try? await self.calibration(provider: provider, period: period), report.overall.lenient else { return }
        await self.raiseLeniency(report, period: period)
    }

    func raiseLeniency(_ report: CalibrationReport, period: String) async {
        let overall = report.overall
        let alert = NewAlert(
            kind: .calibrationLenient, subject: AlertSubject(provider: report.provider, period: period, detail: "qa_calibration"),
            message: AlertMessage(
                "hoaudit.alert.lenient",
                texts: [
                    "provider": report.provider, "period": period, "pairs": String(overall.pairs), "higher": String(overall.providerHigher),
                    "lower": String(overall.headOfficeHigher), "p": String(format: "%.4f", overall.pValue),
                ],
                figures: ["mean": AlertMessage.Figure(overall.meanDifference ?? 0, unit: "score")]
            ),
            consolePath: "/calibration?provider=\(ConsolePage.encode(report.provider))&period=\(ConsolePage.encode(period))"
        )
        do {
            guard try await self.alerts.history(key: alert.key, limit: 1).isEmpty else { return }
            try await self.alerts.raise(alert)
        } catch {
            // The evaluation is stored either way; the next evaluation or calibration read tries again.
        }
    }
}
