//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The ticket page's timeline: status and clock-holder bands, messages, SLA deadlines and moments, drawn as SVG.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightLocalization
import OversightModel
import OversightStore

/// A ticket's status history and SLA moments drawn on the server as one SVG, like ``SVGChart``: no script, no
/// `style` attribute, colours from classes in `console.css`, geometry in presentation attributes.
///
/// It draws only what the store holds: segments from the record's status changes (built as the SLA engine's
/// `StatusTimeline` builds them), the record's own moments and messages, and the deadlines and moments of the stored
/// SLA state. Holders are the default clock-holder rules (new, open → provider; pending → customer; on-hold →
/// client; the source's `held_by` on the current segment), not a contract's own; solved and closed stop the clock.
/// Every segment and marker carries a text label or a `<title>`, so it reads without colour.
package enum TicketTimeline {
    /// A span in one status.
    package struct Segment: Hashable, Sendable {
        package var status: TicketStatus
        /// `provider`, `client`, `customer`, or `stopped` (solved or closed).
        package var holder: String
        package var start: Date
        /// `nil` for the current segment.
        package var end: Date?
        /// The provider's clock is paused: open, held by the client or the customer.
        package var paused: Bool { self.status.isOpen && self.holder != "provider" }
    }

    /// A labelled moment on the timeline.
    package struct Marker: Hashable, Sendable {
        /// CSS class and kind: `created`, `reply`, `stop`, `due`, `risk`, `breach`, `now`.
        package var kind: String
        package var label: String
        package var at: Date
    }

    /// The default holder of a status (the SLA engine's default rules), or the source's `held_by` when given.
    static func holder(_ status: TicketStatus, heldBy: String?) -> String {
        guard status.isOpen else { return "stopped" }
        if let heldBy, ["provider", "client", "customer"].contains(heldBy) { return heldBy }
        switch status {
        case .pending: return "customer"
        case .onHold: return "client"
        default: return "provider"
        }
    }

    /// The ticket's segments, by the rules of the SLA engine's `StatusTimeline`: changes in time order (one before
    /// creation counts from creation), `new` before the first change; with no changes, `new` from creation until the
    /// last update (or the stop), then the current status; a `solvedAt` with no solved or closed change adds one; a
    /// current status unlike the history's last adds a change at `updatedAt`. Changes at one instant: the last wins.
    package static func segments(_ ticket: TicketRecord) -> [Segment] {
        let created = ticket.createdAt
        var changes = ticket.statusChanges.enumerated()
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map { (status: $0.element.status, at: max($0.element.at, created)) }
        if changes.isEmpty {
            changes = [(.new, created)]
            let stoppedAt = ticket.status.isOpen ? ticket.updatedAt : (ticket.solvedAt ?? ticket.closedAt ?? ticket.updatedAt)
            if ticket.status != .new { changes.append((ticket.status, max(stoppedAt, created))) }
        } else {
            if let first = changes.first, first.at > created { changes.insert((.new, created), at: 0) }
            if let solvedAt = ticket.solvedAt, !changes.contains(where: { !$0.status.isOpen }) {
                let index = changes.firstIndex { $0.at > solvedAt } ?? changes.count
                changes.insert((.solved, max(solvedAt, created)), at: index)
            }
            if let last = changes.last, last.status != ticket.status, ticket.updatedAt >= last.at {
                changes.append((ticket.status, ticket.updatedAt))
            }
        }
        var collapsed: [(status: TicketStatus, at: Date)] = []
        for change in changes {
            if let last = collapsed.last, last.at == change.at {
                collapsed[collapsed.count - 1] = change
            } else {
                collapsed.append(change)
            }
        }
        var segments: [Segment] = []
        for change in collapsed {
            if let last = segments.last, last.status == change.status { continue }
            if !segments.isEmpty { segments[segments.count - 1].end = change.at }
            segments.append(Segment(status: change.status, holder: self.holder(change.status, heldBy: nil), start: change.at, end: nil))
        }
        if let index = segments.indices.last { segments[index].holder = self.holder(segments[index].status, heldBy: ticket.heldBy) }
        return segments
    }

    /// The labelled moments: the record's own, then the stored SLA state's.
    package static func markers(_ ticket: TicketRecord, sla: TicketSLAState?, now: Date) -> [Marker] {
        var markers = [Marker(kind: "created", label: "created", at: ticket.createdAt)]
        if let at = ticket.firstReplyAt { markers.append(Marker(kind: "reply", label: "first reply", at: at)) }
        if let at = ticket.solvedAt { markers.append(Marker(kind: "stop", label: "solved", at: at)) }
        if let at = ticket.closedAt { markers.append(Marker(kind: "stop", label: "closed", at: at)) }
        if let sla {
            if let at = sla.firstReplyDue { markers.append(Marker(kind: "due", label: "first reply due", at: at)) }
            if let at = sla.resolutionDue { markers.append(Marker(kind: "due", label: "resolution due", at: at)) }
            if let at = sla.atRiskAt { markers.append(Marker(kind: "risk", label: "at risk", at: at)) }
            if let at = sla.breachedAt { markers.append(Marker(kind: "breach", label: "breached", at: at)) }
        }
        return markers
    }


    /// The SVG.
    /// - Parameters:
    ///   - ticket: the record.
    ///   - sla: its stored SLA state, if evaluated.
    ///   - now: the console's clock (the "now" line).
    ///   - width: the drawing's width in pixels.
    ///   - l: the page's language and time zone (the axis is drawn in its time zone).
    package static func svg(_ ticket: TicketRecord, sla: TicketSLAState?, now: Date, width: Int = 960, localizer l: Localizer = .english) -> String {
        let segments = self.segments(ticket)
        var markers = self.markers(ticket, sla: sla, now: now).map { marker in
            var marker = marker
            marker.label = l.t("timeline.marker.\(marker.label.replacingOccurrences(of: " ", with: "_"))")
            return marker
        }
        func status(_ value: TicketStatus) -> String { l.term("ticket.status", value.rawValue) }
        func holder(_ value: String) -> String { l.term("holder", value) }
        let replies = ticket.agentReplies ?? []
        let messages = ticket.customerMessages ?? []
        let open = ticket.status.isOpen
        // The axis: from creation to now (open) or to the stop, and far enough for every drawn moment, plus a margin.
        var dates = [ticket.createdAt, ticket.updatedAt] + segments.map(\.start) + markers.map(\.at) + replies + messages
        if open { dates.append(now) }
        let start = dates.min() ?? ticket.createdAt
        var end = dates.max() ?? now
        let margin = max(30, end.timeIntervalSince(start) * 0.04)
        end = end.addingTimeInterval(margin)
        let span = end.timeIntervalSince(start)
        let nowOnAxis = now >= start && now <= end
        if nowOnAxis { markers.append(Marker(kind: "now", label: l.t("common.now"), at: now)) }

        let left = 100.0
        let right = 16.0
        let plot = Double(width) - left - right
        func x(_ date: Date) -> Double { left + plot * min(max(date.timeIntervalSince(start) / span, 0), 1) }
        let n = SVGChart.number
        let e = HTML.escape

        // Marker labels in up to four lanes, each label in the first lane where it does not overlap the one before.
        let laneHeight = 13.0
        let top = 4.0
        let characterWidth = 6.2
        var laneEnds = [Double](repeating: -.infinity, count: 4)
        var placed: [(marker: Marker, lane: Int, x: Double, anchorEnd: Bool)] = []
        for marker in markers.sorted(by: { ($0.at, $0.label) < ($1.at, $1.label) }) {
            let mx = x(marker.at)
            let textWidth = Double(marker.label.count) * characterWidth
            let anchorEnd = mx + 3 + textWidth > Double(width) - 2
            let from = anchorEnd ? mx - 3 - textWidth : mx + 3
            let lane = laneEnds.firstIndex { $0 + 4 < from } ?? laneEnds.indices.min { laneEnds[$0] < laneEnds[$1] }!
            laneEnds[lane] = from + textWidth
            placed.append((marker, lane, mx, anchorEnd))
        }
        let statusY = top + 4 * laneHeight + 6
        let statusHeight = 28.0
        let holderY = statusY + statusHeight + 4
        let holderHeight = 20.0
        let hasMessages = ticket.agentReplies != nil || ticket.customerMessages != nil
        let messageY = holderY + holderHeight + 4
        let messageHeight = hasMessages ? 16.0 : 0
        let axisY = messageY + messageHeight + (hasMessages ? 4 : 0)
        // Two legend lines, below the "now is later" note when there is one.
        let legendY = axisY + (nowOnAxis ? 34 : 48)
        let height = Int(legendY + 14 + 10)

        var summary = l.t("timeline.title", ["id": ticket.id]) + ": "
        summary += segments.map { segment in
            let name = segment.paused ? l.t("timeline.paused_by", ["status": status(segment.status), "holder": holder(segment.holder)]) : status(segment.status)
            return l.t("timeline.from", ["what": name, "time": l.time(segment.start)])
        }.joined(separator: ", ")
        summary += "; " + markers.map { "\($0.label) \(l.time($0.at))" }.joined(separator: ", ")
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
            role="img" aria-label="\(e(summary))"><title>\(e(l.t("timeline.title", ["id": ticket.id])))</title>\
            <defs><pattern id="tl-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">\
            <line class="hatch" x1="0" y1="0" x2="0" y2="6" stroke-width="1.5"/></pattern></defs>
            """
        // Row labels.
        svg += "<text class=\"row\" x=\"4\" y=\"\(n(statusY + statusHeight / 2 + 4, 1))\">\(e(l.t("timeline.row.status")))</text>"
        svg += "<text class=\"row\" x=\"4\" y=\"\(n(holderY + holderHeight / 2 + 4, 1))\">\(e(l.t("timeline.row.holder")))</text>"
        if hasMessages { svg += "<text class=\"row\" x=\"4\" y=\"\(n(messageY + messageHeight / 2 + 4, 1))\">\(e(l.t("timeline.row.messages")))</text>" }

        // A band of labelled rectangles.
        // A band of labelled rectangles; returns whether any took its short label.
        @discardableResult
        func band(_ y: Double, _ height: Double, _ spans: [(from: Date, to: Date, classes: String, labels: [String], title: String, hatched: Bool)]) -> Bool {
            var usedShort = false
            for item in spans {
                let x0 = x(item.from)
                let w = max(1, x(item.to) - x0)
                svg += "<g class=\"span\"><title>\(e(item.title))</title>"
                svg += "<rect class=\"\(item.classes)\" x=\"\(n(x0, 1))\" y=\"\(n(y, 1))\" width=\"\(n(w, 1))\" height=\"\(n(height, 1))\" stroke-width=\"1\"/>"
                if item.hatched {
                    svg += "<rect class=\"paused\" x=\"\(n(x0, 1))\" y=\"\(n(y, 1))\" width=\"\(n(w, 1))\" height=\"\(n(height, 1))\" fill=\"url(#tl-hatch)\"/>"
                }
                // The longest label that fits; the last one is the short form the legend explains.
                let text = item.labels.first { Double($0.count) * characterWidth + 6 <= w }
                if let text, item.labels.count > 1, text == item.labels.last { usedShort = true }
                if let text {
                    svg += "<text class=\"label\" x=\"\(n(x0 + w / 2, 1))\" y=\"\(n(y + height / 2 + 4, 1))\" text-anchor=\"middle\">\(e(text))</text>"
                }
                svg += "</g>"
            }
            return usedShort
        }
        func segmentEnd(_ segment: Segment) -> Date { segment.end ?? (open ? max(now, segment.start) : end) }
        band(statusY, statusHeight, segments.map { segment in
            let to = segmentEnd(segment)
            let name = status(segment.status)
            let label = segment.paused ? l.t("timeline.paused_short", ["status": name]) : name
            let what = segment.paused ? l.t("timeline.clock_paused", ["status": name]) : name
            let title = l.t("timeline.from_to", ["what": what, "from": l.time(segment.start), "to": segment.end == nil && open ? l.t("common.now") : l.time(to)])
            return (segment.start, to, "seg status-\(segment.status.rawValue)", [label, name, l.t("timeline.letter.\(segment.status.rawValue.replacingOccurrences(of: "-", with: "_"))")], title, segment.paused)
        })
        let holderShort = [
            "provider": l.t("timeline.short.provider"), "client": l.t("timeline.short.client"), "customer": l.t("timeline.short.customer"),
            "stopped": l.t("timeline.short.stopped"),
        ]
        let usedHolderShort = band(holderY, holderHeight, segments.map { segment in
            let to = segmentEnd(segment)
            let label = holder(segment.holder)
            let what = segment.holder == "stopped" ? l.t("ticket.clock_stopped") : l.t("timeline.held_by", ["holder": holder(segment.holder)])
            let title = l.t("timeline.from_to", ["what": what, "from": l.time(segment.start), "to": segment.end == nil && open ? l.t("common.now") : l.time(to)])
            return (segment.start, to, "seg holder-\(segment.holder)", [label, holderShort[segment.holder] ?? ""], title, false)
        })
        if hasMessages {
            let middle = messageY + messageHeight / 2
            for at in replies {
                let mx = x(at)
                svg += "<path class=\"msg reply\" d=\"M\(n(mx - 4, 1)) \(n(middle - 4, 1)) L\(n(mx + 4, 1)) \(n(middle - 4, 1)) L\(n(mx, 1)) \(n(middle + 4, 1)) Z\"><title>\(e(l.t("ticket.agent_reply"))) \(e(l.time(at)))</title></path>"
            }
            for at in messages {
                svg += "<circle class=\"msg customer\" cx=\"\(n(x(at), 1))\" cy=\"\(n(middle, 1))\" r=\"3.5\"><title>\(e(l.t("ticket.customer_message"))) \(e(l.time(at)))</title></circle>"
            }
        }

        // The time axis with ticks in the page's time zone (the contract's).
        svg += "<line class=\"axis\" x1=\"\(n(left, 1))\" y1=\"\(n(axisY, 1))\" x2=\"\(n(left + plot, 1))\" y2=\"\(n(axisY, 1))\" stroke-width=\"1\"/>"
        svg += "<text class=\"tick\" x=\"4\" y=\"\(n(axisY + 14, 1))\">\(e(l.timeZone.abbreviation(for: start) ?? l.timeZoneName))</text>"
        let steps: [Double] = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400]
        let step = steps.first { span / $0 <= 8 } ?? span / 8
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = l.timeZone
        func tickLabel(_ date: Date) -> String {
            let c = calendar.dateComponents([.month, .day, .hour, .minute], from: date)
            func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
            let time = "\(two(c.hour)):\(two(c.minute))"
            return span >= 86400 ? "\(two(c.month))-\(two(c.day)) \(time)" : time
        }
        var tick = (start.timeIntervalSince1970 / step).rounded(.up) * step
        while tick <= end.timeIntervalSince1970 {
            let date = Date(timeIntervalSince1970: tick)
            let tx = n(x(date), 1)
            svg += "<line class=\"axis\" x1=\"\(tx)\" y1=\"\(n(axisY, 1))\" x2=\"\(tx)\" y2=\"\(n(axisY + 4, 1))\" stroke-width=\"1\"/>"
            svg += "<text class=\"tick\" x=\"\(tx)\" y=\"\(n(axisY + 15, 1))\" text-anchor=\"middle\">\(tickLabel(date))</text>"
            tick += step
        }

        // Markers: a vertical line through the bands and a label in its lane.
        let dashes = ["created": "", "reply": "", "stop": "", "due": "5 3", "risk": "2 2", "breach": "", "now": ""]
        for item in placed {
            let labelY = top + 10 + Double(item.lane) * laneHeight
            let dash = dashes[item.marker.kind].flatMap { $0.isEmpty ? nil : " stroke-dasharray=\"\($0)\"" } ?? ""
            let strokeWidth = item.marker.kind == "breach" || item.marker.kind == "now" ? "2" : "1.5"
            svg += "<g class=\"mark \(item.marker.kind)\"><title>\(e("\(item.marker.label) \(l.time(item.marker.at))"))</title>"
            svg += "<line x1=\"\(n(item.x, 1))\" y1=\"\(n(labelY + 2, 1))\" x2=\"\(n(item.x, 1))\" y2=\"\(n(axisY, 1))\" stroke-width=\"\(strokeWidth)\"\(dash)/>"
            let textX = item.anchorEnd ? item.x - 3 : item.x + 3
            svg += "<text x=\"\(n(textX, 1))\" y=\"\(n(labelY, 1))\"\(item.anchorEnd ? " text-anchor=\"end\"" : "")>\(e(item.marker.label))</text></g>"
        }
        if !nowOnAxis {
            svg += "<text class=\"mark now\" x=\"\(n(Double(width) - 2, 1))\" y=\"\(n(axisY + 28, 1))\" text-anchor=\"end\">\(e(l.t("timeline.now_later", ["time": l.time(now)]))) →</text>"
        }

        // Legend: letters of narrow segments, the hatch, the message symbols.
        var legend = segments.map(\.status).reduce(into: [TicketStatus]()) { if !$0.contains($1) { $0.append($1) } }
            .map { "\(l.t("timeline.letter.\($0.rawValue.replacingOccurrences(of: "-", with: "_"))")) \(status($0))" }.joined(separator: " · ")
        if usedHolderShort { legend += " · " + l.t("timeline.legend_holders") }
        var second = l.t("timeline.legend_hatched")
        if hasMessages { second += " · ▼ \(l.t("ticket.agent_reply")) · ● \(l.t("ticket.customer_message"))" }
        svg += "<text class=\"legend\" x=\"4\" y=\"\(n(legendY, 1))\">\(e(legend))</text>"
        svg += "<text class=\"legend\" x=\"4\" y=\"\(n(legendY + 14, 1))\">\(e(second))</text>"
        return svg + "</svg>"
    }
}
