//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `invoices import|reconcile`: a provider's invoice for a month, stored as a new version and reconciled against what the
// agents measured (docs/invoices.md).
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import OversightAlerts
import OversightConsole
import OversightCoordinator
import OversightSLA
import OversightStore

struct InvoicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoices",
        abstract: "Providers' invoices: import one (a new version of the provider's month) and reconcile it against the measured figures.",
        subcommands: [Import.self, Reconcile.self]
    )

    /// The alert center of the data directory with the configuration's receivers: alerts raised here are queued for them and
    /// the serving coordinator delivers them.
    static func alertCenter(_ settings: CoordinatorSettings) throws -> AlertCenter {
        let configuration = settings.alertsConfiguration
        return try AlertCenter(
            store: try AlertStore(path: configuration.databasePath),
            configuration: .init(consoleBaseURL: configuration.consoleURL, receivers: configuration.receivers)
        )
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a provider's invoice file (CSV or JSON) as the next version of its month, reconcile it and alert on lines beyond tolerance.",
            discussion: """
                Only head office uploads invoices: --as names an enabled console user of role supervisor or admin who may see the \
                provider. The file's provider and month must be the ones given. Earlier versions are kept; the latest counts.
                """
        )
        @OptionGroup var options: DisputeOptions
        @Option(help: "Provider.") var provider: String
        @Option(help: "Month, YYYY-MM, in the contract's time zone.") var month: String
        @Option(name: .customLong("as"), help: "The console user uploading it (role supervisor or admin).") var user: String
        @Argument(help: "The invoice file (docs/invoices.md).") var file: String

        func validate() throws {
            do {
                _ = try MonthFigurePlan.firstDay(of: self.month)
            } catch {
                throw ValidationError(error.message)
            }
        }

        func run() async throws {
            let path = self.file
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else {
                throw ValidationError("cannot read \(path)")
            }
            guard size <= Invoice.Limits.maxBytes else {
                throw ValidationError("\(path): the file has \(size) bytes; an invoice file may have at most \(Invoice.Limits.maxBytes)")
            }
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
            let settings = try CoordinatorSettings.load(file: self.options.config, dataOverride: self.options.data.data)
            let center = try InvoicesCommand.alertCenter(settings)
            let (provider, month, user, json) = (self.provider, self.month, self.user, self.options.json)
            let name = (path as NSString).lastPathComponent
            let outcome = try await self.options.withContext { context in
                let uploader = try await context.user(user, roles: [.supervisor, .admin], provider: provider, action: "upload invoices")
                do {
                    return try await InvoiceDesk(store: context.store, contracts: context.contracts).importInvoice(
                        provider: provider, month: month, data: data, file: name, uploadedBy: uploader.username, alerts: center
                    )
                } catch let error as CoordinatorError {
                    throw ValidationError(error.message)
                }
            }
            if json {
                print(try JSONOutput.string(outcome.reconciliation))
                return
            }
            print(
                "Stored invoice \(outcome.invoice.number) of \(provider) \(month) as version \(outcome.stored.version) "
                    + "(\(outcome.invoice.lines.count) lines, total \(outcome.invoice.total.money) \(outcome.invoice.currency))"
            )
            print(InvoicesCommand.render(outcome.reconciliation))
            print("Alerts raised: \(outcome.alertsRaised)")
        }
    }

    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reconcile the latest invoice of a provider's month against the measured figures (and alert on lines beyond tolerance not alerted yet)."
        )
        @OptionGroup var options: DisputeOptions
        @Option(help: "Provider.") var provider: String
        @Option(help: "Month, YYYY-MM, in the contract's time zone.") var month: String

        func validate() throws {
            do {
                _ = try MonthFigurePlan.firstDay(of: self.month)
            } catch {
                throw ValidationError(error.message)
            }
        }

        func run() async throws {
            let settings = try CoordinatorSettings.load(file: self.options.config, dataOverride: self.options.data.data)
            let center = try InvoicesCommand.alertCenter(settings)
            let (provider, month) = (self.provider, self.month)
            let outcome = try await self.options.withContext { context in
                do {
                    return try await InvoiceDesk(store: context.store, contracts: context.contracts).reconcile(provider: provider, month: month, alerts: center)
                } catch let error as CoordinatorError {
                    throw ValidationError(error.message)
                }
            }
            guard let outcome else { throw ValidationError("no invoice is stored for \(provider.prefix(64)) \(month)") }
            if self.options.json {
                print(try JSONOutput.string(outcome.reconciliation))
                return
            }
            print(InvoicesCommand.render(outcome.reconciliation))
            if outcome.alertsRaised > 0 { print("Alerts raised: \(outcome.alertsRaised)") }
        }
    }

    /// The reconciliation as a table, then the lines beyond tolerance with their evidence, then the net.
    static func render(_ r: InvoiceReconciliation) -> String {
        var table = TextTable(columns: ["LINE", "KIND", "SCOPE", "BILLED", "MEASURED", "DIFFERENCE", "TOLERANCE", "ALLOWED", "STATE"])
        for line in r.lines {
            table.add([
                line.id, line.kind.rawValue, line.scopeText, "\(line.billed) \(line.unit)", line.measured.map(\.description) ?? "not measured",
                line.difference.map(\.description) ?? "", line.tolerance, line.allowed.map(\.description) ?? "", line.state.rawValue,
            ])
        }
        var text = "Invoice \(r.invoiceNumber) v\(r.invoiceVersion) of \(r.provider) \(r.month) (\(r.currency)): \(r.beyond) of \(r.lines.count) lines beyond tolerance\n"
        text += table.render()
        for line in r.lines {
            if line.state == .notMeasured { text += "\n\(line.id): \(line.source)" }
            guard let evidence = line.evidence else { continue }
            text += "\n\(line.id): measured from \(line.source); \(evidence.intervals) interval reports, \(evidence.tickets) tickets"
            if !evidence.intervalKeys.isEmpty { text += "\n  intervals: " + evidence.intervalKeys.joined(separator: ", ") }
            if !evidence.ticketIds.isEmpty { text += "\n  tickets: " + evidence.ticketIds.joined(separator: ", ") }
        }
        text += "\nInvoice total: \(r.invoiceTotal.money) \(r.currency)"
        if let owed = r.creditsOwed { text += "\nService credits owed: \(owed.money) \(r.creditsCurrency ?? r.currency)" }
        if let net = r.net { text += "\nNet payable: \(net.money) \(r.currency)" }
        if let note = r.netNote { text += "\nNo net: \(note)" }
        return text
    }
}
