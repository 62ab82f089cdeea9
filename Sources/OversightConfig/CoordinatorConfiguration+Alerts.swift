//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The coordinator's `alerts:` and `contracts:` settings.
//
//===----------------------------------------------------------------------===//

internal import Foundation

extension CoordinatorConfiguration {
    /// Where alerts go.
    package struct Alerts: Sendable {
        /// An Alertmanager (API v2).
        package struct Alertmanager: Sendable {
            package var name: String
            package var url: String
            /// How often firing alerts are sent again (keep it below Alertmanager's `resolve_timeout`).
            package var resendInterval: Duration = .seconds(60)
            /// The language of the alert texts sent (`en`, `de`, `ru`).
            package var language: String = "en"
        }

        /// A webhook receiver; `secret` signs each body (HMAC-SHA256), read from `secret_file`.
        package struct Webhook: Sendable, CustomStringConvertible {
            package var name: String
            package var url: String
            package var secret: String
            package var repeatInterval: Duration = .seconds(4 * 3600)
            /// The language of the alert texts sent (`en`, `de`, `ru`).
            package var language: String = "en"
            /// Never shows the secret.
            package var description: String { "webhook \(self.name) \(self.url)" }
        }

        /// Base URL of the console, for links in alerts.
        package var consoleURL: String = "https://localhost:8443"
        /// An agent not heard from for this long raises `agent_silent` (the feed has an SLA too).
        package var silentAfter: Duration = .seconds(300)
        package var alertmanagers: [Alertmanager] = []
        package var webhooks: [Webhook] = []

        /// The languages a receiver's `language:` may name (the console's catalogues, OversightLocalization's `Language.all`).
        package static let languages = ["en", "de", "ru"]

        /// No receivers; alerts are still recorded.
        package init() {}
    }

    /// Parses the `alerts:` block.
    static func alerts(_ node: ConfigNode) throws(ConfigError) -> Alerts {
        try node.rejectUnknownKeys(allowed: ["console_url", "silent_after", "alertmanager", "webhooks"])
        var alerts = Alerts()
        if let value = try node.optional("console_url") {
            let url = try value.string(maxLength: 2048)
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else { throw value.invalid(expected: "an http(s) URL") }
            alerts.consoleURL = url
        }
        if let value = try node.optional("silent_after") { alerts.silentAfter = try value.duration(in: .seconds(30) ... .seconds(7 * 86_400)) }
        if let list = try node.optional("alertmanager") {
            for (index, item) in try list.items().enumerated() {
                try item.rejectUnknownKeys(allowed: ["name", "url", "resend_interval", "language"])
                let urlNode = try item.required("url")
                let url = try urlNode.string(maxLength: 2048)
                guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw urlNode.invalid(expected: "an http(s) URL of an Alertmanager") }
                var entry = Alerts.Alertmanager(name: try item.optional("name")?.string(maxLength: 64) ?? "alertmanager-\(index + 1)", url: url)
                if let value = try item.optional("resend_interval") { entry.resendInterval = try value.duration(in: .seconds(1) ... .seconds(3600)) }
                if let value = try item.optional("language") { entry.language = try Self.language(value) }
                alerts.alertmanagers.append(entry)
            }
        }
        if let list = try node.optional("webhooks") {
            for (index, item) in try list.items().enumerated() {
                try item.rejectUnknownKeys(allowed: ["name", "url", "secret_file", "repeat_interval", "language"])
                let urlNode = try item.required("url")
                let url = try urlNode.string(maxLength: 2048)
                guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw urlNode.invalid(expected: "an http(s) URL") }
                let fileNode = try item.required("secret_file")
                let path = try fileNode.string()
                guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw fileNode.error(.unreadableFile, "cannot read the webhook secret file '\(path)'")
                }
                let secret = contents.trimmingCharacters(in: .whitespacesAndNewlines)
                guard secret.utf8.count >= 16 else { throw fileNode.error("the webhook secret in '\(path)' must be at least 16 bytes") }
                var entry = Alerts.Webhook(name: try item.optional("name")?.string(maxLength: 64) ?? "webhook-\(index + 1)", url: url, secret: secret)
                if let value = try item.optional("repeat_interval") { entry.repeatInterval = try value.duration(in: .seconds(60) ... .seconds(7 * 86_400)) }
                if let value = try item.optional("language") { entry.language = try Self.language(value) }
                alerts.webhooks.append(entry)
            }
        }
        return alerts
    }

    /// A receiver's `language:`: `en`, `de` or `ru`.
    static func language(_ node: ConfigNode) throws(ConfigError) -> String {
        let code = try node.string(maxLength: 8).lowercased()
        guard Alerts.languages.contains(code) else { throw node.invalid(expected: "one of \(Alerts.languages.joined(separator: ", "))") }
        return code
    }
}
