//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OversightWire
import Testing
import X509

@testable import OversightConsole

/// The console over real HTTPS with a certificate from the coordinator's CA.
@Suite(.timeLimit(.minutes(1))) struct ConsoleTLSTests {
    @Test func servesHTTPSWithSecurityHeaders() async throws {
        let fixture = try await ConsoleFixture()
        let authority = try CertificateAuthority.create()
        let key = P256.Signing.PrivateKey()
        let certificate = try authority.issueServerCertificate(publicKey: key.publicKey, hostnames: ["localhost", "127.0.0.1"])
        let certificatePath = fixture.directory + "/server.pem"
        let keyPath = fixture.directory + "/server.key"
        try certificate.serializeAsPEM().pemString.write(toFile: certificatePath, atomically: true, encoding: .utf8)
        try key.pemRepresentation.write(toFile: keyPath, atomically: true, encoding: .utf8)

        var configuration = ConsoleConfiguration(port: 0, tls: .init(certificatePath: certificatePath, privateKeyPath: keyPath))
        configuration.host = "127.0.0.1"
        let app = try buildApplication(
            configuration: configuration, store: fixture.store, alerts: fixture.alerts, users: fixture.users,
            logger: Logger(label: "console-tls-test")
        )
        try await app.test(.ahc(.https)) { client in
            let login = try await client.execute(uri: "/login", method: .get)
            #expect(login.status == .ok)
            #expect(login.headers[.strictTransportSecurity] != nil)
            let api = try await client.execute(uri: "/api/v1/status", method: .get, headers: bearer(fixture.tokens["view"]))
            #expect(api.status == .ok)
            #expect(String(buffer: api.body).contains("acme"))
        }
    }
}
