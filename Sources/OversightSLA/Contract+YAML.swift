//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reading and validating a *.contract.yaml file.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightModel

extension Contract {
    /// Reads and validates a contract file. `ics` paths in it are relative to the file's directory.
    /// - Parameter path: The `*.contract.yaml` file.
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem.
    package static func load(file path: String) throws(ConfigError) -> Contract {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(code: .unreadableFile, file: path, message: "cannot read the contract file")
        }
        return try Contract(yaml: text, file: path, baseDirectory: (path as NSString).deletingLastPathComponent)
    }

    /// Parses and validates a contract. The format is documented in docs/sla.md:
    ///
    /// ```yaml
    /// provider: acme-support
    /// name: Acme Support — first-line email and chat
    /// calendars:                      # named calendars (see BusinessCalendar+YAML.swift)
    ///   lisbon-office: {time_zone: Europe/Lisbon, hours: {weekdays: "08:00-20:00"}}
    /// versions:
    ///   - effective_from: 2025-01-01
    ///     calendar: lisbon-office     # a name from calendars, or a calendar mapping
    ///     at_risk: 80%
    ///     pause_statuses: [pending, on-hold]
    ///     clock_holders: {statuses: {on-hold: client}, held_by: {tier2: client}}
    ///     targets: {first_reply: 2h, resolution: 16h}
    ///     scopes: [{name: urgent, match: {priority: urgent}, targets: {first_reply: 30m}}]
    ///     aggregates: [...]
    ///     credits: {...}
    ///     disputes: {reasons: [force_majeure], decide_within_business_days: 5, default_decision: accepted}
    ///     invoicing: {tolerance: {contacts: {percent: 2%, absolute: 5}}}
    /// ```
    /// - Parameters:
    ///   - yaml: The file's text.
    ///   - file: The file name to show in errors.
    ///   - baseDirectory: Directory that relative `ics` paths start from.
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem.
    package init(yaml: String, file: String, baseDirectory: String) throws(ConfigError) {
        let root = try ConfigNode.parse(yaml: yaml, file: file)
        try root.rejectUnknownKeys(allowed: ["provider", "name", "calendars", "versions"])
        let providerNode = try root.required("provider")
        let provider = try providerNode.string(maxLength: 64)
        guard provider.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw providerNode.invalid(expected: "a provider name of letters, digits, '-', '_' or '.'")
        }
        let name = try root.optional("name")?.string(maxLength: 256)

        var calendars: [String: BusinessCalendar] = [:]
        if let node = try root.optional("calendars") {
            for (key, value) in try node.entries() {
                calendars[key] = try BusinessCalendar(node: value, baseDirectory: baseDirectory)
            }
        }
        let reader = Reader(calendars: calendars, baseDirectory: baseDirectory)

        let versionsNode = try root.required("versions")
        var versions: [ContractVersion] = []
        for item in try versionsNode.items() {
            let version = try reader.version(item)
            if let previous = versions.last, version.effectiveFrom <= previous.effectiveFrom {
                throw try item.required("effective_from").error(
                    "effective_from must be after the previous version's (\(previous.effectiveFrom)); list versions oldest first"
                )
            }
            versions.append(version)
        }
        guard !versions.isEmpty else { throw versionsNode.invalid(expected: "a list of at least one contract version") }
        self.init(provider: provider, name: name, versions: versions, file: file)
    }

    /// Reads the parts of a contract that may refer to its named calendars.
    private struct Reader {
        var calendars: [String: BusinessCalendar]
        var baseDirectory: String

        static let versionKeys = [
            "effective_from", "calendar", "at_risk", "pause_statuses", "clock_holders", "targets", "scopes", "aggregates", "credits",
            "disputes", "invoicing",
        ]

        func version(_ node: ConfigNode) throws(ConfigError) -> ContractVersion {
            try node.rejectUnknownKeys(allowed: Self.versionKeys)
            let effectiveFrom = try node.required("effective_from").civilDate()
            let (calendar, calendarName) = try self.calendar(try node.required("calendar"))
            var version = ContractVersion(
                effectiveFrom: effectiveFrom, calendar: calendar, calendarName: calendarName, targets: TicketTargets()
            )
            if let atRisk = try node.optional("at_risk") { version.atRiskShare = try atRisk.percentage(in: 1...99) }
            if let pause = try node.optional("pause_statuses") {
                var statuses: Set<TicketStatus> = []
                for item in try pause.items() { statuses.insert(try Self.openStatus(item)) }
                version.pauseStatuses = statuses
            }
            if let holders = try node.optional("clock_holders") { version.clockHolders = try Self.clockHolders(holders) }
            version.targets = try Self.targets(try node.required("targets"))
            if let scopesNode = try node.optional("scopes") {
                for item in try scopesNode.items() {
                    let scope = try self.scope(item)
                    if version.scopes.contains(where: { $0.name == scope.name }) {
                        throw try item.required("name").error("a scope named '\(scope.name)' is already defined in this version")
                    }
                    version.scopes.append(scope)
                }
            }
            if let aggregatesNode = try node.optional("aggregates") {
                for item in try aggregatesNode.items() {
                    let target = try Self.aggregate(item)
                    if version.aggregates.contains(where: { $0.id == target.id }) {
                        throw try item.required("id").error("an aggregate target with id '\(target.id)' is already defined in this version")
                    }
                    version.aggregates.append(target)
                }
            }
            if let creditsNode = try node.optional("credits") {
                version.credits = try Self.credits(creditsNode, aggregates: version.aggregates)
            }
            if let disputesNode = try node.optional("disputes") { version.disputes = try DisputeTerms(node: disputesNode) }
            if let invoicingNode = try node.optional("invoicing") { version.invoicing = try InvoiceTerms(node: invoicingNode) }
            return version
        }

        func calendar(_ node: ConfigNode) throws(ConfigError) -> (BusinessCalendar, String?) {
            if let name = try? node.string(maxLength: 128) {
                guard let calendar = self.calendars[name] else {
                    let known = self.calendars.keys.sorted().joined(separator: ", ")
                    throw node.error("no calendar named '\(name)' under calendars:\(known.isEmpty ? " (there are none)" : "; known: \(known)")")
                }
                return (calendar, name)
            }
            return (try BusinessCalendar(node: node, baseDirectory: self.baseDirectory), nil)
        }

        func scope(_ node: ConfigNode) throws(ConfigError) -> ContractScope {
            try node.rejectUnknownKeys(allowed: ["name", "match", "targets", "calendar", "at_risk"])
            let name = try node.required("name").string(maxLength: 64)
            let matchNode = try node.required("match")
            let match = try Self.match(matchNode)
            guard match != ScopeMatch() else { throw matchNode.invalid(expected: "at least one of site, queue, channel, priority") }
            var scope = ContractScope(name: name, match: match)
            if let targets = try node.optional("targets") { scope.targets = try Self.targets(targets) }
            if let calendarNode = try node.optional("calendar") { (scope.calendar, scope.calendarName) = try self.calendar(calendarNode) }
            if let atRisk = try node.optional("at_risk") { scope.atRiskShare = try atRisk.percentage(in: 1...99) }
            return scope
        }

        static func match(_ node: ConfigNode) throws(ConfigError) -> ScopeMatch {
            try node.rejectUnknownKeys(allowed: ScopeMatch.keys)
            var match = ScopeMatch()
            if let sites = try node.optional("site") { match.sites = Set(try sites.oneOrMany { (item: ConfigNode) throws(ConfigError) in try item.string(maxLength: 256) }) }
            if let queues = try node.optional("queue") { match.queues = Set(try queues.oneOrMany { (item: ConfigNode) throws(ConfigError) in try item.string(maxLength: 256) }) }
            if let channels = try node.optional("channel") { match.channels = Set(try channels.oneOrMany { (item: ConfigNode) throws(ConfigError) in try item.choice(ContactChannel.self) }) }
            if let priorities = try node.optional("priority") { match.priorities = Set(try priorities.oneOrMany { (item: ConfigNode) throws(ConfigError) in try item.choice(Priority.self) }) }
            return match
        }

        static func openStatus(_ node: ConfigNode) throws(ConfigError) -> TicketStatus {
            let status = try node.ticketStatus()
            guard status.isOpen else { throw node.invalid(expected: "an open status (new, open, pending, on-hold); solved and closed stop the clock anyway") }
            return status
        }

        static func clockHolders(_ node: ConfigNode) throws(ConfigError) -> ClockHolderRules {
            try node.rejectUnknownKeys(allowed: ["statuses", "held_by"])
            var rules = ClockHolderRules()
            if let statuses = try node.optional("statuses") {
                for (key, value) in try statuses.entries() {
                    guard let status = TicketStatus(rawValue: key), status.isOpen else {
                        throw value.error(.unknownKey, "'\(key.prefix(64))' is not an open status; use new, open, pending or on-hold")
                    }
                    rules.statuses[status] = try value.choice(ClockHolder.self)
                }
            }
            if let heldBy = try node.optional("held_by") {
                for (key, value) in try heldBy.entries() {
                    guard !key.isEmpty, key.count <= 256 else { throw value.error("held_by values must be 1–256 characters") }
                    rules.heldBy[key] = try value.choice(ClockHolder.self)
                }
            }
            return rules
        }

        static let targetRange: ClosedRange<Duration> = .seconds(60) ... .seconds(366 * 86_400)

        static func targets(_ node: ConfigNode) throws(ConfigError) -> TicketTargets {
            try node.rejectUnknownKeys(allowed: TicketTargets.keys)
            var targets = TicketTargets()
            targets.firstReply = try node.optional("first_reply")?.duration(in: Self.targetRange)
            targets.nextReply = try node.optional("next_reply")?.duration(in: Self.targetRange)
            targets.periodicUpdate = try node.optional("periodic_update")?.duration(in: Self.targetRange)
            targets.resolution = try node.optional("resolution")?.duration(in: Self.targetRange)
            return targets
        }

        static func aggregate(_ node: ConfigNode) throws(ConfigError) -> AggregateTarget {
            let common = ["id", "figure", "period", "comparison", "target", "match"]
            let figureNode = try node.required("figure")
            let figure: AggregateTarget.Figure
            let name = try figureNode.string(maxLength: 64)
            switch name {
            case "service_level":
                try node.rejectUnknownKeys(allowed: common + ["threshold", "variant"])
                figure = .serviceLevel(
                    threshold: try node.required("threshold").duration(in: .seconds(1) ... .seconds(3600)),
                    variant: try node.optional("variant")?.choice(AggregateTarget.ServiceLevelVariant.self) ?? .offeredMinusShortAbandons
                )
            case "abandonment":
                try node.rejectUnknownKeys(allowed: common + ["short_abandon"])
                figure = .abandonment(shortAbandon: try node.optional("short_abandon")?.duration(in: .zero ... .seconds(600)) ?? .seconds(5))
            case "asa":
                try node.rejectUnknownKeys(allowed: common)
                figure = .asa
            case "aht":
                try node.rejectUnknownKeys(allowed: common)
                figure = .aht
            case "fcr":
                try node.rejectUnknownKeys(allowed: common + ["method", "reopen_window"])
                figure = .fcr(method: try node.optional("method")?.choice(AggregateTarget.FCRMethod.self) ?? .survey)
            case "csat":
                try node.rejectUnknownKeys(allowed: common + ["variant"])
                figure = .csat(variant: try node.optional("variant")?.choice(AggregateTarget.CSATVariant.self) ?? .top2Box)
            case "qa_score":
                try node.rejectUnknownKeys(allowed: common)
                figure = .qaScore
            case "high_impact_error_rate":
                try node.rejectUnknownKeys(allowed: common)
                figure = .highImpactErrorRate
            case "ticket_attainment":
                try node.rejectUnknownKeys(allowed: common + ["ticket_target"])
                figure = .ticketAttainment(target: try node.required("ticket_target").choice(AggregateTarget.TicketTargetKind.self))
            default:
                throw figureNode.invalid(
                    expected: "one of service_level, abandonment, asa, aht, fcr, csat, qa_score, high_impact_error_rate, ticket_attainment"
                )
            }
            let idNode = try node.required("id")
            let id = try idNode.string(maxLength: 64)
            guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                throw idNode.invalid(expected: "an id of letters, digits, '-', '_' or '.'")
            }
            let period = try node.required("period").choice(AggregateTarget.Period.self)
            var comparison = figure.defaultComparison
            if let comparisonNode = try node.optional("comparison") {
                comparison = try comparisonNode.choice([">=": .atLeast, "<=": .atMost, "at_least": .atLeast, "at_most": .atMost])
            }
            let targetNode = try node.required("target")
            let target: Double
            switch figure.unit {
            case .percentage: target = try targetNode.percentage()
            case .duration: target = BusinessCalendar.seconds(try targetNode.duration(in: .seconds(1) ... .seconds(86_400)))
            case .score:
                if case .csat = figure {
                    target = try targetNode.decimal(in: 1...5)
                } else {
                    target = try targetNode.decimal(in: 0...100)
                }
            }
            var result = AggregateTarget(id: id, figure: figure, period: period, comparison: comparison, target: target)
            if let matchNode = try node.optional("match") { result.match = try Self.match(matchNode) }
            if case .fcr(let method) = figure {
                let window = try node.optional("reopen_window")
                if method == .ticket {
                    result.reopenWindow = try window?.duration(in: .seconds(3600) ... .seconds(90 * 86_400)) ?? .seconds(7 * 86_400)
                } else if let window {
                    throw window.error("reopen_window applies only to method: ticket")
                }
            }
            return result
        }

        static func credits(_ node: ConfigNode, aggregates: [AggregateTarget]) throws(ConfigError) -> ServiceCredits {
            try node.rejectUnknownKeys(allowed: ["monthly_fee", "currency", "monthly_cap", "earn_back_periods", "per_miss"])
            var credits = ServiceCredits(monthlyCap: try node.required("monthly_cap").percentage(), rules: [])
            credits.monthlyFee = try node.optional("monthly_fee")?.decimal(in: 0...1e12)
            if let currency = try node.optional("currency") {
                let code = try currency.string(maxLength: 3)
                guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                    throw currency.invalid(expected: "an ISO 4217 currency code such as EUR")
                }
                credits.currency = code
            }
            credits.earnBackPeriods = try node.optional("earn_back_periods")?.int(in: 0...24) ?? 0
            let perMiss = try node.required("per_miss")
            for item in try perMiss.items() {
                try item.rejectUnknownKeys(allowed: ["target", "share", "weight"])
                let targetNode = try item.required("target")
                let target = try targetNode.string(maxLength: 64)
                guard aggregates.contains(where: { $0.id == target }) else {
                    let known = aggregates.map(\.id).joined(separator: ", ")
                    throw targetNode.error("no aggregate target with id '\(target)' in this version\(known.isEmpty ? "" : "; known: \(known)")")
                }
                let share = try item.required("share").percentage()
                let weight = try item.optional("weight")?.decimal(in: 0...100) ?? 1
                credits.rules.append(ServiceCredits.Rule(target: target, share: share, weight: weight))
            }
            guard !credits.rules.isEmpty else { throw perMiss.invalid(expected: "a list of at least one target with its share") }
            return credits
        }
    }
}
