//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The scale-out deployment of the ScaleOutTests: one PostgreSQL, two coordinators sharing it and one set of keys,
// haproxy in front (TCP mode, TLS passed through).
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightStorePostgres
import OversightTesting
import Testing

/// Two coordinators of one deployment on one PostgreSQL, with haproxy in front, and an admin API token for each
/// coordinator's console (console users are still per coordinator).
struct ScaleOutDeployment {
    let cluster: PostgresCluster
    let database: String
    let first: CoordinatorProcess
    let second: CoordinatorProcess
    let haproxy: HAProxy
    let firstToken: String
    let secondToken: String

    /// The `store:` section both coordinators serve with.
    static func storeYAML(_ cluster: PostgresCluster, _ database: String) -> String {
        "store:\n  backend: postgresql\n  url: postgresql://\(cluster.username)@127.0.0.1:\(cluster.port)/\(database)\n  tls: disable\n"
    }

    /// Starts the database, the first coordinator (`init` + serve), the second (a copy of the first's keys, no
    /// `init`), and haproxy over both; both coordinators' configuration is the `store:` section plus `extraYAML`.
    static func start(_ harness: Harness, extraYAML: String = "") async throws -> ScaleOutDeployment {
        let cluster = try PostgresCluster.shared()
        let database = try cluster.createDatabase()
        let yaml = Self.storeYAML(cluster, database) + extraYAML
        let first = try await harness.startCoordinator(name: "coordinator-a", configYAML: yaml, consolePort: try freeLoopbackPort())
        let second = try await harness.startCoordinator(
            name: "coordinator-b", sharingKeysOf: first, configYAML: yaml, consolePort: try freeLoopbackPort()
        )
        let haproxy = try await HAProxy.start(harness: harness, backends: [first.address, second.address])
        return ScaleOutDeployment(
            cluster: cluster, database: database, first: first, second: second, haproxy: haproxy,
            firstToken: try await first.createAPIToken(for: "admin"), secondToken: try await second.createAPIToken(for: "admin")
        )
    }

    /// Runs `body` with a PostgresStore on the shared database (no migrations: the coordinators applied them).
    func withStore<Result: Sendable>(_ body: @Sendable (PostgresStore) async throws -> Result) async throws -> Result {
        var logger = Logger(label: "scale-out-test")
        logger.logLevel = .warning
        let configuration = PostgresStore.Configuration(
            host: "127.0.0.1", port: self.cluster.port, database: self.database, username: self.cluster.username, tls: .disable
        )
        return try await PostgresStore.withStore(configuration: configuration, logger: logger, migrating: false, body)
    }
}

/// `curl` against a console's API with a bearer token: the status code and the body.
func consoleAPI(_ port: Int, _ token: String, _ path: String, json: String? = nil) async throws -> (status: Int, body: String) {
    var arguments = ["curl", "-sk", "--max-time", "20", "-H", "Authorization: Bearer \(token)", "-w", "\n%{http_code}"]
    if let json { arguments += ["-H", "Content-Type: application/json", "--data", json] }
    let result = try await runCommand("/usr/bin/env", arguments + ["https://127.0.0.1:\(port)\(path)"])
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
}

/// A new enrollment token for `provider`/`site`, created through a console's API (the shared store's tokens).
func enrollmentToken(_ port: Int, _ apiToken: String, provider: String, site: String) async throws -> String {
    let created = try await consoleAPI(port, apiToken, "/api/v1/enrollment-tokens", json: #"{"provider": "\#(provider)", "site": "\#(site)"}"#)
    try #require(created.status == 201, "token create: \(created)")
    return try #require((try? JSONSerialization.jsonObject(with: Data(created.body.utf8)) as? [String: Any])?["token"] as? String, "\(created)")
}
