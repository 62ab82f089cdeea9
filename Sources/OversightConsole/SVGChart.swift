//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Trend charts drawn on the server as SVG: sparklines and line or bar charts with a target line.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightLocalization

/// Server-drawn SVG charts. No script and no `style` attribute (the CSP allows neither inline): colours come from
/// classes in `console.css`, geometry from presentation attributes. Every chart has a `<title>` and an `aria-label`,
/// so it reads without sight or colour; every point carries its value in a `<title>`.
package enum SVGChart {
    /// One point of a series: its label on the x axis and its value (`nil` draws a gap).
    package struct Point: Sendable, Hashable {
        package var label: String
        package var value: Double?
        /// Creates a point.
        package init(_ label: String, _ value: Double?) {
            self.label = label
            self.value = value
        }
    }

    /// Line or bars.
    package enum Style: Sendable {
        case line, bars
    }

    /// A number with at most `digits` decimals and no trailing zeros (`12`, `12.5`).
    static func number(_ value: Double, digits: Int = 1) -> String {
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// The value range drawn: `range` if given, else from the data and target (0 at the bottom when all are positive).
    static func bounds(_ values: [Double], target: Double?, range: ClosedRange<Double>?) -> (low: Double, high: Double) {
        if let range, range.upperBound > range.lowerBound { return (range.lowerBound, range.upperBound) }
        let all = values + (target.map { [$0] } ?? [])
        var low = min(0, all.min() ?? 0)
        var high = all.max() ?? 1
        if high <= low {
            high = low + 1
            low = min(low, 0)
        }
        return (low, high)
    }

    /// A small line chart without axes (14 points in an 84 × 20 box by default).
    /// - Parameters:
    ///   - values: the series, oldest first; `nil` is a gap.
    ///   - target: a target drawn as a dashed line.
    ///   - range: the value range (e.g. `0...1` for shares); from the data when `nil`.
    ///   - label: what it shows, for the title and screen readers.
    package static func sparkline(
        _ values: [Double?], target: Double? = nil, range: ClosedRange<Double>? = nil, label: String, width: Int = 84, height: Int = 20
    ) -> String {
        let present = values.compactMap { $0 }
        let title = HTML.escape(label)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" class="spark" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
            role="img" aria-label="\(title)"><title>\(title)</title>
            """
        guard !present.isEmpty else {
            svg += "<line class=\"axis\" x1=\"0\" y1=\"\(height - 1)\" x2=\"\(width)\" y2=\"\(height - 1)\" stroke-width=\"1\"/></svg>"
            return svg
        }
        let (low, high) = self.bounds(present, target: target, range: range)
        let pad = 2.0
        func x(_ index: Int) -> Double {
            values.count == 1 ? Double(width) / 2 : pad + Double(index) * (Double(width) - 2 * pad) / Double(values.count - 1)
        }
        func y(_ value: Double) -> Double {
            let clamped = min(max(value, low), high)
            return pad + (Double(height) - 2 * pad) * (1 - (clamped - low) / (high - low))
        }
        if let target {
            let ty = self.number(y(target))
            svg += "<line class=\"target\" x1=\"0\" y1=\"\(ty)\" x2=\"\(width)\" y2=\"\(ty)\" stroke-width=\"1\" stroke-dasharray=\"2 2\"/>"
        }
        for segment in self.segments(values) {
            let points = segment.map { "\(self.number(x($0.index))),\(self.number(y($0.value)))" }.joined(separator: " ")
            if segment.count == 1 {
                svg += "<circle class=\"series\" cx=\"\(self.number(x(segment[0].index)))\" cy=\"\(self.number(y(segment[0].value)))\" r=\"1.5\"/>"
            } else {
                svg += "<polyline class=\"series\" fill=\"none\" stroke-width=\"1.5\" points=\"\(points)\"/>"
            }
        }
        return svg + "</svg>"
    }

    /// Runs of consecutive present values.
    static func segments(_ values: [Double?]) -> [[(index: Int, value: Double)]] {
        var segments: [[(index: Int, value: Double)]] = []
        var current: [(index: Int, value: Double)] = []
        for (index, value) in values.enumerated() {
            if let value {
                current.append((index, value))
            } else if !current.isEmpty {
                segments.append(current)
                current = []
            }
        }
        if !current.isEmpty { segments.append(current) }
        return segments
    }

    /// Geometry of a full chart.
    package struct Layout: Sendable {
        package var width = 640
        package var height = 220
        package var left = 56
        package var right = 12
        package var top = 12
        package var bottom = 40
        /// Creates the default layout.
        package init() {}
        var plotWidth: Double { Double(self.width - self.left - self.right) }
        var plotHeight: Double { Double(self.height - self.top - self.bottom) }
    }

    /// A line or bar chart with axes, labels and an optional target line.
    /// - Parameters:
    ///   - points: the series, oldest first.
    ///   - target: the target (dashed line, labelled).
    ///   - range: the value range (e.g. `0...1` for shares); from the data when `nil`.
    ///   - title: what it shows (title and `aria-label`).
    ///   - style: line or bars.
    ///   - format: how values are written on the axis and in point titles.
    package static func chart(
        _ points: [Point], target: Double? = nil, range: ClosedRange<Double>? = nil, title: String, style: Style = .line,
        layout: Layout = Layout(), format: (Double) -> String = { SVGChart.number($0) }, localizer l: Localizer = .english
    ) -> String {
        let present = points.compactMap(\.value)
        let escapedTitle = HTML.escape(title)
        var summary = title
        if let last = points.last(where: { $0.value != nil }), let value = last.value { summary += "; " + l.t("chart.latest", ["label": last.label, "value": format(value)]) }
        if let target { summary += "; " + l.t("chart.target", ["value": format(target)]) }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart" width="\(layout.width)" height="\(layout.height)" \
            viewBox="0 0 \(layout.width) \(layout.height)" role="img" aria-label="\(HTML.escape(summary))"><title>\(escapedTitle)</title>
            """
        let left = Double(layout.left)
        let top = Double(layout.top)
        let bottomY = top + layout.plotHeight
        svg += "<line class=\"axis\" x1=\"\(layout.left)\" y1=\"\(self.number(bottomY))\" x2=\"\(layout.width - layout.right)\" y2=\"\(self.number(bottomY))\" stroke-width=\"1\"/>"
        svg += "<line class=\"axis\" x1=\"\(layout.left)\" y1=\"\(layout.top)\" x2=\"\(layout.left)\" y2=\"\(self.number(bottomY))\" stroke-width=\"1\"/>"
        guard !present.isEmpty, !points.isEmpty else {
            svg += "<text class=\"empty\" x=\"\(self.number(left + layout.plotWidth / 2))\" y=\"\(self.number(top + layout.plotHeight / 2))\" text-anchor=\"middle\">\(HTML.escape(l.t("chart.no_data")))</text>"
            return svg + "</svg>"
        }
        let (low, high) = self.bounds(present, target: target, range: range)
        let slot = layout.plotWidth / Double(points.count)
        func x(_ index: Int) -> Double {
            style == .bars || points.count == 1 ? left + (Double(index) + 0.5) * slot : left + Double(index) * layout.plotWidth / Double(points.count - 1)
        }
        func y(_ value: Double) -> Double {
            let clamped = min(max(value, low), high)
            return top + layout.plotHeight * (1 - (clamped - low) / (high - low))
        }
        // Y axis: five ticks.
        for step in 0...4 {
            let value = low + (high - low) * Double(step) / 4
            let ty = self.number(y(value))
            svg += "<line class=\"grid\" x1=\"\(layout.left)\" y1=\"\(ty)\" x2=\"\(layout.width - layout.right)\" y2=\"\(ty)\" stroke-width=\"0.5\"/>"
            svg += "<text class=\"tick\" x=\"\(layout.left - 4)\" y=\"\(ty)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(HTML.escape(format(value)))</text>"
        }
        // X axis: at most nine labels, always the first and the last, none crowding the last.
        let every = max(1, Int((Double(points.count) / 8).rounded(.up)))
        let last = points.count - 1
        for (index, point) in points.enumerated() where index == last || (index % every == 0 && last - index >= every / 2 + 1) {
            svg += "<text class=\"tick\" x=\"\(self.number(x(index)))\" y=\"\(self.number(bottomY + 16))\" text-anchor=\"middle\">\(HTML.escape(point.label))</text>"
        }
        switch style {
        case .bars:
            let barWidth = max(1, slot * 0.7)
            for (index, point) in points.enumerated() {
                guard let value = point.value else { continue }
                let baseline = y(max(low, min(0, high)))
                let valueY = y(value)
                svg += """
                    <rect class="series" x="\(self.number(x(index) - barWidth / 2))" y="\(self.number(min(valueY, baseline)))" \
                    width="\(self.number(barWidth))" height="\(self.number(max(0.5, abs(baseline - valueY))))"><title>\(HTML.escape(point.label)): \(HTML.escape(format(value)))</title></rect>
                    """
            }
        case .line:
            for segment in self.segments(points.map(\.value)) where segment.count > 1 {
                let coordinates = segment.map { "\(self.number(x($0.index))),\(self.number(y($0.value)))" }.joined(separator: " ")
                svg += "<polyline class=\"series\" fill=\"none\" stroke-width=\"2\" points=\"\(coordinates)\"/>"
            }
            for (index, point) in points.enumerated() {
                guard let value = point.value else { continue }
                svg += """
                    <circle class="series" cx="\(self.number(x(index)))" cy="\(self.number(y(value)))" r="3"><title>\(HTML.escape(point.label)): \(HTML.escape(format(value)))</title></circle>
                    """
            }
        }
        if let target {
            let ty = self.number(y(target))
            svg += """
                <line class="target" x1="\(layout.left)" y1="\(ty)" x2="\(layout.width - layout.right)" y2="\(ty)" stroke-width="1.5" stroke-dasharray="6 4"/>\
                <text class="target-label" x="\(layout.width - layout.right)" y="\(self.number(y(target) - 4))" text-anchor="end">\(HTML.escape(l.t("chart.target", ["value": format(target)])))</text>
                """
        }
        return svg + "</svg>"
    }
}
