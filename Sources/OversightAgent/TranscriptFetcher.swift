//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reads the interactions a sample request asks for from the transcript folder, redacts them, and makes the
// `interaction` records (one per requested ticket: returned, or missing with its reason).
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightConfig
import OversightConnectors
import OversightModel

/// Fetches and redacts the interactions of a sample request.
package struct TranscriptFetcher: Sendable {
    /// The folder setting; `nil` when the agent has none (every interaction is then reported missing).
    let configuration: AgentConfiguration.Transcripts?
    let redactor: Redactor

    /// Creates a fetcher.
    package init(configuration: AgentConfiguration.Transcripts?, redaction: RedactionConfiguration) {
        self.configuration = configuration
        self.redactor = Redactor(configuration: redaction)
    }

    /// The file names looked for, in order, with the format each gives.
    static let extensions: [(String, InteractionFormat)] = [("txt", .text), ("eml", .email), ("json", .chat)]

    /// One record per requested ticket, in the request's order.
    package func records(for request: SampleRequestCommand, site: String, now: Date) -> [InteractionRecord] {
        request.ticketIds.map { ticket in
            func missing(_ reason: String) -> InteractionRecord {
                InteractionRecord(
                    provider: request.provider, site: site, requestId: request.requestId, ticketId: ticket, status: .missing, reason: reason,
                    updatedAt: now
                )
            }
            guard let configuration = self.configuration else {
                return missing("no transcript source is configured at this site (transcripts.folder or transcripts.command)")
            }
            if let command = configuration.command {
                return self.fromCommand(command, configuration: configuration, ticket: ticket, missing: missing) { text, format, counts in
                    InteractionRecord(
                        provider: request.provider, site: site, requestId: request.requestId, ticketId: ticket, status: .returned, format: format,
                        text: text, redactions: counts, updatedAt: now
                    )
                }
            }
            // A ticket id names a file only when it cannot leave the folder or hide as a dot file.
            guard !ticket.contains("/"), !ticket.hasPrefix("."), !ticket.contains("\0") else {
                return missing("the ticket id cannot name a file in the transcript folder")
            }
            let fileManager = FileManager.default
            guard let (path, format) = Self.extensions.lazy.map({ ("\(configuration.folder)/\(ticket).\($0.0)", $0.1) })
                .first(where: { fileManager.fileExists(atPath: $0.0) })
            else {
                return missing("no transcript file \(ticket).txt, .eml or .json in the transcript folder")
            }
            guard let attributes = try? fileManager.attributesOfItem(atPath: path), (attributes[.type] as? FileAttributeType) == .typeRegular,
                let size = (attributes[.size] as? NSNumber)?.int64Value
            else {
                return missing("the transcript file is not a regular file")
            }
            guard size <= configuration.maxBytes else {
                return missing("the transcript file is \(size) bytes; the limit is \(configuration.maxBytes) (transcripts.max_bytes)")
            }
            guard let data = fileManager.contents(atPath: path) else { return missing("the transcript file cannot be read") }
            guard let raw = String(validating: data, as: UTF8.self) else { return missing("the transcript file is not UTF-8 text") }
            guard let (redacted, counts) = self.redacted(raw) else {
                return missing("the redacted transcript is longer than \(InteractionRecord.Limits.maxTextLength) bytes")
            }
            return InteractionRecord(
                provider: request.provider, site: site, requestId: request.requestId, ticketId: ticket, status: .returned, format: format,
                text: redacted, redactions: counts, updatedAt: now
            )
        }
    }

    /// The cleaned and redacted text with the count of each kind removed; `nil` when it is longer than a record holds.
    func redacted(_ raw: String) -> (String, [String: Int])? {
        let text = Self.cleaned(raw)
        let redacted = self.redactor.redact(text)
        guard redacted.utf8.count <= InteractionRecord.Limits.maxTextLength else { return nil }
        var counts: [String: Int] = [:]
        for block in Redactor.blocks(of: text) {
            for finding in self.redactor.findings(in: String(block)) { counts[finding.kind, default: 0] += 1 }
        }
        return (redacted, counts)
    }

    /// Runs the transcript command for `ticket` (no shell; `{ticket}` replaced, or the id appended) with the time and
    /// size limits, and makes the record from what it printed — or reports it missing, with why. What the command
    /// writes to standard error is discarded (it may hold personal data).
    func fromCommand(
        _ command: [String], configuration: AgentConfiguration.Transcripts, ticket: String, missing: (String) -> InteractionRecord,
        returned: (String, InteractionFormat, [String: Int]) -> InteractionRecord
    ) -> InteractionRecord {
        guard !ticket.hasPrefix("-"), !ticket.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return missing("the ticket id cannot be passed to the transcript command (it starts with '-' or holds a control character)")
        }
        var arguments = command.map { $0.replacingOccurrences(of: "{ticket}", with: ticket) }
        if !command.contains(where: { $0.contains("{ticket}") }) { arguments.append(ticket) }
        let result = BoundedCommand.run(arguments, timeout: configuration.timeout, maxBytes: Int(configuration.maxBytes))
        switch result {
        case .failedToStart:
            return missing("the transcript command cannot be started (\((command.first ?? "").prefix(200)))")
        case .timedOut:
            return missing("the transcript command did not finish within \(configuration.timeout.components.seconds) s (transcripts.timeout)")
        case .tooLarge:
            return missing("the transcript command printed more than \(configuration.maxBytes) bytes (transcripts.max_bytes)")
        case .exited(let status, _) where status != 0:
            return missing("the transcript command exited with status \(status)")
        case .exited(_, let data):
            guard !data.isEmpty else { return missing("the transcript command printed nothing") }
            guard let raw = String(validating: data, as: UTF8.self) else { return missing("the transcript command's output is not UTF-8 text") }
            guard let (redacted, counts) = self.redacted(raw) else {
                return missing("the redacted transcript is longer than \(InteractionRecord.Limits.maxTextLength) bytes")
            }
            let format: InteractionFormat =
                switch configuration.commandFormat {
                case "email": .email
                case "chat": .chat
                default: .text
                }
            return returned(redacted, format, counts)
        }
    }

    /// Line breaks as `\n`, tabs kept, every other control character (which a record may not hold) as a space.
    static func cleaned(_ text: String) -> String {
        let unified = text.replacingOccurrences(of: "\r\n", with: "\n")
        var scalars = String.UnicodeScalarView()
        for scalar in unified.unicodeScalars {
            let code = scalar.value
            if code == 0x0A || code == 0x09 {
                scalars.append(scalar)
            } else if code < 0x20 || (0x7F...0x9F).contains(code) {
                scalars.append(" ")
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
