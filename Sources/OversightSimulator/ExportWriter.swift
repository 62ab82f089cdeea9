//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Writing a simulation step as files, the way a careful export job does: temporary name, then rename.
//
//===----------------------------------------------------------------------===//

import Foundation

/// Writes what a site's systems export into three folders: ticket exports, telephony interval CSV files and QA
/// evaluation JSON Lines, which the Oversight agent's `tickets`, `intervals` and `evaluations` sources read.
///
/// Each file is written under a hidden `.name.part` name and renamed when complete, so the agent never reads half
/// a file. Names start with the UTC time of the export and a sequence number, so name order is write order.
package struct ExportWriter: Sendable {
    /// The site's profile (format, time zone).
    package let profile: ProviderProfile
    /// Folder of ticket exports: the agent's source folder.
    package let tickets: String
    /// Folder of telephony interval files.
    package let intervals: String
    /// Folder of QA evaluation files.
    package let evaluations: String

    /// Creates a writer and its folders.
    /// - Parameters:
    ///   - profile: the site.
    ///   - tickets: folder of ticket exports.
    ///   - intervals: folder of interval files.
    ///   - evaluations: folder of QA files.
    package init(profile: ProviderProfile, tickets: String, intervals: String, evaluations: String) throws {
        self.profile = profile
        self.tickets = tickets
        self.intervals = intervals
        self.evaluations = evaluations
        for folder in [tickets, intervals, evaluations] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
    }

    /// The files of `step`, by folder-relative name, without writing them.
    package func files(for step: SimulationStep, sequence: Int) -> (tickets: (String, String)?, intervals: (String, String)?, evaluations: (String, String)?) {
        let stamp = TimestampText.compact(step.at) + "-" + String(format: "%06d", sequence)
        let tickets = step.tickets.isEmpty ? nil : ("tickets-\(stamp).\(self.profile.format.fileExtension)", self.profile.format.render(step.tickets))
        let intervals =
            step.intervals.isEmpty
            ? nil
            : (
                "intervals-\(self.profile.site)-\(stamp).csv",
                ([IntervalReport.csvHeader] + step.intervals.map { $0.csvRow(timeZone: self.profile.timeZone) }).joined(separator: "\n") + "\n"
            )
        let evaluations =
            step.evaluations.isEmpty
            ? nil : ("qa-\(self.profile.site)-\(stamp).jsonl", step.evaluations.map { $0.jsonLine() + "\n" }.joined())
        return (tickets, intervals, evaluations)
    }

    /// Writes the step's files; returns the paths written.
    @discardableResult
    package func write(_ step: SimulationStep, sequence: Int) throws -> [String] {
        let files = self.files(for: step, sequence: sequence)
        var written: [String] = []
        for (folder, file) in [(self.tickets, files.tickets), (self.intervals, files.intervals), (self.evaluations, files.evaluations)] {
            guard let (name, text) = file else { continue }
            written.append(try Self.writeAtomically(text, folder: folder, name: name))
        }
        return written
    }

    /// Writes `text` to `folder/.name.part`, then renames it to `folder/name`.
    package static func writeAtomically(_ text: String, folder: String, name: String) throws -> String {
        let temporary = folder + "/." + name + ".part"
        let final = folder + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        if rename(temporary, final) != 0 {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: final])
        }
        return final
    }
}
