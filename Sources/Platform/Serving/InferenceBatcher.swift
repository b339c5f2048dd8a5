import Foundation

/// How an endpoint groups requests into batches.
public struct BatchingPolicy: Codable, Sendable, Equatable {
    /// Most rows in one forward pass.
    public var maxBatchSize: Int
    /// How long the first request of a batch may wait for others. 0 batches greedily: a batch
    /// is whatever queued while the previous one computed, so an idle endpoint adds no delay.
    public var maxDelayMicroseconds: Int
    /// Requests waiting at most; one more is refused with 429 and Retry-After.
    public var maxQueue: Int

    public init(maxBatchSize: Int = 64, maxDelayMicroseconds: Int = 0, maxQueue: Int = 512) {
        self.maxBatchSize = maxBatchSize
        self.maxDelayMicroseconds = maxDelayMicroseconds
        self.maxQueue = maxQueue
    }

    enum CodingKeys: String, CodingKey {
        case maxBatchSize = "max_batch_size", maxDelayMicroseconds = "max_delay_us", maxQueue = "max_queue"
    }

    public func validate() throws {
        guard (1...65_536).contains(maxBatchSize) else { throw PlatformError.invalid(field: "batching.max_batch_size", message: "must be between 1 and 65536, got \(maxBatchSize)") }
        guard (0...1_000_000).contains(maxDelayMicroseconds) else { throw PlatformError.invalid(field: "batching.max_delay_us", message: "must be between 0 and 1000000, got \(maxDelayMicroseconds)") }
        guard (1...1_000_000).contains(maxQueue) else { throw PlatformError.invalid(field: "batching.max_queue", message: "must be between 1 and 1000000, got \(maxQueue)") }
    }
}

/// What one request got back, with where its time went.
public struct BatchedResult: Sendable {
    public var predictions: [Prediction]
    public var queueSeconds: Double
    public var computeSeconds: Double
    public var batchRows: Int
    /// Tokens read, for text models (prompt tokens in OpenAI's usage).
    public var tokens: Int = 0
}

/// Dynamic batching for one loaded model: requests wait in a bounded queue, a dedicated
/// thread takes up to `maxBatchSize` rows at a time, runs one forward pass and hands each
/// request its rows. Compute never runs on the event loops or the cooperative pool.
public final class InferenceBatcher: @unchecked Sendable {
    struct Pending {
        var values: [Float]
        /// Texts for a sentence encoder (then `values` is empty).
        var texts: [String]?
        var rows: Int
        var enqueued: UInt64
        var deadline: UInt64?
        var continuation: CheckedContinuation<BatchedResult, any Error>
    }

    public let model: LoadedModel
    public let policy: BatchingPolicy
    /// For language models: the generation queue (batches of feature rows do not apply).
    public let generation: GenerationQueue?
    /// For speech models: the transcription queue.
    public let transcription: TranscriptionQueue?
    private let condition = NSCondition()
    private var pending: [Pending] = []
    private var head = 0
    private var closed = false
    /// Moving average of compute seconds per row, for Retry-After.
    private var secondsPerRow = 0.001
    private let onBatch: @Sendable (_ rows: Int, _ seconds: Double) -> Void

    public init(model: LoadedModel, policy: BatchingPolicy, onBatch: @escaping @Sendable (Int, Double) -> Void = { _, _ in }) {
        self.model = model
        self.policy = policy
        self.onBatch = onBatch
        generation = model.language.map { GenerationQueue(model: $0, maxQueue: policy.maxQueue) }
        transcription = model.speech.map { TranscriptionQueue(transcriber: $0, maxQueue: policy.maxQueue) }
        let thread = Thread { [self] in work() }
        thread.stackSize = 8 << 20
        thread.name = "maas-inference"
        thread.start()
    }

    /// Requests queued and not yet taken into a batch.
    public var queueDepth: Int { condition.withLock { pending.count - head } }

    /// Queues feature rows; returns their predictions once their batch has run. A full queue
    /// throws `overloaded` at once; a request whose deadline passes before its batch starts
    /// throws `deadlineExceeded` without being computed.
    public func submit(values: [Float], rows: Int, deadline: UInt64? = nil) async throws -> BatchedResult {
        if let result = try computeInlineIfCheap(values: values, rows: rows) { return result }
        return try await enqueue(values: values, texts: nil, rows: rows, deadline: deadline)
    }

    /// Queues texts for a sentence encoder; their embeddings come back as prediction values.
    public func submit(texts: [String], deadline: UInt64? = nil) async throws -> BatchedResult {
        try await enqueue(values: [], texts: texts, rows: texts.count, deadline: deadline)
    }

    private func enqueue(values: [Float], texts: [String]?, rows: Int, deadline: UInt64?) async throws -> BatchedResult {
        if condition.withLock({ closed }) { return try computeNow(values: values, texts: texts, rows: rows) }
        return try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            if closed {
                condition.unlock()
                continuation.resume(with: Result { try computeNow(values: values, texts: texts, rows: rows) })
                return
            }
            let depth = pending.count - head
            if depth >= policy.maxQueue {
                let wait = max(1, Int((Double(depth) * secondsPerRow).rounded(.up)))
                condition.unlock()
                continuation.resume(throwing: PlatformError.overloaded(retryAfter: wait, "queue is full (max_queue \(policy.maxQueue) requests)"))
                return
            }
            pending.append(Pending(values: values, texts: texts, rows: rows, enqueued: DispatchTime.now().uptimeNanoseconds, deadline: deadline,
                                   continuation: continuation))
            condition.signal()
            condition.unlock()
        }
    }

    /// Below this estimated compute time, a request that finds the queue empty runs on its own
    /// task (never an event loop: Hummingbird runs handlers on the cooperative pool):
    /// handing it to the batch thread and back costs two thread wake-ups (about 30 µs measured),
    /// more than a small tabular model's forward pass. Anything larger goes through the queue.
    static let inlineSeconds = 0.000_02

    private func computeInlineIfCheap(values: [Float], rows: Int) throws -> BatchedResult? {
        // Only under greedy batching: an endpoint configured to wait for batches always batches.
        guard policy.maxDelayMicroseconds == 0 else { return nil }
        let cheap = condition.withLock { !closed && head == pending.count && secondsPerRow * Double(rows) < Self.inlineSeconds }
        guard cheap else { return nil }
        let started = DispatchTime.now().uptimeNanoseconds
        let predictions = try model.predict(features: values, rows: rows)
        let compute = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        condition.withLock { secondsPerRow = 0.9 * secondsPerRow + 0.1 * compute / Double(max(rows, 1)) }
        onBatch(rows, compute)
        return BatchedResult(predictions: predictions, queueSeconds: 0, computeSeconds: compute, batchRows: rows)
    }

    /// The endpoint moved on (alias swap, eviction) after this request picked the model: it is
    /// served here, on the request's task, rather than failed; the model lives while referenced.
    private func computeNow(values: [Float], texts: [String]?, rows: Int) throws -> BatchedResult {
        let started = DispatchTime.now().uptimeNanoseconds
        let (predictions, tokenCounts) = try compute(values: values, texts: texts, rows: rows)
        return BatchedResult(predictions: predictions, queueSeconds: 0, computeSeconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9,
                             batchRows: rows, tokens: tokenCounts.reduce(0, +))
    }

    /// One forward pass: texts through a sentence encoder, or feature rows through the model.
    private func compute(values: [Float], texts: [String]?, rows: Int) throws -> (predictions: [Prediction], tokenCounts: [Int]) {
        if let texts, let embedded = model.embed(texts) { return embedded }
        return (try model.predict(features: values, rows: rows), [])
    }

    /// Stops taking requests; queued ones still run, then the thread ends.
    public func close() {
        generation?.close()
        transcription?.close()
        condition.withLock {
            closed = true
            condition.broadcast()
        }
    }

    private func work() {
        while let batch = nextBatch() {
            let started = DispatchTime.now().uptimeNanoseconds
            var live: [Pending] = []
            for item in batch {
                if let deadline = item.deadline, deadline < started {
                    item.continuation.resume(throwing: PlatformError.deadlineExceeded("the request's deadline passed while it was queued"))
                } else {
                    live.append(item)
                }
            }
            guard !live.isEmpty else { continue }
            let rows = live.reduce(0) { $0 + $1.rows }
            let texts = model.encoder == nil ? nil : live.flatMap { $0.texts ?? [] }
            var values: [Float] = []
            if texts == nil {
                if live.count == 1 { values = live[0].values } else {
                    values.reserveCapacity(live.reduce(0) { $0 + $1.values.count })
                    for item in live { values.append(contentsOf: item.values) }
                }
            }
            let outcome = Result { try compute(values: values, texts: texts, rows: rows) }
            let finished = DispatchTime.now().uptimeNanoseconds
            let seconds = Double(finished - started) / 1e9
            condition.withLock { secondsPerRow = 0.9 * secondsPerRow + 0.1 * seconds / Double(max(rows, 1)) }
            onBatch(rows, seconds)
            switch outcome {
            case .success(let (predictions, tokenCounts)):
                var offset = 0
                for item in live {
                    let mine = Array(predictions[offset..<(offset + item.rows)])
                    let tokens = tokenCounts.isEmpty ? 0 : tokenCounts[offset..<(offset + item.rows)].reduce(0, +)
                    offset += item.rows
                    item.continuation.resume(returning: BatchedResult(predictions: mine, queueSeconds: Double(started - item.enqueued) / 1e9,
                                                                      computeSeconds: seconds, batchRows: rows, tokens: tokens))
                }
            case .failure(let error):
                for item in live { item.continuation.resume(throwing: error) }
            }
        }
    }

    /// Waits for work, then takes requests up to `maxBatchSize` rows (at least one request).
    private func nextBatch() -> [Pending]? {
        condition.lock()
        defer { condition.unlock() }
        while head == pending.count && !closed { condition.wait() }
        if head == pending.count { return nil }
        if policy.maxDelayMicroseconds > 0 {
            let until = Date(timeIntervalSinceNow: Double(policy.maxDelayMicroseconds) / 1e6
                             - Double(DispatchTime.now().uptimeNanoseconds - pending[head].enqueued) / 1e9)
            while !closed && pending[head...].reduce(0, { $0 + $1.rows }) < policy.maxBatchSize && condition.wait(until: until) {}
        }
        var batch: [Pending] = [pending[head]]
        var rows = pending[head].rows
        head += 1
        while head < pending.count && rows + pending[head].rows <= policy.maxBatchSize {
            rows += pending[head].rows
            batch.append(pending[head])
            head += 1
        }
        if head == pending.count { pending.removeAll(keepingCapacity: true); head = 0 }
        else if head > 1024 { pending.removeFirst(head); head = 0 }
        return batch
    }
}
