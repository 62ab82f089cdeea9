//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightTesting
import Testing

extension EndToEnd {
    /// The short CI version of `scripts/chaos` (docs/reliability.md): real agents stream tickets to a real coordinator
    /// while the script SIGKILLs one of them at random 24 times and restarts it; then it checks every record, every
    /// chain, the SLA events and the alerts. The seed is fixed so a failure replays with the same command.
    @Suite struct ChaosTests {
        @Test(.timeLimit(.minutes(6)))
        func randomKill9OfCoordinatorAndAgentsLosesAndDuplicatesNothing() async throws {
            let script = Binaries.repositoryRoot.appendingPathComponent("scripts/chaos").path
            let arguments = [script, "--seed", "15", "--records", "6000", "--agents", "3", "--kills", "24", "--bin-dir", Binaries.directory.path, "--catch-up-timeout", "180"]
            let result = try await runCommand("/usr/bin/env", ["python3"] + arguments, timeout: .seconds(330))
            print(result.stdout)
            #expect(result.exitCode == 0, "scripts/chaos failed:\n\(result.stdout)\n\(result.stderr)")
            let figures = Self.figures(result.stdout)
            #expect((figures["kills survived"] ?? 0) >= 24, "\(figures)")
            #expect(figures["lost"] == 0, "\(figures)")
            #expect(figures["applied twice"] == 0, "\(figures)")
            #expect((figures["records checked"] ?? 0) >= 6000, "\(figures)")
        }

        /// The first number after each `name:` label of the script's summary.
        static func figures(_ output: String) -> [String: Int] {
            var figures: [String: Int] = [:]
            for line in output.split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].trimmingCharacters(in: .whitespaces)
                if let match = line[line.index(after: colon)...].firstMatch(of: /\d+/) { figures[name] = Int(match.output) }
            }
            return figures
        }
    }
}
