//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightTesting
import Testing

/// `deploy/alertmanager/alertmanager.example.yml` is a valid Alertmanager configuration whose routes do what
/// `docs/alerts.md` says. `amtool` ships in Debian's `prometheus-alertmanager`, installed here if missing.
@Suite struct ExampleConfigTests {
    static func amtool() async throws -> String {
        _ = try await alertmanagerExecutable()
        let path = "/usr/bin/amtool"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("amtool is not in the prometheus-alertmanager package on this machine")
        }
        return path
    }

    @Test(.timeLimit(.minutes(5)))
    func exampleConfigPassesAmtoolCheckConfig() async throws {
        let amtool = try await Self.amtool()
        let config = repositoryFile("deploy/alertmanager/alertmanager.example.yml")
        let result = try await runCommand(amtool, ["check-config", config.path])
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.contains("SUCCESS"), "\(result)")
    }

    @Test(
        .timeLimit(.minutes(5)),
        arguments: [
            (["provider=acme-support", "severity=critical", "kind=ticket_breached"], ["pager", "acme-vendor-manager"]),
            (["provider=acme-support", "severity=warning", "kind=ticket_at_risk"], ["acme-vendor-manager"]),
            (["provider=globex-care", "severity=warning", "kind=aggregate_at_risk"], ["globex-vendor-manager"]),
            (["provider=initech", "severity=warning", "kind=agent_silent"], ["service-desk"]),
            (["provider=initech", "severity=critical", "kind=security_event"], ["pager", "service-desk"]),
            (["provider=initech", "severity=warning", "kind=ticket_at_risk"], ["service-desk"]),
        ]
    )
    func exampleRoutesSendEachAlertWhereTheDocsSay(labels: [String], receivers: [String]) async throws {
        let amtool = try await Self.amtool()
        let config = repositoryFile("deploy/alertmanager/alertmanager.example.yml")
        let result = try await runCommand(amtool, ["config", "routes", "test", "--config.file=\(config.path)"] + labels)
        #expect(result.exitCode == 0, "\(result)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").map(String.init) == receivers, "\(result)")
    }
}
