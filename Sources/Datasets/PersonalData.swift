import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Kinds of personal data the scanner recognises in a column's values.
public enum PersonalDataKind: String, Codable, Sendable, CaseIterable {
    case email, phone
    /// Payment-card numbers: 13–19 digits with a card network's prefix that pass the Luhn check.
    case paymentCard = "payment_card"
    /// IBANs whose country length and ISO 7064 mod-97 checksum hold.
    case iban
    case ipv4, ipv6
    /// Past dates in a column whose name says birth (dob, birth_date, born, …).
    case dateOfBirth = "date_of_birth"
    /// US social security numbers, UK national insurance numbers, Spanish DNI/NIE (checksum).
    case nationalID = "national_id"
}

/// What the scan found in one column: how many values of each kind.
public struct PersonalDataFindings: Codable, Sendable, Equatable {
    public var column: String
    public var counts: [String: Int]
    /// Values examined (present cells; an evenly spaced sample of `PersonalDataScanner.sampleLimit`
    /// of them in a longer column).
    public var scanned: Int

    public init(column: String, counts: [String: Int], scanned: Int) {
        self.column = column; self.counts = counts; self.scanned = scanned
    }
}

/// Finds personal data in a table's values by pattern and checksum (Luhn for cards, mod-97 for
/// IBANs, the DNI letter): a report of what each column holds and how often, so a team can set
/// column policies before anything trains on it.
public enum PersonalDataScanner {
    /// Rows examined per column at most. A longer column is sampled at even steps, as cloud DLP
    /// scanners sample large tables: a kind that fills even 0.01% of a column is still found,
    /// and a gigabyte upload is not held up by its scan.
    public static let sampleLimit = 200_000

    public static func scan(_ table: DataTable) -> [PersonalDataFindings] {
        table.columns.map { column in
            var counts: [String: Int] = [:]
            var scanned = 0
            let birthColumn = isBirthColumnName(column.name)
            let rows = stride(from: 0, to: table.rowCount, by: max(1, (table.rowCount + sampleLimit - 1) / sampleLimit))
            switch column.data {
            case .numeric(let values):
                for v in rows.lazy.map({ values[$0] }) where !v.isNaN {
                    scanned += 1
                    // Card numbers and phone numbers survive as numbers only up to 2^53; digits beyond are lost.
                    guard v == v.rounded(), abs(v) < 1e16, v >= 1e12 else { continue }
                    if isPaymentCard(String(Int64(v))) { counts[PersonalDataKind.paymentCard.rawValue, default: 0] += 1 }
                }
            case .text(let values):
                for case let v? in rows.lazy.map({ values[$0] }) {
                    scanned += 1
                    if let kind = classify(v, birthColumn: birthColumn) { counts[kind.rawValue, default: 0] += 1 }
                }
            }
            return PersonalDataFindings(column: column.name, counts: counts, scanned: scanned)
        }
    }

    /// The kind of personal data a single value is, if any.
    public static func classify(_ raw: String, birthColumn: Bool = false) -> PersonalDataKind? {
        // Every kind needs an '@' (e-mail), a ':' (IPv6) or at least four digits (the shortest
        // IPv4 address; the others need more), except a birth date: one pass over the bytes
        // settles most values (ids, names, categories) without the checks below.
        var digits = 0, marked = false
        for byte in raw.utf8 {
            if byte &- UInt8(ascii: "0") < 10 { digits += 1 } else if byte == UInt8(ascii: "@") || byte == UInt8(ascii: ":") { marked = true }
        }
        guard marked || digits >= 4 || birthColumn else { return nil }
        let value = raw.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty, value.utf8.count <= 256 else { return nil }
        if value.contains("@") { return isEmail(value) ? .email : nil }
        if birthColumn, DateValue(value) != nil { return .dateOfBirth }
        if isNationalID(value) { return .nationalID }
        if isIBAN(value) { return .iban }
        if isPaymentCard(value) { return .paymentCard }
        if isIPv4(value) { return .ipv4 }
        if value.contains(":"), isIPv6(value) { return .ipv6 }
        if isPhone(value) { return .phone }
        return nil
    }

    static func isBirthColumnName(_ name: String) -> Bool {
        let n = name.lowercased()
        return n == "dob" || n.hasSuffix("_dob") || n.hasPrefix("dob_") || n.contains("birth") || n == "born" || n.hasPrefix("born_")
    }

    static func isEmail(_ value: String) -> Bool {
        if let ascii = isASCIIEmail(value) { return ascii }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let local = parts[0], domain = parts[1]
        guard local.allSatisfy({ $0.isLetter || $0.isNumber || "._%+-!#$&'*/=?^`{|}~".contains($0) }), !local.hasPrefix("."), !local.hasSuffix(".") else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } && !$0.hasPrefix("-") && !$0.hasSuffix("-") }),
              let top = labels.last, top.count >= 2, top.allSatisfy(\.isLetter) else { return false }
        return true
    }

    /// `isEmail` over the bytes of an all-ASCII value (the same rules, without Characters); nil
    /// when the value has other characters.
    static func isASCIIEmail(_ value: String) -> Bool? {
        var value = value
        return value.withUTF8 { bytes -> Bool? in
            guard bytes.allSatisfy({ $0 < 128 }) else { return nil }
            func alnum(_ b: UInt8) -> Bool { (b | 0x20) &- UInt8(ascii: "a") < 26 || b &- UInt8(ascii: "0") < 10 }
            guard let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
            let local = bytes[..<at], domain = bytes[(at + 1)...]
            guard !local.isEmpty, local.count <= 64, !domain.contains(UInt8(ascii: "@")),
                  local.allSatisfy({ alnum($0) || Self.localSpecials.contains($0) }),
                  local.first != UInt8(ascii: "."), local.last != UInt8(ascii: ".") else { return false }
            let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            guard labels.count >= 2, labels.allSatisfy({ label in
                !label.isEmpty && label.count <= 63 && label.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") }
                    && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
            }), let top = labels.last, top.count >= 2, top.allSatisfy({ ($0 | 0x20) &- UInt8(ascii: "a") < 26 }) else { return false }
            return true
        }
    }

    static let localSpecials = Set("._%+-!#$&'*/=?^`{|}~".utf8)

    /// Digits of a value written with spaces or dashes between groups; nil if anything else appears.
    static func groupedDigits(_ value: String) -> String? {
        var digits = ""
        for c in value {
            if c.isASCII && c.isNumber { digits.append(c) } else if c != " " && c != "-" { return nil }
        }
        return digits
    }

    static func isPaymentCard(_ value: String) -> Bool {
        guard let digits = groupedDigits(value), (13...19).contains(digits.count) else { return false }
        let d = digits.compactMap(\.wholeNumberValue)
        func prefix(_ n: Int) -> Int { d.prefix(n).reduce(0) { $0 * 10 + $1 } }
        let network = d[0] == 4                                                       // Visa
            || (51...55).contains(prefix(2)) || (2221...2720).contains(prefix(4))     // Mastercard
            || [34, 37].contains(prefix(2))                                           // American Express
            || prefix(4) == 6011 || prefix(2) == 65 || (644...649).contains(prefix(3)) // Discover
            || (3528...3589).contains(prefix(4))                                      // JCB
            || [36, 38, 39].contains(prefix(2)) || (300...305).contains(prefix(3))   // Diners Club
            || prefix(2) == 62                                                        // UnionPay
        return network && luhn(d)
    }

    /// The Luhn checksum: every second digit from the right doubled (less 9 above 9), sum ≡ 0 mod 10.
    public static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (i, digit) in digits.reversed().enumerated() {
            if i % 2 == 1 { let doubled = digit * 2; sum += doubled > 9 ? doubled - 9 : doubled } else { sum += digit }
        }
        return sum % 10 == 0
    }

    /// IBAN lengths by country (ISO 13616 registry, the SEPA countries and others in common use).
    static let ibanLengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "CH": 21, "CR": 22,
        "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22,
        "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30,
        "KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27,
        "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
        "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    ]

    static func isIBAN(_ value: String) -> Bool {
        let compact = value.filter { $0 != " " }.uppercased()
        guard compact.count >= 15, compact.count <= 34, compact.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return false }
        let country = String(compact.prefix(2))
        guard let length = ibanLengths[country], compact.count == length,
              compact.dropFirst(2).prefix(2).allSatisfy(\.isNumber) else { return false }
        // ISO 7064 mod 97-10: move the first four characters to the end, letters to 10…35.
        var remainder = 0
        for c in compact.dropFirst(4) + compact.prefix(4) {
            let value = c.isNumber ? c.wholeNumberValue! : Int(c.asciiValue! - 55)
            remainder = (value >= 10 ? remainder * 100 + value : remainder * 10 + value) % 97
        }
        return remainder == 1
    }

    static func isIPv4(_ value: String) -> Bool {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { p in
            !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isNumber) && Int(p)! <= 255 && (p.count == 1 || p.first != "0")
        }
    }

    static func isIPv6(_ value: String) -> Bool {
        var address = in6_addr()
        return value.withCString { inet_pton(AF_INET6, $0, &address) } == 1
    }

    /// Phone numbers as people write them: 10–15 digits with a leading +, or grouped by spaces,
    /// dashes, dots or a parenthesised area code. Plain runs of digits (ids, amounts) are not.
    static func isPhone(_ value: String) -> Bool {
        var digits = 0, separators = 0
        for (i, c) in value.enumerated() {
            if c.isASCII && c.isNumber { digits += 1 }
            else if c == "+" { if i != 0 { return false }; separators += 1 }
            else if " -.()".contains(c) { separators += 1 }
            else { return false }
        }
        return (10...15).contains(digits) && separators > 0 && (value.hasPrefix("+") || value.contains("(") || separators >= 2)
    }

    static func isNationalID(_ value: String) -> Bool {
        let upper = value.uppercased()
        let chars = Array(upper)
        // US SSN: AAA-GG-SSSS, area not 000, 666 or 9xx, group not 00, serial not 0000.
        if chars.count == 11, chars[3] == "-", chars[6] == "-" {
            let area = String(chars[0..<3]), group = String(chars[4..<6]), serial = String(chars[7..<11])
            if let a = Int(area), let g = Int(group), let s = Int(serial), area.allSatisfy(\.isNumber), group.allSatisfy(\.isNumber),
               serial.allSatisfy(\.isNumber) {
                return a != 0 && a != 666 && a < 900 && g != 0 && s != 0
            }
        }
        // UK National Insurance number: two letters, six digits, A–D (spaces allowed).
        let compact = chars.filter { $0 != " " }
        if compact.count == 9, compact[0].isLetter, compact[1].isLetter, compact[2..<8].allSatisfy(\.isNumber), "ABCD".contains(compact[8]),
           !"DFIQUV".contains(compact[0]), !"DFIOQUV".contains(compact[1]) {
            return true
        }
        // Spanish DNI (8 digits and a check letter) and NIE (X/Y/Z, 7 digits, check letter).
        if compact.count == 9, compact[8].isLetter {
            var number = String(compact[0..<8])
            if let first = compact.first, "XYZ".contains(first) { number = String("XYZ".firstIndex(of: first)!.utf16Offset(in: "XYZ")) + number.dropFirst() }
            if number.allSatisfy(\.isNumber), let n = Int(number) {
                let letters = Array("TRWAGMYFPDXBNJZSQVHLCKE")
                return letters[n % 23] == compact[8]
            }
        }
        return false
    }
}

/// A calendar date in the forms data files commonly hold: ISO (2024-03-01, with an optional
/// time after it), day/month/year and month/day/year.
public struct DateValue: Equatable, Sendable {
    public var year: Int, month: Int, day: Int

    public init?(_ text: String) {
        let value = text.trimmingCharacters(in: .whitespaces)
        let head = value.prefix { $0 != "T" && $0 != " " }
        let parts = head.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." }).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { return nil }
        let numbers = parts.compactMap { Int($0) }
        if parts[0].count == 4 { (year, month, day) = (numbers[0], numbers[1], numbers[2]) }
        else if parts[2].count == 4 {
            // Day first unless the first number cannot be a day-of-month… of a month (13+ means day first).
            if numbers[0] > 12 { (day, month, year) = (numbers[0], numbers[1], numbers[2]) }
            else { (month, day, year) = (numbers[0], numbers[1], numbers[2]) }
        } else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), (1800...2200).contains(year) else { return nil }
    }
}

/// What happens to a column before its values reach training, previews, batch outputs or logs.
public enum ColumnPolicy: Equatable, Sendable {
    /// The column is removed: it never reaches a model.
    case drop
    /// Letters become x (X), digits 9, other characters stay: the shape survives, the value does not.
    case mask
    /// A keyed HMAC-SHA-256 pseudonym, the same for the same value within a project (joins still work).
    case hash
    /// Numbers to the lower edge of a bucket of `width`; dates to their month (YYYY-MM).
    case generalize(width: Double?)

    public static let names = ["drop", "mask", "hash", "generalize"]

    /// `"drop"`, `"mask"`, `"hash"`, `"generalize"` or `"generalize:10"` (numeric bucket width).
    public init?(text: String) {
        switch text {
        case "drop": self = .drop
        case "mask": self = .mask
        case "hash": self = .hash
        case "generalize": self = .generalize(width: nil)
        default:
            guard text.hasPrefix("generalize:"), let width = Double(text.dropFirst("generalize:".count)), width > 0, width.isFinite else { return nil }
            self = .generalize(width: width)
        }
    }

    public var text: String {
        switch self {
        case .drop: return "drop"
        case .mask: return "mask"
        case .hash: return "hash"
        case .generalize(let width): return width.map { "generalize:\(formatNumber($0))" } ?? "generalize"
        }
    }

    /// Letters to x/X, digits to 9; everything else kept.
    public static func mask(_ value: String) -> String {
        String(value.map { c -> Character in
            if c.isNumber { return "9" }
            if c.isLetter { return c.isUppercase ? "X" : "x" }
            return c
        })
    }

    /// A number to its bucket's lower edge (default width 10).
    public static func bucket(_ value: Double, width: Double?) -> Double {
        let w = width ?? 10
        return (value / w).rounded(.down) * w
    }

    /// A date to its month; nil when the text is not a date.
    public static func month(_ value: String) -> String? {
        guard let date = DateValue(value) else { return nil }
        return String(format: "%04d-%02d", date.year, date.month)
    }
}

/// Column policies by column name, applied to whole tables (training, batch inputs) and to
/// single values (previews, request records). `pseudonym` computes the keyed hash; Platform
/// supplies it with the project's key.
public struct ColumnPolicies: Sendable, Equatable {
    public var byColumn: [String: ColumnPolicy]

    public init(_ byColumn: [String: ColumnPolicy] = [:]) { self.byColumn = byColumn }

    public var isEmpty: Bool { byColumn.isEmpty }

    /// The policy texts by column (what the store and the API carry).
    public var texts: [String: String] { byColumn.mapValues(\.text) }

    public init(texts: [String: String]) throws {
        var policies: [String: ColumnPolicy] = [:]
        for (column, text) in texts {
            guard let policy = ColumnPolicy(text: text) else {
                throw DataError(column, "unknown policy '\(text)'; use one of \(ColumnPolicy.names.joined(separator: ", ")) (generalize:WIDTH buckets numbers)")
            }
            policies[column] = policy
        }
        byColumn = policies
    }

    /// Checks every policy against the table's schema: the columns exist, and generalize meets
    /// numbers or dates.
    public func validate(against schema: Schema, sample: DataTable?) throws {
        for (name, policy) in byColumn.sorted(by: { $0.key < $1.key }) {
            guard let column = schema.column(named: name) else {
                throw DataError(name, "no column named '\(name)'; columns: \(schema.columns.map(\.name).joined(separator: ", "))")
            }
            if case .generalize = policy, column.kind != .numeric {
                let values = sample?.column(named: name).map { c in (0..<c.data.count).compactMap { c.data.string(at: $0) } } ?? []
                guard !values.isEmpty, values.allSatisfy({ DateValue($0) != nil }) else {
                    throw DataError(name, "generalize buckets numbers or turns dates into months; '\(name)' holds other text")
                }
            }
        }
    }

    /// One value under its column's policy; nil when the column is dropped.
    public func apply(_ value: String?, column: String, pseudonym: (String) -> String) -> String?? {
        guard let policy = byColumn[column] else { return .some(value) }
        guard let value else { return policy == .drop ? .none : .some(nil) }
        switch policy {
        case .drop: return .none
        case .mask: return .some(ColumnPolicy.mask(value))
        case .hash: return .some(pseudonym(value))
        case .generalize(let width):
            if let number = Double(value) { return .some(formatNumber(ColumnPolicy.bucket(number, width: width))) }
            return .some(ColumnPolicy.month(value) ?? ColumnPolicy.mask(value))
        }
    }

    /// The table with every policy applied: dropped columns gone, the rest transformed.
    public func apply(to table: DataTable, pseudonym: (String) -> String) -> DataTable {
        guard !isEmpty else { return table }
        return DataTable(columns: table.columns.compactMap { column in
            guard let policy = byColumn[column.name] else { return column }
            switch (policy, column.data) {
            case (.drop, _): return nil
            case (.generalize(let width), .numeric(let values)):
                return Column(name: column.name, data: .numeric(values.map { $0.isNaN ? $0 : ColumnPolicy.bucket($0, width: width) }))
            default:
                let values = (0..<column.data.count).map { row in apply(column.data.string(at: row), column: column.name, pseudonym: pseudonym) ?? nil }
                return Column(name: column.name, data: .text(values))
            }
        })
    }

    /// Raw request records under the policies (a served model sees inputs as it was trained).
    public func apply(to records: [[String: CellValue]], pseudonym: (String) -> String) -> [[String: CellValue]] {
        guard !isEmpty else { return records }
        return records.map { record in
            var out: [String: CellValue] = [:]
            for (name, cell) in record {
                guard let policy = byColumn[name] else { out[name] = cell; continue }
                switch (policy, cell) {
                case (.drop, _): continue
                case (.generalize(let width), .number(let n)): out[name] = .number(ColumnPolicy.bucket(n, width: width))
                case (_, .missing): out[name] = cell
                default:
                    let text: String
                    switch cell {
                    case .number(let n): text = formatNumber(n)
                    case .string(let s): text = s
                    case .missing: continue
                    }
                    if let value = apply(text, column: name, pseudonym: pseudonym), let value { out[name] = .string(value) }
                }
            }
            return out
        }
    }
}
