//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import Testing

@testable import OversightConsole

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses SVG text as XML and collects its elements with their attributes.
final class SVGOutline: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
    }
    var elements: [Element] = []
    private var open: [Int] = []
    var error: (any Error)?

    /// Parses `svg`; `nil` when it is not well-formed XML.
    static func parse(_ svg: String) -> SVGOutline? {
        let outline = SVGOutline()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = outline
        guard parser.parse(), outline.error == nil else { return nil }
        return outline
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        self.open.append(self.elements.count)
        self.elements.append(Element(name: elementName, attributes: attributeDict))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        _ = self.open.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let index = self.open.last { self.elements[index].text += string }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) { self.error = parseError }

    func all(_ name: String) -> [Element] { self.elements.filter { $0.name == name } }
}

@Suite struct SVGChartTests {
    @Test func sparklineScalesPointsIntoTheBox() throws {
        // 0 %, 50 %, 100 % over 0…1 in an 84 × 20 box with 2 px padding: x 2, 42, 82; y 18, 10, 2.
        let svg = SVGChart.sparkline([0, 0.5, 1], target: 0.9, range: 0...1, label: "attainment <acme>")
        let outline = try #require(SVGOutline.parse(svg))
        let root = try #require(outline.elements.first)
        #expect(root.name == "svg" && root.attributes["role"] == "img" && root.attributes["aria-label"] == "attainment <acme>")
        #expect(outline.all("title").first?.text == "attainment <acme>")
        #expect(outline.all("polyline").first?.attributes["points"] == "2,18 42,10 82,2")
        let target = try #require(outline.all("line").first { $0.attributes["class"] == "target" })
        #expect(target.attributes["y1"] == "3.6")
        #expect(!svg.contains("style="))
    }

    @Test func gapsSplitTheLine() throws {
        let svg = SVGChart.sparkline([0.5, nil, 0.5, 1], range: 0...1, label: "with a gap")
        let outline = try #require(SVGOutline.parse(svg))
        // The lone first point is a dot; the last two a line.
        #expect(outline.all("circle").count == 1)
        #expect(outline.all("polyline").map { $0.attributes["points"] } == ["55.3,10 82,2"])
    }

    @Test func emptySeriesDrawsNoData() throws {
        for svg in [SVGChart.sparkline([], label: "nothing"), SVGChart.sparkline([nil, nil], label: "nothing"), SVGChart.chart([], title: "nothing")] {
            let outline = try #require(SVGOutline.parse(svg))
            #expect(outline.all("polyline").isEmpty && outline.all("circle").isEmpty && outline.all("rect").isEmpty)
        }
        let chart = try #require(SVGOutline.parse(SVGChart.chart([.init("a", nil)], title: "nothing")))
        #expect(chart.all("text").contains { $0.text == "No data" })
    }

    @Test func chartHasAxesTargetAndPointTitles() throws {
        let points = (1...10).map { SVGChart.Point("03-\($0)", Double($0) / 10) }
        let svg = SVGChart.chart(points, target: 0.9, range: 0...1, title: "SLA attainment by day", format: { FigureFormat.text($0, unit: "percentage") })
        let outline = try #require(SVGOutline.parse(svg))
        let root = try #require(outline.elements.first)
        #expect(root.attributes["aria-label"] == "SLA attainment by day; latest 03-10: 100%; target 90%")
        // Plot: x 56…628, y 12…180. The first point at (56, 163.2), the last at (628, 12).
        let circles = outline.all("circle")
        #expect(circles.count == 10)
        #expect(circles.first.map { ($0.attributes["cx"], $0.attributes["cy"]) }! == ("56", "163.2"))
        #expect(circles.last.map { ($0.attributes["cx"], $0.attributes["cy"]) }! == ("628", "12"))
        #expect(circles.first?.elementTitle(in: outline) == "03-1: 10%")
        let target = try #require(outline.all("line").first { $0.attributes["class"] == "target" })
        #expect(target.attributes["y1"] == "28.8")
        #expect(outline.all("text").contains { $0.text == "target 90%" })
        let ticks = outline.all("text").filter { $0.attributes["class"] == "tick" }.map(\.text)
        #expect(["0%", "25%", "50%", "75%", "100%"].allSatisfy(ticks.contains))
        #expect(ticks.contains("03-1") && ticks.contains("03-10") && !ticks.contains("03-9"), "the label before the last would crowd it")
        #expect(!svg.contains("style=") && !svg.contains("<script"))
    }

    @Test func barsStartAtZero() throws {
        let svg = SVGChart.chart([.init("a", 2), .init("b", 4)], title: "counts", style: .bars)
        let outline = try #require(SVGOutline.parse(svg))
        let bars = outline.all("rect")
        #expect(bars.count == 2)
        // Range 0…4 over the plot's 168 px: the 4 bar is full height, the 2 bar half.
        #expect(bars.map { $0.attributes["height"] } == ["84", "168"])
        #expect(bars.map { $0.attributes["y"] } == ["96", "12"])
    }

    @Test func labelsAreEscaped() throws {
        let svg = SVGChart.chart([.init("<b>&", 1)], title: "a \"quoted\" <title>")
        #expect(SVGOutline.parse(svg) != nil)
        #expect(!svg.contains("<b>"))
    }
}

extension SVGOutline.Element {
    /// The text of the `<title>` that follows this element in document order (its child).
    func elementTitle(in outline: SVGOutline) -> String? {
        guard let index = outline.elements.firstIndex(where: { $0.name == self.name && $0.attributes == self.attributes }),
            index + 1 < outline.elements.count, outline.elements[index + 1].name == "title"
        else { return nil }
        return outline.elements[index + 1].text
    }
}
