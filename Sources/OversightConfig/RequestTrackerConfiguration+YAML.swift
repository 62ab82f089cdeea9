//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Reading a source's `rt5` block.
//
//===----------------------------------------------------------------------===//

extension RequestTrackerConfiguration {
    /// Reads an `rt5` block: `url` and `queues` (required), `token_file` or `username` with `password_file` (one of
    /// the two), `per_page`, `max_pages`, `concurrency`, `request_timeout`.
    /// - Throws: ``ConfigError`` naming the file, line and key of the first problem.
    package init(node: ConfigNode) throws(ConfigError) {
        try node.rejectUnknownKeys(allowed: [
            "url", "queues", "token_file", "username", "password_file", "per_page", "max_pages", "concurrency", "request_timeout",
        ])
        let urlNode = try node.required("url")
        var url = try urlNode.string(maxLength: 1_024)
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw urlNode.invalid(expected: "an http:// or https:// URL such as https://rt.example.com")
        }
        while url.hasSuffix("/") { url.removeLast() }
        let queuesNode = try node.required("queues")
        var queues: [String] = []
        for item in try queuesNode.items() {
            let queue = try item.string(maxLength: 200)
            guard !queue.contains("'"), !queue.contains("\\") else { throw item.invalid(expected: "a queue name without quotes or backslashes") }
            queues.append(queue)
        }
        guard !queues.isEmpty, queues.count <= 100 else { throw queuesNode.invalid(expected: "a list of 1 to 100 queue names") }
        self.init(url: url, queues: queues)
        self.tokenFile = try node.optional("token_file").map { node throws(ConfigError) in try node.string() }
        self.username = try node.optional("username").map { node throws(ConfigError) in try node.string(maxLength: 200) }
        self.passwordFile = try node.optional("password_file").map { node throws(ConfigError) in try node.string() }
        switch (self.tokenFile, self.username, self.passwordFile) {
        case (.some, nil, nil), (nil, .some, .some): break
        case (.some, _, _): throw node.error("give either token_file or username with password_file, not both")
        case (nil, .some, nil): throw node.error(.missingKey, "username needs password_file (a file holding the password, mode 0600)")
        case (nil, nil, .some): throw node.error(.missingKey, "password_file needs username")
        case (nil, nil, nil): throw node.error(.missingKey, "expected token_file, or username with password_file")
        }
        if let perPage = try node.optional("per_page") { self.perPage = try perPage.int(in: 1 ... 100) }
        if let maxPages = try node.optional("max_pages") { self.maxPages = try maxPages.int(in: 1 ... 1_000) }
        if let concurrency = try node.optional("concurrency") { self.concurrency = try concurrency.int(in: 1 ... 16) }
        if let timeout = try node.optional("request_timeout") { self.requestTimeout = try timeout.duration(in: .seconds(1) ... .seconds(300)) }
    }
}
