//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Server-rendered HTML: escaping, the page layout, small formatting helpers.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird

/// Server-rendered HTML. Every value from outside goes through ``escape(_:)``; pages load only `/static/` CSS and JS.
package enum HTML {
    /// Escapes text for HTML content and quoted attributes.
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Escapes a path segment for a link.
    package static func path(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? segment
    }

    /// A full page with the navigation bar.
    package static func page(title: String, identity: ConsoleIdentity?, body: String) -> String {
        var nav = ""
        if let identity {
            nav = """
                <nav><a href="/">Overview</a> <a href="/alerts">Alerts</a> <a href="/agents">Agents</a> <a href="/scorecard">Scorecards</a> <a href="/audits">Audits</a>
                <span class="who">\(Self.escape(identity.user.username)) (\(identity.user.role.rawValue))</span>
                <form method="post" action="/logout" class="inline">\(Self.csrfField(identity))<button type="submit">Log out</button></form></nav>
                """
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.escape(title)) · Oversight</title>
            <link rel="stylesheet" href="/static/console.css"><script src="/static/console.js" defer></script></head>
            <body><header><span class="brand">Oversight</span>\(nav)</header><main>
            \(body)
            </main></body></html>
            """
    }

    /// The hidden CSRF field for a form.
    package static func csrfField(_ identity: ConsoleIdentity?) -> String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(Self.escape(identity?.csrf ?? ""))\">"
    }

    /// An HTML response.
    package static func response(_ html: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A time as ISO 8601, or a dash.
    package static func time(_ date: Date?) -> String {
        guard let date else { return "—" }
        return date.formatted(.iso8601)
    }

    /// How long ago `date` was, e.g. `4m`, or `never`.
    package static func age(_ date: Date?, now: Date) -> String {
        guard let date else { return "never" }
        let seconds = Int(now.timeIntervalSince(date))
        if seconds < 0 { return "in \(self.duration(-seconds))" }
        return self.duration(seconds)
    }

    /// A number of seconds as `45s`, `12m`, `3h 5m` or `2d 4h`.
    package static func duration(_ seconds: Int) -> String {
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        if seconds < 86400 { return "\(seconds / 3600)h \(seconds % 3600 / 60)m" }
        return "\(seconds / 86400)d \(seconds % 86400 / 3600)h"
    }
}
