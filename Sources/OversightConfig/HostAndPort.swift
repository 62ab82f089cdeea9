//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A network endpoint written as host:port.
//
//===----------------------------------------------------------------------===//

/// A host name or IP address and a TCP port, written `host:port` or `[v6-address]:port`.
package struct HostAndPort: Sendable, Hashable, CustomStringConvertible {
    /// Host name or IP address, without brackets.
    package var host: String
    /// TCP port, 1–65535.
    package var port: Int

    /// Creates an endpoint.
    /// - Parameters:
    ///   - host: Host name or IP address, without brackets.
    ///   - port: TCP port.
    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[::1]:port`; `nil` unless the host is non-empty and the port is 1–65535.
    package init?(parsing text: String) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else { return nil }
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" || $0 == "@" }) else { return nil }
        guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText), (1...65535).contains(port) else {
            return nil
        }
        self.host = String(host)
        self.port = port
    }

    /// `host:port`, with brackets around an IPv6 address.
    package var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}
