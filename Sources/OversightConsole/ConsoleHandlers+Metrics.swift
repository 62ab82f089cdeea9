//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// `GET /metrics` (Prometheus text format) and the per-request HTTP metrics of the console port.
//
//===----------------------------------------------------------------------===//

import CoreMetrics
import Foundation
import Hummingbird

extension ConsoleHandlers {
    /// `/metrics` in Prometheus text format, without authentication (like the probes), when the executable gave
    /// `configuration.metrics`.
    func addMetricsRoute(to router: Router<ConsoleRequestContext>) {
        guard let metrics = self.configuration.metrics else { return }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: await metrics()))
            )
        }
    }
}

/// Counts every request of the console port by route template, method and status
/// (`oversight_http_requests_total`) and times it (`oversight_http_request_duration_seconds`), through swift-metrics.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = ConsoleRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            self.record(request, context: context, status: response.status.code, since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            self.record(request, context: context, status: status, since: start)
            throw error
        }
    }

    func record(_ request: Request, context: Context, status: Int, since start: ContinuousClock.Instant) {
        // The route template, never the raw path: ids in paths would make a series per ticket.
        let dimensions = [("route", context.endpointPath ?? "unmatched"), ("method", request.method.rawValue), ("status", String(status))]
        Counter(label: "oversight_http_requests_total", dimensions: dimensions).increment()
        let elapsed = ContinuousClock.now - start
        Timer(label: "oversight_http_request_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
