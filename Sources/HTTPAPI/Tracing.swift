import Dispatch
import Foundation
import GRPCCore
import Hummingbird
import Platform
import Tracing

/// Distributed tracing, off unless `maas serve --otlp-endpoint` bootstraps a tracer: then every
/// HTTP request gets a server span (Hummingbird's TracingMiddleware: route, status) that
/// continues a client's W3C `traceparent` and is returned in the response's, with the caller's
/// project; inference adds child spans for the queue wait and the batch's compute; gRPC calls
/// get server spans of their own. When off, none of this code runs on the request path.
public enum RequestTracing {
    /// Set once at start-up, before the server is built.
    nonisolated(unsafe) public static var enabled = false

    /// Queue wait and batch compute as children of the request's span, placed back in time from
    /// the batcher's measurements (the batch ran on another task).
    static func recordInference(_ result: BatchedResult, endpoint: String, version: Int) {
        guard enabled else { return }
        let end = DefaultTracerClock.now.nanosecondsSinceEpoch
        let compute = UInt64(max(0, result.computeSeconds) * 1e9), queue = UInt64(max(0, result.queueSeconds) * 1e9)
        let computeStart = end &- compute, queueStart = computeStart &- queue
        let attributes: (inout SpanAttributes) -> Void = { attributes in
            attributes["maas.endpoint"] = endpoint
            attributes["maas.model_version"] = version
            attributes["maas.batch_rows"] = result.batchRows
        }
        let waited = startSpan("queue wait", at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: queueStart))
        waited.updateAttributes(attributes)
        waited.end(at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: computeStart))
        let computed = startSpan("batch compute", at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: computeStart))
        computed.updateAttributes(attributes)
        computed.end(at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: end))
    }

    /// The caller's project on the request's span.
    static func tag(project: String) {
        guard enabled, let context = InstrumentationContext.current,
              let span = InstrumentationSystem.tracer.activeSpan(identifiedBy: context) else { return }
        span.attributes["maas.project"] = project
    }

    /// A gRPC call as a server span continuing the caller's `traceparent` metadata.
    static func withGRPCSpan<T>(_ method: String, metadata: Metadata, _ body: () async throws -> T) async throws -> T {
        guard enabled else { return try await body() }
        var context = InstrumentationContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(metadata, into: &context, using: MetadataExtractor())
        return try await withSpan("inference.GRPCInferenceService/\(method)", context: context, ofKind: .server) { span in
            span.attributes["rpc.system"] = "grpc"
            span.attributes["rpc.method"] = method
            do {
                let value = try await body()
                span.attributes["rpc.grpc.status_code"] = 0
                return value
            } catch let error as RPCError {
                span.attributes["rpc.grpc.status_code"] = error.code.rawValue
                throw error
            }
        }
    }

    struct MetadataExtractor: Extractor {
        func extract(key: String, from carrier: Metadata) -> String? {
            carrier[stringValues: key].first(where: { _ in true })
        }
    }
}

/// Returns the request span's `traceparent`, so a client can find its request in the traces.
struct TraceparentResponse: RouterMiddleware {
    typealias Context = APIContext

    struct HeadersInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout HTTPFields) {
            if let name = HTTPFields.Element.Name(key) { carrier[name] = value }
        }
    }

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if let current = InstrumentationContext.current {
            InstrumentationSystem.instrument.inject(current, into: &response.headers, using: HeadersInjector())
        }
        return response
    }
}
