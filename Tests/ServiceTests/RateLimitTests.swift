import Foundation
import Platform
import Testing

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 1000.0
    var now: Double { lock.withLock { seconds } }
    func advance(_ by: Double) { lock.withLock { seconds += by } }
}

@Suite struct RateLimiterBuckets {
    func retryAfter(_ body: () throws -> Void) -> Int? {
        do { try body(); return nil } catch PlatformError.rateLimited(let seconds, _) { return seconds } catch { return -1 }
    }

    /// A minute's requests pass as a burst, the next waits for the refill (one every 60/limit s).
    @Test func requestsPerMinute() throws {
        let clock = ManualClock()
        let limiter = RateLimiter(clock: { clock.now })
        let limits = RateLimits(requestsPerMinute: 3)
        for left in [2, 1, 0] { #expect(try limiter.admit(keyID: "a", limits: limits).requests == left) }
        #expect(retryAfter { try limiter.admit(keyID: "a", limits: limits) } == 20)
        // Another key has its own bucket; an unlimited key is never refused.
        #expect(try limiter.admit(keyID: "b", limits: limits).requests == 2)
        for _ in 0..<100 { try limiter.admit(keyID: "c", limits: .unlimited) }
        clock.advance(19)
        #expect(retryAfter { try limiter.admit(keyID: "a", limits: limits) } == 1)
        clock.advance(1.5)
        #expect(try limiter.admit(keyID: "a", limits: limits).requests == 0)
        // Refill stops at one minute's allowance: an hour idle buys no bigger burst.
        clock.advance(3600)
        for _ in 0..<3 { try limiter.admit(keyID: "a", limits: limits) }
        #expect(retryAfter { try limiter.admit(keyID: "a", limits: limits) } != nil)
        limiter.reset(keyID: "a")
        #expect(try limiter.admit(keyID: "a", limits: limits).requests == 2)
    }

    /// Tokens are charged after a request; a request that overdraws the bucket delays the next
    /// ones until it has refilled above zero.
    @Test func tokensPerMinute() throws {
        let clock = ManualClock()
        let limiter = RateLimiter(clock: { clock.now })
        let limits = RateLimits(tokensPerMinute: 600)
        #expect(try limiter.admit(keyID: "a", limits: limits).tokens == 600)
        limiter.charge(keyID: "a", limits: limits, tokens: 900)
        // 300 below zero at 10 tokens/s: 30 s to get back to zero, 31 to hold one token.
        #expect(retryAfter { try limiter.admit(keyID: "a", limits: limits) } == 31)
        clock.advance(31)
        #expect(try limiter.admit(keyID: "a", limits: limits).tokens == 10)
        // Charges for a key without a token limit are ignored.
        limiter.charge(keyID: "b", limits: RateLimits(requestsPerMinute: 5), tokens: 1_000_000)
        #expect(try limiter.admit(keyID: "b", limits: RateLimits(requestsPerMinute: 5)).tokens == nil)
    }

    /// Nodes share a key's quota: what one node admitted is handed on and taken off another's
    /// buckets; use that could not be handed on is kept for the next exchange.
    @Test func useAdmittedElsewhereCounts() throws {
        let clock = ManualClock()
        let (a, b) = (RateLimiter(clock: { clock.now }), RateLimiter(clock: { clock.now }))
        let limits = RateLimits(requestsPerMinute: 10, tokensPerMinute: 600)
        for _ in 0..<7 { try a.admit(keyID: "k", limits: limits) }
        a.charge(keyID: "k", limits: limits, tokens: 500)
        try a.admit(keyID: "free", limits: .unlimited)
        let handed = a.takeUnsharedUse()
        #expect(handed == [QuotaUse(keyID: "k", requests: 7, tokens: 500)], "unlimited keys are not counted")
        #expect(a.takeUnsharedUse().isEmpty)
        b.applyUse(handed, limits: ["k": limits])
        // 10 − 7 requests and 600 − 500 tokens are left on b as on a.
        let left = try b.admit(keyID: "k", limits: limits)
        #expect(left.requests == 2 && left.tokens == 100)
        try b.admit(keyID: "k", limits: limits)
        try b.admit(keyID: "k", limits: limits)
        #expect(retryAfter { try b.admit(keyID: "k", limits: limits) } != nil)
        // Use for a key this node does not know is skipped; kept use comes back once.
        b.applyUse([QuotaUse(keyID: "gone", requests: 5)], limits: [:])
        a.keepUnsharedUse(handed)
        #expect(a.takeUnsharedUse() == handed)
    }

    @Test func limitsOutOfRangeNameTheField() {
        #expect(throws: PlatformError.invalid(field: "limits.requests_per_minute",
                                              message: "must be an integer from 1 to 1000000000 (or null for no limit); got 0")) {
            try RateLimits(requestsPerMinute: 0).validated()
        }
        #expect(throws: PlatformError.self) { try RateLimits(tokensPerMinute: RateLimits.maximum + 1).validated() }
        #expect(throws: Never.self) { try RateLimits(requestsPerMinute: 1, tokensPerMinute: RateLimits.maximum).validated() }
    }
}

@Suite(.serialized) struct KeyQuotasOverHTTP {
    /// Limits set on a key are enforced on its requests (429 rate_limit_exceeded, Retry-After,
    /// x-ratelimit headers), can be changed or removed, refuse bad values by field, and survive
    /// a restart. The token limit counts the tokens of embedded texts.
    @Test func limitsOnAKey() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-quota-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        var (server, adminKey) = try await RunningServer.start(dataDirectory: data)
        let admin = try #require(adminKey)

        for (body, field) in [(#"{"role": "inference", "name": "x", "limits": {"requests_per_minute": 0}}"#, "limits.requests_per_minute"),
                              (#"{"role": "inference", "name": "x", "limits": {"tokens_per_minute": 2.5}}"#, "limits.tokens_per_minute"),
                              (#"{"role": "inference", "name": "x", "limits": {"per_day": 5}}"#, "limits.per_day")] {
            let bad = try await server.request("POST", "/v1/keys", key: admin, body: body)
            #expect(bad.status == 400 && (bad.json["error"] as? [String: Any])?["field"] as? String == field, "\(body) → \(bad.json)")
        }
        let created = try await server.request("POST", "/v1/keys", key: admin,
                                               body: #"{"role": "viewer", "name": "metered", "limits": {"requests_per_minute": 2}}"#)
        #expect(created.status == 201)
        #expect(created.json["limits"] as? [String: Any] as NSDictionary? == ["requests_per_minute": 2, "tokens_per_minute": NSNull()] as NSDictionary)
        let key = try #require(created.json["key"] as? String), id = try #require(created.json["id"] as? String)

        let first = try await server.request("GET", "/v1/models", key: key)
        #expect(first.status == 200)
        #expect(first.headers["x-ratelimit-limit-requests"] as? String == "2" && first.headers["x-ratelimit-remaining-requests"] as? String == "1")
        #expect(try await server.request("GET", "/v1/models", key: key).status == 200)
        let refused = try await server.request("GET", "/v1/models", key: key)
        #expect(refused.status == 429 && (refused.json["error"] as? [String: Any])?["code"] as? String == "rate_limit_exceeded")
        #expect(Int(refused.headers["Retry-After"] as? String ?? "") ?? 0 >= 1)
        #expect(((refused.json["error"] as? [String: Any])?["message"] as? String)?.contains("2 requests per minute") == true)
        // An unlimited key (the admin's) is not affected, and gets no x-ratelimit headers.
        let unmetered = try await server.request("GET", "/v1/models", key: admin)
        #expect(unmetered.status == 200 && unmetered.headers["x-ratelimit-limit-requests"] == nil)

        // A token limit, with the request limit removed; the new limits apply at once.
        let patched = try await server.request("PATCH", "/v1/keys/\(id)", key: admin,
                                               body: #"{"limits": {"requests_per_minute": null, "tokens_per_minute": 12}}"#)
        #expect(patched.status == 200 && (patched.json["limits"] as? [String: Any])?["tokens_per_minute"] as? Int == 12)
        #expect(try await server.request("PATCH", "/v1/keys/\(id)", key: admin, body: #"{"limits": {"tokens_per_minute": -1}}"#).status == 400)
        #expect(try await server.request("PATCH", "/v1/keys/nope", key: admin, body: #"{"limits": {}}"#).status == 404)
        #expect(try await server.request("PATCH", "/v1/keys/\(id)", key: key, body: #"{"limits": {}}"#).status == 403)

        let model = repositoryPath("models/all-minilm-l6-v2")
        #expect(try await server.request("POST", "/v1/models/minilm/versions", key: admin, body: "{\"path\": \"\(model)\"}").status == 201)
        #expect(try await server.request("POST", "/v1/deployments", key: admin, body: #"{"name": "minilm", "model": "minilm"}"#).status == 201)
        // 14 tokens with [CLS] and [SEP]: admitted on a full bucket of 12, then the bucket is overdrawn.
        let text = #"{"model": "minilm", "input": "the quick brown fox jumps over the lazy dog again and again"}"#
        let embedded = try await server.request("POST", "/v1/embeddings", key: key, body: text)
        #expect(embedded.status == 200 && embedded.headers["x-ratelimit-limit-tokens"] as? String == "12")
        let usedTokens = try #require((embedded.json["usage"] as? [String: Any])?["prompt_tokens"] as? Int)
        #expect(usedTokens > 12)
        let overdrawn = try await server.request("POST", "/v1/embeddings", key: key, body: text)
        #expect(overdrawn.status == 429 && ((overdrawn.json["error"] as? [String: Any])?["message"] as? String)?.contains("12 tokens per minute") == true)
        // Every route counts against the quota while the bucket is empty.
        #expect(try await server.request("GET", "/v1/models", key: key).status == 429)

        // The limits are stored with the key.
        await server.stop()
        (server, _) = try await RunningServer.start(dataDirectory: data)
        let listed = try await server.request("GET", "/v1/keys", key: admin)
        let stored = try #require((listed.json["keys"] as? [[String: Any]])?.first { $0["id"] as? String == id })
        #expect((stored["limits"] as? [String: Any])?["tokens_per_minute"] as? Int == 12)
        #expect((stored["limits"] as? [String: Any])?["requests_per_minute"] is NSNull)
        #expect(try await server.request("GET", "/v1/models", key: key).headers["x-ratelimit-limit-tokens"] as? String == "12")
        await server.stop()
    }
}
