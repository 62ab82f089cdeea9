//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// The verifier's sequence and hash-chain check.
//
//===----------------------------------------------------------------------===//

import OversightEvidence
import OversightModel
import Testing

@Suite struct ChainCheckTests {
    /// A whole chain 1…n: hash of k is "h<k>", prev of k is the hash of k-1 (genesis for 1).
    static func chain(_ count: Int64) -> [ChainLink] {
        (1...count).map { seq in
            ChainLink(seq: seq, hash: "h\(seq)", prev: seq == 1 ? genesisBatchHash : "h\(seq - 1)", file: "batches/a/\(seq).jws.json")
        }
    }

    @Test func aWholeChainHasNoProblems() {
        #expect(ChainCheck.problems(links: Self.chain(5), lastSeq: 5, lastHash: "h5").isEmpty)
        #expect(ChainCheck.problems(links: [], lastSeq: 0, lastHash: genesisBatchHash).isEmpty)
    }

    @Test func aMissingBatchIsAGapNamingItsSeq() {
        var links = Self.chain(5)
        links.remove(at: 2)  // seq 3
        let problems = ChainCheck.problems(links: links, lastSeq: 5, lastHash: "h5")
        #expect(problems.count == 1)
        #expect(problems.first?.contains("sequence gap: batch 3 is missing") == true, "\(problems)")
    }

    @Test func missingBatchesAtTheEndAreAGapUpToTheCommittedSeq() {
        let problems = ChainCheck.problems(links: Self.chain(3), lastSeq: 5, lastHash: "h5")
        #expect(problems == ["sequence gap: batches 4…5 are missing (the agent's committed seq is 5)"])
    }

    @Test func aDuplicateSeqIsNamed() {
        var links = Self.chain(3)
        links.append(ChainLink(seq: 2, hash: "other", prev: "h1", file: "batches/a/02.jws.json"))
        let problems = ChainCheck.problems(links: links, lastSeq: 3, lastHash: "h3")
        #expect(problems.contains { $0.contains("duplicate batch seq 2") }, "\(problems)")
    }

    @Test func aChangedPayloadBreaksTheNextLink() {
        var links = Self.chain(4)
        links[1].hash = "tampered"  // seq 2's payload changed: seq 3's prev no longer matches
        let problems = ChainCheck.problems(links: links, lastSeq: 4, lastHash: "h4")
        #expect(problems.count == 1)
        #expect(problems.first?.contains("chain broken at batches/a/3.jws.json") == true, "\(problems)")
    }

    @Test func theFirstBatchMustChainToGenesisAndTheLastToTheHead() {
        var links = Self.chain(2)
        links[0].prev = "h0"
        #expect(ChainCheck.problems(links: links, lastSeq: 2, lastHash: "h2").count == 1)
        #expect(ChainCheck.problems(links: Self.chain(2), lastSeq: 2, lastHash: "x").count == 1)
        #expect(ChainCheck.problems(links: Self.chain(3), lastSeq: 2, lastHash: "h2").count == 1)
    }
}
