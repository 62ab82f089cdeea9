//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One measured figure and how the benchmark prints them.
//
//===----------------------------------------------------------------------===//

import Foundation

/// One row of the benchmark's result table.
struct Figure: Codable, Sendable {
    /// What was measured, e.g. `ingest.records_per_s`.
    var figure: String
    /// The measured value (`nil` when the part did not run; `note` says why).
    var value: Double?
    /// Unit of `value`.
    var unit: String
    /// The product target (PRODUCT.md §7) or the limit it is compared with, as text; empty if none.
    var target: String
    /// Ratio to the machine's own limit (or to the target), when it means something.
    var ratio: Double?
    /// A short remark: settings used, or why a row was not measured.
    var note: String

    init(_ figure: String, _ value: Double?, _ unit: String, target: String = "", ratio: Double? = nil, note: String = "") {
        self.figure = figure
        self.value = value
        self.unit = unit
        self.target = target
        self.ratio = ratio
        self.note = note
    }

    /// A row for a part that could not be measured.
    static func notMeasured(_ figure: String, _ reason: String) -> Figure {
        Figure(figure, nil, "", note: "not measured: \(reason)")
    }
}

/// Renders figures as an aligned text table or as JSON.
enum FigureTable {
    static func format(_ value: Double?) -> String {
        guard let value else { return "-" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        if abs(value) >= 100 { return String(format: "%.0f", value) }
        if abs(value) >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.4f", value)
    }

    /// `figure | value | unit | target | ratio | note` with aligned columns.
    static func text(_ figures: [Figure]) -> String {
        let header = ["figure", "value", "unit", "target", "ratio", "note"]
        let rows = figures.map { figure in
            [figure.figure, self.format(figure.value), figure.unit, figure.target, figure.ratio.map { String(format: "%.3f", $0) } ?? "", figure.note]
        }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < header.count - 1 { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: " | ")
        }
        var lines = [line(header), widths.enumerated().map { index, width in String(repeating: "-", count: index == widths.count - 1 ? 4 : width) }
            .joined(separator: "-|-")]
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }

    /// `[{"figure", "value", "unit", "target", "ratio", "note"}]`.
    static func json(_ figures: [Figure]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(figures), as: UTF8.self)
    }
}

/// Progress goes to stderr; results go to stdout.
func progress(_ message: String) {
    FileHandle.standardError.write(Data("[bench \(Date().formatted(date: .omitted, time: .standard))] \(message)\n".utf8))
}

/// Percentile of sorted values (nearest rank).
func percentile(_ sorted: [Double], _ p: Double) -> Double? {
    guard !sorted.isEmpty else { return nil }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

/// Seconds elapsed on the continuous clock since `start`.
func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}
