//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The demo's local alert receiver: a webhook endpoint on loopback that checks each delivery's signature and prints
// what a supervisor's chat or pager would get, so a newcomer sees an alert leave the coordinator and arrive.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import OversightAlerts
import ServiceLifecycle
import Synchronization

/// A loopback webhook receiver for the demo. It verifies `X-Oversight-Signature` with the secret the demo gave the
/// coordinator and prints the first delivery of each alert kind and event, then a count now and then.
struct DemoAlertReceiver: Service {
    /// The receiver configuration the coordinator delivers to.
    let receiver: ReceiverConfiguration
    let port: Int
    private let secret: String
    private let logger: Logger
    private let seen = Seen()

    final class Seen: Sendable {
        struct State {
            var firstOf: Set<String> = []
            var total = 0
            var rejected = 0
        }
        let state = Mutex(State())
    }

    /// Picks a free loopback port and a random secret.
    init(logger: Logger) async throws {
        self.port = try await Self.freeLoopbackPort()
        self.secret = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        self.logger = logger
        self.receiver = .webhook(name: "demo-receiver", url: "http://127.0.0.1:\(self.port)/alerts", secret: self.secret, repeatInterval: nil)
    }

    func run() async throws {
        let router = Router()
        router.post("/alerts") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let bytes = Data(buffer: body)
            guard let signature = request.headers.first(where: { $0.name.canonicalName == WebhookSignature.header.lowercased() })?.value,
                WebhookSignature.verify(signature, body: bytes, secret: self.secret)
            else {
                self.seen.state.withLock { $0.rejected += 1 }
                say("Alert receiver: refused a delivery with a missing or wrong signature")
                return .unauthorized
            }
            guard let payload = try? JSONDecoder().decode(WebhookPayload.self, from: bytes) else { return .badRequest }
            self.report(payload)
            return .noContent
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: self.port), serverName: "oversight-demo-receiver"),
            logger: self.logger
        )
        try await app.run()
    }

    private func report(_ payload: WebhookPayload) {
        let alert = payload.alert
        let (first, total) = self.seen.state.withLock { state -> (Bool, Int) in
            state.total += 1
            return (state.firstOf.insert(alert.kind + "/" + payload.event).inserted, state.total)
        }
        if first {
            let event = payload.event.uppercased()
            say("Alert receiver ◀ \(event) [\(alert.severity)] \(alert.summary) — \(alert.consoleURL) (signature verified)")
        } else if total.isMultiple(of: 25) {
            say("Alert receiver: \(total) deliveries so far, every signature verified")
        }
    }

    /// A loopback port nothing listens on now.
    static func freeLoopbackPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}
