//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A throw-away Request Tracker 5 for tests: Debian's request-tracker5 with a SQLite database in a temporary folder,
// rt-server on loopback and a free port; tickets created, answered and moved through its REST2 API.
//
//===----------------------------------------------------------------------===//

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A Request Tracker 5 that a test starts for itself.
///
/// `start()` writes an `RT_SiteConfig.pm` (SQLite database, time zone UTC, no mail, loopback URL) into a temporary
/// folder that `RT_SITE_CONFIG` / `RT_SITE_CONFIG_DIR` point at (the system's /etc/request-tracker5 is not read),
/// initialises the database with `rt-setup-database-5 --action init`, sets root's password with `rt-passwd-5`, makes an
/// auth token for root, and starts `rt-server --server Standalone --listen 127.0.0.1:P` (rt5-standalone: one process;
/// the default prefork Starlet left its workers running after its master was stopped). ``stop()`` ends the server and
/// deletes the folder.
package final class RequestTracker: Sendable {
    /// RT's libexec folder (rt-server) and sbin tools, as Debian installs them.
    static let server = "/usr/share/request-tracker5/libexec/rt-server"
    static let setupDatabase = "/usr/sbin/rt-setup-database-5"
    static let passwd = "/usr/sbin/rt-passwd-5"
    static let library = "/usr/share/request-tracker5/lib"

    /// Why RT tests cannot run here, or `nil` when they can.
    package static var unavailableReason: String? {
        let missing = [Self.server, Self.setupDatabase, Self.passwd].filter { !FileManager.default.isExecutableFile(atPath: $0) }
        return missing.isEmpty ? nil : "Request Tracker 5 not installed (missing \(missing.joined(separator: ", "))); apt-get install request-tracker5 rt5-db-sqlite rt5-standalone"
    }

    /// The port rt-server listens on (127.0.0.1).
    package let port: Int
    /// root's password (basic auth).
    package let password = "oversight-rt-root"
    /// An auth token of root (`Authorization: token …`).
    package let token: String
    /// The temporary folder (config, database, server log).
    package let directory: URL
    let process: ChildProcess

    /// RT's base URL, `http://127.0.0.1:P`.
    package var url: String { "http://127.0.0.1:\(self.port)" }

    private init(port: Int, token: String, directory: URL, process: ChildProcess) {
        self.port = port
        self.token = token
        self.directory = directory
        self.process = process
    }

    /// Starts a new RT with an empty database (queue `General` only) and waits until REST2 answers.
    package static func start() async throws -> RequestTracker {
        if let reason = Self.unavailableReason { throw HarnessError(reason) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oversight-rt-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("conf.d"), withIntermediateDirectories: true)
        let port = try freeLoopbackPort()
        let config = """
            Set($rtname, 'oversight-test');
            Set($Organization, 'oversight.test');
            Set($Timezone, 'UTC');
            Set($DatabaseType, 'SQLite');
            Set($DatabaseName, '\(directory.path)/rt.db');
            Set($WebDomain, '127.0.0.1');
            Set($WebPort, \(port));
            Set($WebPath, '');
            Set($WebBaseURL, 'http://127.0.0.1:\(port)');
            Set($LogToSyslog, undef);
            Set($LogToSTDERR, 'warning');
            Set($MailCommand, 'testfile');
            Set($RestrictReferrer, 0);
            1;

            """
        try config.write(to: directory.appendingPathComponent("RT_SiteConfig.pm"), atomically: true, encoding: .utf8)
        let environment = [
            "RT_SITE_CONFIG": directory.appendingPathComponent("RT_SiteConfig.pm").path,
            "RT_SITE_CONFIG_DIR": directory.appendingPathComponent("conf.d").path,
        ]
        let setup = try await runCommand(
            Self.setupDatabase, ["--action", "init", "--skip-create"], environment: environment, timeout: .seconds(300)
        )
        guard setup.exitCode == 0 else { throw HarnessError("rt-setup-database-5 failed: \(setup)") }
        let password = "oversight-rt-root"
        // rt-passwd exits 1 even when it succeeds; its output says which.
        let passwd = try await runCommand(Self.passwd, ["root"], environment: environment, input: Data((password + "\n").utf8))
        guard passwd.stdout.contains("Successfully changed password") else { throw HarnessError("rt-passwd-5 failed: \(passwd)") }
        let script = """
            use RT; RT::LoadConfig(); RT::Init();
            my $u = RT::User->new(RT->SystemUser); $u->Load('root');
            my $t = RT::AuthToken->new(RT->SystemUser);
            my ($ok, $msg, $auth) = $t->Create(Owner => $u->Id, Description => 'oversight agent');
            die "$msg\\n" unless $ok; print "$auth\\n";
            """
        let token = try await runCommand("/usr/bin/perl", ["-I" + Self.library, "-e", script], environment: environment)
        let tokenText = token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.exitCode == 0, !tokenText.isEmpty else { throw HarnessError("making an RT auth token failed: \(token)") }
        let process = try ChildProcess(
            name: "rt-server", executable: Self.server, arguments: ["--server", "Standalone", "--listen", "127.0.0.1:\(port)"],
            logFile: directory.appendingPathComponent("server.log"), environment: environment
        )
        let rt = RequestTracker(port: port, token: tokenText, directory: directory, process: process)
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if (try? await rt.request("GET", "/queues/all")) != nil { return rt }
            guard process.isRunning else { throw HarnessError("rt-server exited: \(process.logTail())") }
            try await Task.sleep(for: .milliseconds(300))
        }
        await rt.stop()
        throw HarnessError("rt-server did not answer within 120 s: \(process.logTail())")
    }

    /// Starts an RT, runs `body` with it, and stops it whatever `body` does.
    package static func with(_ body: (RequestTracker) async throws -> Void) async throws {
        let rt = try await Self.start()
        do {
            try await body(rt)
        } catch {
            await rt.stop()
            throw error
        }
        await rt.stop()
    }

    /// Stops the server and deletes the folder.
    package func stop() async {
        await self.process.terminate(grace: .seconds(10))
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// Sends a REST2 request as root (basic auth) and returns the decoded JSON answer.
    /// - Throws: ``HarnessError`` for a status other than 2xx.
    @discardableResult
    package func request(_ method: String, _ path: String, json: [String: any Sendable]? = nil) async throws -> Any {
        guard let url = URL(string: self.url + "/REST/2.0" + path) else { throw HarnessError("bad RT path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("Basic " + Data("root:\(self.password)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200 ..< 300).contains(status) else {
            throw HarnessError("RT \(method) \(path) answered \(status): \(String(decoding: data.prefix(500), as: UTF8.self))")
        }
        return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    /// Creates a ticket in `queue` for `requestor`; returns its id.
    package func createTicket(queue: String = "General", subject: String, requestor: String) async throws -> String {
        let answer = try await self.request("POST", "/ticket", json: ["Queue": queue, "Subject": subject, "Requestor": requestor, "Content": subject])
        guard let id = (answer as? [String: Any])?["id"] as? String else { throw HarnessError("RT did not return a ticket id: \(answer)") }
        return id
    }

    /// Replies to the requestor as root (a Correspond transaction; RT opens a new ticket on it).
    package func reply(ticket: String, text: String = "We are on it.") async throws {
        try await self.request("POST", "/ticket/\(ticket)/correspond", json: ["Content": text, "ContentType": "text/plain"])
    }

    /// Sets a ticket's status (`open`, `stalled`, `resolved`, `rejected`, …).
    package func setStatus(ticket: String, _ status: String) async throws {
        try await self.request("PUT", "/ticket/\(ticket)", json: ["Status": status])
    }

    /// Creates a queue; returns its id.
    package func createQueue(_ name: String) async throws -> String {
        let answer = try await self.request("POST", "/queue", json: ["Name": name])
        guard let id = (answer as? [String: Any])?["id"] as? String else { throw HarnessError("RT did not return a queue id: \(answer)") }
        return id
    }
}
