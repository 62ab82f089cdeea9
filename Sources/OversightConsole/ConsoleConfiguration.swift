//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Settings of the head-office console.
//
//===----------------------------------------------------------------------===//

import Foundation
import OversightSLA
import OversightSampling
import OversightStore

/// Settings of the console and API server.
package struct ConsoleConfiguration: Sendable {
    /// PEM files for HTTPS.
    package struct TLS: Sendable {
        /// Server certificate chain (PEM), e.g. `CoordinatorPaths.serverCertificate`.
        package var certificatePath: String
        /// Its private key (PEM), e.g. `CoordinatorPaths.serverKey`.
        package var privateKeyPath: String
        /// Creates TLS settings.
        package init(certificatePath: String, privateKeyPath: String) {
            self.certificatePath = certificatePath
            self.privateKeyPath = privateKeyPath
        }
    }

    /// Address to bind.
    package var host: String = "0.0.0.0"
    /// Port to bind (8443 by default; 0 picks a free one).
    package var port: Int = 8443
    /// HTTPS certificate and key; `nil` serves plain HTTP (tests and local development only).
    package var tls: TLS?
    /// Folder of static assets (`Coordinator/coordinator/Public`): served under `/static/`. `nil` serves none.
    package var publicDirectory: String?
    /// How long a session lasts.
    package var sessionLifetime: Duration = .seconds(8 * 3600)
    /// Whether the session cookie carries `Secure` (always with TLS; tests over the router may turn it off, but need not).
    package var secureCookies: Bool = true
    /// An agent not heard from for this long counts as offline.
    package var offlineAfter: Duration = .seconds(120)
    /// A site whose newest record is older than this shows amber.
    package var staleAfter: Duration = .seconds(3600)
    /// How long an enrollment token created in the console stays valid.
    package var enrollmentTokenTTL: Duration = .seconds(24 * 3600)
    /// Login throttling.
    package var throttle: LoginThrottle.Configuration = .init()
    /// Contracts in force by provider (targets, time zone, credits); figures without a contract show no target.
    package var contracts: [String: ConsoleContract] = [:]
    /// Head office's QA scorecards: provider evaluations that name one of them are recomputed on the audit pages.
    package var scorecards = ScorecardCatalog()
    /// Ticket figures of closed days, kept for five minutes (a reference: copies of the configuration share it).
    package var figureCache = FigureCache()
    /// The sampling plans and secret (the data directory's `sampling/` and `sampling-secret`): the audit periods' seed
    /// commitments and acceptance verdicts. `nil` shows none.
    package var sampling: SamplingFiles?
    /// The wall clock (injected in tests).
    package var now: @Sendable () -> Date = { Date() }
    /// When head office must decide a breach dispute by (the contract's business days, counted in its calendar);
    /// `nil` without a contract's `disputes:` section. After it, the contract's default stands and the console refuses a
    /// decision. The executable computes it from the loaded contracts.
    package var breachDisputeDeadline: @Sendable (StoredBreachDispute) -> Date? = { _ in nil }
    /// Credit statements and disputes of aggregate misses (the executable computes them with the SLA engine's
    /// evaluator); `nil` leaves the credits page and its API out (404).
    package var credits: ConsoleCredits?
    /// Invoices: upload, reconciliation and net (the executable computes them with the invoice desk and the evaluator);
    /// `nil` leaves the invoice page and its API out (404).
    package var invoices: ConsoleInvoices?
    /// The Prometheus text for `GET /metrics` (the executable renders its registry); `nil` leaves the route out.
    package var metrics: (@Sendable () async -> String)?

    /// Default settings.
    /// - Parameters:
    ///   - port: port to bind.
    ///   - tls: HTTPS certificate and key; `nil` for plain HTTP.
    package init(port: Int = 8443, tls: TLS? = nil) {
        self.port = port
        self.tls = tls
    }
}
