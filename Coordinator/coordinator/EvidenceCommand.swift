//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `evidence export`: a provider's month as an evidence bundle that `oversight-verify` checks offline.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import Logging
import OversightCoordinator
import OversightSLA
import OversightStore
import OversightStorePostgres

struct EvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Evidence bundles: everything a month's figures rest on, verifiable offline with oversight-verify.",
        subcommands: [Export.self]
    )

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a provider's month as an evidence bundle (docs/evidence.md).",
            discussion: """
                The bundle holds every signed batch of the provider's agents as the coordinator stored it, each agent's \
                registered signing key and certificate details, the CA certificate, the contract file with its calendars, the QA \
                disputes of the month's evaluations, and the figures and credit statement the coordinator computed, with a \
                manifest.json listing every file's SHA-256. Check it with `oversight-verify DIR`.
                """
        )
        @OptionGroup var data: DataOptions
        @Option(help: "Provider.") var provider: String
        @Option(help: "Month, YYYY-MM, in the contract's time zone.") var month: String
        @Option(help: "New or empty folder to write the bundle into.") var to: String
        @Option(help: "Folder of *.contract.yaml files (default: the configuration's `contracts`, else DATA/contracts).") var contracts: String?
        @Option(help: "The coordinator configuration file, for its data directory, store and contracts folder.") var config: String?

        func validate() throws {
            do {
                _ = try MonthFigurePlan.firstDay(of: self.month)
            } catch {
                throw ValidationError(error.message)
            }
        }

        func run() async throws {
            let settings = try CoordinatorSettings.load(file: self.config, dataOverride: self.data.data)
            let folder = self.contracts ?? settings.contractsDirectory ?? (settings.paths.directory + "/contracts")
            guard FileManager.default.fileExists(atPath: folder) else {
                throw ValidationError("no contracts folder at \(folder); pass --contracts or set `contracts` in the configuration")
            }
            let contracts = try SLAEngine.loadContracts(directory: folder)
            let caPEM = try? String(contentsOfFile: settings.paths.caCertificate, encoding: .utf8)
            let provider = self.provider
            let month = self.month
            let to = self.to
            let summary: EvidenceExporter.Summary
            if let postgres = settings.postgresConfiguration {
                var logger = Logger(label: "oversight.evidence")
                logger.logLevel = .warning
                summary = try await PostgresStore.withStore(configuration: postgres, logger: logger) { store in
                    try await Self.export(store: store, contracts: contracts, caPEM: caPEM, provider: provider, month: month, to: to)
                }
            } else {
                guard FileManager.default.fileExists(atPath: settings.paths.store) else {
                    throw ValidationError("no coordinator store at \(settings.paths.store); run `oversight-coordinator init` first")
                }
                let store = try SQLiteStore(path: settings.paths.store)
                summary = try await Self.export(store: store, contracts: contracts, caPEM: caPEM, provider: provider, month: month, to: to)
            }
            print(
                "Exported \(self.provider) \(self.month) to \(self.to): \(summary.batches) batches of \(summary.agents) agents, "
                    + "\(summary.figures) figures, \(summary.creditLines) credit lines, \(summary.disputes) disputes, "
                    + (summary.invoiceLines > 0 ? "\(summary.invoiceLines) reconciled invoice lines, " : "") + "\(summary.files) files"
            )
            for (file, reason) in summary.unavailable.sorted(by: { $0.key < $1.key }) {
                print("Not exported: \(file) (\(reason)); oversight-verify reports it as unverified")
            }
            print("Verify with: oversight-verify \(self.to)")
        }

        static func export(
            store: any CoordinatorStore, contracts: [String: Contract], caPEM: String?, provider: String, month: String, to: String
        ) async throws -> EvidenceExporter.Summary {
            do {
                return try await EvidenceExporter(store: store, contracts: contracts, caPEM: caPEM).export(provider: provider, month: month, to: to)
            } catch let error as CoordinatorError {
                throw ValidationError(error.message)
            }
        }
    }
}
