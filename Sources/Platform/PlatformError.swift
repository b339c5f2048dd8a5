import Foundation

/// Failures of platform operations, each carrying what a client needs to fix the request.
/// The HTTP layer maps them to status codes in one place.
public enum PlatformError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No credentials, or credentials that match no live key.
    case unauthenticated(String)
    /// A valid key whose role does not allow the action.
    case forbidden(String)
    /// No such resource in the caller's project (never reveals other projects' resources).
    case notFound(kind: String, name: String)
    /// A request field is wrong; names the field and the limit.
    case invalid(field: String, message: String)
    case conflict(String)
    case payloadTooLarge(limit: Int)
    /// The endpoint's queue is full: retry after the given seconds (429).
    case overloaded(retryAfter: Int, String)
    /// The key has used its quota (`RateLimits`) for now: retry after the given seconds (429).
    case rateLimited(retryAfter: Int, String)
    /// Temporarily unable to serve, e.g. a model being unloaded (503).
    case unavailable(retryAfter: Int, String)
    /// The client's deadline passed before the request was computed (504).
    case deadlineExceeded(String)

    /// Seconds a client should wait before retrying (the `Retry-After` header), for the errors
    /// that pass with time.
    public var retryAfter: Int? {
        switch self {
        case .overloaded(let seconds, _), .unavailable(let seconds, _), .rateLimited(let seconds, _): return seconds
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .unauthenticated(let m), .forbidden(let m), .conflict(let m), .deadlineExceeded(let m): return m
        case .overloaded(let seconds, let m), .unavailable(let seconds, let m), .rateLimited(let seconds, let m): return "\(m); retry after \(seconds) s"
        case .notFound(let kind, let name): return "\(kind) '\(name)' not found"
        case .invalid(let field, let message): return "\(field): \(message)"
        case .payloadTooLarge(let limit): return "request body exceeds the limit of \(limit) bytes"
        }
    }
}

/// An integer from a `JSONSerialization` object, or nil. JSON's true and false arrive as
/// NSNumbers that also cast to 1 and 0 (and `is Bool` holds for every 0 and 1), so booleans
/// are told apart by their storage type; 2.0 counts as 2, 2.5 as no integer.
func jsonInteger(_ value: Any?) -> Int? {
    guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
    let double = number.doubleValue
    guard double == double.rounded() else { return nil }
    return Int(exactly: double)
}
