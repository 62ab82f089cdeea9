//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `ca status`, `ca rollover stage|promote|retire` and `signing-key status|stage|promote` (docs/operations.md).
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import OversightCoordinator
import OversightStore

/// `--data` and `--config` of the rotation commands: the key files live in the data directory; the agents' trust
/// reports in the store (SQLite there, or the configured PostgreSQL).
struct RotationOptions: ParsableArguments {
    @OptionGroup var data: DataOptions
    @Option(name: .long, help: "Coordinator configuration file (YAML): its data directory and store (SQLite or PostgreSQL).")
    var config: String?

    func settings() throws -> CoordinatorSettings { try CoordinatorSettings.load(file: self.config, dataOverride: self.data.data) }

    /// Every agent and what each reported it trusts.
    func agents(_ settings: CoordinatorSettings) async throws -> (agents: [AgentRow], trust: [String: AgentTrustRow]) {
        try await ConfiguredStore.with(settings) { store in (try await store.agents(), try await store.agentTrust()) }
    }
}

/// Prints a rotation status as a table, or JSON.
enum RotationStatusOutput {
    static func print(_ status: TrustRotation.Status, json: Bool, caView: Bool) throws {
        if json {
            Swift.print(try JSONOutput.string(status))
            return
        }
        if caView {
            Swift.print("CA rollover: \(status.caRollover)")
            for authority in status.authorities {
                Swift.print("  \(authority.role.padding(toLength: 9, withPad: " ", startingAt: 0)) \(authority.fingerprint)  \(authority.subject)  expires \(WireTime.day(authority.notAfter))")
            }
        } else {
            Swift.print("Command key rotation: \(status.keyRotation)")
            for key in status.keys {
                Swift.print("  \(key.role.padding(toLength: 9, withPad: " ", startingAt: 0)) \(key.thumbprint)")
            }
        }
        guard !status.agents.isEmpty else {
            Swift.print("No agents enrolled.")
            return
        }
        var table = TextTable(columns: ["AGENT", "PROVIDER", "SITE", "REPORTED", "PENDING"])
        for agent in status.agents {
            table.add([agent.agentId, agent.provider, agent.site, agent.reportedAt.map(WireTime.relative) ?? "never", agent.pending ?? "-"])
        }
        Swift.print(table.render())
        let pending = status.agents.filter { $0.pending != nil }.count
        Swift.print(pending == 0 ? "Every agent is up to date." : "\(pending) of \(status.agents.count) agent(s) pending.")
    }
}

extension CACommand {
    struct StatusCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Show the CAs (current, next, previous) and, per agent, what it trusts and which CA issued its certificate."
        )
        @OptionGroup var options: RotationOptions
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            let settings = try self.options.settings()
            let (agents, trust) = try await self.options.agents(settings)
            try RotationStatusOutput.print(try TrustRotation.status(settings.paths, agents: agents, trust: trust), json: self.json, caView: true)
        }
    }

    struct Rollover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the CA without enrolling agents again: stage, promote, retire (docs/operations.md).",
            subcommands: [Stage.self, Promote.self, Retire.self]
        )

        struct Stage: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create the new CA. Running coordinators tell their agents to trust it and renew their certificates from it."
            )
            @OptionGroup var options: RotationOptions
            func run() async throws {
                let settings = try self.options.settings()
                let fingerprint = try TrustRotation.stageCA(settings.paths)
                Swift.print("Staged the new CA \(fingerprint) in \(settings.paths.nextCACertificate).")
                Swift.print("Running coordinators pick it up within a second; connected agents are told to trust it and renew from it.")
                Swift.print("Copy ca.next.pem and ca.next.key (0600) to every other coordinator's data directory.")
                Swift.print("Next, once `ca status` shows every agent trusts it: oversight-coordinator ca rollover promote")
            }
        }

        struct Promote: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Make the new CA current: the server presents a certificate from it; the old CA's agent certificates are still accepted."
            )
            @OptionGroup var options: RotationOptions
            @Flag(help: "Go ahead although some agents do not trust the new CA yet (they must be enrolled again).") var force = false
            func run() async throws {
                let settings = try self.options.settings()
                let (agents, trust) = try await self.options.agents(settings)
                do {
                    let (previous, current) = try TrustRotation.promoteCA(settings.paths, agents: agents, trust: trust, force: self.force)
                    Swift.print("The CA is now \(current); \(previous) is kept as the previous CA until it is retired.")
                    Swift.print("New agents pin the new fingerprint: oversight-agent enroll … --ca-fingerprint \(current)")
                    Swift.print("Next, once `ca status` shows every agent renewed: oversight-coordinator ca rollover retire")
                } catch let notReady as TrustRotation.NotReady {
                    throw ValidationError(notReady.description)
                }
            }
        }

        struct Retire: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Stop accepting the previous CA's agent certificates and tell agents to stop trusting it."
            )
            @OptionGroup var options: RotationOptions
            @Flag(help: "Go ahead although some agents still hold a certificate from the old CA (they must be enrolled again).") var force = false
            func run() async throws {
                let settings = try self.options.settings()
                let (agents, trust) = try await self.options.agents(settings)
                do {
                    let retired = try TrustRotation.retireCA(settings.paths, agents: agents, trust: trust, force: self.force)
                    Swift.print("Retired the previous CA \(retired). The rollover is complete.")
                } catch let notReady as TrustRotation.NotReady {
                    throw ValidationError(notReady.description)
                }
            }
        }
    }
}

struct SigningKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signing-key", abstract: "The key that signs commands to agents: status, stage, promote (docs/operations.md).",
        subcommands: [StatusCommand.self, Stage.self, Promote.self]
    )

    struct StatusCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the command keys and which agents accept them.")
        @OptionGroup var options: RotationOptions
        @Flag(help: "Print JSON.") var json = false
        func run() async throws {
            let settings = try self.options.settings()
            let (agents, trust) = try await self.options.agents(settings)
            try RotationStatusOutput.print(try TrustRotation.status(settings.paths, agents: agents, trust: trust), json: self.json, caView: false)
        }
    }

    struct Stage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the next command key; running coordinators announce it to agents in a command signed with the current key."
        )
        @OptionGroup var options: RotationOptions
        func run() async throws {
            let settings = try self.options.settings()
            let thumbprint = try TrustRotation.stageSigningKey(settings.paths)
            Swift.print("Staged the next command key \(thumbprint) in \(settings.paths.nextSigningKey).")
            Swift.print("Copy signing.next.key (0600) to every other coordinator's data directory.")
            Swift.print("Next, once `signing-key status` shows every agent accepts it: oversight-coordinator signing-key promote")
        }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sign commands with the next key from now on and delete the old one.")
        @OptionGroup var options: RotationOptions
        @Flag(help: "Go ahead although some agents do not accept the next key yet (they must be enrolled again).") var force = false
        func run() async throws {
            let settings = try self.options.settings()
            let (agents, trust) = try await self.options.agents(settings)
            do {
                let (previous, current) = try TrustRotation.promoteSigningKey(settings.paths, agents: agents, trust: trust, force: self.force)
                Swift.print("Commands are now signed with \(current); the old key \(previous) is deleted.")
            } catch let notReady as TrustRotation.NotReady {
                throw ValidationError(notReady.description)
            }
        }
    }
}
