import Testing
import TiesCore
@testable import TiesStore
import TiesTestSupport

/// One link's story (`versions(of:)`) among many links at both ends.
struct LinkStoryTests {
    /// Random links, changes and unlinks between a few people and accounts
    /// (many to many, one person and one account far busier than the
    /// rest): every link's story holds exactly its events from the log, in
    /// order, split into a version at each link.
    @Test(arguments: 0..<6)
    func aStoryHoldsTheLinksEventsWhicheverEndIsBusy(seed: UInt64) throws {
        let directory = try TemporaryDirectory()
        let ledger = try makeLedger(in: directory.path)
        _ = try ledger.commit([Op.define("account"), Op.register(Keys.owns, cardinality: .manyToMany)], metadata: metadata())
        var linked: Set<[String]> = []
        var random = SplitMix64(seed: seed)
        for index in 0..<150 {
            // Half the operations touch u0 or a0: the busy ends.
            let person = random.below(2) == 0 ? "u0" : "u\(random.below(8))"
            let account = random.below(2) == 0 ? "a0" : "a\(random.below(8))"
            let operation: Operation
            if linked.insert([person, account]).inserted {
                operation = Op.link(Keys.owns, person, account, ["n": .int(Int64(index))])
            } else if random.below(3) == 0 {
                linked.remove([person, account])
                operation = Op.unlink(Keys.owns, person, account)
            } else {
                operation = Op.setAttributes(Keys.owns, person, account, set: ["n": .int(Int64(index))])
            }
            _ = try ledger.commit([operation], metadata: metadata())
        }
        let events = try ledger.events(after: 0, limit: 1000)
        for person in (0..<8).map({ "u\($0)" }) {
            for account in (0..<8).map({ "a\($0)" }) {
                let key = try ledger.link(.key(Keys.owns), from: person, to: account)
                let versions = try ledger.versions(of: key)
                let expected = events.filter { $0.event.link == key }
                #expect(versions.flatMap(\.events).map(\.seq) == expected.map(\.seq), "seed \(seed): \(person) → \(account)")
                #expect(versions.map(\.fromSeq) == expected.filter { if case .linked = $0.event { true } else { false } }.map(\.seq))
            }
        }
    }
}
