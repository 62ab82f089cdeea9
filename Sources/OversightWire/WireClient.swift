//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The agent's outbound connection: TCP (optionally through an HTTP CONNECT proxy), then TLS, then frames.
//
//===----------------------------------------------------------------------===//

import Foundation
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An HTTP CONNECT proxy to reach the coordinator through.
package struct ProxyConfiguration: Sendable, Hashable {
    package var host: String
    package var port: Int
    package var username: String?
    package var password: String?
    /// Creates a proxy configuration.
    package init(host: String, port: Int, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }
}

/// Opens framed TLS connections to a coordinator.
package enum WireClient {
    /// Connects, tunnels through `proxy` if given, and starts TLS with a custom verifier.
    /// - Returns: the framed channel; the TLS handshake completes with the first exchange.
    package static func connect(
        host: String,
        port: Int,
        context: NIOSSLContext,
        verification: @escaping VerificationCallback,
        proxy: ProxyConfiguration?,
        maxFrameBytes: Int,
        connectTimeout: TimeAmount = .seconds(10),
        deadPeerTimeout: TimeAmount? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> FrameChannel {
        let proxyPromise = group.any().makePromise(of: Void.self)
        var bootstrap = ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.so_keepalive), value: 1)
        #if os(Linux)
        if let deadPeerTimeout {
            // A half-open connection (the coordinator's host gone, packets dropped silently on the way) is noticed by the
            // kernel: data unacknowledged for this long closes the connection (TCP_USER_TIMEOUT), and an idle connection
            // is probed (keepalive) so it is noticed within the same time. The agent's heartbeats keep data flowing.
            let milliseconds = Int(max(1_000, deadPeerTimeout.nanoseconds / 1_000_000))
            let seconds = max(1, milliseconds / 1_000)
            let probes = 3
            let tcp = SocketOptionLevel(IPPROTO_TCP)
            bootstrap = bootstrap
                .channelOption(.socket(tcp, SocketOptionName(TCP_USER_TIMEOUT)), value: milliseconds)
                .channelOption(.socket(tcp, SocketOptionName(TCP_KEEPIDLE)), value: max(1, seconds / 2))
                .channelOption(.socket(tcp, SocketOptionName(TCP_KEEPINTVL)), value: max(1, seconds / (2 * probes)))
                .channelOption(.socket(tcp, SocketOptionName(TCP_KEEPCNT)), value: probes)
        }
        #endif
        bootstrap = bootstrap
            .channelInitializer { channel in
                guard let proxy else {
                    proxyPromise.succeed()
                    return channel.eventLoop.makeSucceededVoidFuture()
                }
                var headers = HTTPHeaders()
                headers.add(name: "Host", value: "\(host):\(port)")
                if let username = proxy.username {
                    let credentials = Data("\(username):\(proxy.password ?? "")".utf8).base64EncodedString()
                    headers.add(name: "Proxy-Authorization", value: "Basic \(credentials)")
                }
                return channel.eventLoop.makeCompletedFuture {
                    let encoder = HTTPRequestEncoder()
                    let decoder = ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes))
                    let handler = NIOHTTP1ProxyConnectHandler(
                        targetHost: host, targetPort: port, headers: headers,
                        deadline: .now() + connectTimeout, promise: proxyPromise
                    )
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(encoder, name: "proxy-encoder")
                    try sync.addHandler(decoder, name: "proxy-decoder")
                    try sync.addHandler(handler, name: "proxy-connect")
                }
            }
        let channel: any Channel
        do {
            if let proxy {
                channel = try await bootstrap.connect(host: proxy.host, port: proxy.port).get()
            } else {
                channel = try await bootstrap.connect(host: host, port: port).get()
            }
        } catch {
            proxyPromise.fail(error)
            let target = proxy.map { "proxy \($0.host):\($0.port)" } ?? "\(host):\(port)"
            throw WireError(.connection, "cannot connect to \(target): \(error)")
        }
        do {
            try await proxyPromise.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw WireError(.proxy, "the proxy refused to tunnel to \(host):\(port): \(Self.describeProxy(error))")
        }
        if proxy != nil {
            // The tunnel is up (the CONNECT handler has removed itself): take the HTTP codec out, each removal
            // finished before TLS goes in, so TLS bytes never reach the HTTP codec.
            do {
                try await channel.pipeline.removeHandler(name: "proxy-decoder").get()
                try await channel.pipeline.removeHandler(name: "proxy-encoder").get()
            } catch {
                channel.close(promise: nil)
                throw WireError(.proxy, "cannot switch the proxy tunnel to TLS: \(error)")
            }
        }
        let serverName = Self.isIPAddress(host) ? nil : host
        return try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(
                try NIOSSLClientHandler(context: context, serverHostname: serverName, customVerificationCallback: verification)
            )
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameBytes: maxFrameBytes)))
            try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder()))
            return try FrameChannel(wrappingChannelSynchronously: channel)
        }.get()
    }

    private static func describeProxy(_ error: any Error) -> String {
        let text = "\(error)"
        if let error = error as? NIOHTTP1ProxyConnectHandler.Error {
            if error == .proxyAuthenticationRequired() || text.contains("407") || text.contains("401") {
                return "the proxy refused the credentials (authentication required): check proxy.username and proxy.password_file"
            }
            if error == .httpProxyHandshakeTimeout() { return "the proxy did not answer the CONNECT request in time" }
            if let range = text.range(of: "status: ") {
                let status = text[range.upperBound...].prefix { $0 != "," }
                return "the proxy answered \(status) to CONNECT (is the coordinator's port allowed by the proxy?)"
            }
        }
        return text
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
