//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `store:` selects SQLite (the default) or PostgreSQL; the password only ever comes from a file.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import Testing

@Suite struct StoreConfigurationTests {
    @Test func sqliteIsTheDefault() throws {
        let configuration = try CoordinatorConfiguration(yaml: "store: { synchronous: normal }\n", file: "c.yaml")
        #expect(configuration.store.backend == .sqlite && configuration.store.postgresql == nil)
        #expect(configuration.store.synchronous == .normal && configuration.synchronous == .normal)
    }

    @Test func postgresqlWithAPasswordFileNeverShowsThePassword() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pg-password-\(UUID().uuidString)").path
        try "s3cret-Pa55\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let yaml = """
            store:
              backend: postgresql
              url: postgresql://oversight@db.example:6432/ovs
              password_file: \(file)
              tls: require
              max_connections: 8
            """
        let configuration = try CoordinatorConfiguration(yaml: yaml, file: "c.yaml")
        let server = try #require(configuration.store.postgresql)
        #expect(server.host == "db.example" && server.port == 6432 && server.database == "ovs" && server.username == "oversight")
        #expect(server.password == "s3cret-Pa55" && server.tls == .require && server.maxConnections == 8)
        #expect(!"\(configuration.store)".contains("s3cret") && !"\(server)".contains("s3cret"))
    }

    @Test(arguments: [
        ("store: { backend: postgresql, url: 'postgresql://u:pw@h/db' }\n", "must not carry a password"),
        ("store: { backend: postgresql }\n", "url"),
        ("store: { url: 'postgresql://u@h/db' }\n", "needs store.backend: postgresql"),
        ("store: { backend: postgresql, url: 'postgresql://u@h/' }\n", "database"),
        ("store: { backend: mysql }\n", "sqlite, postgresql"),
    ])
    func badStoreSettingsAreRejected(yaml: String, expected: String) throws {
        let error = try #require(throws: ConfigError.self) { try CoordinatorConfiguration(yaml: yaml, file: "c.yaml") }
        #expect("\(error)".contains(expected), "\(error)")
    }
}
