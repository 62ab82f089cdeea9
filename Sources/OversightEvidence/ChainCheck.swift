//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// One agent's sequence and hash chain, checked from the batches of a bundle.
//
//===----------------------------------------------------------------------===//

import OversightModel

/// One batch as the chain check sees it.
package struct ChainLink: Sendable, Hashable {
    /// The batch's seq (from its file name; the payload's own `seq` is checked against it separately).
    package var seq: Int64
    /// SHA-256 of the payload bytes, or `nil` when the payload is not base64url.
    package var hash: String?
    /// The payload's `prev`, or `nil` when the payload could not be read.
    package var prev: String?
    /// The batch file, for messages.
    package var file: String

    /// Creates a link.
    package init(seq: Int64, hash: String?, prev: String?, file: String) {
        self.seq = seq
        self.hash = hash
        self.prev = prev
        self.file = file
    }
}

/// Checks an agent's batches: seq 1, 2, … without a gap or a duplicate up to the agent's committed head, each `prev`
/// the hash of the batch before it (64 zeros for seq 1), and the last hash the head's.
package enum ChainCheck {
    /// What is wrong with the chain (nothing when it is whole).
    /// - Parameters:
    ///   - links: Its batches, in any order.
    ///   - lastSeq: The agent's committed seq at export (`agents.json`).
    ///   - lastHash: The agent's committed hash at export.
    /// - Returns: One message per problem, naming the batch files and seqs.
    package static func problems(links: [ChainLink], lastSeq: Int64, lastHash: String) -> [String] {
        var problems: [String] = []
        let bySeq = Dictionary(grouping: links, by: \.seq)
        for (seq, group) in bySeq.sorted(by: { $0.key < $1.key }) where group.count > 1 {
            problems.append("duplicate batch seq \(seq) (\(group.map(\.file).sorted().joined(separator: ", ")))")
        }
        let seqs = bySeq.keys.sorted()
        if let bad = seqs.first(where: { $0 < 1 }) {
            problems.append("batch seq \(bad) is not a sequence number (they start at 1)")
        }
        var expected: Int64 = 1
        var previousHash: String? = genesisBatchHash
        for seq in seqs where seq >= 1 {
            guard let link = bySeq[seq]?.first else { continue }
            if seq > expected {
                let missing = expected == seq - 1 ? "batch \(expected) is missing" : "batches \(expected)…\(seq - 1) are missing"
                problems.append("sequence gap: \(missing) before \(link.file)")
                previousHash = nil
            }
            if let previousHash, let prev = link.prev, prev != previousHash {
                let expectation = seq == 1 ? "64 zeros (the first batch)" : "the hash \(previousHash.prefix(16))… of batch \(seq - 1)"
                problems.append("chain broken at \(link.file): prev \(prev.prefix(16))… is not \(expectation)")
            }
            previousHash = link.hash
            expected = seq + 1
        }
        if expected <= lastSeq {
            let missing = expected == lastSeq ? "batch \(lastSeq) is missing" : "batches \(expected)…\(lastSeq) are missing"
            problems.append("sequence gap: \(missing) (the agent's committed seq is \(lastSeq))")
        } else if expected - 1 > lastSeq {
            problems.append("batches after the committed seq \(lastSeq) (up to \(expected - 1))")
        } else if lastSeq > 0, let last = bySeq[lastSeq]?.first, let hash = last.hash, hash != lastHash {
            problems.append("the hash of \(last.file) is not the agent's committed hash \(lastHash.prefix(16))…")
        }
        return problems
    }
}
