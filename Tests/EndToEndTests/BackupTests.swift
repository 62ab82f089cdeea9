//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightStore
import OversightTesting
import Testing

extension EndToEnd {
    @Suite struct BackupTests {
        /// Opens a copy of a backup (so that opening it, which switches it to WAL, leaves the backup itself untouched).
        func openCopy(of backup: URL, in harness: Harness) throws -> SQLiteStore {
            let copy = harness.directory.child("open-\(UUID().uuidString).sqlite")
            try FileManager.default.copyItem(at: backup, to: copy)
            return try SQLiteStore(path: copy.path)
        }

        @Test(.timeLimit(.minutes(4)))
        func backupsTakenWhileAnAgentSyncsHoldConsistentChainsAndRestoreRefusesARunningCoordinator() async throws {
            try await withHarness("backup") { harness in
                let coordinator = try await harness.startCoordinator()
                let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "paris")
                let agentId = try agent.agentId()
                let key = try agent.credentials().signingKey.publicKey
                let live = try coordinator.openStore()

                // Export files keep arriving while `backup` runs every few files: the coordinator is committing batches
                // from the real agent over TLS throughout. The last files come after the last backup.
                let files = 24
                let rowsPerFile = 40
                var backups: [URL] = []
                for file in 0..<files {
                    try agent.drop("export-\(file).csv", ExportFile.csv(ticketRows("F\(file)", count: rowsPerFile, offset: file * rowsPerFile)))
                    if file == 7 { try await eventually("the first tickets stored") { try await live.ticketCount() > 0 } }
                    if file % 4 == 3, file < files - 4 {
                        let backup = harness.directory.child("backup-\(file).sqlite")
                        let result = try await coordinator.cli(["backup", "--to", backup.path])
                        #expect(result.exitCode == 0, "\(result)")
                        #expect(result.stdout.contains("integrity ok"))
                        backups.append(backup)
                    }
                }
                let total = files * rowsPerFile
                try await eventually("all \(total) tickets stored") { try await live.ticketCount() == total }
                let finalSeq = try #require(try await live.agent(id: agentId)).lastSeq

                // Each backup is one committed state: its chain is complete and verifies, and it holds exactly the
                // tickets of the batches it holds (no ticket without its batch, no batch without its tickets).
                var seqs: [Int64] = []
                for backup in backups {
                    let attributes = try FileManager.default.attributesOfItem(atPath: backup.path)
                    #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(backup.lastPathComponent) is not 0600")
                    #expect(!FileManager.default.fileExists(atPath: backup.path + "-wal"), "a backup is one self-contained file")
                    let store = try self.openCopy(of: backup, in: harness)
                    let chain = try await store.committedChain(agentId: agentId, key: key)
                    #expect(chain.recordIds.count == Set(chain.recordIds).count, "a record applied twice in \(backup.lastPathComponent)")
                    #expect(try await store.ticketCount() == Set(chain.recordIds).count, "\(backup.lastPathComponent): tickets and batches disagree")
                    seqs.append(chain.lastSeq)
                }
                #expect(seqs == seqs.sorted(), "backups taken later hold no less")
                #expect(seqs.filter { $0 > 0 }.count >= 2, "backups after the first tickets hold batches: \(seqs)")
                #expect(seqs.allSatisfy { $0 < finalSeq }, "every backup was taken while batches were still coming: \(seqs) < \(finalSeq)")

                // restore refuses while the coordinator serves, and changes nothing.
                let middle = backups[backups.count / 2]
                let refused = try await coordinator.cli(["restore", "--from", middle.path])
                #expect(refused.exitCode != 0)
                #expect(refused.stderr.contains("a coordinator is serving from"), "\(refused)")
                #expect(try await live.ticketCount() == total)

                await agent.stop()
                await coordinator.stop()

                // A file that is not a backup is refused before anything changes.
                let garbage = harness.directory.child("not-a-backup.sqlite")
                try Data(repeating: 0x41, count: 8192).write(to: garbage)
                let bad = try await coordinator.cli(["restore", "--from", garbage.path])
                #expect(bad.exitCode != 0)
                #expect(bad.stderr.contains("not a SQLite database") || bad.stderr.contains("not a readable SQLite database"), "\(bad)")
                #expect(try await coordinator.openStore().ticketCount() == total)

                // Stopped: restore puts the backup's state in place and keeps the replaced store beside it.
                let expected = try await self.openCopy(of: middle, in: harness).ticketCount()
                let restored = try await coordinator.cli(["restore", "--from", middle.path])
                #expect(restored.exitCode == 0, "\(restored)")
                let store = try coordinator.openStore()
                #expect(try await store.ticketCount() == expected)
                let chain = try await store.committedChain(agentId: agentId, key: key)
                #expect(Set(chain.recordIds).count == expected)
                let aside = try #require(
                    try FileManager.default.contentsOfDirectory(atPath: coordinator.dataDirectory.path).first { $0.hasPrefix("oversight.sqlite.before-restore-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }
                )
                #expect(try await SQLiteStore(path: coordinator.dataDirectory.appendingPathComponent(aside).path).ticketCount() == total)

                // The coordinator starts on the restored store, and restore refuses again while it runs.
                try await coordinator.start()
                #expect(try await coordinator.cli(["restore", "--from", middle.path]).exitCode != 0)
            }
        }

        @Test(.timeLimit(.minutes(1)))
        func backupAndRestoreOfThePostgreSQLStoreAreRefusedWithWhatToUseInstead() async throws {
            try await withHarness("backup-pg") { harness in
                let data = harness.directory.child("data")
                let config = harness.directory.child("coordinator.yaml")
                try "data: \(data.path)\nstore:\n  backend: postgresql\n  url: postgresql://oversight@127.0.0.1:5/ovs\n"
                    .write(to: config, atomically: true, encoding: .utf8)
                let target = harness.directory.child("store.backup")
                let backup = try await runCommand(try Binaries.coordinator(), ["backup", "--config", config.path, "--to", target.path])
                #expect(backup.exitCode == 1 && backup.stderr.contains("store is on PostgreSQL") && backup.stderr.contains("pg_dump"), "\(backup)")
                #expect(!FileManager.default.fileExists(atPath: target.path), "nothing written")
                let restore = try await runCommand(try Binaries.coordinator(), ["restore", "--config", config.path, "--from", target.path])
                #expect(restore.exitCode == 1 && restore.stderr.contains("pg_restore"), "\(restore)")
            }
        }
    }
}
