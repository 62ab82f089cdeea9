//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Test support: a settable wall clock, a recording webhook receiver (Python http.server) and a real Alertmanager.
//
//===----------------------------------------------------------------------===//

import AsyncHTTPClient
import Foundation
import NIOCore
import OversightAlerts
import OversightTesting
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization

/// A wall clock the test moves by hand.
final class FakeWallClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_780_000_000)) { self.current = Mutex(start) }

    var now: Date { self.current.withLock { $0 } }

    func advance(by seconds: TimeInterval) { self.current.withLock { $0 = $0.addingTimeInterval(seconds) } }

    func set(_ date: Date) { self.current.withLock { $0 = date } }

    var closure: @Sendable () -> Date { { self.now } }
}

/// Runs `service` while `body` runs, then shuts it down gracefully and waits for it to return.
func withRunningService<C: Clock>(_ service: AlertDeliveryService<C>, _ body: () async throws -> Void) async throws where C.Duration == Duration {
    try await testGracefulShutdown { trigger in
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            do {
                try await body()
            } catch {
                trigger.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
            trigger.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }
}

/// Runs `body` with an HTTP client that is shut down afterwards, whatever happens.
func withHTTPClient<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
    let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
    do {
        let value = try await body(client)
        try await client.shutdown()
        return value
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// A real HTTP server (Python's `http.server`) that records every request and answers with the status written in
/// its control file (200 unless told otherwise). It checks each request's HMAC itself, with Python's `hmac`, the way
/// `docs/alerts.md` tells receivers to.
final class WebhookReceiver: Sendable {
    struct Request: Sendable {
        var headers: [String: String]
        var body: Data
        var status: Int
        var signatureValid: Bool

        var payload: [String: Any] { (try? JSONSerialization.jsonObject(with: self.body)) as? [String: Any] ?? [:] }
        var event: String? { self.payload["event"] as? String }
        var deliveryId: Int? { (self.payload["deliveryId"] as? NSNumber)?.intValue }
        var alert: [String: Any] { self.payload["alert"] as? [String: Any] ?? [:] }
    }

    static let script = #"""
        import base64, hashlib, hmac, http.server, json, os, sys, threading
        port_file, log_file, control_file, secret = sys.argv[1:5]
        lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    with open(control_file) as f:
                        status = int(f.read().strip())
                except Exception:
                    status = 200
                expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
                valid = hmac.compare_digest(expected, self.headers.get("X-Oversight-Signature", ""))
                record = {
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": base64.b64encode(body).decode(),
                    "status": status,
                    "valid": valid,
                }
                with lock:
                    with open(log_file, "a") as f:
                        f.write(json.dumps(record) + "\n")
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        with open(port_file + ".tmp", "w") as f:
            f.write(str(server.server_address[1]))
        os.rename(port_file + ".tmp", port_file)
        server.serve_forever()
        """#

    let process: ChildProcess
    let port: Int
    let logFile: URL
    let controlFile: URL

    var url: String { "http://127.0.0.1:\(self.port)/hooks/oversight" }

    private init(process: ChildProcess, port: Int, logFile: URL, controlFile: URL) {
        self.process = process
        self.port = port
        self.logFile = logFile
        self.controlFile = controlFile
    }

    /// Starts the receiver in `directory`.
    static func start(in directory: TemporaryDirectory, secret: String, status: Int = 200) async throws -> WebhookReceiver {
        let scriptFile = directory.child("receiver.py")
        try Data(Self.script.utf8).write(to: scriptFile)
        let portFile = directory.child("receiver.port")
        let logFile = directory.child("requests.jsonl")
        let controlFile = directory.child("status")
        try Data("\(status)".utf8).write(to: controlFile)
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let process = try ChildProcess(
            name: "webhook-receiver", executable: "/usr/bin/env",
            arguments: ["python3", "-u", scriptFile.path, portFile.path, logFile.path, controlFile.path, secret],
            logFile: directory.child("receiver.log")
        )
        do {
            try await eventually("the webhook receiver to listen", timeout: .seconds(30), interval: .milliseconds(50)) {
                guard process.isRunning else { throw HarnessError("receiver exited: \(process.log())") }
                return FileManager.default.fileExists(atPath: portFile.path)
            }
            let port = Int(try String(contentsOf: portFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            return WebhookReceiver(process: process, port: port, logFile: logFile, controlFile: controlFile)
        } catch {
            await process.kill9()
            throw error
        }
    }

    /// Sets the status the receiver answers with from now on.
    func respond(with status: Int) throws { try Data("\(status)".utf8).write(to: self.controlFile) }

    /// Every request received so far, in order.
    func requests() -> [Request] {
        guard let text = try? String(contentsOf: self.logFile, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let headers = object["headers"] as? [String: String], let body64 = object["body"] as? String,
                let body = Data(base64Encoded: body64)
            else { return nil }
            return Request(
                headers: headers, body: body, status: (object["status"] as? NSNumber)?.intValue ?? 0,
                signatureValid: (object["valid"] as? Bool) ?? false
            )
        }
    }

    func stop() async { await self.process.kill9() }
}

/// Runs `body` with a webhook receiver, stopping it afterwards whatever happens.
func withWebhookReceiver<T>(
    _ directory: TemporaryDirectory, secret: String, status: Int = 200, _ body: (WebhookReceiver) async throws -> T
) async throws -> T {
    let receiver = try await WebhookReceiver.start(in: directory, secret: secret, status: status)
    do {
        let value = try await body(receiver)
        await receiver.stop()
        return value
    } catch {
        await receiver.stop()
        throw error
    }
}

/// Installs Debian's `prometheus-alertmanager` (quietly) if missing.
func alertmanagerExecutable() async throws -> String {
    let path = "/usr/bin/prometheus-alertmanager"
    if FileManager.default.isExecutableFile(atPath: path) { return path }
    let environment = ["DEBIAN_FRONTEND": "noninteractive"]
    var result = try await runCommand(
        "/usr/bin/apt-get", ["install", "-y", "-qq", "prometheus-alertmanager"], environment: environment, timeout: .seconds(600)
    )
    if result.exitCode != 0 {
        _ = try await runCommand("/usr/bin/apt-get", ["update", "-qq"], environment: environment, timeout: .seconds(600))
        result = try await runCommand(
            "/usr/bin/apt-get", ["install", "-y", "-qq", "prometheus-alertmanager"], environment: environment, timeout: .seconds(600)
        )
    }
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw HarnessError("prometheus-alertmanager is not installed and apt-get install failed: \(result)")
    }
    return path
}

/// An alert as Alertmanager's `GET /api/v2/alerts` shows it.
struct GettableAlert: Decodable, Sendable {
    struct Status: Decodable, Sendable { var state: String }
    var labels: [String: String]
    var annotations: [String: String]
    var startsAt: String
    var endsAt: String
    var updatedAt: String
    var generatorURL: String?
    var status: Status
    var fingerprint: String
}

/// A real Alertmanager on a free loopback port, with a null receiver, no clustering, storage in a temp folder.
final class AlertmanagerProcess: Sendable {
    let process: ChildProcess
    let port: Int
    var url: String { "http://127.0.0.1:\(self.port)" }

    private init(process: ChildProcess, port: Int) {
        self.process = process
        self.port = port
    }

    static func start(in directory: TemporaryDirectory, resolveTimeout: String, client: HTTPClient) async throws -> AlertmanagerProcess {
        let executable = try await alertmanagerExecutable()
        let config = """
            global:
              resolve_timeout: \(resolveTimeout)
            route:
              receiver: "null"
              group_by: ["provider"]
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: "null"

            """
        let configFile = directory.child("alertmanager.yml")
        try Data(config.utf8).write(to: configFile)
        let storage = try directory.makeFolder("am-data")
        let port = try freeLoopbackPort()
        let process = try ChildProcess(
            name: "alertmanager", executable: executable,
            arguments: [
                "--config.file=\(configFile.path)", "--storage.path=\(storage.path)", "--web.listen-address=127.0.0.1:\(port)",
                "--cluster.listen-address=", "--log.level=warn",
            ],
            logFile: directory.child("alertmanager.log")
        )
        let manager = AlertmanagerProcess(process: process, port: port)
        do {
            try await eventually("Alertmanager ready on \(port)", timeout: .seconds(60), interval: .milliseconds(100)) {
                guard process.isRunning else { throw HarnessError("alertmanager exited: \(process.log())") }
                let response = try await client.execute(HTTPClientRequest(url: "\(manager.url)/-/ready"), timeout: .seconds(5))
                _ = try? await response.body.collect(upTo: 1 << 20)
                return response.status.code == 200
            }
            return manager
        } catch {
            await process.kill9()
            throw error
        }
    }

    /// `GET /api/v2/alerts` (active, silenced, inhibited and unprocessed: everything Alertmanager still holds).
    func alerts(client: HTTPClient) async throws -> [GettableAlert] {
        let response = try await client.execute(HTTPClientRequest(url: "\(self.url)/api/v2/alerts"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        guard response.status.code == 200 else { throw HarnessError("GET /api/v2/alerts: \(response.status)") }
        return try JSONDecoder().decode([GettableAlert].self, from: Data(buffer: body))
    }

    func stop() async { await self.process.terminate(grace: .seconds(10)) }
}

/// A repository file, found from this source file's location.
func repositoryFile(_ relativePath: String, from file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(relativePath)
}

/// A typical ticket breach.
func ticketBreach(_ ticket: String = "T-1042", provider: String = "acme-support", site: String = "lisbon") -> NewAlert {
    NewAlert(
        kind: .ticketBreached,
        subject: AlertSubject(provider: provider, site: site, contract: "acme-2026", ticket: ticket, clock: "resolution"),
        summary: "Ticket \(ticket) (\(provider)/\(site)) breached its resolution target",
        consolePath: "/tickets/\(provider)/\(ticket)"
    )
}
