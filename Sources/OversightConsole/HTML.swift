//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Server-rendered HTML: escaping, the page layout, small formatting helpers.
//
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import OversightLocalization

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

    /// A full page with the navigation bar and the language selector, in `l`'s language.
    /// - Parameters:
    ///   - title: the page's title (already in `l`'s language).
    ///   - identity: the signed-in user, if any (no navigation without).
    ///   - body: the page's HTML.
    ///   - l: the request's language.
    ///   - path: where the language selector returns to (the page's own path and query).
    package static func page(title: String, identity: ConsoleIdentity?, body: String, localizer l: Localizer, path: String = "/") -> String {
        var nav = ""
        if let identity {
            nav = """
                <nav><a href="/">\(Self.escape(l.t("nav.overview")))</a> <a href="/alerts">\(Self.escape(l.t("nav.alerts")))</a> \
                <a href="/agents">\(Self.escape(l.t("nav.agents")))</a> <a href="/scorecard">\(Self.escape(l.t("nav.scorecards")))</a> \
                <a href="/audits">\(Self.escape(l.t("nav.audits")))</a>
                <span class="who">\(Self.escape(identity.user.username)) (\(Self.escape(l.t("role.\(identity.user.role.rawValue)"))))</span>
                <form method="post" action="/logout" class="inline">\(Self.csrfField(identity))<button type="submit">\(Self.escape(l.t("nav.log_out")))</button></form></nav>
                """
        }
        return """
            <!doctype html>
            <html lang="\(l.language.code)" data-countdown-left="\(Self.escape(l.t("countdown.left")))" \
            data-countdown-overdue="\(Self.escape(l.t("countdown.overdue")))" data-duration-units="\(Self.escape(l.t("countdown.units")))"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.escape(title)) · Oversight</title>
            <link rel="stylesheet" href="/static/console.css"><script src="/static/console.js" defer></script></head>
            <body><header><span class="brand">Oversight</span>\(nav)\(Self.languageSelector(identity: identity, localizer: l, path: path))</header><main>
            \(body)
            </main></body></html>
            """
    }

    /// The language selector: posts to `/language`, which stores the choice for the user (and in a cookie) and returns to `path`.
    static func languageSelector(identity: ConsoleIdentity?, localizer l: Localizer, path: String) -> String {
        let options = Language.all.map { language in
            "<option value=\"\(language.code)\"\(language == l.language ? " selected" : "")>\(Self.escape(language.nativeName))</option>"
        }.joined()
        return """
            <form method="post" action="/language" class="inline language">\(identity == nil ? "" : Self.csrfField(identity))\
            <input type="hidden" name="back" value="\(Self.escape(path))">\
            <select name="language" aria-label="\(Self.escape(l.t("nav.language")))">\(options)</select> \
            <button type="submit">\(Self.escape(l.t("nav.language_switch")))</button></form>
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

    /// A time as ISO 8601, or a dash (attributes and machine-readable places; people read ``Localizer/time(_:)``).
    package static func isoTime(_ date: Date?) -> String {
        guard let date else { return "—" }
        return date.formatted(.iso8601)
    }
}
