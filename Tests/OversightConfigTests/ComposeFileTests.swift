//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// deploy/scale-out/compose.yaml is not run here (no Docker on the project's machines, nor in CI): its YAML, the files
// it mounts and the coordinator configuration it serves with are checked instead.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import Testing
import Yams

@Suite struct ComposeFileTests {
    static let folder = ExampleFilesTests.repositoryRoot.appendingPathComponent("deploy/scale-out")

    static func compose() throws -> [String: Any] {
        let text = try String(contentsOf: Self.folder.appendingPathComponent("compose.yaml"), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any], "compose.yaml is not a mapping")
    }

    static func services() throws -> [String: [String: Any]] {
        let services = try #require(try Self.compose()["services"] as? [String: Any])
        return try services.mapValues { try #require($0 as? [String: Any]) }
    }

    @Test func itHasTheScaleOutServices() throws {
        let services = try Self.services()
        #expect(Set(services.keys) == ["postgres", "keys", "coordinator1", "coordinator2", "haproxy", "alertmanager"])
        #expect((services["postgres"]?["image"] as? String)?.hasPrefix("postgres:15") == true)
        for name in ["coordinator1", "coordinator2"] {
            let service = try #require(services[name])
            let dependsOn = try #require(service["depends_on"] as? [String: Any], "\(name)")
            #expect(Set(dependsOn.keys) == ["postgres", "keys"], "\(name) waits for the database and the keys")
            #expect((service["secrets"] as? [String]) == ["postgres-password"])
        }
        let compose = try Self.compose()
        #expect((compose["secrets"] as? [String: Any])?["postgres-password"] != nil)
        let volumes = try #require(compose["volumes"] as? [String: Any])
        #expect(Set(volumes.keys) == ["postgres-data", "keys", "coordinator1-data", "coordinator2-data"])
    }

    /// Every `./…` or `../…` bind mount names a file of the repository; every named volume is declared.
    @Test func everyMountedFileExists() throws {
        let compose = try Self.compose()
        let declared = Set((compose["volumes"] as? [String: Any] ?? [:]).keys)
        var mounted = 0
        for (name, service) in try Self.services() {
            for volume in service["volumes"] as? [String] ?? [] {
                let source = String(volume.split(separator: ":")[0])
                if source.hasPrefix(".") {
                    let path = Self.folder.appendingPathComponent(source).standardizedFileURL.path
                    #expect(FileManager.default.fileExists(atPath: path), "\(name) mounts \(source), which does not exist")
                    mounted += 1
                } else {
                    #expect(declared.contains(source), "\(name) mounts the undeclared volume \(source)")
                }
            }
        }
        #expect(mounted == 4, "compose-coordinator.yaml twice, haproxy.cfg, the Alertmanager example")
    }

    /// The coordinators' configuration loads, names the postgres service's alias, and haproxy's servers are the
    /// coordinators' aliases, so haproxy.cfg is used unchanged.
    @Test func theCoordinatorConfigurationLoadsAndTheNamesMatch() throws {
        let services = try Self.services()
        func aliases(_ service: String) -> [String] {
            ((services[service]?["networks"] as? [String: Any])?["default"] as? [String: Any])?["aliases"] as? [String] ?? []
        }
        // The password file is the compose secret's path; point it at a scratch file to load the rest.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("compose-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let password = scratch.appendingPathComponent("postgres-password")
        try "not-a-real-password\n".write(to: password, atomically: true, encoding: .utf8)
        let text = try String(contentsOf: Self.folder.appendingPathComponent("compose-coordinator.yaml"), encoding: .utf8)
        #expect(text.contains("password_file: /run/secrets/postgres-password"))
        let configuration = try CoordinatorConfiguration(
            yaml: text.replacingOccurrences(of: "/run/secrets/postgres-password", with: password.path), file: "compose-coordinator.yaml"
        )
        let server = try #require(configuration.store.postgresql)
        #expect(aliases("postgres").contains(server.host))
        #expect(server.database == "oversight" && server.username == "oversight")
        #expect(configuration.alerts.alertmanagers.map(\.url) == ["http://alertmanager:9093"])

        let haproxy = try String(contentsOf: Self.folder.appendingPathComponent("haproxy.cfg"), encoding: .utf8)
        let servers = haproxy.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            guard words.first == "server", words.count >= 3 else { return nil }
            return String(words[2].split(separator: ":")[0])
        }
        #expect(servers.count == 2)
        #expect(Set(servers) == Set(aliases("coordinator1") + aliases("coordinator2")), "haproxy.cfg's servers: \(servers)")
        #expect(haproxy.contains("bind :\(configuration.listen.port)"))
    }
}
