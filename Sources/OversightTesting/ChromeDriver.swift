//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A running chromedriver and the headless Chromium sessions it opens.
//
//===----------------------------------------------------------------------===//

import Foundation

/// A running chromedriver.
package struct ChromeDriver: Sendable {
    /// Its port.
    package let port: Int
    /// The process.
    package let process: ChildProcess

    /// Where chromedriver is, if installed (`CHROMEDRIVER` overrides).
    package static var executable: String? {
        if let path = ProcessInfo.processInfo.environment["CHROMEDRIVER"], FileManager.default.isExecutableFile(atPath: path) { return path }
        return ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver", "/usr/local/bin/chromedriver"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Where Chromium is (`CHROMIUM` overrides).
    package static var browser: String? {
        if let path = ProcessInfo.processInfo.environment["CHROMIUM"], FileManager.default.isExecutableFile(atPath: path) { return path }
        return ["/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Starts chromedriver on a free port (tracked by the harness, so it is stopped with the rest) and waits until it is ready.
    package static func start(harness: Harness) async throws -> ChromeDriver {
        guard let executable = Self.executable else { throw HarnessError("chromedriver is not installed (apt-get install chromium-driver)") }
        let port = try freeLoopbackPort()
        let process = try harness.startProcess(name: "chromedriver", executable: executable, arguments: ["--port=\(port)"])
        try await eventually("chromedriver is ready", timeout: .seconds(30)) {
            guard process.isRunning else { throw HarnessError("chromedriver exited: \(process.logTail())") }
            let value = try await WebDriverSession.command(port: port, "GET", "/status", timeout: .seconds(5))
            return (value as? [String: Any])?["ready"] as? Bool == true
        }
        return ChromeDriver(port: port, process: process)
    }

    /// A new headless Chromium session that accepts the coordinator's self-signed certificate.
    package func newSession(width: Int = 1280, height: Int = 800) async throws -> WebDriverSession {
        var options: [String: Any] = [
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=\(width),\(height)",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=en-GB",
            ]
        ]
        if let browser = Self.browser { options["binary"] = browser }
        let capabilities: [String: Any] = [
            "capabilities": ["alwaysMatch": ["browserName": "chrome", "acceptInsecureCerts": true, "goog:chromeOptions": options]]
        ]
        let value = try await WebDriverSession.command(port: self.port, "POST", "/session", capabilities)
        guard let id = (value as? [String: Any])?["sessionId"] as? String else {
            throw WebDriverError(command: "new session", error: "no session id", message: "\(value ?? "nil")")
        }
        return WebDriverSession(port: self.port, id: id)
    }
}
