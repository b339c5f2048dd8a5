import Crypto
import Foundation

/// The append-only audit trail of security-relevant events. Entries are hash-chained (each
/// holds the SHA-256 of the one before) and sealed (an HMAC of the hash under a key the master
/// key protects): anyone with the database can recompute plain hashes, but not the seals, so
/// an edited, removed or inserted entry is found by `verify` and named.
public actor AuditLog {
    private let store: any AuditLogStore
    private let vault: KeyVault
    private var last: (sequence: Int, hash: String)?
    private var pending: [(entry: AuditEntry, done: CheckedContinuation<Void, any Error>)] = []
    private var writing = false
    private var sealKey: DataKey?

    public init(store: any AuditLogStore, vault: KeyVault) {
        self.store = store
        self.vault = vault
    }

    static let genesis = String(repeating: "0", count: 64)

    /// Records one event; returns once it is durable. Concurrent records are written together,
    /// in the order they were made.
    public func record(actor: String, project: String, action: String, resource: String, requestID: String, outcome: String = "ok") async throws {
        let key = try await seal()
        if last == nil {
            let head = try await store.auditHead().flatMap(Self.parseHead)
            if last == nil { last = head.map { ($0.sequence, $0.hash) } ?? (0, Self.genesis) }
        }
        var entry = AuditEntry(sequence: last!.sequence + 1, at: Self.millisecond(Date()), actor: actor, project: project, action: action,
                               resource: resource, requestID: requestID, outcome: outcome, previousHash: last!.hash)
        entry.hash = Self.hash(entry)
        entry.seal = Self.seal(entry.hash, key: key)
        last = (entry.sequence, entry.hash)
        try await withCheckedThrowingContinuation { continuation in
            pending.append((entry, continuation))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = pending
            pending.removeAll()
            var entries = batch.map(\.entry)
            var failure: (any Error)?
            for attempt in 0..<8 {
                let tail = entries.last!
                do {
                    try await store.appendAuditEntries(entries, head: "\(tail.sequence):\(tail.hash):\(Self.seal("head:\(tail.sequence):\(tail.hash)", key: sealKey!))")
                    failure = nil
                    break
                } catch {
                    failure = error
                    // Nodes sharing the store append to one chain: when another node took these
                    // sequence numbers first, the batch is chained again on the stored head.
                    guard attempt < 7, let head = try? await store.auditHead().flatMap(Self.parseHead),
                          head.sequence >= entries[0].sequence else { break }
                    entries = Self.chained(entries, after: (head.sequence, head.hash), key: sealKey!)
                    last = (entries.last!.sequence, entries.last!.hash)
                }
            }
            if let failure {
                // The chain in memory ran ahead of the store: start again from what is stored.
                last = nil
                for item in batch { item.done.resume(throwing: failure) }
            } else {
                for item in batch { item.done.resume() }
            }
        }
        writing = false
    }

    /// The entries renumbered and re-hashed to follow `previous`.
    static func chained(_ entries: [AuditEntry], after previous: (sequence: Int, hash: String), key: DataKey) -> [AuditEntry] {
        var before = previous
        return entries.map { original in
            var entry = original
            entry.sequence = before.sequence + 1
            entry.previousHash = before.hash
            entry.hash = hash(entry)
            entry.seal = seal(entry.hash, key: key)
            before = (entry.sequence, entry.hash)
            return entry
        }
    }

    private func seal() async throws -> DataKey {
        if let sealKey { return sealKey }
        let key = try await vault.purposeKey("audit-log")
        sealKey = key
        return key
    }

    static func millisecond(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    /// The fields an entry's hash covers, unambiguously joined (each field's length first).
    static func canonical(_ e: AuditEntry) -> String {
        let milliseconds = Int64((e.at.timeIntervalSince1970 * 1000).rounded())
        return [String(e.sequence), String(milliseconds), e.actor, e.project, e.action, e.resource, e.requestID, e.outcome, e.previousHash]
            .map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
    }

    static func hash(_ e: AuditEntry) -> String { Digest.hex(SHA256.hash(data: Data(canonical(e).utf8))) }

    static func seal(_ text: String, key: DataKey) -> String {
        Digest.hex(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key.key))
    }

    static func parseHead(_ text: String) -> (sequence: Int, hash: String, seal: String)? {
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 3, let sequence = Int(parts[0]) else { return nil }
        return (sequence, parts[1], parts[2])
    }

    /// Entries matching the filters, oldest first, at most `limit` (admins of a project see
    /// their project's; the operator passes nil to see every project's).
    public func entries(project: String?, action: String? = nil, actor: String? = nil, since: Date? = nil, until: Date? = nil,
                        after: Int = 0, limit: Int = 1000) async throws -> [AuditEntry] {
        var found: [AuditEntry] = []
        var cursor = after
        while found.count < limit {
            let page = try await store.auditEntries(after: cursor, limit: 1000)
            guard let tail = page.last else { break }
            cursor = tail.sequence
            found += page.filter { e in
                (project == nil || e.project == project) && (action == nil || e.action == action) && (actor == nil || e.actor == actor)
                    && (since.map { e.at >= $0 } ?? true) && (until.map { e.at <= $0 } ?? true)
            }
        }
        return Array(found.prefix(limit))
    }

    /// What verification found.
    public struct Verification: Sendable, Equatable {
        public var entries: Int
        /// One line per problem, naming the entry; empty when the chain is intact.
        public var problems: [String]
        public var intact: Bool { problems.isEmpty }
    }

    /// Walks the whole chain: every entry's hash must match its fields and its predecessor's
    /// hash, its seal must verify, sequence numbers must not skip, and the recorded head must
    /// be the last entry (so a removed tail shows too).
    public func verify() async throws -> Verification {
        let key = try await seal()
        var problems: [String] = []
        var previous = (sequence: 0, hash: Self.genesis)
        var count = 0
        var cursor = 0
        while true {
            let page = try await store.auditEntries(after: cursor, limit: 1000)
            guard let tail = page.last else { break }
            cursor = tail.sequence
            for e in page {
                count += 1
                let name = "entry \(e.sequence) (\(e.action) \(e.resource) at \(e.at.formatted(.iso8601)))"
                if e.sequence != previous.sequence + 1 {
                    problems.append(e.sequence - previous.sequence - 1 == 1 ? "entry \(previous.sequence + 1) is missing (deleted)"
                                    : "entries \(previous.sequence + 1) to \(e.sequence - 1) are missing (deleted)")
                } else if e.previousHash != previous.hash {
                    problems.append("\(name) does not follow entry \(previous.sequence): the chain is broken there (an entry was edited, removed or inserted)")
                }
                if Self.hash(e) != e.hash {
                    problems.append("\(name) was edited: its content does not match its hash")
                } else if Self.seal(e.hash, key: key) != e.seal {
                    problems.append("\(name) is not sealed by this server's audit key (forged or rewritten)")
                }
                previous = (e.sequence, e.hash)
            }
        }
        if let head = try await store.auditHead().flatMap(Self.parseHead) {
            if Self.seal("head:\(head.sequence):\(head.hash)", key: key) != head.seal {
                problems.append("the recorded head of the log is not sealed by this server's audit key")
            } else if head.sequence != previous.sequence || head.hash != previous.hash {
                problems.append(head.sequence > previous.sequence
                                ? "entries \(previous.sequence + 1) to \(head.sequence) are missing from the end of the log (deleted)"
                                : "the log's last entry \(previous.sequence) is not the recorded head \(head.sequence)")
            }
        } else if count > 0 {
            problems.append("the log's recorded head is missing")
        }
        return Verification(entries: count, problems: problems)
    }
}
