//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The operator's CLI on a PostgreSQL-backed coordinator: with `--config`, token create, status, agents list and revoke,
// tickets show, sla events and figures, integrity check, ca status and sla disputes read and write the shared store,
// not the data directory's SQLite.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightStore
import OversightTesting
import Testing

extension EndToEnd {
    @Suite(.enabled(if: PostgresCluster.unavailableReason == nil || ProcessInfo.processInfo.environment["CI"] != nil, "PostgreSQL binaries not found"))
    struct PostgresCLITests {
        @Test(.timeLimit(.minutes(3)))
        func theCLIWorksOnThePostgreSQLStore() async throws {
            try await withHarness("postgres-cli") { harness in
                let cluster = try PostgresCluster.shared()
                let database = try cluster.createDatabase()
                let coordinator = try await harness.startCoordinator(
                    configYAML: "store:\n  backend: postgresql\n  url: postgresql://\(cluster.username)@127.0.0.1:\(cluster.port)/\(database)\n  tls: disable\n"
                )
                let config = try #require(coordinator.configFile?.path)
                func cli(_ arguments: [String]) async throws -> CommandResult {
                    try await coordinator.cli(arguments + ["--config", config])
                }
                let token = try await cli(["token", "create", "--provider", "acme", "--site", "paris", "--quiet"])
                try #require(token.exitCode == 0, "\(token)")
                let agent = try harness.makeAgent(name: "a")
                let enrolled = try await agent.enroll(
                    coordinator: coordinator.address, token: token.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
                    fingerprint: try await coordinator.fingerprint()
                )
                try #require(enrolled.exitCode == 0, "a token made by the CLI in PostgreSQL enrolls: \(enrolled)")
                try agent.start()
                try agent.drop("export-1.csv", ExportFile.csv(ticketRows("P", count: 5)))
                let agentId = try agent.agentId()
                try await eventually("status on PostgreSQL shows the tickets", timeout: .seconds(60)) {
                    let status = try await cli(["status", "--json"])
                    return status.exitCode == 0 && status.stdout.contains(#""tickets" : 5"#)
                }
                let list = try await cli(["agents", "list", "--json"])
                #expect(list.exitCode == 0 && list.stdout.contains(agentId), "\(list)")
                let show = try await cli(["tickets", "show", "--provider", "acme", "P-1", "--json"])
                #expect(show.exitCode == 0 && show.stdout.contains(agentId), "\(show)")
                for arguments in [["sla", "events"], ["sla", "figures"], ["integrity", "check"], ["ca", "status"], ["signing-key", "status"]] {
                    let result = try await cli(arguments)
                    #expect(result.exitCode == 0, "\(arguments): \(result)")
                }
                let trust = try await cli(["ca", "status"])
                #expect(trust.stdout.contains(agentId) && trust.stdout.contains("Every agent is up to date"), "\(trust)")
                // Nothing went to the data directory's SQLite.
                #expect(try await coordinator.openStore().ticketCount() == 0)

                let revoke = try await cli(["agents", "revoke", agentId])
                #expect(revoke.exitCode == 0, "\(revoke)")
                try await eventually("the revoked agent is cut off", timeout: .seconds(30)) {
                    let list = try await cli(["agents", "list", "--json"])
                    guard let agents = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] else { return false }
                    return agents.first { $0["id"] as? String == agentId }?["state"] as? String == "revoked"
                }
                let unknown = try await cli(["agents", "revoke", "agt_00000000000000000000"])
                #expect(unknown.exitCode != 0 && unknown.stderr.contains("no agent with id"), "\(unknown)")
            }
        }
    }
}
