//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightStore
import OversightTesting
import Testing

/// A small ext4 filesystem of the test's own, in an image file, loop-mounted (needs root and a loop device).
struct LoopFilesystem {
    let image: URL
    let mountPoint: URL

    /// Makes and mounts an image of `megabytes` (at `directory/name`, unless another mount point is given); `nil`
    /// (with the reason) where this machine cannot loop-mount.
    static func make(in directory: URL, name: String = "disk", megabytes: Int, mountPoint: URL? = nil) async throws -> (LoopFilesystem?, String) {
        let image = directory.appendingPathComponent("\(name).img")
        let mountPoint = mountPoint ?? directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let truncate = try await runCommand("/usr/bin/truncate", ["-s", "\(megabytes)M", image.path])
        guard truncate.exitCode == 0 else { return (nil, "truncate: \(truncate)") }
        let mkfs = try await runCommand("/sbin/mkfs.ext4", ["-q", "-F", image.path])
        guard mkfs.exitCode == 0 else { return (nil, "mkfs.ext4: \(mkfs)") }
        let mount = try await runCommand("/bin/mount", ["-o", "loop", image.path, mountPoint.path])
        guard mount.exitCode == 0 else { return (nil, "mount -o loop: \(mount)") }
        return (LoopFilesystem(image: image, mountPoint: mountPoint), "")
    }

    /// Writes a filler file until the filesystem says it is full; returns its URL.
    func fill() throws -> URL {
        let filler = self.mountPoint.appendingPathComponent("filler")
        let fd = open(filler.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw HarnessError("cannot create \(filler.path)") }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0x5A, count: 1 << 16)
        while true {
            let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written <= 0 { break }
        }
        // What the first pass left (less than a chunk): fill it byte by byte so not even a page is free.
        var byte: UInt8 = 0x5A
        while write(fd, &byte, 1) == 1 {}
        fsync(fd)
        return filler
    }

    /// Mounts the image again at another place (after ``unmount()``).
    func remount(at mountPoint: URL) async throws -> LoopFilesystem {
        let mount = try await runCommand("/bin/mount", ["-o", "loop", self.image.path, mountPoint.path])
        guard mount.exitCode == 0 else { throw HarnessError("mount -o loop at \(mountPoint.path): \(mount)") }
        return LoopFilesystem(image: self.image, mountPoint: mountPoint)
    }

    func unmount() async {
        _ = try? await runCommand("/bin/umount", ["-l", self.mountPoint.path])
    }
}

extension EndToEnd {
    /// The coordinator's data directory fills up mid-stream: it stops acknowledging (the agent keeps the batches), says
    /// why in its log and to the agent, keeps serving, and resumes by itself once space is freed; nothing is lost or doubled.
    @Suite struct FullDiskTests {
        static let before = 200
        static let during = 3_000

        @Test(.timeLimit(.minutes(4)))
        func aFullDataDiskStopsAcknowledgementsUntilSpaceIsFreed() async throws {
            try await withHarness("full-disk") { harness in
                let (made, reason) = try await LoopFilesystem.make(in: harness.directory.url, megabytes: 48)
                guard let disk = made else {
                    // No loop device here (an unprivileged container): say so loudly rather than pass silently.
                    Issue.record("cannot make a small filesystem for the full-disk test: \(reason)")
                    return
                }
                do {
                    try await Self.exercise(harness: harness, disk: disk)
                } catch {
                    await harness.stopAll()
                    await disk.unmount()
                    throw error
                }
                await harness.stopAll()
                await disk.unmount()
            }
        }

        static func exercise(harness: Harness, disk: LoopFilesystem) async throws {
            let coordinator = try await harness.startCoordinator(dataDirectory: disk.mountPoint.appendingPathComponent("coordinator-data"))
            var options = AgentOptions()
            options.maxRecords = 100
            let agent = try await harness.startAgent(name: "a", coordinator: coordinator, provider: "acme", site: "paris", options: options)
            let store = try coordinator.openStore()
            try agent.drop("first.csv", ExportFile.csv(ticketRows("F", count: Self.before)))
            try await eventually("the first tickets stored") { try await store.ticketCount() == Self.before }

            let filler = try disk.fill()
            for file in 0..<6 {
                try agent.drop("full-\(file).csv", ExportFile.csv(ticketRows("D\(file)", count: Self.during / 6)))
            }
            // The agent takes the files into its outbox (its own disk is fine) and keeps them while the coordinator refuses.
            try await eventually("the disk-full refusal in the coordinator's log", timeout: .seconds(60)) {
                coordinator.process?.log().contains("disk is full") == true
            }
            // The agent was told why its batch was not acknowledged.
            try await eventually("the agent told store_unavailable") { agent.process?.log().contains("store_unavailable") == true }
            try await Task.sleep(for: .seconds(3))
            let whileFull = try await store.ticketCount()
            #expect(whileFull < Self.before + Self.during, "every ticket was stored on a full disk: the filesystem was not full")
            #expect(coordinator.process?.isRunning == true, "the coordinator exited on a full disk")
            let status = try await agent.status()
            #expect(status.outbox.depth > 0, "the agent dropped batches the coordinator could not store")

            // Space freed: the coordinator takes the batches again by itself, exactly once.
            try FileManager.default.removeItem(at: filler)
            try await eventually("every ticket stored after space was freed", timeout: .seconds(120)) {
                try await store.ticketCount() == Self.before + Self.during
            }
            try await eventually("the agent's outbox drained") { try await agent.status().outbox.depth == 0 }
            #expect(coordinator.process?.isRunning == true, "the coordinator restarted or exited")
            let credentials = try agent.credentials()
            let chain = try await store.committedChain(agentId: credentials.identity.agentId, key: credentials.signingKey.publicKey)
            #expect(chain.recordIds.count == Self.before + Self.during)
            #expect(Set(chain.recordIds).count == Self.before + Self.during)
            let check = try await coordinator.cli(["integrity", "check"])
            #expect(check.exitCode == 0, "integrity check after the full disk: \(check)")
        }

        /// The agent's data directory (its outbox) fills up: it stops taking files (they stay in the source folder), keeps
        /// what its outbox holds, keeps running, and takes the files once space is freed; nothing is lost or doubled.
        @Test(.timeLimit(.minutes(4)))
        func aFullOutboxDiskLeavesFilesInTheFolderUntilSpaceIsFreed() async throws {
            try await withHarness("full-outbox-disk") { harness in
                let coordinator = try await harness.startCoordinator()
                let agent = try harness.makeAgent(name: "a")
                try await agent.enroll(with: coordinator, provider: "acme", site: "paris")
                // Move the enrolled data directory onto a small filesystem mounted in its place.
                let (made, reason) = try await LoopFilesystem.make(in: harness.directory.url, name: "agent-disk", megabytes: 24)
                guard let staging = made else {
                    Issue.record("cannot make a small filesystem for the full-disk test: \(reason)")
                    return
                }
                let copy = try await runCommand("/bin/cp", ["-a", agent.dataDirectory.path + "/.", staging.mountPoint.path])
                #expect(copy.exitCode == 0, "\(copy)")
                await staging.unmount()
                let disk = try await staging.remount(at: agent.dataDirectory)
                do {
                    try await Self.exerciseAgent(agent: agent, coordinator: coordinator, disk: disk)
                } catch {
                    await harness.stopAll()
                    await disk.unmount()
                    throw error
                }
                await harness.stopAll()
                await disk.unmount()
            }
        }

        static func exerciseAgent(agent: AgentProcess, coordinator: CoordinatorProcess, disk: LoopFilesystem) async throws {
            try agent.start()
            let store = try coordinator.openStore()
            try agent.drop("first.csv", ExportFile.csv(ticketRows("F", count: Self.before)))
            try await eventually("the first tickets stored") { try await store.ticketCount() == Self.before }
            try await eventually("the first file done") { agent.doneFiles() == ["first.csv"] }

            let filler = try disk.fill()
            let names = (0..<6).map { "full-\($0).csv" }
            for (index, name) in names.enumerated() {
                try agent.drop(name, ExportFile.csv(ticketRows("D\(index)", count: Self.during / 6)))
            }
            try await eventually("the agent to report its full disk", timeout: .seconds(60)) {
                agent.process?.log().contains("the outbox's disk is full") == true
            }
            try await Task.sleep(for: .seconds(2))
            #expect(agent.process?.isRunning == true, "the agent exited on a full disk")
            #expect(!agent.pendingFiles().isEmpty, "every file was taken on a full disk: the filesystem was not full")
            #expect(try await store.ticketCount() < Self.before + Self.during)

            try FileManager.default.removeItem(at: filler)
            try await eventually("every ticket stored after space was freed", timeout: .seconds(120)) {
                try await store.ticketCount() == Self.before + Self.during
            }
            try await eventually("every file done, once") { agent.doneFiles() == (["first.csv"] + names).sorted() }
            #expect(agent.pendingFiles().isEmpty)
            try await eventually("the agent's outbox drained") { try await agent.status().outbox.depth == 0 }
            #expect(agent.process?.isRunning == true, "the agent restarted or exited")
            let credentials = try agent.credentials()
            let chain = try await store.committedChain(agentId: credentials.identity.agentId, key: credentials.signingKey.publicKey)
            #expect(chain.recordIds.count == Self.before + Self.during)
            #expect(Set(chain.recordIds).count == Self.before + Self.during)
        }
    }
}
