//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Where alerts go: Prometheus Alertmanager, or a signed webhook.
//
//===----------------------------------------------------------------------===//

import OversightLocalization
/// One place alerts are delivered to. Every change of an alert is queued for every configured receiver; each
/// receiver has its own queue order, retries and timing.
package struct ReceiverConfiguration: Sendable, CustomStringConvertible {
    /// What kind of endpoint, with its settings.
    package enum Target: Sendable {
        /// A Prometheus Alertmanager (API v2).
        case alertmanager(Alertmanager)
        /// A JSON webhook signed with HMAC-SHA256.
        case webhook(Webhook)
    }

    /// Alertmanager settings.
    package struct Alertmanager: Sendable {
        /// What to do with acknowledged alerts.
        package struct AcknowledgedBehavior: Hashable, Sendable, CustomStringConvertible {
            private let name: String
            private init(_ name: String) { self.name = name }
            /// Keep them active in Alertmanager (re-sent like firing ones) with `acknowledged_by`, `acknowledged_at`
            /// and `acknowledgement` annotations. The default: an acknowledgement is not a fix, and Alertmanager
            /// silences are the tool for muting.
            package static let keepActive = AcknowledgedBehavior("keep active")
            /// Send them with `endsAt` = the acknowledgement time, so Alertmanager sends its resolved notification
            /// and stops repeating; a later resolve is still sent.
            package static let resolve = AcknowledgedBehavior("resolve")
            package var description: String { self.name }
        }

        /// Base URL, e.g. `http://alertmanager:9093` (the path `/api/v2/alerts` is appended).
        package var url: String
        /// How often open alerts are sent again. Must be well below Alertmanager's `resolve_timeout` (default 5 min),
        /// or Alertmanager resolves them by itself. Default 1 min.
        package var resendInterval: Duration
        /// What to do with acknowledged alerts (default ``AcknowledgedBehavior/keepActive``).
        package var acknowledged: AcknowledgedBehavior

        /// Creates Alertmanager settings.
        package init(url: String, resendInterval: Duration = .seconds(60), acknowledged: AcknowledgedBehavior = .keepActive) {
            self.url = url
            self.resendInterval = resendInterval
            self.acknowledged = acknowledged
        }
    }

    /// Webhook settings.
    package struct Webhook: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        /// Where to POST.
        package var url: String
        /// The HMAC-SHA256 key for `X-Oversight-Signature`. Never logged or printed.
        package var secret: String
        /// How often a still-firing (not acknowledged) alert is sent again as a `repeat` event; `nil` never.
        /// Default 4 h.
        package var repeatInterval: Duration?

        /// Creates webhook settings.
        package init(url: String, secret: String, repeatInterval: Duration? = .seconds(4 * 3600)) {
            self.url = url
            self.secret = secret
            self.repeatInterval = repeatInterval
        }

        package var description: String { "webhook \(self.url) (secret redacted)" }
        package var debugDescription: String { self.description }
        package var customMirror: Mirror { Mirror(self, children: ["url": self.url, "secret": "<redacted>"]) }
    }

    /// The receiver's name: the key of its queue in the store. Renaming a receiver orphans what was queued for it.
    package var name: String
    /// The endpoint.
    package var target: Target
    /// Backoff for failed deliveries.
    package var retry: RetryPolicy
    /// Timeout of one HTTP request.
    package var requestTimeout: Duration
    /// The language of the texts sent (`summary`): the receiver's `language:` setting, English by default. Labels, keys
    /// and kinds stay as they are, for routing.
    package var language: Language = .english

    /// Creates a receiver.
    /// - Parameters:
    ///   - name: unique among receivers.
    ///   - target: the endpoint.
    ///   - retry: backoff for failed deliveries.
    ///   - requestTimeout: timeout of one request (default 10 s).
    package init(name: String, target: Target, retry: RetryPolicy = RetryPolicy(), requestTimeout: Duration = .seconds(10)) {
        self.name = name
        self.target = target
        self.retry = retry
        self.requestTimeout = requestTimeout
    }

    /// An Alertmanager receiver.
    package static func alertmanager(
        name: String, url: String, resendInterval: Duration = .seconds(60),
        acknowledged: Alertmanager.AcknowledgedBehavior = .keepActive, retry: RetryPolicy = RetryPolicy(), language: Language = .english
    ) -> ReceiverConfiguration {
        var receiver = ReceiverConfiguration(
            name: name, target: .alertmanager(Alertmanager(url: url, resendInterval: resendInterval, acknowledged: acknowledged)),
            retry: retry
        )
        receiver.language = language
        return receiver
    }

    /// A webhook receiver.
    package static func webhook(
        name: String, url: String, secret: String, repeatInterval: Duration? = .seconds(4 * 3600), retry: RetryPolicy = RetryPolicy(),
        language: Language = .english
    ) -> ReceiverConfiguration {
        var receiver = ReceiverConfiguration(
            name: name, target: .webhook(Webhook(url: url, secret: secret, repeatInterval: repeatInterval)), retry: retry
        )
        receiver.language = language
        return receiver
    }

    package var description: String {
        switch self.target {
        case .alertmanager(let settings): "receiver \(self.name): alertmanager \(settings.url), language \(self.language)"
        case .webhook(let settings): "receiver \(self.name): \(settings), language \(self.language)"
        }
    }

    /// Checks the receiver: a name, an http(s) URL, a non-empty webhook secret, positive intervals.
    package func validate() throws {
        guard !self.name.isEmpty else { throw AlertError(.invalidArgument, "a receiver needs a name") }
        let url: String
        switch self.target {
        case .alertmanager(let settings):
            url = settings.url
            guard settings.resendInterval > .zero else {
                throw AlertError(.invalidArgument, "receiver \(self.name): resend_interval must be positive")
            }
        case .webhook(let settings):
            url = settings.url
            guard !settings.secret.isEmpty else { throw AlertError(.invalidArgument, "receiver \(self.name): the webhook secret is empty") }
            if let repeatInterval = settings.repeatInterval, repeatInterval <= .zero {
                throw AlertError(.invalidArgument, "receiver \(self.name): repeat_interval must be positive")
            }
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw AlertError(.invalidArgument, "receiver \(self.name): url must start with http:// or https://")
        }
    }
}
