import Foundation
import LanguageModels
import Testing

/// Sampling against its definition: softmax(logits / temperature) restricted to the top k and
/// to the nucleus (the most likely tokens whose probabilities first reach top_p), renormalised.
struct SamplerTests {
    /// Relative frequencies of `draws` tokens.
    static func frequencies(_ options: SamplingOptions, _ logits: [Float], draws: Int = 40_000) -> [Double] {
        var sampler = Sampler(options)
        var counts = [Int](repeating: 0, count: logits.count)
        for _ in 0..<draws { counts[Int(sampler.next(logits))] += 1 }
        return counts.map { Double($0) / Double(draws) }
    }

    static func softmax(_ logits: [Float], temperature: Double = 1) -> [Double] {
        let peak = Double(logits.max()!)
        let weights = logits.map { exp((Double($0) - peak) / temperature) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    static func options(temperature: Float = 1, topK: Int = 0, topP: Float = 1, seed: UInt64 = 1) -> SamplingOptions {
        var options = SamplingOptions()
        (options.temperature, options.topK, options.topP, options.seed) = (temperature, topK, topP, seed)
        return options
    }

    let logits: [Float] = [2, 1, 0.5, 0, -1, -3]

    @Test func greedyAndTopOneTakeTheLargestLogit() {
        var greedy = Sampler(Self.options(temperature: 0))
        var topOne = Sampler(Self.options(temperature: 5, topK: 1))
        let shuffled: [Float] = [0.1, 3, -2, 2.9, 0]
        #expect(greedy.next(shuffled) == 1 && topOne.next(shuffled) == 1)
    }

    @Test func temperatureFollowsTheSoftmax() {
        for temperature in [1.0, 0.5, 2.0] {
            let expected = Self.softmax(logits, temperature: temperature)
            let observed = Self.frequencies(Self.options(temperature: Float(temperature)), logits)
            for (e, o) in zip(expected, observed) { #expect(abs(e - o) < 0.01, "temperature \(temperature): \(observed) against \(expected)") }
        }
    }

    @Test func topKKeepsOnlyTheKMostLikely() {
        let observed = Self.frequencies(Self.options(topK: 2), logits)
        let expected = Self.softmax(Array(logits.prefix(2)))
        #expect(observed[2...].allSatisfy { $0 == 0 })
        #expect(abs(observed[0] - expected[0]) < 0.01 && abs(observed[1] - expected[1]) < 0.01, "\(observed)")
    }

    @Test func topPKeepsTheNucleus() {
        // Probabilities 0.5, 0.3, 0.15, 0.05: the first two reach 0.7.
        let logits = [0.5, 0.3, 0.15, 0.05].map { Float(log($0)) }
        let observed = Self.frequencies(Self.options(topP: 0.7), logits)
        #expect(observed[2] == 0 && observed[3] == 0)
        #expect(abs(observed[0] - 0.625) < 0.01 && abs(observed[1] - 0.375) < 0.01, "\(observed)")
    }

    @Test func aSeedRepeatsItsDraws() {
        var first = Sampler(Self.options(seed: 7)), second = Sampler(Self.options(seed: 7)), other = Sampler(Self.options(seed: 8))
        let a = (0..<200).map { _ in first.next(logits) }, b = (0..<200).map { _ in second.next(logits) }
        let c = (0..<200).map { _ in other.next(logits) }
        #expect(a == b)
        #expect(a != c)
    }

    /// SplitMix64: reproducible logits for the large-vocabulary test.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A vocabulary the size of SmolLM2's: top-k and nucleus draws stay inside the sets that a
    /// full sort gives, including a flat distribution whose nucleus holds most tokens.
    @Test func largeVocabulariesKeepTheExactSets() {
        var generator = SplitMix(state: 42)
        for spread: Float in [8, 0.01] {
            let logits = (0..<49_152).map { _ in Float.random(in: -spread...spread, using: &generator) }
            let order = logits.indices.sorted { logits[$0] > logits[$1] }
            let probabilities = Self.softmax(logits)
            // The sampler sums 44,000 nearly equal Float weights for the flat case; its boundary
            // may sit a few tokens from this Double one, so the set reaches 0.9 plus 0.001.
            var cumulative = 0.0, nucleus = 0
            while cumulative < 0.901 { cumulative += probabilities[order[nucleus]]; nucleus += 1 }
            let inNucleus = Set(order.prefix(nucleus))
            let inTopK = Set(order.prefix(40))
            var topP = Sampler(Self.options(topP: 0.9, seed: 3)), topK = Sampler(Self.options(topK: 40, seed: 3))
            for _ in 0..<500 {
                #expect(inNucleus.contains(Int(topP.next(logits))))
                #expect(inTopK.contains(Int(topK.next(logits))))
            }
        }
    }

    /// Log-probabilities are the log-softmax of the raw logits (whatever the temperature), and the
    /// alternatives are the most likely tokens in order, on a vocabulary the size of SmolLM2's.
    @Test func logprobsAreTheLogSoftmax() {
        var generator = SplitMix(state: 9)
        var logits = (0..<49_152).map { _ in Float.random(in: -6...6, using: &generator) }
        logits[123] = 14; logits[7] = 14  // a tie: the lower id ranks first
        let lse = log(logits.reduce(0.0) { $0 + exp(Double($1) - 14) }) + 14
        let order = logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        var sampler = Sampler(Self.options(temperature: 0.3, seed: 1))
        for token: Int32 in [7, 500, 49_151] {
            let entry = logits.withUnsafeBufferPointer { sampler.logprob(of: token, in: $0, alternatives: 5) }
            #expect(entry.token == token)
            #expect(abs(Double(entry.logprob) - (Double(logits[Int(token)]) - lse)) < 1e-4)
            #expect(entry.top.map { Int($0.token) } == Array(order.prefix(5)))
            for alternative in entry.top { #expect(abs(Double(alternative.logprob) - (Double(logits[Int(alternative.token)]) - lse)) < 1e-4) }
        }
        #expect(logits.withUnsafeBufferPointer { sampler.logprob(of: 3, in: $0, alternatives: 0) }.top.isEmpty)
    }
}
