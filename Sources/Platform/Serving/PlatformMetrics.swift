import Foundation
import Prometheus

/// Prometheus metrics of one server: requests, inference latency split into queue and compute
/// time, batch sizes, queue depth, jobs, loaded models and their memory. Collectors are
/// created once per label set and cached, so recording costs a few atomic adds.
public final class PlatformMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    /// Seconds: 50 µs to 10 s.
    static let latencyBuckets: [Double] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10]
    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]

    struct EndpointCollectors: Sendable {
        let requests: Counter, failures: Counter, rows: Counter
        let latency: ValueHistogram, queue: ValueHistogram, compute: ValueHistogram
    }

    private let endpoints = LockedCache<EndpointCollectors>()
    private let http = LockedCache<Counter>()
    private let batches = LockedCache<ValueHistogram>()
    private let httpLatency = LockedCache<ValueHistogram>()
    private let grpc = LockedCache<Counter>()
    private let grpcLatency = LockedCache<ValueHistogram>()
    private let jobDuration: ValueHistogram
    public let modelsLoaded: Gauge
    public let modelMemoryBytes: Gauge
    /// Model versions unloaded to stay within the memory budget (least recently used first).
    public let modelEvictions: Counter
    /// Model versions loaded (first use, or again after an eviction).
    public let modelLoads: Counter

    public init() {
        jobDuration = registry.makeValueHistogram(name: "maas_training_job_duration_seconds", labels: [],
                                                  buckets: [1, 5, 15, 60, 300, 900, 3600, 14_400, 86_400], help: "Wall time of finished training jobs")
        modelsLoaded = registry.makeGauge(name: "maas_models_loaded", labels: [], help: "Model versions loaded in memory")
        modelMemoryBytes = registry.makeGauge(name: "maas_model_memory_bytes", labels: [], help: "Bytes of loaded model weights")
        modelEvictions = registry.makeCounter(name: "maas_model_evictions_total", labels: [], help: "Model versions unloaded to stay within the memory budget")
        modelLoads = registry.makeCounter(name: "maas_model_loads_total", labels: [], help: "Model versions loaded into memory")
    }

    func collectors(project: String, endpoint: String, version: Int) -> EndpointCollectors {
        endpoints.value(for: "\(project)\u{0}\(endpoint)\u{0}\(version)") {
            let labels = [("project", project), ("endpoint", endpoint), ("version", String(version))]
            return EndpointCollectors(
                requests: registry.makeCounter(name: "maas_inference_requests_total", labels: labels, help: "Inference requests answered"),
                failures: registry.makeCounter(name: "maas_inference_failures_total", labels: labels, help: "Inference requests that failed after reaching the model"),
                rows: registry.makeCounter(name: "maas_inference_rows_total", labels: labels, help: "Rows predicted"),
                latency: registry.makeValueHistogram(name: "maas_inference_duration_seconds", labels: labels, buckets: Self.latencyBuckets,
                                                     help: "Queue plus compute time of inference requests"),
                queue: registry.makeValueHistogram(name: "maas_inference_queue_seconds", labels: labels, buckets: Self.latencyBuckets,
                                                   help: "Time requests waited for their batch"),
                compute: registry.makeValueHistogram(name: "maas_inference_compute_seconds", labels: labels, buckets: Self.latencyBuckets,
                                                     help: "Forward-pass time of the batch a request was in"))
        }
    }

    public func recordInference(project: String, endpoint: String, version: Int, result: BatchedResult, rows: Int) {
        let c = collectors(project: project, endpoint: endpoint, version: version)
        c.requests.increment()
        c.rows.increment(by: Int64(rows))
        c.queue.record(result.queueSeconds)
        c.compute.record(result.computeSeconds)
        c.latency.record(result.queueSeconds + result.computeSeconds)
    }

    /// A finished generation: tokens read and written, total and time-to-first-token latency.
    public func recordGeneration(project: String, endpoint: String, version: Int, promptTokens: Int, completionTokens: Int,
                                 seconds: Double, firstTokenSeconds: Double?) {
        let labels = [("project", project), ("endpoint", endpoint), ("version", String(version))]
        let c = collectors(project: project, endpoint: endpoint, version: version)
        c.requests.increment()
        c.latency.record(seconds)
        registry.makeCounter(name: "maas_generation_prompt_tokens_total", labels: labels, help: "Prompt tokens read by language models").increment(by: Int64(promptTokens))
        registry.makeCounter(name: "maas_generation_completion_tokens_total", labels: labels, help: "Tokens generated by language models")
            .increment(by: Int64(completionTokens))
        if let firstTokenSeconds {
            registry.makeValueHistogram(name: "maas_generation_time_to_first_token_seconds", labels: labels, buckets: Self.latencyBuckets,
                                        help: "Time from request to the first generated text").record(firstTokenSeconds)
        }
    }

    /// A finished transcription: audio seconds heard, queue and compute time, real-time factor.
    public func recordTranscription(project: String, endpoint: String, version: Int, result: TranscriptionResult) {
        let labels = [("project", project), ("endpoint", endpoint), ("version", String(version))]
        let c = collectors(project: project, endpoint: endpoint, version: version)
        c.requests.increment()
        c.latency.record(result.queueSeconds + result.computeSeconds)
        c.queue.record(result.queueSeconds)
        c.compute.record(result.computeSeconds)
        registry.makeCounter(name: "maas_audio_seconds_total", labels: labels, help: "Seconds of audio transcribed or translated")
            .increment(by: Int64(result.transcript.duration.rounded(.up)))
        registry.makeValueHistogram(name: "maas_transcription_real_time_factor", labels: labels, buckets: [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
                                    help: "Compute seconds per second of audio (below 1: faster than real time)").record(result.realTimeFactor)
    }

    public func recordInferenceFailure(project: String, endpoint: String, version: Int) {
        collectors(project: project, endpoint: endpoint, version: version).failures.increment()
    }

    /// Batches run per loaded model version (endpoints serving one version share its batcher).
    func recordBatch(project: String, model: String, version: Int, rows: Int) {
        batches.value(for: "\(project)\u{0}\(model)\u{0}\(version)") {
            registry.makeValueHistogram(name: "maas_inference_batch_rows", labels: [("project", project), ("model", model), ("version", String(version))],
                                        buckets: Self.batchBuckets, help: "Rows per forward pass")
        }.record(Double(rows))
    }

    /// `route` is the matched pattern (`/v2/models/{name}/infer`), so label values stay bounded.
    public func recordHTTP(method: String, route: String, status: Int, seconds: Double) {
        http.value(for: "\(method) \(route) \(status)") {
            registry.makeCounter(name: "maas_http_requests_total", labels: [("method", method), ("route", route), ("status", String(status))],
                                 help: "HTTP requests by method, route and status")
        }.increment()
        httpLatency.value(for: "\(method) \(route)") {
            registry.makeValueHistogram(name: "maas_http_request_duration_seconds", labels: [("method", method), ("route", route)],
                                        buckets: Self.latencyBuckets, help: "Time in the server's handler chain (authentication to response body), by route")
        }.record(seconds)
    }

    /// gRPC calls by method (`ModelInfer`, …) and status code name (`ok`, `unauthenticated`, …).
    public func recordGRPC(method: String, code: String, seconds: Double) {
        grpc.value(for: "\(method) \(code)") {
            registry.makeCounter(name: "maas_grpc_requests_total", labels: [("method", method), ("code", code)],
                                 help: "gRPC calls by method and status code")
        }.increment()
        grpcLatency.value(for: method) {
            registry.makeValueHistogram(name: "maas_grpc_request_duration_seconds", labels: [("method", method)],
                                        buckets: Self.latencyBuckets, help: "Time from a gRPC call's message to its answer, by method")
        }.record(seconds)
    }

    /// `maas_feature_drift_psi{project,endpoint,feature}`: the latest population stability
    /// index of a raw input column (or `prediction`) against the training profile.
    func setDrift(project: String, endpoint: String, feature: String, psi: Double) {
        registry.makeGauge(name: "maas_feature_drift_psi", labels: [("project", project), ("endpoint", endpoint), ("feature", feature)],
                           help: "Population stability index of live inputs against training, by feature").set(psi)
    }

    func recordCanaryRollback(project: String, endpoint: String) {
        registry.makeCounter(name: "maas_canary_rollbacks_total", labels: [("project", project), ("endpoint", endpoint)],
                             help: "Canaries withdrawn because they breached their SLO").increment()
    }

    func recordDriftAlert(project: String, endpoint: String, feature: String) {
        registry.makeCounter(name: "maas_drift_alerts_total", labels: [("project", project), ("endpoint", endpoint), ("feature", feature)],
                             help: "Times a feature's drift crossed its endpoint's threshold").increment()
    }

    public func recordJob(_ job: JobRecord) {
        registry.makeCounter(name: "maas_training_jobs_total", labels: [("state", job.state.rawValue)], help: "Training jobs finished, by final state").increment()
        if let started = job.startedAt, let finished = job.finishedAt { jobDuration.record(finished.timeIntervalSince(started)) }
    }

    public func setQueueDepth(project: String, endpoint: String, depth: Int) {
        registry.makeGauge(name: "maas_inference_queue_depth", labels: [("project", project), ("endpoint", endpoint)],
                           help: "Requests waiting for a batch").set(Double(depth))
    }

    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}

/// A lock-protected memo: one value per key, made on first use.
final class LockedCache<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Value] = [:]

    func value(for key: String, make: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let value = values[key] { return value }
        let value = make()
        values[key] = value
        return value
    }
}
