//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A small W3C WebDriver client: a browser session and its elements.
//
//===----------------------------------------------------------------------===//

import Foundation

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
