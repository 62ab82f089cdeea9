//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A small W3C WebDriver client for chromedriver (headless Chromium), over plain HTTP/1.1 on loopback with SwiftNIO.
//
//===----------------------------------------------------------------------===//

import Foundation
import NIOCore
import NIOPosix

/// One HTTP/1.1 exchange on loopback: a new connection per request (`Connection: close`), the whole answer read.
///
/// Enough for chromedriver, which answers small JSON documents with a `Content-Length`; chunked answers are decoded too.
package enum LoopbackHTTP {
    /// The answer: status code and body.
    package struct Reply: Sendable {
        package var status: Int
        package var body: Data
    }

    /// Sends `method path` to `127.0.0.1:port` with an optional JSON body.
    package static func send(method: String, port: Int, path: String, json: Data? = nil, timeout: Duration = .seconds(120)) async throws -> Reply {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nAccept: application/json\r\n"
        if let json { head += "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(json.count)\r\n" }
        head += "\r\n"
        var buffer = ByteBuffer(string: head)
        if let json { buffer.writeBytes(json) }
        let request = buffer
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        let raw = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(request)
                    var all = ByteBuffer()
                    for try await chunk in inbound {
                        all.writeImmutableBuffer(chunk)
                        // Servers may keep the connection open despite `Connection: close`: stop once the answer is whole.
                        if Self.isComplete(Data(all.readableBytesView)) { break }
                    }
                    return all
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            guard let first else {
                channel.channel.close(promise: nil)
                throw HarnessError("\(method) \(path) on 127.0.0.1:\(port) got no answer within \(timeout)")
            }
            return first
        }
        return try Self.parse(Data(raw.readableBytesView), what: "\(method) \(path)")
    }

    /// Whether `data` holds a whole answer: the head and `Content-Length` bytes, or the last chunk.
    static func isComplete(_ data: Data) -> Bool {
        guard let end = data.range(of: Data("\r\n\r\n".utf8)) else { return false }
        let headers = String(decoding: data[data.startIndex..<end.lowerBound], as: UTF8.self).lowercased().components(separatedBy: "\r\n")
        let bodyCount = data.distance(from: end.upperBound, to: data.endIndex)
        if let line = headers.first(where: { $0.hasPrefix("content-length:") }), let length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) {
            return bodyCount >= length
        }
        if headers.contains(where: { $0.hasPrefix("transfer-encoding:") && $0.contains("chunked") }) {
            return data[end.upperBound...].range(of: Data("\r\n0\r\n\r\n".utf8)) != nil || data[end.upperBound...].starts(with: Data("0\r\n\r\n".utf8))
        }
        return false
    }

    static func parse(_ data: Data, what: String) throws -> Reply {
        let separator = Data("\r\n\r\n".utf8)
        guard let end = data.range(of: separator) else { throw HarnessError("\(what): the answer has no complete HTTP head") }
        let head = String(decoding: data[data.startIndex..<end.lowerBound], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw HarnessError("\(what): bad status line \(lines[0])") }
        var body = Data(data[end.upperBound...])
        let headers = lines.dropFirst().map { $0.lowercased() }
        if headers.contains(where: { $0.hasPrefix("transfer-encoding:") && $0.contains("chunked") }) {
            body = try Self.dechunk(body, what: what)
        } else if let length = headers.first(where: { $0.hasPrefix("content-length:") }).flatMap({ Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) }) {
            guard body.count >= length else { throw HarnessError("\(what): body shorter (\(body.count)) than Content-Length \(length)") }
            body = body.prefix(length)
        }
        return Reply(status: status, body: body)
    }

    static func dechunk(_ data: Data, what: String) throws -> Data {
        var out = Data()
        var index = data.startIndex
        let crlf = Data("\r\n".utf8)
        while true {
            guard let lineEnd = data.range(of: crlf, in: index..<data.endIndex) else { throw HarnessError("\(what): truncated chunk") }
            let sizeText = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw HarnessError("\(what): bad chunk size") }
            if size == 0 { return out }
            let start = lineEnd.upperBound
            guard data.distance(from: start, to: data.endIndex) >= size + 2 else { throw HarnessError("\(what): truncated chunk") }
            let stop = data.index(start, offsetBy: size)
            out.append(data[start..<stop])
            index = data.index(stop, offsetBy: 2)
        }
    }
}

/// A WebDriver error answer (`{"value":{"error","message"}}`) or an unexpected reply.
package struct WebDriverError: Error, CustomStringConvertible {
    package var command: String
    package var error: String
    package var message: String
    package var description: String { "WebDriver \(self.command): \(self.error): \(self.message)" }
}

/// A browser session driven through chromedriver's W3C WebDriver HTTP API.
///
/// ```swift
/// let driver = try await ChromeDriver.start(harness: harness)
/// let browser = try await driver.newSession()
/// try await browser.navigate(to: "https://127.0.0.1:8443/login")
/// try await browser.find("input[name=username]").type("admin")
/// ```
package struct WebDriverSession: Sendable {
    /// chromedriver's port.
    package let port: Int
    /// The session id.
    package let id: String

    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    /// Sends a command; returns the answer's `value`.
    @discardableResult
    package static func command(
        port: Int, _ method: String, _ path: String, _ body: [String: Any]? = nil, timeout: Duration = .seconds(120)
    ) async throws -> Any? {
        let json = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let reply = try await LoopbackHTTP.send(method: method, port: port, path: path, json: json, timeout: timeout)
        let object = try? JSONSerialization.jsonObject(with: reply.body, options: [.fragmentsAllowed])
        let value = (object as? [String: Any])?["value"]
        guard reply.status == 200 else {
            let details = value as? [String: Any]
            throw WebDriverError(
                command: "\(method) \(path)", error: details?["error"] as? String ?? "HTTP \(reply.status)",
                message: details?["message"] as? String ?? String(decoding: reply.body.prefix(500), as: UTF8.self)
            )
        }
        return value is NSNull ? nil : value
    }

    /// Sends a command within this session.
    @discardableResult
    package func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        try await Self.command(port: self.port, method, "/session/\(self.id)\(path)", body)
    }

    /// Opens `url`.
    package func navigate(to url: String) async throws { try await self.command("POST", "/url", ["url": url]) }

    /// The current URL.
    package func currentURL() async throws -> String { try await self.command("GET", "/url") as? String ?? "" }

    /// The page's title.
    package func title() async throws -> String { try await self.command("GET", "/title") as? String ?? "" }

    /// The first element matching a CSS selector.
    package func find(_ selector: String) async throws -> WebElement {
        let value = try await self.command("POST", "/element", ["using": "css selector", "value": selector])
        guard let id = (value as? [String: Any])?[Self.elementKey] as? String else {
            throw WebDriverError(command: "find \(selector)", error: "no element id", message: "\(value ?? "nil")")
        }
        return WebElement(session: self, id: id)
    }

    /// Every element matching a CSS selector (possibly none).
    package func findAll(_ selector: String) async throws -> [WebElement] {
        let value = try await self.command("POST", "/elements", ["using": "css selector", "value": selector])
        return ((value as? [[String: Any]]) ?? []).compactMap { $0[Self.elementKey] as? String }.map { WebElement(session: self, id: $0) }
    }

    /// Runs JavaScript in the page (`return …` gives a value) with `arguments`.
    @discardableResult
    package func execute(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await self.command("POST", "/execute/sync", ["script": script, "args": arguments])
    }

    /// Runs asynchronous JavaScript: the script calls `arguments[arguments.length - 1](result)` when done.
    @discardableResult
    package func executeAsync(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await self.command("POST", "/execute/async", ["script": script, "args": arguments])
    }

    /// The text of the whole page body.
    package func bodyText() async throws -> String { try await self.execute("return document.body.innerText;") as? String ?? "" }

    /// Sets the window size.
    package func setWindow(width: Int, height: Int) async throws {
        try await self.command("POST", "/window/rect", ["width": width, "height": height])
    }

    /// A PNG of the whole page: the window is made as wide and tall as the document first (within limits), then set back.
    package func fullPageScreenshot(width: Int = 1280, minimumHeight: Int = 800) async throws -> Data {
        let size = try await self.execute(
            """
            const d = document.documentElement, b = document.body;
            return [Math.max(d.scrollWidth, b ? b.scrollWidth : 0), Math.max(d.scrollHeight, b ? b.scrollHeight : 0)];
            """
        ) as? [Int] ?? [width, minimumHeight]
        let fullWidth = min(max(size.first ?? width, width), 2400)
        try await self.setWindow(width: fullWidth, height: min(max((size.last ?? minimumHeight) + 140, minimumHeight), 8000))
        // The wider window may reflow the page to a different height: measure again.
        let height = try await self.execute("return document.documentElement.scrollHeight;") as? Int ?? minimumHeight
        try await self.setWindow(width: fullWidth, height: min(max(height + 140, minimumHeight), 8000))
        let base64 = try await self.command("GET", "/screenshot") as? String
        try await self.setWindow(width: width, height: minimumHeight)
        guard let base64, let png = Data(base64Encoded: base64) else {
            throw WebDriverError(command: "screenshot", error: "no image", message: "the answer carried no base64 PNG")
        }
        return png
    }

    /// How many distinct colours a PNG has (counted up to `limit`), decoded by the browser itself.
    package func distinctColours(png: Data, limit: Int = 64) async throws -> Int {
        let script = """
            const done = arguments[arguments.length - 1];
            const image = new Image();
            image.onload = () => {
              const canvas = document.createElement("canvas");
              canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;
              const context = canvas.getContext("2d");
              context.drawImage(image, 0, 0);
              const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
              const seen = new Set();
              for (let i = 0; i < pixels.length && seen.size < arguments[1]; i += 4) {
                seen.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
              }
              done(seen.size);
            };
            image.onerror = () => done(-1);
            image.src = "data:image/png;base64," + arguments[0];
            """
        return try await self.executeAsync(script, [png.base64EncodedString(), limit]) as? Int ?? -1
    }

    /// Ends the session (closes the browser).
    package func quit() async {
        _ = try? await Self.command(port: self.port, "DELETE", "/session/\(self.id)")
    }
}

/// An element of the page.
package struct WebElement: Sendable {
    let session: WebDriverSession
    /// The element id WebDriver gave it.
    package let id: String

    /// Clicks it.
    package func click() async throws { try await self.session.command("POST", "/element/\(self.id)/click", [:]) }

    /// Types text into it.
    package func type(_ text: String) async throws { try await self.session.command("POST", "/element/\(self.id)/value", ["text": text]) }

    /// Its visible text.
    package func text() async throws -> String { try await self.session.command("GET", "/element/\(self.id)/text") as? String ?? "" }

    /// An attribute.
    package func attribute(_ name: String) async throws -> String? {
        try await self.session.command("GET", "/element/\(self.id)/attribute/\(name)") as? String
    }
}

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
