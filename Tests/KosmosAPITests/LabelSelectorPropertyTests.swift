import Testing
@testable import KosmosAPI

/// Randomized checks: printed selectors parse back to themselves, and the meta/v1 object form selects the same
/// label sets as the string form (deterministic seed).
@Suite struct LabelSelectorPropertyTests {
    @Test func printedSelectorsParseBackAndAgreeWithObjectForm() throws {
        var rng = QuantityPropertyTests.SplitMix(state: 2024)
        let keys = ["app", "tier", "example.com/zone", "track", "x"]
        let values = ["", "a", "b", "web", "v1.2", "in", "notin"]
        func pick<T>(_ a: [T]) -> T { a.randomElement(using: &rng)! }
        for _ in 0..<500 {
            var reqs: [LabelSelectorQuery.Requirement] = []
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let key = pick(keys)
                switch Int.random(in: 0..<6, using: &rng) {
                case 0: reqs.append(.init(key: key, operator: .equals, values: [pick(values)]))
                case 1: reqs.append(.init(key: key, operator: .notEquals, values: [pick(values)]))
                case 2: reqs.append(.init(key: key, operator: .in, values: Array(Set([pick(values), pick(values)])).sorted()))
                case 3: reqs.append(.init(key: key, operator: .notIn, values: Array(Set([pick(values), pick(values)])).sorted()))
                case 4: reqs.append(.init(key: key, operator: .exists))
                default: reqs.append(.init(key: key, operator: .doesNotExist))
                }
            }
            let sorted = reqs.enumerated().sorted {
                $0.element.key != $1.element.key ? $0.element.key < $1.element.key : $0.offset < $1.offset
            }.map(\.element)
            let q = LabelSelectorQuery(requirements: sorted)
            let parsed = try LabelSelectorQuery.parse(q.description)
            #expect(parsed == q, "\(q)")
            let object = try #require(q.labelSelector)
            for _ in 0..<5 {
                var labels: [String: String] = [:]
                for k in keys where Bool.random(using: &rng) { labels[k] = pick(values) }
                #expect(q.matches(labels) == object.matches(labels), "\(q) on \(labels)")
                #expect(parsed.matches(labels) == q.matches(labels))
            }
        }
    }
}
