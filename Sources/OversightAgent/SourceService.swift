//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reads settled files from every source folder into the outbox; a file is moved to done/ only after its records
// are committed durably. Keeps working while the coordinator is away.
//
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import OversightConfig
import OversightConnectors
import OversightModel
import ServiceLifecycle

/// Takes source files into the outbox.
package struct SourceService: Service {
    let sources: [SourceConfiguration]
    let credentials: AgentCredentials
    let outbox: Outbox
    let outboxLimit: Int
    let health: AgentHealth
    let redaction: RedactionConfiguration
    let logger: Logger

    /// Creates the service.
    /// - Parameters:
    ///   - sources: The folders to read.
    ///   - credentials: The agent's credentials (its pseudonym key).
    ///   - outbox: Where records go.
    ///   - outboxLimit: Most bytes the outbox may hold; sources pause while it is full.
    ///   - health: Shared health figures.
    ///   - redaction: The personal data removed from free text and from rejected rows (on by default).
    ///   - logger: The agent's logger.
    package init(
        sources: [SourceConfiguration], credentials: AgentCredentials, outbox: Outbox, outboxLimit: Int, health: AgentHealth,
        redaction: RedactionConfiguration = .init(), logger: Logger
    ) {
        self.sources = sources
        self.redaction = redaction
        self.credentials = credentials
        self.outbox = outbox
        self.outboxLimit = outboxLimit
        self.health = health
        self.logger = logger
    }

    package func run() async throws {
        let folderSources = self.sources.filter { $0.requestTracker == nil }
        let liveSources = self.sources.filter { $0.requestTracker != nil }
        let folders = folderSources.map { FolderSource(configuration: $0, pseudonymKey: self.credentials.pseudonymKey, redaction: self.redaction) }
        let interval = folderSources.map(\.pollInterval).min() ?? .seconds(2)
        for source in folderSources {
            self.logger.info(
                "watching source folder",
                metadata: [
                    "oversight.source": "\(source.name)", "oversight.source.kind": "\(source.kind.rawValue)",
                    "oversight.source.path": "\(source.path)",
                ]
            )
        }
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingDiscardingTaskGroup { group in
                    for source in liveSources {
                        group.addTask { try await self.pollLoop(source) }
                    }
                    if !folders.isEmpty {
                        while !Task.isCancelled {
                            await self.scanOnce(folders)
                            try await Task.sleep(for: interval)
                        }
                    }
                }
            }
        } catch is CancellationError {
            return
        }
    }

    /// Takes every ready file of every folder once; returns the number of files taken.
    @discardableResult
    package func scanOnce(_ folders: [FolderSource]) async -> Int {
        var taken = 0
        var lastError: String?
        for folder in folders {
            let source = folder.configuration
            do {
                let files = try folder.readyFiles(now: Date())
                for file in files {
                    if try await self.outbox.bytes() >= Int64(self.outboxLimit) {
                        if !self.health.outboxFull {
                            self.logger.warning(
                                "outbox is full: new source files stay in their folders until the coordinator acknowledges more",
                                metadata: ["oversight.outbox.limit": "\(self.outboxLimit)"]
                            )
                        }
                        self.health.outboxFull = true
                        try await self.outbox.recordSourceError(
                            source: source.name, path: source.path,
                            error: "outbox full (\(self.outboxLimit) bytes): files are left in the folder until the coordinator acknowledges",
                            now: Date()
                        )
                        self.health.lastSourceError = "outbox full"
                        return taken
                    }
                    self.health.outboxFull = false
                    try await self.take(file, from: folder)
                    taken += 1
                }
            } catch {
                // SQLITE_FULL: the outbox's filesystem is full. The file stays in the folder and is taken once space is freed.
                let message = "\(error)".contains("disk is full")
                    ? "the outbox's disk is full; files stay in the folder until space is freed (\(error))" : "\(error)"
                lastError = "\(source.name): \(message)"
                self.logger.warning("source error", metadata: ["oversight.source": "\(source.name)", "oversight.error": "\(message)"])
                try? await self.outbox.recordSourceError(source: source.name, path: source.path, error: message, now: Date())
            }
        }
        if !self.health.outboxFull { self.health.lastSourceError = lastError }
        return taken
    }

    private func take(_ file: URL, from folder: FolderSource) async throws {
        let source = folder.configuration
        let site = source.site ?? self.credentials.identity.site
        let result: FileReadResult
        do {
            result = try folder.read(file: file, provider: self.credentials.identity.provider, site: site)
        } catch {
            // The whole file is unusable (too large, unreadable): set it aside with the reason; other files go on.
            try folder.markRejected(file: file, reason: "\(error)")
            try await self.outbox.recordSourceError(source: source.name, path: source.path, error: "\(file.lastPathComponent): \(error)", now: Date())
            self.logger.warning("file rejected", metadata: ["oversight.file": "\(file.lastPathComponent)", "oversight.error": "\(error)"])
            return
        }
        if try await self.outbox.isIngested(fingerprint: result.fingerprint) {
            // Taken before a crash that came between the commit and the move.
            try folder.markDone(file: file, rejects: [])
            return
        }
        try await self.outbox.append(
            records: result.records, fingerprint: result.fingerprint, fileName: file.lastPathComponent, source: source.name,
            path: source.path, rejected: result.rejects.count, now: Date()
        )
        try folder.markDone(file: file, rejects: result.rejects)
        self.logger.info(
            "file taken",
            metadata: [
                "oversight.file": "\(file.lastPathComponent)", "oversight.records": "\(result.records.count)",
                "oversight.rejects": "\(result.rejects.count)",
            ]
        )
    }
}
