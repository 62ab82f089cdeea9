//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The webhook's JSON body and its HMAC-SHA256 signature.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import OversightLocalization

/// The body POSTed to a webhook receiver (see `docs/alerts.md`). Keys are sorted; dates are RFC 3339 UTC.
package struct WebhookPayload: Codable, Hashable, Sendable {
    /// The alert as the receiver sees it.
    package struct AlertBody: Codable, Hashable, Sendable {
        /// Acknowledgement details.
        package struct Acknowledgement: Codable, Hashable, Sendable {
            package var by: String
            package var at: String
            package var comment: String?
        }

        package var key: String
        package var kind: String
        package var severity: String
        package var state: String
        package var labels: [String: String]
        package var summary: String
        package var details: String?
        package var consoleURL: String
        package var startsAt: String
        package var endsAt: String?
        package var lastRaisedAt: String
        package var raiseCount: Int
        package var acknowledgement: Acknowledgement?
    }

    /// Payload format version (1).
    package var version: Int
    /// `firing`, `acknowledged`, `resolved` or `repeat`.
    package var event: String
    /// The outbox id: the same on every retry of this delivery, so the receiver can drop duplicates.
    package var deliveryId: Int64
    /// Names this delivery the same on every retry and on every coordinator (``PendingDelivery/idempotencyKey``):
    /// drop duplicates by it; `deliveryId` is only unique within one coordinator's outbox.
    package var idempotencyKey: String
    /// The receiver's configured name.
    package var receiver: String
    /// When this attempt was sent; equals `X-Oversight-Timestamp` and is covered by the signature.
    package var sentAt: String
    /// The alert.
    package var alert: AlertBody

    /// Builds the payload of a delivery.
    /// Builds the payload of a delivery, its `summary` in `language` (the receiver's).
    package init(delivery: PendingDelivery, consoleBaseURL: String, sentAt: Date, language: Language = .english) {
        let alert = delivery.alert
        self.version = 1
        self.event = delivery.event.rawValue
        self.deliveryId = delivery.id
        self.idempotencyKey = delivery.idempotencyKey
        self.receiver = delivery.receiver
        self.sentAt = RFC3339.string(sentAt)
        self.alert = AlertBody(
            key: alert.key, kind: alert.kind.rawValue, severity: alert.severity.rawValue, state: alert.state.rawValue, labels: alert.labels,
            summary: alert.summary(in: Localizer(language)), details: alert.details, consoleURL: alert.consoleURL(base: consoleBaseURL),
            startsAt: RFC3339.string(alert.startsAt), endsAt: alert.endsAt.map(RFC3339.string), lastRaisedAt: RFC3339.string(alert.lastRaisedAt),
            raiseCount: alert.raiseCount,
            acknowledgement: alert.acknowledgement.map { .init(by: $0.by, at: RFC3339.string($0.at), comment: $0.comment) }
        )
    }

    /// The JSON body.
    package func body() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// The `X-Oversight-Signature` scheme: `sha256=` + lowercase hex HMAC-SHA256 of the exact body bytes.
package enum WebhookSignature {
    /// The signature header's name.
    package static let header = "X-Oversight-Signature"
    /// The timestamp header's name (Unix seconds of `sentAt`).
    package static let timestampHeader = "X-Oversight-Timestamp"
    /// The delivery id header's name.
    package static let deliveryHeader = "X-Oversight-Delivery"
    /// The event header's name.
    package static let eventHeader = "X-Oversight-Event"
    /// The idempotency key header's name (the body's `idempotencyKey`).
    package static let idempotencyHeader = "X-Oversight-Idempotency-Key"

    /// `sha256=<hex>` for `body` under `secret`.
    package static func sign(_ body: some DataProtocol, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` is the right one for `body` (constant-time comparison).
    package static func verify(_ signature: String, body: some DataProtocol, secret: String) -> Bool {
        guard signature.hasPrefix("sha256="), let mac = Self.hexBytes(signature.dropFirst("sha256=".count)) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: SymmetricKey(data: Data(secret.utf8)))
    }

    private static func hexBytes(_ hex: Substring) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
