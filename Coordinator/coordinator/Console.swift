//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The console's wiring into `serve` and `demo`, and the `users` commands.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import Logging
import OversightAlerts
import OversightConsole
import OversightConsolePostgres
import OversightCoordinator
import OversightLocalization
import OversightSLA
import OversightSampling
import OversightStore
import OversightStorePostgres
import ServiceLifecycle

/// The console users of a store: on PostgreSQL the shared ones of the database (every coordinator's), else the data
/// directory's `console.sqlite`.
func consoleUsers(for store: any CoordinatorStore, directory: String) throws -> any ConsoleUserAdministration {
    if let postgres = store as? PostgresStore { return PostgresUserStore(store: postgres) }
    return try UserStore(path: directory + "/console.sqlite")
}

/// Runs `body` with the configured console users: the PostgreSQL the configuration's `store:` names (shared by
/// every coordinator), else `DATA/console.sqlite`.
enum ConfiguredUsers {
    static func with<Result: Sendable>(
        _ settings: CoordinatorSettings, _ body: @Sendable (any ConsoleUserAdministration) async throws -> Result
    ) async throws -> Result {
        if let postgres = settings.postgresConfiguration {
            var logger = Logger(label: "oversight.cli")
            logger.logLevel = .warning
            return try await PostgresStore.withStore(configuration: postgres, logger: logger) { store in
                try await body(PostgresUserStore(store: store))
            }
        }
        return try await body(try UserStore(path: settings.paths.directory + "/console.sqlite"))
    }
}

enum ConsoleWiring {
    /// The console's static assets, bundled with the executable.
    static var publicDirectory: String? { Bundle.module.resourceURL?.appendingPathComponent("Public").path }

    /// Builds the console service; when the console has no users yet, makes `admin` with a one-time password and
    /// announces it — or, given `passwordFile` (`serve`, whose announcements go to the log), writes it there (0600)
    /// and announces only the file, so that the password never reaches a log.
    static func services(
        paths: CoordinatorPaths, host: String, port: Int, store: any CoordinatorStore, alerts: AlertCenter, logger: Logger,
        events: LiveEventBroadcaster? = nil, contractsDirectory: String? = nil, scorecardsDirectory: String? = nil, passwordFile: String? = nil, metrics: Bool = true,
        announce: @Sendable (String) -> Void
    ) async throws -> [any Service] {
        // On PostgreSQL the users, tokens, sessions and login throttle are the database's, shared by every coordinator.
        let users = try consoleUsers(for: store, directory: paths.directory)
        var configuration = ConsoleConfiguration(port: port, tls: .init(certificatePath: paths.serverCertificate, privateKeyPath: paths.serverKey))
        configuration.host = host
        // The same contracts the SLA engine measures by (`--contracts`, else DATA/contracts), as in force now.
        configuration.contracts = try ConsoleContract.load(directory: contractsDirectory, dataDirectory: paths.directory)
        // Head office's QA scorecards (`--scorecards`, the config's `scorecards:`, else DATA/scorecards when it exists):
        // the audit pages recompute provider evaluations with them.
        let scorecards = scorecardsDirectory ?? (paths.directory + "/scorecards")
        if scorecardsDirectory != nil || FileManager.default.fileExists(atPath: scorecards) {
            configuration.scorecards = try ScorecardCatalog.load(directory: scorecards)
            announce("Scorecards: \(configuration.scorecards.scorecards.count) loaded from \(scorecards)")
        }
        // Sampling plans and the sampling secret: the audits page's seed commitments and acceptance verdicts.
        configuration.sampling = SamplingFiles(dataDirectory: paths.directory)
        let folder = contractsDirectory ?? (paths.directory + "/contracts")
        if FileManager.default.fileExists(atPath: folder) {
            let contracts = try SLAEngine.loadContracts(directory: folder)
            configuration.breachDisputeDeadline = { dispute in
                BreachDisputeOutcome(dispute: dispute, contract: contracts[dispute.provider], now: Date()).deadline
            }
            configuration.credits = Self.credits(store: store, contracts: contracts)
            configuration.invoices = Self.invoices(store: store, contracts: contracts, alerts: alerts)
        }
        configuration.publicDirectory = Self.publicDirectory
        let shownHost = host == "0.0.0.0" ? "localhost" : host
        if metrics {
            let collector = try await CoordinatorMetrics(store: store)
            configuration.metrics = { await collector.render() }
        }
        let oneTimePassword = try await users.ensureAdmin(username: "admin")
        if let password = oneTimePassword, let passwordFile {
            unlink(passwordFile)
            try SecureFile.writeNew(passwordFile, password + "\n", mode: 0o600)
            announce(
                "Console: https://\(shownHost):\(port)/ — sign in as admin with the one-time password in \(passwordFile) "
                    + "(then change it with `oversight-coordinator users set-password admin` and delete the file)"
            )
        } else if let password = oneTimePassword {
            announce("Console: https://\(shownHost):\(port)/ — sign in as admin with the one-time password \(password) (change it with `oversight-coordinator users set-password admin`)")
        } else {
            announce("Console: https://\(shownHost):\(port)/")
        }
        if metrics { announce("Metrics: https://\(shownHost):\(port)/metrics (Prometheus text format)") }
        return [
            try buildApplication(
                configuration: configuration, store: store, alerts: alerts, users: users, logger: logger, events: events.map(Self.feed),
                throttle: (store as? PostgresStore).map { PostgresLoginThrottle(store: $0, configuration: configuration.throttle) }
            )
        ]
    }

    /// The credits page's hooks: statements measured and after disputes, and disputes of aggregate misses, computed with
    /// the SLA engine's evaluator and the contracts' dispute rules.
    static func credits(store: any CoordinatorStore, contracts: [String: Contract]) -> ConsoleCredits {
        let evaluator = AggregateEvaluator(store: store, contracts: contracts, disputes: store)
        let desk = BreachDisputeDesk(store: store, contracts: contracts)
        return ConsoleCredits(
            statement: { provider, month in
                do {
                    let disputed = try await evaluator.disputedCreditStatement(provider: provider, month: month, disputes: store)
                    var document = CreditStatementDocument(provider: provider, disputed)
                    // The net follows the month's latest invoice, with the credits after the accepted disputes.
                    document.invoice = try await InvoiceNet.latest(provider: provider, month: month, disputed: disputed, store: store)
                    return document
                } catch let error as CoordinatorError {
                    throw ConsoleCreditsRefusal(error.message)
                }
            },
            openPeriodDispute: { request, provider, user in
                do {
                    return try await desk.openPeriod(
                        provider: provider, targetId: request.target, label: request.period, from: request.from, to: request.to, by: user,
                        reason: request.reason, note: request.note, evaluator: evaluator
                    ).dispute
                } catch let error as CoordinatorError {
                    throw ConsoleCreditsRefusal(error.message)
                }
            }
        )
    }

    /// The console's live-event feed over the coordinator's broadcaster.
    static func feed(_ broadcaster: LiveEventBroadcaster) -> ConsoleEventFeed {
        ConsoleEventFeed { (deliver: @escaping @Sendable (ConsoleLiveEvent) -> Void, end: @escaping @Sendable () -> Void) -> (@Sendable () -> Void)? in
            let forward: @Sendable (LiveEvent) -> Void = { event in
                deliver(ConsoleLiveEvent(kind: event.kind.rawValue, provider: event.provider, site: event.site, ticket: event.ticket, detail: event.detail))
            }
            guard let id = broadcaster.subscribe(deliver: forward, end: end) else { return nil }
            return { broadcaster.cancel(id) }
        }
    }
}

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Console users: add, list, disable, set-password, set-language, token.",
        subcommands: [Add.self, List.self, Disable.self, SetPassword.self, SetLanguage.self, Token.self]
    )

    /// Runs `body` with the users the options name: `--config`'s PostgreSQL (shared by every coordinator), else
    /// `DATA/console.sqlite`.
    static func with<Result: Sendable>(
        _ options: StoreOptions, _ body: @Sendable (any ConsoleUserAdministration) async throws -> Result
    ) async throws -> Result {
        try await ConfiguredUsers.with(try options.settings(), body)
    }

    /// Reads a password from standard input (one line), never from the command line.
    static func readPassword() throws -> String {
        FileHandle.standardError.write(Data("password (12–72 bytes, read from standard input): ".utf8))
        guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw ValidationError("no password on standard input") }
        return line
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user; the password is read from standard input.")
        @OptionGroup var data: StoreOptions
        @Argument(help: "User name.") var username: String
        @Option(help: "admin, supervisor, auditor, viewer or provider.") var role: String
        @Option(parsing: .upToNextOption, help: "Providers the user is scoped to (a provider user needs exactly one).") var provider: [String] = []

        func run() async throws {
            guard let role = ConsoleRole(rawValue: self.role) else { throw ValidationError("--role must be admin, supervisor, auditor, viewer or provider") }
            let (username, password, providers) = (self.username, try UsersCommand.readPassword(), self.provider)
            try await UsersCommand.with(self.data) { users in
                try await users.add(username: username, password: password, role: role, providers: providers, now: Date())
            }
            print("Added \(self.username) (\(role.rawValue)\(self.provider.isEmpty ? "" : ", providers \(self.provider.joined(separator: ","))")).")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var data: StoreOptions
        func run() async throws {
            let users = try await UsersCommand.with(self.data) { try await $0.list() }
            var table = TextTable(columns: ["USER", "ROLE", "PROVIDERS", "STATE", "LANGUAGE"])
            for user in users {
                table.add([
                    user.username, user.role.rawValue, user.providers.isEmpty ? "all" : user.providers.joined(separator: ","),
                    user.disabled ? "disabled" : "active", user.language ?? "browser",
                ])
            }
            print(users.isEmpty ? "No users yet: the console creates `admin` on its first start." : table.render())
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user (ends their sessions).")
        @OptionGroup var data: StoreOptions
        @Argument(help: "User name.") var username: String
        @Flag(help: "Enable the user again.") var enable = false
        func run() async throws {
            let (username, disabled) = (self.username, !self.enable)
            guard try await UsersCommand.with(self.data, { try await $0.disable(username: username, disabled: disabled) }) else {
                throw ValidationError("no user \(self.username)")
            }
            print(self.enable ? "Enabled \(self.username)." : "Disabled \(self.username); their sessions ended.")
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-password", abstract: "Set a user's password (read from standard input).")
        @OptionGroup var data: StoreOptions
        @Argument(help: "User name.") var username: String
        func run() async throws {
            let (username, password) = (self.username, try UsersCommand.readPassword())
            guard try await UsersCommand.with(self.data, { try await $0.setPassword(username: username, password: password) }) else {
                throw ValidationError("no user \(self.username)")
            }
            print("Password of \(self.username) changed; their sessions ended.")
        }
    }

    struct SetLanguage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-language", abstract: "Set a user's console language (en, de, ru), or `browser` to follow Accept-Language."
        )
        @OptionGroup var data: StoreOptions
        @Argument(help: "User name.") var username: String
        @Argument(help: "en, de, ru or browser.") var language: String

        func validate() throws {
            guard self.language == "browser" || Language(code: self.language)?.code == self.language.lowercased() else {
                throw ValidationError("language must be one of \(Language.all.map(\.code).joined(separator: ", ")) or browser")
            }
        }

        func run() async throws {
            let code = self.language == "browser" ? nil : Language(code: self.language)?.code
            let username = self.username
            guard try await UsersCommand.with(self.data, { try await $0.setLanguage(username: username, language: code) }) else {
                throw ValidationError("no user \(self.username)")
            }
            print("Console language of \(self.username): \(code ?? "the browser's").")
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API token for a user (printed once; stored only as its SHA-256).",
            discussion: "Use it as `Authorization: Bearer ovc_…` on the JSON API; it carries the user's role and scope."
        )
        @OptionGroup var data: StoreOptions
        @Argument(help: "User name.") var username: String
        @Option(help: "A label for the token.") var name = "api"
        @Option(help: "Valid for this many days (default: until the user is disabled).") var days: Int?

        func run() async throws {
            if let days = self.days, days < 1 { throw ValidationError("--days must be at least 1") }
            let expiresAt = self.days.map { Date().addingTimeInterval(Double($0) * 86400) }
            let (username, name) = (self.username, self.name)
            let token = try await UsersCommand.with(self.data) { users in
                guard try await users.user(username: username) != nil else { throw ValidationError("no user \(username)") }
                return try await users.createAPIToken(username: username, name: name, now: Date(), expiresAt: expiresAt)
            }
            print(token)
        }
    }
}
