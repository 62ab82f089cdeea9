//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import OversightConfig
import OversightCoordinator
import OversightLocalization
import OversightAlerts
import OversightStore
import OversightStorePostgres

extension CoordinatorSettings {
    /// Applies a validated YAML configuration file; `--data` still wins over the file's `data`.
    mutating func apply(file: String, dataOverride: String?) throws {
        let configuration: CoordinatorConfiguration
        do {
            configuration = try CoordinatorConfiguration.load(file: file)
        } catch {
            throw ValidationError("\(error)")
        }
        if dataOverride == nil { self.paths = CoordinatorPaths(directory: configuration.dataDirectory) }
        self.listener.host = configuration.listen.host
        self.listener.port = configuration.listen.port
        self.listener.handshakeRate = Double(configuration.handshakes.rate)
        self.listener.handshakeBurst = configuration.handshakes.burst
        if configuration.handshakes.maxQueueWait > .zero { self.listener.handshakeMaxQueueWait = configuration.handshakes.maxQueueWait }
        self.listener.enrollmentRate = Double(configuration.enrollments.rate)
        self.listener.enrollmentBurst = configuration.enrollments.burst
        self.listener.maxFrameBytes = configuration.limits.maxFrameBytes
        self.listener.maxRecordsPerBatch = configuration.limits.maxRecordsPerBatch
        self.listener.helloTimeout = configuration.limits.helloTimeout
        self.listener.idleTimeout = configuration.limits.idleTimeout
        self.listener.maxConnections = configuration.limits.maxConnections
        self.listener.maxClockSkew = configuration.limits.maxClockSkew
        self.listener.enrollmentAddressBurst = configuration.limits.enrollmentsPerAddressBurst
        self.listener.enrollmentAddressRate = 1 / Double(configuration.limits.enrollmentsPerAddressEvery.components.seconds)
        self.listener.heartbeatInterval = configuration.heartbeat.interval
        self.listener.offlineAfter = configuration.heartbeat.offlineAfter
        self.listener.agentCertificateValidity = configuration.certificates.agentValidity
        self.serverHostnames = configuration.certificates.serverHostnames
        self.synchronous = configuration.synchronous == .normal ? .normal : .full
        self.store = configuration.store
        self.logLevel = configuration.logLevel.rawValue
        self.logFormat = configuration.logFormat.rawValue
        self.contractsDirectory = configuration.contractsDirectory
        self.scorecardsDirectory = configuration.scorecardsDirectory
        self.alerts = configuration.alerts
        self.aggregateInterval = configuration.aggregateInterval
    }
}

extension CoordinatorSettings {
    /// The alert settings for the server: receivers from the file, the database in the data directory.
    var alertsConfiguration: AlertsConfiguration {
        var result = AlertsConfiguration(databasePath: self.paths.directory + "/alerts.sqlite")
        guard let alerts = self.alerts else { return result }
        result.consoleURL = alerts.consoleURL
        result.silentAfter = alerts.silentAfter
        result.receivers =
            alerts.alertmanagers.map {
                .alertmanager(name: $0.name, url: $0.url, resendInterval: $0.resendInterval, language: Language(code: $0.language) ?? .english)
            }
            + alerts.webhooks.map {
                .webhook(name: $0.name, url: $0.url, secret: $0.secret, repeatInterval: $0.repeatInterval, language: Language(code: $0.language) ?? .english)
            }
        return result
    }
}

extension CoordinatorSettings {
    /// The PostgreSQL server to use, when `store.backend` is `postgresql`.
    var postgresConfiguration: PostgresStore.Configuration? {
        guard self.store.backend == .postgresql, let server = self.store.postgresql else { return nil }
        var configuration = PostgresStore.Configuration(
            host: server.host, port: server.port, database: server.database, username: server.username, password: server.password
        )
        switch server.tls {
        case .disable: configuration.tls = .disable
        case .prefer: configuration.tls = .prefer
        case .require: configuration.tls = .require
        default: configuration.tls = .verifyFull
        }
        configuration.caFile = server.caFile
        configuration.maxConnections = server.maxConnections
        return configuration
    }
}
