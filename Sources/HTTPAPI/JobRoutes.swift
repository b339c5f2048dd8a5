import Foundation
import Hummingbird
import Platform

extension APIServer {
    static func jobJSON(_ j: JobRecord) -> String {
        var fields = ["\"id\":\(JSONWriter.quote(j.id))", "\"kind\":\(JSONWriter.quote(j.kind))", "\"state\":\(JSONWriter.quote(j.state.rawValue))",
                      "\"model\":\(JSONWriter.quote(j.modelName))", "\"attempts\":\(j.attempts)",
                      "\"created_at\":\(JSONWriter.quote(j.createdAt.formatted(.iso8601)))",
                      "\"progress\":\(j.progress)", "\"compute_seconds\":\(JSONWriter.number(j.computeSeconds))"]
        if let t = j.startedAt { fields.append("\"started_at\":\(JSONWriter.quote(t.formatted(.iso8601)))") }
        if let t = j.finishedAt { fields.append("\"finished_at\":\(JSONWriter.quote(t.formatted(.iso8601)))") }
        if let v = j.modelVersion { fields.append("\"version\":\(v)") }
        if !j.metrics.isEmpty {
            fields.append("\"metrics\":{" + j.metrics.keys.sorted().map { "\(JSONWriter.quote($0)):\(JSONWriter.number(j.metrics[$0]!))" }.joined(separator: ",") + "}")
        }
        if let e = j.error { fields.append("\"error\":\(JSONWriter.quote(e))") }
        fields.append("\"priority\":\(j.priority)")
        if let worker = j.worker, !j.state.isFinished { fields.append("\"worker\":\(JSONWriter.quote(worker))") }
        fields.append("\"request\":\(j.request)")
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func eventJSON(_ e: JobEvent) -> String {
        "{\"sequence\":\(e.sequence),\"at\":\(JSONWriter.quote(e.at.formatted(.iso8601))),\"type\":\(JSONWriter.quote(e.type)),\"data\":\(e.data)}"
    }

    static func addJobRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        for (prefix, kind) in [("/v1/training-jobs", JobRecord.training), ("/v1/batch-jobs", JobRecord.batchPrediction),
                               ("/v1/tuning-jobs", JobRecord.tuning), ("/v1/explanation-jobs", JobRecord.explanation)] {
            /// A job of this route's kind in the caller's project (others are not found).
            @Sendable func job(_ caller: Principal, _ context: APIContext) async throws -> JobRecord {
                let id = try context.parameters.require("id")
                let job = try await s.jobs.job(project: caller.project, id: id)
                guard job.kind == kind else { throw PlatformError.notFound(kind: "job", name: id) }
                return job
            }
            api.route(.POST, prefix, catalog) { request, context in
                let caller = try context.caller()
                try caller.require(.write)
                // Parsed once here so bad JSON gets the same errors as every other route.
                let buffer = try await request.collectBody(context)
                _ = try buffer.withUnsafeReadableBytes { raw in try WireJSONParser.parse(raw.bindMemory(to: UInt8.self)) }
                let text = String(buffer: buffer)
                let job = switch kind {
                case JobRecord.training: try await s.jobs.submit(project: caller.project, keyID: caller.keyID, request: text)
                case JobRecord.tuning: try await s.jobs.submitTuning(project: caller.project, keyID: caller.keyID, request: text)
                case JobRecord.explanation: try await s.jobs.submitExplanation(project: caller.project, keyID: caller.keyID, request: text)
                default: try await s.jobs.submitBatchPrediction(project: caller.project, keyID: caller.keyID, request: text)
                }
                var response = jsonResponse(jobJSON(job), status: .created)
                response.headers[.location] = "\(prefix)/\(job.id)"
                return response
            }
            api.route(.GET, prefix, catalog) { request, context in
                let caller = try context.caller()
                try caller.require(.read)
                let pageRequest = try PageRequest(request)
                let jobs = try await s.jobs.list(project: caller.project).filter { $0.kind == kind }
                let page = pageRequest.page(jobs) { PageRequest.timeKey($0.createdAt, $0.id) }
                return jsonResponse("{" + PageRequest.members("jobs", page.items.map(jobJSON), next: page.nextToken) + "}")
            }
            api.route(.GET, prefix + "/{id}", catalog) { _, context in
                let caller = try context.caller()
                try caller.require(.read)
                let found = try await job(caller, context)
                var text = jobJSON(found)
                // A decomposed job lists its tasks (folds, shards): where each stands and what it scored.
                let tasks = try await s.jobs.tasks(project: caller.project, id: found.id)
                if !tasks.isEmpty { text = String(text.dropLast()) + ",\"tasks\":[" + tasks.map(jobJSON).joined(separator: ",") + "]}" }
                return jsonResponse(text)
            }
            api.route(.POST, prefix + "/{id}/cancel", catalog) { _, context in
                let caller = try context.caller()
                try caller.require(.write)
                return jsonResponse(jobJSON(try await s.jobs.cancel(project: caller.project, id: try await job(caller, context).id)))
            }
            // Stored events: state changes, epoch reports, log lines.
            api.route(.GET, prefix + "/{id}/logs", catalog) { request, context in
                let caller = try context.caller()
                try caller.require(.read)
                let events = try await s.jobs.events(project: caller.project, id: try await job(caller, context).id, after: try afterParameter(request))
                return jsonResponse("{\"events\":[" + events.map(eventJSON).joined(separator: ",") + "]}")
            }
            // Server-Sent Events: history after `after` (or Last-Event-ID), then live events until the job ends.
            api.route(.GET, prefix + "/{id}/events", catalog) { request, context in
                let caller = try context.caller()
                try caller.require(.read)
                var after = try afterParameter(request)
                if let last = request.headers[.init("last-event-id")!], let n = Int(last) { after = max(after, n) }
                let stream = try await s.jobs.follow(project: caller.project, id: try await job(caller, context).id, after: after)
                let body = ResponseBody { writer in
                    for await event in stream {
                        // Progress events carry the last stored sequence: no id, so a reconnect replays from the stored one.
                        let id = event.type == "progress" ? "" : "id: \(event.sequence)\n"
                        try await writer.write(ByteBuffer(string: "\(id)event: \(event.type)\ndata: \(event.data)\n\n"))
                    }
                    try await writer.finish(nil)
                }
                return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
            }
        }
        // A finished batch job's predictions, one JSON object per input row, decrypted as streamed.
        api.route(.GET, "/v1/batch-jobs/{id}/output", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.read)
            let reader = try await s.jobs.output(project: caller.project, id: try context.parameters.require("id"))
            let body = ResponseBody(contentLength: reader.plaintextSize) { writer in
                while let chunk = try reader.next() { try await writer.write(ByteBuffer(bytes: chunk)) }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: body)
        }
    }

    static func afterParameter(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters.get("after") else { return 0 }
        guard let n = Int(text), n >= 0 else { throw PlatformError.invalid(field: "after", message: "must be a non-negative event sequence number, got '\(text)'") }
        return n
    }
}
