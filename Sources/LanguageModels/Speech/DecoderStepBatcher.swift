import Foundation

/// Joins the single-token decoder steps of concurrent transcriptions (each on a thread of its
/// own) into one batched step (`WhisperModel.step(batch:)`), as the language models batch their
/// sequences: a step's linear layers and its 80 MB output projection are then read once for all
/// of them. The first thread to arrive leads: it waits until every transcription that is
/// decoding has a step pending (or `gatherWindow` has passed, so one busy elsewhere, say in
/// its encoder, does not hold the others), runs the batch, and hands each thread its logits.
public final class DecoderStepBatcher: @unchecked Sendable {
    final class Slot {
        let token: Int32, state: WhisperModel.DecoderState
        var logits: [Float]?
        init(token: Int32, state: WhisperModel.DecoderState) { (self.token, self.state) = (token, state) }
    }

    public let model: WhisperModel
    let gatherWindow: TimeInterval
    private let condition = NSCondition()
    private var pending: [Slot] = []
    private var leading = false
    private var decoding = 0
    private var batchCount = 0, rowCount = 0

    /// Batched steps run so far and the rows they held (rows / batches: decodings per step).
    public var batches: Int { condition.withLock { batchCount } }
    public var rows: Int { condition.withLock { rowCount } }

    public init(model: WhisperModel, gatherWindow: TimeInterval = 0.002) {
        self.model = model
        self.gatherWindow = gatherWindow
    }

    /// A transcription starts (or stops) decoding a window: the leader waits for its steps.
    public func beginDecoding() { condition.withLock { decoding += 1 } }
    public func endDecoding() {
        condition.withLock {
            decoding -= 1
            condition.broadcast()
        }
    }

    /// Feeds `token` to `state` in the next batched step and returns the logits after it.
    public func step(_ token: Int32, state: WhisperModel.DecoderState) -> [Float] {
        let slot = Slot(token: token, state: state)
        condition.lock()
        pending.append(slot)
        condition.broadcast()
        while slot.logits == nil {
            if !leading {
                leading = true
                let deadline = Date(timeIntervalSinceNow: gatherWindow)
                while pending.count < decoding && condition.wait(until: deadline) {}
                let batch = pending
                pending = []
                condition.unlock()
                let logits = model.step(batch: batch.map { ($0.token, $0.state) })
                condition.lock()
                for (slot, logits) in zip(batch, logits) { slot.logits = logits }
                batchCount += 1
                rowCount += batch.count
                leading = false
                condition.broadcast()
            } else {
                condition.wait()
            }
        }
        condition.unlock()
        return slot.logits!
    }
}
