//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Drains the alert outbox to Alertmanager and webhooks; re-sends and repeats on schedule.
//
//===----------------------------------------------------------------------===//

import AsyncHTTPClient
import CoreMetrics
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// What one delivery pass for one receiver did (tests and logs).
package struct DeliveryPass: Hashable, Sendable {
    /// Deliveries the receiver accepted.
    package var delivered = 0
    /// Deliveries that failed and were rescheduled.
    package var failed = 0
    /// Open alerts re-sent to Alertmanager.
    package var resent = 0
    /// `repeat` deliveries queued for a webhook.
    package var repeatsQueued = 0
    /// Deliveries left queued because this coordinator does not hold the lease (``DeliveryFence``).
    package var held = 0
    /// Deliveries dropped from this queue because another coordinator delivered them.
    package var skipped = 0
    /// When the receiver needs another pass, if it has anything scheduled.
    package var nextWake: Date?
}

extension DeliveryPass {
    /// Adds this pass to `oversight_alert_deliveries_total{receiver, result}` (`delivered`, `failed`, `resent`).
    func count(receiver: String) {
        for (result, n) in [("delivered", self.delivered), ("failed", self.failed), ("resent", self.resent), ("skipped", self.skipped)] where n > 0 {
            Counter(label: "oversight_alert_deliveries_total", dimensions: [("receiver", receiver), ("result", result)]).increment(by: n)
        }
    }
}

/// The long-running service that delivers alerts: one loop per receiver drains its queue in order (retrying with
/// backoff; a delivery leaves the queue only after a 2xx), re-sends open alerts to Alertmanager every
/// `resendInterval`, and queues webhook repeats on their `repeatInterval`.
///
/// It wakes when ``AlertCenter`` queues something, when a retry or re-send falls due, and at least every
/// ``Configuration/idlePoll`` (to see changes written by another process). Delivery is at least once: a request
/// cut short by a shutdown is sent again after the restart.
package final class AlertDeliveryService<C: Clock>: Service, Sendable where C.Duration == Duration {
    /// Service settings.
    package struct Configuration: Sendable {
        /// The longest sleep between passes when nothing is scheduled. Default 5 s.
        package var idlePoll: Duration = .seconds(5)
        /// The pause after a store error. Default 1 s.
        package var errorPause: Duration = .seconds(1)
        /// Deliveries read per query, and alerts per Alertmanager request. Default 64.
        package var batchSize = 64
        /// How long deliveries the fence holds (not the lease holder) wait before they are asked about again. Default 1 s.
        package var heldPause: Duration = .seconds(1)

        /// Default settings.
        package init() {}
    }

    struct LoopState {
        var nextResendAt: Date?
        var holdUntil: Date?
    }

    enum SendOutcome: Equatable {
        case delivered
        case rejected(status: UInt, retryable: Bool)
        case unreachable(String)

        var isRetryableForReceiver: Bool {
            switch self {
            case .delivered: false
            case .rejected(_, let retryable): retryable
            case .unreachable: true
            }
        }

        var errorText: String {
            switch self {
            case .delivered: ""
            case .rejected(let status, _): "HTTP \(status)"
            case .unreachable(let reason): reason
            }
        }
    }

    /// The alert center whose store this service drains.
    package let center: AlertCenter
    /// The settings.
    package let configuration: Configuration
    let clock: C
    let logger: Logger
    let httpClient: HTTPClient?
    /// Asked before each send when several coordinators share the store; `nil` sends everything.
    let fence: (any DeliveryFence)?
    private let loops = Mutex<[String: LoopState]>([:])

    /// Creates the service.
    /// - Parameters:
    ///   - center: the alert center (store, receivers, change signal, wall clock).
    ///   - configuration: polling settings.
    ///   - httpClient: a client to use (the caller shuts it down); `nil` makes one for `run()` and shuts it down when
    ///     `run()` ends.
    ///   - clock: the clock the loops sleep on.
    ///   - logger: for delivery outcomes (receiver names and alert keys only; no URLs with secrets, no payloads).
    ///   - fence: asked before each send and told after each 2xx (the leader lease); `nil` sends everything.
    package init(
        center: AlertCenter, configuration: Configuration = Configuration(), httpClient: HTTPClient? = nil, fence: (any DeliveryFence)? = nil,
        clock: C, logger: Logger
    ) {
        self.center = center
        self.fence = fence
        self.configuration = configuration
        self.httpClient = httpClient
        self.clock = clock
        self.logger = logger
    }

    /// Runs until cancelled or a graceful shutdown; then shuts down the HTTP client it made.
    package func run() async throws {
        let receivers = self.center.configuration.receivers
        guard !receivers.isEmpty else {
            self.logger.info("no alert receivers configured; alerts are stored only")
            try? await gracefulShutdown()
            return
        }
        let client = self.httpClient ?? HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .init())
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for receiver in receivers {
                    group.addTask { await self.loop(receiver: receiver, client: client) }
                }
            }
        }
        if self.httpClient == nil { try await client.shutdown() }
    }

    func loop(receiver: ReceiverConfiguration, client: HTTPClient) async {
        let logger = self.logger.with(LogKeys.receiver, receiver.name)
        while !Task.isCancelled {
            let seen = self.center.changes.generation
            var wake: Date?
            do {
                wake = try await self.pass(receiver: receiver, client: client)?.nextWake
            } catch is CancellationError {
                return
            } catch {
                logger.info("alert delivery pass failed", metadata: [LogKeys.error: "\(error)"])
                wake = self.center.now().addingTimeInterval(self.configuration.errorPause.seconds)
            }
            var delay = self.configuration.idlePoll
            if let wake { delay = min(delay, .seconds(max(wake.timeIntervalSince(self.center.now()), 0))) }
            await self.sleep(max(delay, .milliseconds(10)), orUntilChangeAfter: seen)
        }
    }

    private func sleep(_ delay: Duration, orUntilChangeAfter seen: UInt64) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await self.clock.sleep(for: delay) }
            group.addTask { await self.center.changes.wait(after: seen) }
            await group.next()
            group.cancelAll()
        }
    }

    /// One pass for one receiver at the center's current time: queue due webhook repeats, send due deliveries (unless
    /// the receiver is in backoff), re-send open alerts to Alertmanager if due. Tests call it directly with a fake
    /// wall clock.
    /// - Parameters:
    ///   - name: the receiver's name.
    ///   - client: the HTTP client.
    /// - Returns: what happened, or `nil` if no receiver has that name.
    @discardableResult
    package func pass(receiver name: String, client: HTTPClient) async throws -> DeliveryPass? {
        guard let receiver = self.center.configuration.receivers.first(where: { $0.name == name }) else { return nil }
        return try await self.pass(receiver: receiver, client: client)
    }

    func pass(receiver: ReceiverConfiguration, client: HTTPClient) async throws -> DeliveryPass? {
        let store = self.center.store
        let now = self.center.now()
        var state = self.loops.withLock { $0[receiver.name] } ?? LoopState()
        defer {
            let final = state
            self.loops.withLock { $0[receiver.name] = final }
        }
        var report = DeliveryPass()
        defer { report.count(receiver: receiver.name) }
        let logger = self.logger.with(LogKeys.receiver, receiver.name)

        var repeatInterval: Duration?
        if case .webhook(let settings) = receiver.target, let interval = settings.repeatInterval {
            repeatInterval = interval
            report.repeatsQueued = try await store.enqueueRepeats(receiver: receiver.name, interval: interval, now: now)
        }

        if let hold = state.holdUntil, hold > now {
            // The receiver failed recently: wait out its backoff.
        } else {
            state.holdUntil = nil
            drain: while true {
                let due = try await store.dueDeliveries(receiver: receiver.name, now: now, limit: self.configuration.batchSize)
                if due.isEmpty { break }
                switch receiver.target {
                case .alertmanager(let settings):
                    let due = try await self.admit(due, report: &report)
                    if due.isEmpty { break }
                    let alerts = due.map {
                        AlertmanagerAlert(
                            $0.alert, consoleBaseURL: self.center.configuration.consoleBaseURL, acknowledged: settings.acknowledged,
                            language: receiver.language
                        )
                    }
                    let outcome = await self.post(
                        url: Self.alertmanagerEndpoint(settings.url), body: try AlertmanagerAlert.body(alerts), headers: [],
                        timeout: receiver.requestTimeout, client: client
                    )
                    let ids = due.map(\.id)
                    if outcome == .delivered {
                        for delivery in due { await self.confirm(delivery, idempotencyKey: delivery.idempotencyKey, logger: logger) }
                        try await store.completeDeliveries(ids: ids)
                        report.delivered += ids.count
                        logger.debug("alerts delivered", metadata: [LogKeys.count: "\(ids.count)"])
                    } else {
                        let next = try await store.failDeliveries(ids: ids, error: outcome.errorText, policy: receiver.retry, now: now)
                        report.failed += ids.count
                        logger.info("alert delivery failed; will retry", metadata: [LogKeys.error: "\(outcome.errorText)", LogKeys.count: "\(ids.count)"])
                        if outcome.isRetryableForReceiver {
                            state.holdUntil = next
                            break drain
                        }
                    }
                case .webhook(let settings):
                    for delivery in try await self.admit(due, report: &report) {
                        let payload = WebhookPayload(
                            delivery: delivery, consoleBaseURL: self.center.configuration.consoleBaseURL, sentAt: now, language: receiver.language
                        )
                        let body = try payload.body()
                        let headers = [
                            (WebhookSignature.header, WebhookSignature.sign(body, secret: settings.secret)),
                            (WebhookSignature.timestampHeader, String(Int64(now.timeIntervalSince1970.rounded(.down)))),
                            (WebhookSignature.deliveryHeader, String(delivery.id)),
                            (WebhookSignature.eventHeader, delivery.event.rawValue),
                            (WebhookSignature.idempotencyHeader, payload.idempotencyKey),
                        ]
                        let outcome = await self.post(url: settings.url, body: body, headers: headers, timeout: receiver.requestTimeout, client: client)
                        let metadata: Logger.Metadata = [LogKeys.alertKey: "\(delivery.alert.key)", LogKeys.event: "\(delivery.event.rawValue)"]
                        if outcome == .delivered {
                            await self.confirm(delivery, idempotencyKey: payload.idempotencyKey, logger: logger)
                            try await store.completeDeliveries(ids: [delivery.id])
                            report.delivered += 1
                            logger.debug("alert delivered", metadata: metadata)
                        } else {
                            let next = try await store.failDeliveries(ids: [delivery.id], error: outcome.errorText, policy: receiver.retry, now: now)
                            report.failed += 1
                            logger.info("alert delivery failed; will retry", metadata: metadata.merging([LogKeys.error: "\(outcome.errorText)"]) { $1 })
                            if outcome.isRetryableForReceiver {
                                state.holdUntil = next
                                break drain
                            }
                        }
                    }
                }
                // Held deliveries stay first in line: reading on would return them again.
                if due.count < self.configuration.batchSize || report.held > 0 { break }
            }
            if report.held > 0 {
                // Look at what this coordinator may not send again after a pause, not at once.
                let pause = now.addingTimeInterval(self.configuration.heldPause.seconds)
                state.holdUntil = max(state.holdUntil ?? pause, pause)
            }
        }

        if case .alertmanager(let settings) = receiver.target, state.holdUntil == nil, now >= (state.nextResendAt ?? now) {
            state.nextResendAt = now.addingTimeInterval(settings.resendInterval.seconds)
            let active = try await store.openAlerts().filter {
                AlertmanagerAlert.isActive($0, acknowledged: settings.acknowledged) && self.fence?.mayResend($0) ?? true
            }
            var start = 0
            while start < active.count {
                let chunk = active[start..<min(start + self.configuration.batchSize, active.count)].map {
                    AlertmanagerAlert(
                        $0, consoleBaseURL: self.center.configuration.consoleBaseURL, acknowledged: settings.acknowledged, language: receiver.language
                    )
                }
                let outcome = await self.post(
                    url: Self.alertmanagerEndpoint(settings.url), body: try AlertmanagerAlert.body(chunk), headers: [],
                    timeout: receiver.requestTimeout, client: client
                )
                guard outcome == .delivered else {
                    logger.info("alert re-send failed", metadata: [LogKeys.error: "\(outcome.errorText)"])
                    break
                }
                report.resent += chunk.count
                start += chunk.count
            }
        }

        var wakes: [Date] = []
        if let next = try await store.nextDeliveryDate(receiver: receiver.name) { wakes.append(max(next, state.holdUntil ?? next)) }
        // A re-send skipped because the receiver is in backoff waits for the backoff, not for nothing.
        if let resend = state.nextResendAt { wakes.append(max(resend, state.holdUntil ?? resend)) }
        if let repeatInterval, let next = try await store.nextRepeatDate(receiver: receiver.name, interval: repeatInterval) {
            wakes.append(next)
        }
        report.nextWake = wakes.min()
        return report
    }

    /// The deliveries of `due` the fence lets this coordinator send now; those another coordinator delivered leave the
    /// queue, those it holds stay.
    func admit(_ due: [PendingDelivery], report: inout DeliveryPass) async throws -> [PendingDelivery] {
        guard let fence = self.fence else { return due }
        var admitted: [PendingDelivery] = []
        var skipped: [Int64] = []
        for delivery in due {
            switch try await fence.admit(delivery, idempotencyKey: delivery.idempotencyKey) {
            case .send: admitted.append(delivery)
            case .hold: report.held += 1
            case .skip: skipped.append(delivery.id)
            }
        }
        try await self.center.store.completeDeliveries(ids: skipped)
        report.skipped += skipped.count
        return admitted
    }

    /// Tells the fence a delivery was accepted — before it leaves the local queue, so a crash in between finds it
    /// confirmed and drops it unsent. A failure to record it is logged, not retried: sending again would be the
    /// duplicate the journal exists to avoid (a later lease holder may still send it once more, same key).
    func confirm(_ delivery: PendingDelivery, idempotencyKey: String, logger: Logger) async {
        do {
            try await self.fence?.delivered(delivery, idempotencyKey: idempotencyKey)
        } catch {
            logger.info(
                "cannot record an alert delivery as confirmed", metadata: [LogKeys.alertKey: "\(delivery.alert.key)", LogKeys.error: "\(error)"]
            )
        }
    }

    static func alertmanagerEndpoint(_ base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/api/v2/alerts"
    }

    func post(url: String, body: Data, headers: [(String, String)], timeout: Duration, client: HTTPClient) async -> SendOutcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "oversight-coordinator")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.seconds * 1e9)))
            _ = try? await response.body.collect(upTo: 1 << 20)
            let status = response.status.code
            if (200..<300).contains(status) { return .delivered }
            return .rejected(status: status, retryable: status >= 500 || status == 408 || status == 429)
        } catch {
            return .unreachable(String(describing: type(of: error)) + ": \(error)")
        }
    }
}

extension AlertDeliveryService where C == ContinuousClock {
    /// Creates the service on the continuous clock.
    /// - Parameters:
    ///   - center: the alert center.
    ///   - configuration: polling settings.
    ///   - httpClient: a client to use, or `nil` to make (and shut down) one.
    ///   - logger: for delivery outcomes.
    package convenience init(center: AlertCenter, configuration: Configuration = Configuration(), httpClient: HTTPClient? = nil, logger: Logger) {
        self.init(center: center, configuration: configuration, httpClient: httpClient, clock: ContinuousClock(), logger: logger)
    }
}

/// Log metadata keys of the alerts module.
enum LogKeys {
    static let receiver = "oversight.alert.receiver"
    static let alertKey = "oversight.alert.key"
    static let event = "oversight.alert.event"
    static let count = "oversight.alert.count"
    static let error = "oversight.error"
}

extension Logger {
    func with(_ key: String, _ value: String) -> Logger {
        var logger = self
        logger[metadataKey: key] = "\(value)"
        return logger
    }
}
