import Foundation
import Hummingbird
import Platform

/// One page of a list route: `limit` items (1 to 1000, default 100) after the `page_token` an
/// earlier page answered with. A page that is not the last answers `next_page_token`.
///
/// Tokens are keyset cursors, not offsets: the sort key of the last item sent, base64url-encoded
/// so clients treat it as opaque. A page therefore never repeats or skips an item when others are
/// added or deleted between two requests, as an offset would (MLflow's and Google's list APIs
/// behave the same way).
struct PageRequest: Sendable {
    static let defaultLimit = 100
    static let maximumLimit = 1000

    let limit: Int
    /// The sort key (UTF-8) of the last item of the previous page; nil for the first page.
    let after: [UInt8]?

    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        if let text = query.get("limit") {
            guard let n = Int(text), (1...Self.maximumLimit).contains(n) else {
                throw PlatformError.invalid(field: "limit", message: "must be an integer from 1 to \(Self.maximumLimit) (default \(Self.defaultLimit))")
            }
            limit = n
        } else {
            limit = Self.defaultLimit
        }
        if let token = query.get("page_token") {
            guard let key = Self.decode(token) else {
                throw PlatformError.invalid(field: "page_token", message: "must be 1 to 4096 characters of A-Z, a-z, 0-9, '-' and '_': pass next_page_token from the previous page unchanged")
            }
            after = key
        } else {
            after = nil
        }
    }

    /// The page of `items` in the order of `key` (ascending, or newest first with `descending`)
    /// and the token for the next page when there is one. Keys must be unique within the list.
    /// Keys compare as UTF-8 bytes, so every token names a position, even one no page answered.
    func page<Item>(_ items: [Item], descending: Bool = false, key: (Item) -> String) -> (items: [Item], nextToken: String?) {
        func before(_ a: [UInt8], _ b: [UInt8]) -> Bool { descending ? b.lexicographicallyPrecedes(a) : a.lexicographicallyPrecedes(b) }
        let keyed = items.map { (key: Array(key($0).utf8), item: $0) }.sorted { before($0.key, $1.key) }
        let rest = keyed.drop { entry in
            guard let after else { return false }
            return !before(after, entry.key)
        }
        let page = rest.prefix(limit)
        let next = rest.count > limit ? page.last.map { Self.encode($0.key) } : nil
        return (page.map(\.item), next)
    }

    /// A sort key for items listed by time, unique through the id: fixed-width seconds so the
    /// text orders as the instants do.
    static func timeKey(_ date: Date, _ id: String) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let digits = String(max(micros, 0))
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + " " + id
    }

    /// `"datasets":[...]` plus `,"next_page_token":"..."` when more remain: the inside of a
    /// list response's object.
    static func members(_ name: String, _ json: [String], next: String?) -> String {
        "\(JSONWriter.quote(name)):[" + json.joined(separator: ",") + "]"
            + (next.map { ",\"next_page_token\":\(JSONWriter.quote($0))" } ?? "")
    }

    static func encode(_ key: [UInt8]) -> String {
        var text = "", bits = 0, count = 0
        for byte in key {
            bits = (bits << 8 | Int(byte)) & 0xFFFF; count += 8
            while count >= 6 { count -= 6; text.append(alphabet[(bits >> count) & 63]) }
        }
        if count > 0 { text.append(alphabet[(bits << (6 - count)) & 63]) }
        return text
    }

    /// base64url without padding. Leftover bits of a last partial character are dropped, so any
    /// string of the alphabet decodes (the document's pattern and the server accept the same set).
    static func decode(_ token: String) -> [UInt8]? {
        guard !token.isEmpty, token.utf8.count <= 4096 else { return nil }
        var bytes: [UInt8] = [], bits = 0, count = 0
        for character in token.utf8 {
            guard let value = alphabetValue(character) else { return nil }
            bits = (bits << 6 | value) & 0xFFFF; count += 6
            if count >= 8 { count -= 8; bytes.append(UInt8((bits >> count) & 0xFF)) }
        }
        return bytes
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    private static func alphabetValue(_ c: UInt8) -> Int? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(c - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(c - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(c - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }
}
