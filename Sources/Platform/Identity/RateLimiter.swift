import Foundation

/// A key's quota, in the units OpenAI publishes its limits in: requests per minute over every
/// route, and language-model tokens (prompt + generated, or texts embedded) per minute. `nil`
/// means unlimited.
public struct RateLimits: Codable, Sendable, Equatable {
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?

    public static let unlimited = RateLimits()
    /// Largest limit accepted: beyond it a limit means nothing but an overflow risk.
    public static let maximum = 1_000_000_000

    public init(requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
    }

    public var isUnlimited: Bool { requestsPerMinute == nil && tokensPerMinute == nil }

    /// Refuses limits outside 1…`maximum`, naming the field as the request spelt it.
    public func validated(field: String = "limits") throws -> RateLimits {
        for (name, value) in [("requests_per_minute", requestsPerMinute), ("tokens_per_minute", tokensPerMinute)] {
            if let value, !(1...Self.maximum).contains(value) {
                throw PlatformError.invalid(field: "\(field).\(name)", message: "must be an integer from 1 to \(Self.maximum) (or null for no limit); got \(value)")
            }
        }
        return self
    }
}

/// Enforces `RateLimits` per key with two token buckets (requests and tokens), each holding at
/// most one minute's allowance and refilling continuously, as OpenAI's limits behave: a burst
/// up to the limit passes, then the steady rate. Requests are counted when admitted. Tokens are
/// known only after a request, so a request is admitted while the key's token bucket is not
/// empty and its tokens are charged afterwards; a large request may take the bucket below zero,
/// which delays the key's next requests until it has refilled. In memory and behind one lock:
/// admission costs a dictionary lookup, never a database read. Counts restart with the server.
///
/// Nodes sharing a store share each key's quota: every second a node hands what it admitted
/// (`takeUnsharedUse`) to the others through the store and takes off its own buckets what they
/// admitted (`applyUse`), so a key gets its limit over all nodes, give or take a second's use.
public final class RateLimiter: @unchecked Sendable {
    /// Remaining allowance of one key, reported to clients as `x-ratelimit-*` headers.
    public struct Remaining: Sendable, Equatable {
        public var limits: RateLimits
        public var requests: Int?
        public var tokens: Int?
    }

    private struct Bucket {
        var level: Double
        var updated: Double
        mutating func refill(limit: Int, now: Double) {
            level = min(Double(limit), level + (now - updated) * Double(limit) / 60)
            updated = now
        }
        /// Whole seconds until the level reaches `needed` at `limit` per minute (the slack keeps
        /// a wait of 1.0000000001 s, a rounding error, from being told as 2).
        func wait(for needed: Double, limit: Int) -> Int { max(1, Int(((needed - level) * 60 / Double(limit) - 1e-6).rounded(.up))) }
    }

    private let lock = NSLock()
    private var requestBuckets: [String: Bucket] = [:]
    private var tokenBuckets: [String: Bucket] = [:]
    /// What this node admitted since its last exchange with the other nodes, by key.
    private var unshared: [String: QuotaUse] = [:]
    private let clock: @Sendable () -> Double

    /// `clock` returns seconds on a monotonic scale (tests pass their own).
    public init(clock: @escaping @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }) {
        self.clock = clock
    }

    /// Admits one request of `keyID` or throws `rateLimited` with the seconds to wait: when
    /// the key has used its requests for the minute, or its token bucket is empty.
    @discardableResult
    public func admit(keyID: String, limits: RateLimits) throws -> Remaining {
        guard !limits.isUnlimited else { return Remaining(limits: limits) }
        let now = clock()
        return try lock.withLock {
            var remaining = Remaining(limits: limits)
            if let limit = limits.tokensPerMinute {
                var bucket = tokenBuckets[keyID] ?? Bucket(level: Double(limit), updated: now)
                bucket.refill(limit: limit, now: now)
                tokenBuckets[keyID] = bucket
                guard bucket.level >= 1 else {
                    throw PlatformError.rateLimited(retryAfter: bucket.wait(for: 1, limit: limit),
                                                    "key '\(keyID)' has used its \(limit) tokens per minute (limits.tokens_per_minute)")
                }
                remaining.tokens = Int(bucket.level)
            }
            if let limit = limits.requestsPerMinute {
                var bucket = requestBuckets[keyID] ?? Bucket(level: Double(limit), updated: now)
                bucket.refill(limit: limit, now: now)
                guard bucket.level >= 1 else {
                    requestBuckets[keyID] = bucket
                    throw PlatformError.rateLimited(retryAfter: bucket.wait(for: 1, limit: limit),
                                                    "key '\(keyID)' has used its \(limit) requests per minute (limits.requests_per_minute)")
                }
                bucket.level -= 1
                requestBuckets[keyID] = bucket
                remaining.requests = Int(bucket.level)
                unshared[keyID, default: QuotaUse(keyID: keyID)].requests += 1
            }
            return remaining
        }
    }

    /// Charges the tokens a finished (or cancelled) request read and generated.
    public func charge(keyID: String, limits: RateLimits, tokens: Int) {
        guard let limit = limits.tokensPerMinute, tokens > 0 else { return }
        let now = clock()
        lock.withLock {
            var bucket = tokenBuckets[keyID] ?? Bucket(level: Double(limit), updated: now)
            bucket.refill(limit: limit, now: now)
            bucket.level -= Double(tokens)
            tokenBuckets[keyID] = bucket
            unshared[keyID, default: QuotaUse(keyID: keyID)].tokens += tokens
        }
    }

    /// What this node admitted since the last call, for the other nodes; cleared here.
    public func takeUnsharedUse() -> [QuotaUse] {
        lock.withLock {
            defer { unshared = [:] }
            return Array(unshared.values)
        }
    }

    /// Gives back use that could not be handed on (the store was unreachable), for the next try.
    public func keepUnsharedUse(_ use: [QuotaUse]) {
        lock.withLock {
            for item in use {
                unshared[item.keyID, default: QuotaUse(keyID: item.keyID)].requests += item.requests
                unshared[item.keyID, default: QuotaUse(keyID: item.keyID)].tokens += item.tokens
            }
        }
    }

    /// Takes what other nodes admitted off this node's buckets (`limits` gives each key's quota).
    public func applyUse(_ use: [QuotaUse], limits: [String: RateLimits]) {
        let now = clock()
        lock.withLock {
            for item in use {
                guard let quota = limits[item.keyID] else { continue }
                if let limit = quota.requestsPerMinute, item.requests > 0 {
                    var bucket = requestBuckets[item.keyID] ?? Bucket(level: Double(limit), updated: now)
                    bucket.refill(limit: limit, now: now)
                    bucket.level -= Double(item.requests)
                    requestBuckets[item.keyID] = bucket
                }
                if let limit = quota.tokensPerMinute, item.tokens > 0 {
                    var bucket = tokenBuckets[item.keyID] ?? Bucket(level: Double(limit), updated: now)
                    bucket.refill(limit: limit, now: now)
                    bucket.level -= Double(item.tokens)
                    tokenBuckets[item.keyID] = bucket
                }
            }
        }
    }

    /// Forgets a key's counts (its limits changed, or it was revoked).
    public func reset(keyID: String) {
        lock.withLock {
            requestBuckets[keyID] = nil
            tokenBuckets[keyID] = nil
        }
    }
}
