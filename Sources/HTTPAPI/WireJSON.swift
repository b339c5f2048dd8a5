import Foundation
import Tensor

/// A parsed JSON document. Arrays holding only numbers are parsed straight into `[Float]`
/// (`numbers`) with no per-element boxing: tensor payloads are the bulk of inference traffic.
indirect enum WireJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case numbers([Float])
    case array([WireJSON])
    case object([String: WireJSON])

    subscript(key: String) -> WireJSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var string: String? { if case .string(let s) = self { return s } else { return nil } }
    var number: Double? { if case .number(let n) = self { return n } else { return nil } }
    /// A whole number that fits an Int; nil for fractions and for numbers beyond Int's range
    /// (converting those with Int(_:) would trap).
    var integer: Int? { number.flatMap { Int(exactly: $0) } }
    var object: [String: WireJSON]? { if case .object(let o) = self { return o } else { return nil } }

    /// Elements of an array (a numeric array yields number elements).
    var elements: [WireJSON]? {
        switch self {
        case .array(let a): return a
        case .numbers(let n): return n.map { .number(Double($0)) }
        default: return nil
        }
    }

    /// All numbers of a (possibly nested) numeric array, flattened in row-major order.
    func flattenedNumbers() -> [Float]? {
        switch self {
        case .numbers(let n): return n
        case .array(let items):
            var out: [Float] = []
            for item in items { guard let inner = item.flattenedNumbers() else { return nil }; out += inner }
            return out
        case .number(let n): return [Float(n)]
        default: return nil
        }
    }

    /// All strings of a (possibly nested) array of strings.
    func flattenedStrings() -> [String]? {
        switch self {
        case .string(let s): return [s]
        case .array(let items):
            var out: [String] = []
            for item in items { guard let inner = item.flattenedStrings() else { return nil }; out += inner }
            return out
        default: return nil
        }
    }
}

struct WireJSONError: Error, CustomStringConvertible {
    let offset: Int
    let message: String
    var description: String { "body: invalid JSON at byte \(offset): \(message)" }
}

/// Recursive-descent JSON parser over bytes; nesting depth is bounded so hostile input cannot
/// exhaust the stack.
struct WireJSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private static let maximumDepth = 64

    static func parse(_ data: UnsafeBufferPointer<UInt8>) throws -> WireJSON {
        var parser = WireJSONParser(bytes: data)
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.i == data.count else { throw WireJSONError(offset: parser.i, message: "unexpected text after the JSON value") }
        return value
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private func fail(_ message: String) -> WireJSONError { WireJSONError(offset: i, message: message) }

    private mutating func value(depth: Int) throws -> WireJSON {
        guard depth < Self.maximumDepth else { throw fail("nested deeper than \(Self.maximumDepth) levels") }
        skipSpace()
        guard i < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    private mutating func literal(_ word: String) throws {
        for byte in word.utf8 {
            guard i < bytes.count, bytes[i] == byte else { throw fail("expected '\(word)'") }
            i += 1
        }
    }

    private mutating func object(depth: Int) throws -> WireJSON {
        i += 1
        var result: [String: WireJSON] = [:]
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(result) }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
            let key = try string()
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after key \"\(key)\"") }
            i += 1
            result[key] = try value(depth: depth + 1)
            skipSpace()
            guard i < bytes.count else { throw fail("unexpected end of input in an object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(result) }
            throw fail("expected ',' or '}'")
        }
    }

    private mutating func array(depth: Int) throws -> WireJSON {
        i += 1
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .numbers([]) }
        var numbers: [Float] = []
        var items: [WireJSON]? = nil
        while true {
            skipSpace()
            guard i < bytes.count else { throw fail("unexpected end of input in an array") }
            let c = bytes[i]
            let isNumber = c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
            if items == nil && isNumber {
                numbers.append(Float(try number()))
            } else {
                if items == nil { items = numbers.map { .number(Double($0)) } }
                items!.append(try value(depth: depth + 1))
            }
            skipSpace()
            guard i < bytes.count else { throw fail("unexpected end of input in an array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return items.map(WireJSON.array) ?? .numbers(numbers) }
            throw fail("expected ',' or ']'")
        }
    }

    private mutating func string() throws -> String {
        i += 1
        let start = i
        var escaped = false
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
            if bytes[i] == UInt8(ascii: "\\") { escaped = true; i += 1 }
            else if bytes[i] < 0x20 { throw fail("control character in a string") }
            i += 1
        }
        guard i < bytes.count else { throw fail("unterminated string") }
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<i])
        i += 1
        guard escaped else {
            guard let s = String(validating: raw, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
            return s
        }
        // Rare path: let Foundation decode escapes in this one string.
        let quoted = [UInt8(ascii: "\"")] + Array(raw) + [UInt8(ascii: "\"")]
        guard let s = try? JSONSerialization.jsonObject(with: Data(quoted), options: .fragmentsAllowed) as? String else {
            throw fail("invalid escape in a string")
        }
        return s
    }

    /// JSON numbers; exact for the common case (≤ 15 significant digits, small exponents),
    /// strtod otherwise. NaN and Infinity are not JSON and are rejected as such.
    private mutating func number() throws -> Double {
        let start = i
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var mantissa: UInt64 = 0, digits = 0, exponent = 0
        guard i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") else {
            throw fail("expected a value (NaN and Infinity are not valid JSON numbers)")
        }
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
            if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[i] - UInt8(ascii: "0")); digits += mantissa > 0 ? 1 : 0 } else { exponent += 1 }
            i += 1
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") else { throw fail("expected digits after '.'") }
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[i] - UInt8(ascii: "0")); digits += mantissa > 0 ? 1 : 0; exponent -= 1 }
                i += 1
            }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var sign = 1, value = 0
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { sign = bytes[i] == UInt8(ascii: "-") ? -1 : 1; i += 1 }
            guard i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") else { throw fail("expected exponent digits") }
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { value = min(value * 10 + Int(bytes[i] - UInt8(ascii: "0")), 100_000); i += 1 }
            exponent += sign * value
        }
        if digits <= 15 && exponent >= -22 && exponent <= 22 {
            let powers: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]
            let m = Double(mantissa)
            let v = exponent >= 0 ? m * powers[exponent] : m / powers[-exponent]
            return negative ? -v : v
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        return strtod(text, nil)
    }
}

/// Builds JSON text directly (responses are small and regular; no encoder round trip).
struct JSONWriter {
    private(set) var text = ""

    static func quote(_ s: String) -> String { JSONText.quote(s) }

    static func number(_ v: Double) -> String {
        guard v.isFinite else { return "null" }
        if v == v.rounded(), Swift.abs(v) < 1e15 { return String(Int64(v)) }
        return String(Float(v)) == String(v) ? String(v) : String(format: "%.9g", v)
    }

    static func number(_ v: Float) -> String {
        guard v.isFinite else { return "null" }
        return "\(v)"
    }
}
