//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// oversight-verify: checks an evidence bundle offline (docs/evidence.md). Links neither the store nor the web framework.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import OversightEvidence
import OversightModel

@main
struct OversightVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oversight-verify",
        abstract: "Verify an Oversight evidence bundle offline: manifest, signatures, chains, and every figure recomputed from the batches.",
        discussion: """
            Exits 0 and prints "verified: …, no differences" when the bundle is whole and every figure and credit the \
            coordinator computed follows from the signed batches alone; otherwise prints each difference (naming the file, \
            batch or figure) and exits 1, also when the bundle cannot be read or its figures cannot be recomputed.
            """,
        version: oversightVersion
    )

    @Argument(help: "The bundle folder (written by `oversight-coordinator evidence export`).") var directory: String

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: self.directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(self.directory) is not a folder")
        }
        let report = BundleVerifier(directory: self.directory).verify()
        for finding in report.findings { print(finding.description) }
        if report.isClean {
            print(
                "records rebuilt from \(report.verifiedBatches) verified batches: \(report.tickets) tickets, \(report.intervals) interval reports, "
                    + "\(report.evaluations) QA evaluations; \(report.creditLines) credit-statement lines, \(report.disputes) disputes"
                    + (report.reconciliationLines > 0 ? ", \(report.reconciliationLines) reconciled invoice lines" : "")
            )
            print("verified: \(report.verifiedBatches) batches, \(report.tickets) tickets, \(report.figures) figures, no differences")
            return
        }
        if !report.figuresRecomputed {
            print("figures were NOT recomputed (see above): the bundle's figures are unverified")
        }
        print("NOT VERIFIED: \(report.findings.count) difference\(report.findings.count == 1 ? "" : "s") (\(report.verifiedBatches) of \(report.batches) batches verified)")
        throw ExitCode(1)
    }
}
