import Foundation

/// Where a tuning job stands, from its trial tasks alone (so any node, after any crash, reaches
/// the same decisions): which trials to queue next, and, once there are none, the best.
///
/// Stage 0 is `trials` configurations, queued `parallelism` at a time; a configuration at index
/// i is proposed from the trials before its batch (indices below ⌊i / p⌋·p), so a batch is the
/// same whichever node proposes it and however often. With successive halving, rung r ≥ 1
/// retrains the best ⌈n / reduction⌉ configurations of rung r − 1 for min_epochs × reduction^r
/// epochs (at most the spec's), until a rung runs the full epochs or keeps one configuration.
struct TuningPlan {
    let request: TuningRequest

    /// One trial as its task records it.
    struct Trial {
        var index: Int
        var rung: Int
        var params: [String: String]
        var epochs: Int?
        var state: JobRecord.State
        var metrics: [String: Double]
        var id: String
    }

    /// A trial to queue.
    struct Proposal: Equatable {
        var index: Int
        var rung: Int
        var params: [String: String]
        var epochs: Int?
    }

    enum Step {
        case queue([Proposal])
        case done(best: Trial, trials: [Trial])
        case failed(String)
    }

    func next(_ trials: [Trial]) -> Step {
        let byIndex = Dictionary(trials.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
        let sampler = TrialSampler(request: request)
        let p = request.parallelism
        // Rung 0.
        let firstEpochs = request.halving?.minEpochs
        var rung: [Proposal] = []
        for index in 0..<request.trials {
            if let trial = byIndex[index] { rung.append(Proposal(index: index, rung: 0, params: trial.params, epochs: trial.epochs)); continue }
            let batchStart = (index / p) * p
            let observed = (0..<batchStart).compactMap { byIndex[$0] }.compactMap { trial in
                request.gain(trial.metrics).map { TrialSampler.Observation(params: trial.params, gain: $0) }
            }
            return .queue((index..<min(request.trials, batchStart + p)).map {
                Proposal(index: $0, rung: 0, params: sampler.propose(index: $0, finished: observed), epochs: firstEpochs)
            })
        }
        var nextIndex = request.trials
        var current = rung
        var epochs = firstEpochs
        if let halving = request.halving {
            var r = 1
            while let e = epochs, e < halving.maxEpochs {
                var scored: [(proposal: Proposal, gain: Double)] = []
                for proposal in current {
                    if let trial = byIndex[proposal.index], let gain = request.gain(trial.metrics) { scored.append((proposal, gain)) }
                }
                let ranked = scored.sorted { a, b in a.gain != b.gain ? a.gain > b.gain : a.proposal.index < b.proposal.index }
                guard ranked.count > 1 else { break }
                let keep = (ranked.count + halving.reduction - 1) / halving.reduction
                let rungEpochs = min(halving.maxEpochs, e * halving.reduction)
                var next: [Proposal] = []
                for (offset, (promoted, _)) in ranked.prefix(keep).enumerated() {
                    let index = nextIndex + offset
                    let proposal = Proposal(index: index, rung: r, params: promoted.params, epochs: rungEpochs)
                    next.append(proposal)
                }
                let missing = next.filter { byIndex[$0.index] == nil }
                if !missing.isEmpty { return .queue(Array(missing.prefix(p))) }
                nextIndex += keep
                current = next
                epochs = rungEpochs
                r += 1
            }
        }
        // Done: the best of the last rung that ran.
        let finished = current.compactMap { byIndex[$0.index] }
        var best: (trial: Trial, gain: Double)?
        for trial in finished {
            guard let gain = request.gain(trial.metrics) else { continue }
            if best == nil || gain > best!.gain || (gain == best!.gain && trial.index < best!.trial.index) { best = (trial, gain) }
        }
        guard let best = best?.trial else {
            let reasons = finished.compactMap { $0.state == .failed ? "trial \($0.index) failed" : nil }
            return .failed("no trial reported '\(request.metric)'" + (reasons.isEmpty ? "" : ": " + reasons.prefix(3).joined(separator: "; ")))
        }
        return .done(best: best, trials: trials.sorted { $0.index < $1.index })
    }
}
