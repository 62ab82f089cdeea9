//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `samples verdict`: a provider-period's acceptance verdict at the AQL and its seed commitment, as the audits page
// shows them (AuditPeriods in OversightConsole computes both).
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import OversightConsole
import OversightLocalization
import OversightSampling

extension SamplesCommand {
    struct Verdict: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a provider-period's acceptance verdict at the AQL (n, c, defects found) and its seed commitment.",
            discussion: """
                A closed period reads "accepted / rejected at AQL X"; an open one "in progress: k of n audited"; with fewer than n \
                audits of the acceptance sample there is no verdict. Defects are audited interactions with a high-impact error \
                in head office's newest evaluation (docs/audits.md, "The acceptance verdict").
                """
        )
        @OptionGroup var selection: Selection
        @Flag(help: "Print JSON (the API's AuditPeriod).") var json = false

        func run() async throws {
            let settings = try self.selection.settings()
            let plan = try self.selection.loadPlan(settings: settings)
            let period = try self.selection.period(plan)
            if let path = self.selection.plan, path != SamplingFiles(dataDirectory: settings.paths.directory).planPath(provider: plan.provider) {
                throw ValidationError("samples verdict reads the plan the console uses, DATA/sampling/\(plan.provider).sampling.yaml; --plan is not taken")
            }
            let files = SamplingFiles(dataDirectory: settings.paths.directory)
            let provider = plan.provider
            let label = period.description
            let report = try await ConfiguredStore.with(settings) { store in
                try await AuditPeriods.report(store: store, files: files, provider: provider, labels: [label], now: Date())
            }
            guard let view = report.periods.first else { throw ValidationError("no audit period \(label) for \(provider)") }
            if self.json {
                print(try JSONOutput.string(view))
                return
            }
            let l = Localizer.english.in(timeZone: plan.timeZone)
            if let acceptance = view.acceptance {
                print("\(provider) \(label): \(AuditPeriods.verdictText(acceptance, l))")
                if let model = acceptance.model {
                    print("  \(acceptance.population) tickets; acceptance sample of \(acceptance.n ?? 0) (\(model)), the smallest rank keys of the unbiased sample")
                }
            } else {
                print("\(provider) \(label): \(plan.acceptance == nil ? "the sampling plan states no acceptance terms" : "the period has not started")")
            }
            print("seed sha256 \(view.seed.commitment); published: \(AuditPeriods.publicationText(view.seed, l))")
            if let recompute = view.seed.recompute { print("seed \(view.seed.seed ?? "")\nrecompute: \(recompute)") }
        }
    }
}
