//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// A Request Tracker 5 instance the agent polls through its REST2 API (`from: rt5`).
//
//===----------------------------------------------------------------------===//

/// Where and how a `tickets` source with `from: rt5` reads a Request Tracker 5 (the `rt5:` block of a source).
///
/// The agent authenticates with an RT auth token (`token_file`, sent as `Authorization: token …`) or with a user and
/// the password in a file (`username`, `password_file`, HTTP basic auth). Secret files must not be readable by group
/// or others (0600) and their contents are never logged.
package struct RequestTrackerConfiguration: Sendable, Hashable {
    /// Base URL of RT (`https://rt.example.com`, or with a path prefix); `/REST/2.0/` is appended.
    package var url: String
    /// Queues whose tickets are read (names or ids), OR'ed in the TicketSQL search.
    package var queues: [String]
    /// File holding an RT auth token.
    package var tokenFile: String?
    /// User for basic auth (with ``passwordFile``).
    package var username: String?
    /// File holding the basic-auth password.
    package var passwordFile: String?
    /// Tickets asked for per page of the search (`per_page`, RT allows at most 100).
    package var perPage: Int = 50
    /// Most pages read in one poll; the rest is read by the next poll (the cursor moves only over what was read).
    package var maxPages: Int = 20
    /// Most ticket histories read at the same time.
    package var concurrency: Int = 4
    /// How long one request may take.
    package var requestTimeout: Duration = .seconds(30)

    /// Creates a configuration.
    package init(url: String, queues: [String], tokenFile: String? = nil, username: String? = nil, passwordFile: String? = nil) {
        self.url = url
        self.queues = queues
        self.tokenFile = tokenFile
        self.username = username
        self.passwordFile = passwordFile
    }
}
