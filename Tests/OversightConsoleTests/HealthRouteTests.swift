//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import OversightModel
import OversightStore
import Testing

@testable import OversightConsole

@Suite(.timeLimit(.minutes(1))) struct HealthRouteTests {
    func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test func livenessAnswersWithoutSignIn() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            let body = try self.object(response)
            #expect(body["status"] as? String == "ok")
            #expect(body["version"] as? String == oversightVersion)
        }
    }

    @Test func readinessReportsTheMigratedStore() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .ok)
            let body = try self.object(response)
            #expect(body["status"] as? String == "ready")
            let store = try #require(body["store"] as? [String: Any])
            #expect(store["reachable"] as? Bool == true)
            #expect(store["migrationsComplete"] as? Bool == true)
            let known = try #require(store["migrationsKnown"] as? Int)
            #expect(known >= 9)
            #expect(store["migrationsApplied"] as? Int == known)
        }
    }

    @Test func readinessFailsWhenANewerVersionMigratedTheStore() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.store.writer.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .serviceUnavailable)
            let body = try self.object(response)
            #expect(body["status"] as? String == "not-ready")
            #expect((body["reason"] as? String)?.contains("newer coordinator version") == true)
        }
    }

    @Test func readinessFailsWhenMigrationsAreMissing() async throws {
        let fixture = try await ConsoleFixture()
        try await fixture.store.writer.write { db in try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v8-period-indexes'") }
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .serviceUnavailable)
            let body = try self.object(response)
            #expect((body["reason"] as? String)?.contains("migrations are not all applied") == true)
            let store = try #require(body["store"] as? [String: Any])
            #expect(store["migrationsComplete"] as? Bool == false)
            #expect((store["migrationsApplied"] as? Int ?? 0) + 1 == store["migrationsKnown"] as? Int)
        }
    }

    @Test func readinessFailsWhenTheStoreCannotBeRead() async throws {
        let fixture = try await ConsoleFixture()
        let pool = try #require(fixture.store.writer as? DatabasePool)
        try pool.close()
        try await fixture.application().test(.router) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok, "liveness does not depend on the store")
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .serviceUnavailable)
            let body = try self.object(response)
            #expect(body["reason"] as? String == "the store cannot be read")
            #expect((body["store"] as? [String: Any])?["reachable"] as? Bool == false)
        }
    }

    @Test func probesAreDocumentedWithoutAuthentication() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        for path in ["/healthz", "/readyz"] {
            let get = try #require((paths[path] as? [String: Any])?["get"] as? [String: Any], "\(path)")
            #expect((get["security"] as? [Any])?.isEmpty == true, "\(path) needs no credentials")
        }
        let readyResponses = try #require(((paths["/readyz"] as? [String: Any])?["get"] as? [String: Any])?["responses"] as? [String: Any])
        #expect(Set(readyResponses.keys) == ["200", "503"])
    }
}
